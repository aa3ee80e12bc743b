"""PostgreSQL restarted under load: visitors get a friendly page with a reference, the pool recovers, and no
half-written registration is left behind.

The drill runs its own PostgreSQL server (initdb in a temporary folder), so it can stop and start it for real without
touching the server the other tests share.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import subprocess
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import flask_migrate
import pytest
import sqlalchemy as sa

from sto_events.accounts.models import Role
from sto_events.accounts.services import create_user
from sto_events.core.extensions import db
from sto_events.notifications import outbox
from sto_events.notifications.models import OutboxMessage, OutboxStatus
from sto_events.registrations.models import Registration
from tests.conftest import PASSWORD, free_port, require
from tests.registrations.test_races import assert_consistent
from tests.registrations.test_routes import form_data

PG_BINARIES = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
WORKERS = 6
OUTAGE_SECONDS = 2.0
#: After the server accepts connections again, every request that starts this much later must succeed.
RECOVERY_GRACE_SECONDS = 1.0


class OwnPostgres:
    """A throw-away PostgreSQL cluster on a free port, stopped and started with pg_ctl."""

    def __init__(self, bin_dir: Path, base: Path):
        self.bin_dir, self.base, self.data = bin_dir, base, base / "data"
        self.port = free_port()
        # initdb and postgres refuse to run as root; run them as the postgres user then.
        self.prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/sto"

    def _run(self, *args: str) -> None:
        subprocess.run([*self.prefix, *args], check=True, capture_output=True, timeout=120)

    def init(self) -> None:
        self._run(str(self.bin_dir / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres",
                  "-E", "UTF8", "--locale=C", "--no-sync")
        self.start()
        self._run(str(self.bin_dir / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "sto")

    def start(self) -> None:
        options = (f"-p {self.port} -k {self.base} -c listen_addresses=127.0.0.1 -c fsync=off "
                   "-c max_connections=60")
        self._run(str(self.bin_dir / "pg_ctl"), "-D", str(self.data), "-l", str(self.base / "server.log"),
                  "-o", options, "-w", "start")

    def stop(self, mode: str = "fast") -> None:
        self._run(str(self.bin_dir / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop")


@pytest.fixture
def own_postgres():
    if not PG_BINARIES:
        require("REQUIRE_POSTGRES", "PostgreSQL server binaries (initdb) not found under /usr/lib/postgresql")
    if os.geteuid() == 0 and not shutil.which("runuser"):
        require("REQUIRE_POSTGRES", "running as root without runuser: cannot start a PostgreSQL server")
    base = Path(tempfile.mkdtemp(prefix="sto-pg-"))
    if os.geteuid() == 0:
        shutil.chown(base, "postgres")
    server = OwnPostgres(PG_BINARIES[-1].parent, base)
    try:
        server.init()
    except (OSError, subprocess.SubprocessError) as exc:
        shutil.rmtree(base, ignore_errors=True)
        detail = getattr(exc, "stderr", b"") or b""
        require("REQUIRE_POSTGRES", f"could not start a PostgreSQL server of our own: {exc} {detail[-300:]!r}")
    yield server
    try:
        server.stop("immediate")
    except subprocess.SubprocessError:
        pass
    shutil.rmtree(base, ignore_errors=True)


@dataclass
class Outcome:
    kind: str  # "page" (GET of the form) or "sign_up" (the POST)
    email: str
    started: float
    ended: float
    status: int
    body: str


def load(app, url: str, meeting, stop: threading.Event, outcomes: list[Outcome], worker: int) -> None:
    """One visitor after another: fetch the form, then sign up with a new address."""
    client = app.test_client()
    number = 0
    while not stop.is_set():
        number += 1
        email = f"w{worker}-{number}@drill.nl"
        started = time.monotonic()
        page = client.get(url)
        body = page.get_data(as_text=True)
        outcomes.append(Outcome("page", email, started, time.monotonic(), page.status_code, body))
        if page.status_code != 200:
            continue
        token = re.search(r'name="csrf-token" content="([^"]+)"', body).group(1)
        started = time.monotonic()
        response = client.post(url, data={**form_data(meeting, email=email), "csrf_token": token})
        outcomes.append(Outcome("sign_up", email, started, time.monotonic(), response.status_code,
                                response.get_data(as_text=True)))


def organiser_load(app, stop: threading.Event, outcomes: list[Outcome]) -> None:
    """A logged-in organiser keeps opening the back office: its error page must not need the database either."""
    client = app.test_client()
    page = client.get("/inloggen").get_data(as_text=True)
    token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
    login = client.post("/inloggen", data={"email": "olga@drill.nl", "password": PASSWORD, "csrf_token": token})
    assert login.status_code == 303
    while not stop.is_set():
        started = time.monotonic()
        response = client.get("/beheer/")
        outcomes.append(Outcome("back_office", "", started, time.monotonic(), response.status_code,
                                response.get_data(as_text=True)))


def wait_for(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def test_postgres_restarted_under_load(own_postgres, app_factory, make_meeting, smtp, caplog):
    app = app_factory(own_postgres.url, MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp.port, DB_LOCK_TIMEOUT_SECONDS=5)
    with app.app_context():
        flask_migrate.upgrade()
        # Fewer seats than sign-ups, so both confirmed and wait-listed people are written during the outage.
        meeting = make_meeting(db.session, capacity=40, rounds=((200, 200),))
        ref = type("Ref", (), {"rounds": [type("R", (), {"field": f"round_{r.id}",
                                                          "workshops": [w.id for w in r.workshops]})
                                          for r in meeting.rounds]})
        url, meeting_id = f"/bijeenkomsten/{meeting.slug}/aanmelden", meeting.id

    with app.app_context():
        create_user(db.session, "olga@drill.nl", "Olga Organisator", Role.ORGANISER, PASSWORD)
    caplog.set_level(logging.INFO)
    stop, outcomes = threading.Event(), []
    threads = [threading.Thread(target=load, args=(app, url, ref, stop, outcomes, n)) for n in range(WORKERS)]
    threads.append(threading.Thread(target=organiser_load, args=(app, stop, outcomes)))

    def sender():
        with app.app_context():
            outbox.run_forever(db.session, interval=0.2, stop=stop)
            db.session.remove()

    threads.append(threading.Thread(target=sender))
    for thread in threads:
        thread.start()

    def signed_up_since(moment: float) -> int:
        return sum(1 for o in list(outcomes) if o.kind == "sign_up" and o.status == 303 and o.started >= moment)

    try:
        wait_for(lambda: signed_up_since(0) >= 15, 60, "sign-ups before the outage")
        down_at = time.monotonic()
        own_postgres.stop("immediate")  # as a crash: open transactions are cut off, recovery runs at start
        time.sleep(OUTAGE_SECONDS)
        own_postgres.start()
        up_at = time.monotonic()
        wait_for(lambda: signed_up_since(up_at + RECOVERY_GRACE_SECONDS) >= 15, 60, "sign-ups after the restart")
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)

    statuses = Counter((o.kind, o.status) for o in outcomes)
    assert set(statuses) <= {("page", 200), ("page", 503), ("sign_up", 303), ("sign_up", 503),
                             ("back_office", 200), ("back_office", 503)}, statuses
    assert ("back_office", 200) in statuses

    # During the outage visitors got the friendly page with a reference, and nothing of the failure itself.
    refused = [o for o in outcomes if o.status == 503]
    assert refused, f"the outage was not noticed: {statuses}"
    assert all(down_at - 5 <= o.started <= up_at + RECOVERY_GRACE_SECONDS for o in refused)
    references = set()
    for outcome in refused:
        assert "Even niet beschikbaar" in outcome.body and "Probeer het over een paar minuten opnieuw" in outcome.body
        references.add(re.search(r"Referentie: <strong>([0-9a-f]{8})</strong>", outcome.body).group(1))
        for leak in ("Traceback", "psycopg", "OperationalError", "SELECT", "INSERT", f":{own_postgres.port}"):
            assert leak not in outcome.body
    # Every reference shown is in the log, so a visitor's report can be found.
    logged = " ".join(r.getMessage() for r in caplog.records)
    assert all(reference in logged for reference in references)
    assert not [r for r in caplog.records if r.exc_info and r.name.startswith(("sto_events", "flask"))]
    assert max(o.ended - o.started for o in outcomes) < 10, "a request hung on the dead connection"

    # The pool recovered: after the grace second, every request succeeded.
    after = [o for o in outcomes if o.started >= up_at + RECOVERY_GRACE_SECONDS]
    assert len(after) >= 15 and all(o.status in (200, 303) for o in after)

    with app.app_context():
        registrations = db.session.scalars(sa.select(Registration)).all()
        emails = {r.email for r in registrations}
        # Everyone who was told "signed up" is registered; nobody is registered twice.
        answered = {o.email for o in outcomes if o.kind == "sign_up" and o.status == 303}
        assert answered <= emails
        assert len(emails) == len(registrations)
        # No half-written registration: counters match the rows, each registration has its workshop and its mail.
        assert_consistent(db.session, meeting_id)
        assert all(len(r.choices) == 1 for r in registrations)
        mails = Counter(db.session.scalars(sa.select(OutboxMessage.recipient)))
        assert set(mails) == emails and set(mails.values()) == {1}

        # A mail claimed just before the crash keeps its claim until the lease runs out; then it goes too.
        stuck = db.session.scalar(sa.select(sa.func.count(OutboxMessage.id))
                                  .where(OutboxMessage.status == OutboxStatus.SENDING))
        lease, outbox.CLAIM_LEASE = outbox.CLAIM_LEASE, timedelta(0)
        try:
            outbox.run_once(db.session)
        finally:
            outbox.CLAIM_LEASE = lease
        left = db.session.scalars(sa.select(OutboxMessage.status).where(OutboxMessage.status != OutboxStatus.SENT))
        assert list(left) == []
    delivered = Counter(address for message in smtp.inbox.messages for address in message["to"])
    assert set(delivered) == emails
    # At least once: only a mail whose "sent" mark was lost in the crash can arrive twice.
    assert sum(delivered.values()) - len(emails) <= stuck
