"""Shared fixtures: a migrated database per test, a real SMTP server, factories, and PostgreSQL when present."""

from __future__ import annotations

import os
import shutil
import socket
import threading
import uuid
from datetime import timedelta
from email import message_from_bytes, policy

# Argon2 at its real cost makes every login of the suite take a tenth of a second; the suite checks the rules, not
# the cost. Set before the app is imported anywhere, so gunicorn workers started by tests inherit it too.
os.environ.setdefault("PASSWORD_HASH_TIME_COST", "1")
os.environ.setdefault("PASSWORD_HASH_MEMORY_KIB", "1024")

import flask_migrate
import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller

from sto_events import create_app
from sto_events.core.extensions import db
from sto_events.core.timeutil import utcnow
from sto_events.meetings.models import Meeting, MeetingStatus, Workshop, WorkshopRound
from sto_events.notifications import outbox

PG_ADMIN_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def require(flag: str, reason: str):
    """Skip with a reason, or fail when CI demands the dependency (REQUIRE_POSTGRES=1 / REQUIRE_BROWSER=1)."""
    if os.environ.get(flag) == "1":
        pytest.fail(f"{reason} (and {flag}=1 forbids skipping)")
    pytest.skip(reason)


def base_config(database_url: str, tmp_path, **overrides) -> dict:
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "BASE_URL": "http://sto.test",
        "MAIL_SERVER": "",
        "MAIL_FILE_DIR": str(tmp_path / "mail"),
        "MAIL_DEFAULT_SENDER": "bijeenkomsten@sto.test",
        "OUTBOX_BACKOFF_SECONDS": 0,
        "SIGNUP_RATE_LIMIT": "10000 per minute",
        "PAGE_CACHE_SECONDS": 0,  # tests/meetings/test_page_cache.py switches it on
    }
    config.update(overrides)
    return config


def upgrade(app) -> None:
    with app.app_context():
        flask_migrate.upgrade()
        db.engine.dispose()


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory):
    """A SQLite file migrated once; each test gets its own copy."""
    directory = tmp_path_factory.mktemp("template")
    path = directory / "template.sqlite"
    upgrade(create_app(base_config(f"sqlite:///{path}", directory)))
    return path


@pytest.fixture
def app_factory(tmp_path, migrated_sqlite):
    """Build an app on a fresh copy of the migrated database; keyword arguments override settings."""
    made = []

    def make(database_url: str | None = None, **overrides):
        if database_url is None:
            path = tmp_path / f"app-{len(made)}.sqlite"
            shutil.copy(migrated_sqlite, path)
            database_url = f"sqlite:///{path}"
        application = create_app(base_config(database_url, tmp_path, **overrides))
        made.append(application)
        return application

    yield make
    for application in made:
        with application.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def app(app_factory, request):
    overrides = getattr(request, "param", {}) or {}
    return app_factory(**overrides)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def session(app):
    """The app's database session inside an app context, for service tests."""
    with app.app_context():
        yield db.session


class Inbox:
    """Messages a real aiosmtpd server received."""

    def __init__(self):
        self.messages = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, smtp_session, envelope):
        with self.lock:
            self.messages.append(
                {
                    "from": envelope.mail_from,
                    "to": list(envelope.rcpt_tos),
                    "message": message_from_bytes(envelope.original_content or envelope.content, policy=policy.default),
                }
            )
        return "250 OK"

    def to(self, address: str):
        return [m["message"] for m in self.messages if address in m["to"]]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class SmtpServer:
    def __init__(self, port: int | None = None):
        self.port = port or free_port()
        self.inbox = Inbox()
        self.controller = None

    def start(self):
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()
        return self

    def stop(self):
        if self.controller:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def smtp():
    """A real SMTP server on a free local port; `smtp.inbox.messages` is what arrived."""
    server = SmtpServer().start()
    yield server
    server.stop()


@pytest.fixture
def mail_app(app_factory, smtp):
    """An app whose mails go to the test's SMTP server."""
    return app_factory(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp.port)


def deliver_outbox(app) -> int:
    with app.app_context():
        return outbox.run_once(db.session)


def attachment(message, content_type="text/calendar"):
    for part in message.walk():
        if part.get_content_type() == content_type:
            return part
    return None


