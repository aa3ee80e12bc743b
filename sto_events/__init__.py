"""STO Events: sign-ups, workshops and invitations for Sterk Techniekonderwijs meetings."""

from __future__ import annotations

import importlib
import logging
import os
from pathlib import Path

from flask import Flask, has_request_context, request, session
from sqlalchemy import event
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import BaseConverter, IntegerConverter

from .core.config import Config
from .core.extensions import babel, compress, csrf, db, htmx, login_manager, mail, migrate

ROOT = Path(__file__).resolve().parent.parent

#: Every module with a blueprint `bp`: each domain's public pages (`routes`), then the back office: its shell and
#: each domain's management pages (`manage`).
BLUEPRINT_MODULES = (
    "site", "meetings.routes", "registrations.routes", "places.routes", "organisations.routes",
    "organisations.signup", "regions.routes", "organisations.scope", "regions.scope",
    "accounts.routes",
    "backoffice.routes", "meetings.manage", "registrations.manage", "accounts.manage", "audit.manage",
    "reporting.manage", "organisations.manage", "regions.manage",
)
#: Modules that answer signals sent by a lower layer (a meeting moved, was cancelled, grew).
SIGNAL_RECEIVERS = ("registrations.effects",)


class SlugConverter(BaseConverter):
    """Meeting slugs: anything else is a 404 before it reaches the database."""

    regex = r"[a-z0-9][a-z0-9-]{0,119}"


class BoundedIntConverter(IntegerConverter):
    """Ids fit a database integer; a larger number is a 404, not an overflow."""

    def __init__(self, url_map, fixed_digits=0, min=None, max=2**31 - 1, signed=False):  # noqa: A002
        super().__init__(url_map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


class TokenConverter(BaseConverter):
    """Signed or random URL-safe tokens."""

    regex = r"[A-Za-z0-9_.-]{1,400}"


def create_app(config: dict | None = None) -> Flask:
    """Build the app; `config` overrides settings (tests pass their database and mail server here)."""
    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
        # STO_INSTANCE_PATH: somewhere else for the SQLite file and saved mail (`make audit` uses a temporary one).
        instance_path=os.environ.get("STO_INSTANCE_PATH") or str(ROOT / "instance"),
    )
    settings = Config(app.instance_path)
    app.config.from_object(settings)
    if config:
        app.config.update(config)
    settings.SECRET_KEY = app.config["SECRET_KEY"]
    settings.ENV_NAME = app.config["ENV_NAME"]
    settings.check()
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    if app.config["PROXY_COUNT"]:
        # Behind a reverse proxy: take the client address and scheme from its headers (rate limits, HSTS).
        n = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)
    app.url_map.converters.update(slug=SlugConverter, token=TokenConverter, int=BoundedIntConverter)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")

    from . import models  # noqa: F401  (every table registered before Alembic or the app looks)
    from .ratelimits import web as ratelimits

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    mail.init_app(app)
    _configure_login(app)
    htmx.init_app(app)
    ratelimits.init_app(app)
    csrf.init_app(app)
    # Registered before every other after_request hook, so it runs after them (Flask runs them in reverse).
    compress.init_app(app)
    babel.init_app(app, locale_selector=_select_locale, default_translation_directories=str(ROOT / "translations"))
    with app.app_context():
        _configure_engine(db.engine, app.config["DB_LOCK_TIMEOUT_SECONDS"])

    for name in BLUEPRINT_MODULES:
        app.register_blueprint(importlib.import_module(f"{__name__}.{name}").bp)
    for name in SIGNAL_RECEIVERS:
        importlib.import_module(f"{__name__}.{name}")  # connects its receivers to the signals of lower layers

    from .cli import register_cli
    from .core import assets, errors, pagecache, templating

    errors.register(app)
    templating.register(app)
    pagecache.register(app)
    register_cli(app)
    assets.register(app)
    return app


def _configure_login(app: Flask) -> None:
    from flask_babel import lazy_gettext as _l  # the name `pybabel extract -k _l` finds

    from .accounts.services import load_user

    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("Log in om deze pagina te bekijken.")
    login_manager.login_message_category = "info"
    login_manager.user_loader(lambda user_id: load_user(db.session, user_id))
    from .accounts import sessions

    app.before_request(sessions.check)


def _select_locale() -> str:
    chosen = session.get("lang")
    if chosen in ("nl", "en"):
        return chosen
    return "nl"


def _unicode_lower(value):
    return value.lower() if isinstance(value, str) else value


def _configure_engine(engine, lock_timeout: int) -> None:
    """Give up waiting for a lock after `lock_timeout` seconds (the visitor gets a 'try again' page).

    SQLite also gets WAL and BEGIN IMMEDIATE for writers, so that no two of them read the same seat count.
    """
    if engine.dialect.name == "postgresql":

        @event.listens_for(engine, "connect")
        def _on_pg_connect(dbapi_connection, _record):
            with dbapi_connection.cursor() as cursor:
                cursor.execute(f"SET lock_timeout = {int(lock_timeout * 1000)}")
            dbapi_connection.commit()

    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None
        # SQLite's own lower() only knows ASCII; searches must match "Çelik" as PostgreSQL does.
        dbapi_connection.create_function("lower", 1, _unicode_lower, deterministic=True)
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={int(lock_timeout * 1000)}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        # Writers take the write lock at the start, so no two of them read the same seat count. Page views
        # (GET/HEAD, which never write) start a plain deferred transaction and read beside them (WAL).
        reading = has_request_context() and request.method in ("GET", "HEAD")
        connection.exec_driver_sql("BEGIN" if reading else "BEGIN IMMEDIATE")


__all__ = ["create_app"]
