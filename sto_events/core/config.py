"""Settings, read from the environment once at start-up."""

import os
from pathlib import Path

DEFAULT_SECRET_KEY = "dev-only-change-me"


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


class Config:
    """Defaults for development; every value can be overridden by an environment variable."""

    def __init__(self, instance_path: str):
        env = os.environ.get
        self.ENV_NAME = env("STO_ENV", "development")
        self.SECRET_KEY = env("SECRET_KEY", DEFAULT_SECRET_KEY)
        sqlite_path = Path(instance_path) / "sto_events.sqlite"
        self.SQLALCHEMY_DATABASE_URI = _normalise_db_url(env("DATABASE_URL", f"sqlite:///{sqlite_path}"))
        self.SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
        #: Seconds a request waits for a database lock before it answers "busy, try again" (503).
        self.DB_LOCK_TIMEOUT_SECONDS = _int("DB_LOCK_TIMEOUT_SECONDS", 10)
        # Absolute links in mail and calendar files are built from this, never from the request.
        self.BASE_URL = env("BASE_URL", "http://127.0.0.1:5000").rstrip("/")
        self.MAIL_SERVER = env("MAIL_SERVER", "")
        self.MAIL_PORT = _int("MAIL_PORT", 25)
        self.MAIL_USE_TLS = env("MAIL_USE_TLS", "") == "1"
        self.MAIL_USERNAME = env("MAIL_USERNAME") or None
        self.MAIL_PASSWORD = env("MAIL_PASSWORD") or None
        self.MAIL_DEFAULT_SENDER = env("MAIL_DEFAULT_SENDER", "bijeenkomsten@sterktechniekonderwijs.example")
        #: Where people write when something on their pages is wrong that only the support team can change; the
        #: default is an example address under the sender's domain, to be replaced on a real installation.
        self.SUPPORT_EMAIL = env("SUPPORT_EMAIL", "ondersteuning@sterktechniekonderwijs.example")
        #: Display name beside the sender address (From) and of the ORGANIZER in calendar files.
        self.MAIL_SENDER_NAME = env("MAIL_SENDER_NAME", "Sterk Techniekonderwijs")
        # Sending is never suppressed, not even in tests: the outbox decides what goes out.
        self.MAIL_SUPPRESS_SEND = False
        self.MAIL_TIMEOUT = _int("MAIL_TIMEOUT", 10)
        # Where mails go when no MAIL_SERVER is set: one .eml file per message.
        self.MAIL_FILE_DIR = env("MAIL_FILE_DIR", str(Path(instance_path) / "mail"))
        self.OUTBOX_MAX_ATTEMPTS = _int("OUTBOX_MAX_ATTEMPTS", 8)
        self.OUTBOX_BACKOFF_SECONDS = _int("OUTBOX_BACKOFF_SECONDS", 30)
        #: Number of reverse proxies in front of the app whose X-Forwarded-* headers are trusted.
        self.PROXY_COUNT = _int("PROXY_COUNT", 0)
        #: Where attempts are counted: unset → the database (shared by every worker and process);
        #: `redis://…` in production, through Flask-Limiter's storage.
        self.RATELIMIT_STORAGE_URI = env("RATELIMIT_STORAGE_URI", "")
        #: Logged-in sessions end after this much inactivity, and in any case after the absolute limit.
        self.SESSION_IDLE_MINUTES = _int("SESSION_IDLE_MINUTES", 30)
        self.SESSION_ABSOLUTE_HOURS = _int("SESSION_ABSOLUTE_HOURS", 12)
        self.LOGIN_RATE_LIMIT_CLIENT = env("LOGIN_RATE_LIMIT_CLIENT", "20 per 15 minutes")
        self.LOGIN_RATE_LIMIT_ACCOUNT = env("LOGIN_RATE_LIMIT_ACCOUNT", "5 per 15 minutes")
        self.SIGNUP_RATE_LIMIT = env("SIGNUP_RATE_LIMIT", "10 per minute; 60 per hour")
        #: Months after a meeting before its registrations are anonymised (`flask purge-personal-data`).
        self.RETENTION_MONTHS = _int("RETENTION_MONTHS", 12)
        self.MANAGE_LINK_MAX_AGE_DAYS = _int("MANAGE_LINK_MAX_AGE_DAYS", 180)
        #: Seconds an anonymous view of the home page, meeting list or meeting detail is reused (0: never).
        self.PAGE_CACHE_SECONDS = _int("PAGE_CACHE_SECONDS", 5)
        # Pages and fragments go out brotli- or gzip-compressed when the browser asks (static files are compressed
        # once at build time, see assets.py).
        self.COMPRESS_ALGORITHM = ["br", "gzip"]
        self.COMPRESS_MIMETYPES = ["text/html", "text/css", "text/plain", "text/calendar",
                                   "application/javascript", "application/json", "image/svg+xml"]
        self.COMPRESS_BR_LEVEL = 5
        self.COMPRESS_LEVEL = 6
        #: Who is responsible for the personal data (the privacy statement names them); empty shows a marked
        #: placeholder, so an installation that forgot them is visible at once.
        self.PRIVACY_CONTROLLER_NAME = env("PRIVACY_CONTROLLER_NAME", "")
        self.PRIVACY_CONTROLLER_ADDRESS = env("PRIVACY_CONTROLLER_ADDRESS", "")
        self.PRIVACY_CONTACT_EMAIL = env("PRIVACY_CONTACT_EMAIL", "")
        self.BABEL_DEFAULT_LOCALE = "nl"
        self.BABEL_DEFAULT_TIMEZONE = "Europe/Amsterdam"
        self.LANGUAGES = ["nl", "en"]
        self.WTF_CSRF_TIME_LIMIT = None
        self.MAX_CONTENT_LENGTH = 1024 * 1024
        self.SESSION_COOKIE_HTTPONLY = True
        self.SESSION_COOKIE_SAMESITE = "Lax"
        self.SESSION_COOKIE_SECURE = self.ENV_NAME == "production"

    def check(self) -> None:
        """Refuse to run production with settings that are only safe on a developer's machine."""
        if self.ENV_NAME == "production" and self.SECRET_KEY == DEFAULT_SECRET_KEY:
            raise RuntimeError("SECRET_KEY must be set to a secret value when STO_ENV=production")


def _normalise_db_url(url: str) -> str:
    """Accept the common postgres:// spellings and use the psycopg 3 driver for them."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url
