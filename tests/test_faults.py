"""Faults: a lock held elsewhere, and a process killed just before or just after its commit."""

import os
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from sto_events.core.extensions import db
from sto_events.notifications.models import OutboxMessage
from sto_events.registrations.models import Registration
from tests.conftest import deliver_outbox
from tests.registrations.test_routes import sign_up

ROOT = Path(__file__).resolve().parent.parent


def ref(slug, field, workshop):
    """What the sign-up helper needs to know about a meeting."""
    return SimpleNamespace(slug=slug, rounds=[SimpleNamespace(field=field, workshops=[workshop])])


def test_sqlite_lock_held_elsewhere_gives_a_try_again_page(app_factory, make_meeting):
    app = app_factory(DB_LOCK_TIMEOUT_SECONDS=1)
    client = app.test_client()
    with app.app_context():
        meeting = make_meeting(db.session)
        slug, field, workshop = meeting.slug, f"round_{meeting.rounds[0].id}", meeting.rounds[0].workshops[0].id
        path = db.engine.url.database
    blocker = sqlite3.connect(path, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")  # another process holds the write lock
    try:
        started = time.monotonic()
        response = sign_up(client, ref(slug, field, workshop))
        waited = time.monotonic() - started
    finally:
        blocker.rollback()
        blocker.close()
    page = response.get_data(as_text=True)
    assert response.status_code == 503
    assert "Probeer het over een paar minuten opnieuw" in page and "Referentie" in page
    assert waited < 6
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Registration.id))) == 0


def test_postgres_row_lock_held_elsewhere_gives_a_try_again_page(request, make_meeting):
    app = request.getfixturevalue("pg_app_factory")(DB_LOCK_TIMEOUT_SECONDS=1)
    client = app.test_client()
    with app.app_context():
        meeting = make_meeting(db.session)
        slug, field, workshop = meeting.slug, f"round_{meeting.rounds[0].id}", meeting.rounds[0].workshops[0].id
        blocker = db.engine.connect()
        transaction = blocker.begin()
        blocker.execute(sa.text("SELECT id FROM meeting WHERE id = :id FOR UPDATE"), {"id": meeting.id})
    try:
        started = time.monotonic()
        response = sign_up(client, ref(slug, field, workshop))
        waited = time.monotonic() - started
    finally:
        transaction.rollback()
        blocker.close()
    assert response.status_code == 503
    assert "Referentie" in response.get_data(as_text=True)
    assert waited < 6


CRASHING_SIGN_UP = textwrap.dedent("""
    import os, sys
    from sqlalchemy.orm import Session
    from sto_events import create_app
    from sto_events.core.extensions import db
    from sto_events.meetings.models import Meeting
    from sto_events.registrations import services
    from tests.registrations.helpers import signup_data

    database, mode = sys.argv[1], sys.argv[2]
    app = create_app({"SQLALCHEMY_DATABASE_URI": database, "SECRET_KEY": "test-secret", "BASE_URL": "http://sto.test"})
    real_commit = Session.commit

    def dying_commit(self):
        if mode == "before":
            os._exit(9)  # killed with the transaction still open
        real_commit(self)
        os._exit(9)  # killed right after the commit, before answering

    with app.app_context():
        meeting = db.session.scalar(db.select(Meeting))
        Session.commit = dying_commit
        services.sign_up(db.session, meeting, signup_data(meeting, "crash@school.nl"))
""")


@pytest.mark.parametrize("mode", ["before", "after"])
def test_a_process_killed_around_its_commit(app_factory, make_meeting, smtp, tmp_path, mode):
    app = app_factory(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp.port)
    with app.app_context():
        make_meeting(db.session)
        database = str(db.engine.url)
        db.engine.dispose()
    script = tmp_path / "crash.py"
    script.write_text(CRASHING_SIGN_UP)
    result = subprocess.run([sys.executable, str(script), database, mode], cwd=ROOT, capture_output=True,
                            env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=120)
    assert result.returncode == 9, result.stderr.decode()[-2000:]
    with app.app_context():
        registrations = db.session.scalar(sa.select(sa.func.count(Registration.id)))
        mails = db.session.scalar(sa.select(sa.func.count(OutboxMessage.id)))
    if mode == "before":
        assert (registrations, mails) == (0, 0)  # neither the registration nor its mail
    else:
        assert (registrations, mails) == (1, 1)
        assert deliver_outbox(app) == 1  # the sender, started again, still sends it
        assert [m["to"] for m in smtp.inbox.messages] == [["crash@school.nl"]]