@pytest.fixture
def make_meeting():
    """Factory: a published meeting in about a month; `rounds` lists each round's workshop capacities."""

    def make(session, *, capacity=50, rounds=((20, 20),), title="Themabijeenkomst Testplaats", **overrides):
        start = (utcnow() + timedelta(days=30)).replace(hour=12, minute=0, second=0, microsecond=0)
        meeting = Meeting(
            slug=overrides.pop("slug", f"test-{uuid.uuid4().hex[:8]}"),
            title=title,
            description="Test",
            city=overrides.pop("city", "Zwolle"),
            venue=overrides.pop("venue", "Testlocatie"),
            starts_at=start,
            ends_at=start + timedelta(hours=4),
            capacity=capacity,
            status=overrides.pop("status", MeetingStatus.PUBLISHED),
            **overrides,
        )
        for index, capacities in enumerate(rounds, start=1):
            round_start = start + timedelta(hours=index)
            workshop_round = WorkshopRound(
                title=f"Ronde {index}", starts_at=round_start, ends_at=round_start + timedelta(minutes=50)
            )
            workshop_round.workshops = [
                Workshop(title=f"Workshop {index}{chr(64 + n)}", hosts="Host", capacity=c)
                for n, c in enumerate(capacities, start=1)
            ]
            meeting.rounds.append(workshop_round)
        session.add(meeting)
        session.commit()
        return meeting

    return make


@pytest.fixture(scope="session")
def postgres_url():
    """A fresh PostgreSQL database for this test run, migrated; dropped afterwards."""
    admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
    except Exception as exc:  # noqa: BLE001 - any failure to connect means "not available"
        admin.dispose()
        require("REQUIRE_POSTGRES", f"PostgreSQL not reachable at {PG_ADMIN_URL}: {exc.__class__.__name__}")
    name = f"sto_test_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = sa.engine.make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    yield url
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def pg_app_factory(app_factory, postgres_url):
    """Build an app on PostgreSQL with an emptied, freshly migrated schema; keyword arguments override settings."""

    def make(**overrides):
        application = app_factory(postgres_url, **overrides)
        with application.app_context():
            with db.engine.begin() as conn:
                conn.execute(sa.text("DROP SCHEMA public CASCADE"))
                conn.execute(sa.text("CREATE SCHEMA public"))
            flask_migrate.upgrade()
        return application

    return make


@pytest.fixture
def pg_app(pg_app_factory):
    return pg_app_factory()


@pytest.fixture
def add_meeting(app, make_meeting):
    """For HTTP tests: create a meeting in a short app context and return plain ids (no open context
    leaks into the requests the test then makes)."""
    from types import SimpleNamespace

    def add(**kwargs):
        with app.app_context():
            meeting = make_meeting(db.session, **kwargs)
            return SimpleNamespace(
                id=meeting.id,
                slug=meeting.slug,
                title=meeting.title,
                rounds=[
                    SimpleNamespace(id=r.id, field=f"round_{r.id}", workshops=[w.id for w in r.workshops])
                    for r in meeting.rounds
                ],
            )

    return add


PASSWORD = "een lang en sterk wachtwoord"


def page_csrf(client, url="/inloggen") -> str:
    import re

    page = client.get(url).get_data(as_text=True)
    return re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)


@pytest.fixture
def make_user(app):
    """Factory: an account with a password, in its own short app context; returns its e-mail."""
    from sto_events.accounts.models import Role
    from sto_events.accounts.services import create_user

    def make(role=Role.ORGANISER, email=None, name="Test Gebruiker"):
        email = email or f"{role.value}-{uuid.uuid4().hex[:6]}@stotest.nl"
        with app.app_context():
            create_user(db.session, email, name, role, PASSWORD)
        return email

    return make


@pytest.fixture
def login_as(client, make_user):
    """Log the test client in with a new account of this role; returns the e-mail."""
    from sto_events.accounts.models import Role

    def login(role=Role.ORGANISER):
        email = make_user(role)
        response = client.post(
            "/inloggen", data={"email": email, "password": PASSWORD, "csrf_token": page_csrf(client)}
        )
        assert response.status_code == 303, response.get_data(as_text=True)
        return email

    return login


@pytest.fixture(params=["sqlite", "postgresql"])
def race_app(request, app_factory):
    """The same drill on both databases; under a rush requests queue for locks, so they may wait long here."""
    if request.param == "postgresql":
        return request.getfixturevalue("pg_app_factory")(DB_LOCK_TIMEOUT_SECONDS=120)
    return app_factory(DB_LOCK_TIMEOUT_SECONDS=120)
