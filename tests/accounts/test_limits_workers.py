"""The limits hold with two real worker processes: gunicorn with 2 sync workers on a free port, as `make run` serves,
against a temporary SQLite database; counted in the database (the default) and, where Redis answers, in Redis."""

from __future__ import annotations

import http.client
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import time
import urllib.parse
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from sto_events import create_app
from sto_events.accounts.models import Role
from sto_events.accounts.services import create_user
from sto_events.core.extensions import db
from sto_events.core.timeutil import utcnow
from sto_events.meetings.models import Meeting, MeetingStatus
from sto_events.registrations.models import Registration
from tests.conftest import PASSWORD, base_config, free_port
from tests.ratelimits.test_services import redis_url

ROOT = Path(__file__).resolve().parents[2]


class Server:
    """gunicorn serving wsgi:app with two sync workers, each replaced after four requests; the access log names the
    worker (pid) of every answer."""

    def __init__(self, tmp_path: Path, database_url: str, storage_uri: str):
        self.port = free_port()
        self.access_log = tmp_path / "access.log"
        self.error_log = tmp_path / "error.log"
        env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "SECRET_KEY": secrets.token_hex(16),  # a fresh key: fresh hashes, so Redis keys of earlier runs never count
            "RATELIMIT_STORAGE_URI": storage_uri,
            "LOGIN_RATE_LIMIT_ACCOUNT": "5 per 15 minutes",
            "LOGIN_RATE_LIMIT_CLIENT": "20 per 15 minutes",
            "SIGNUP_RATE_LIMIT": "3 per minute; 60 per hour",
            "MAIL_FILE_DIR": str(tmp_path / "mail"),
            "PAGE_CACHE_SECONDS": "0",
        }
        self.process = subprocess.Popen(
            # Each worker is replaced after a few requests, so neither can answer everything alone (a fast request
            # could otherwise always land on the same worker) and counts must also outlive a worker.
            [sys.executable, "-m", "gunicorn", "--workers", "2", "--worker-class", "sync", "--max-requests", "4",
             "--bind", f"127.0.0.1:{self.port}", "--access-logfile", str(self.access_log),
             "--access-logformat", "%(p)s %(m)s %(U)s %(s)s", "--error-logfile", str(self.error_log), "wsgi:app"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        self._wait_until_ready()

    def _wait_until_ready(self, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.error_log.read_text()
            log = self.error_log.read_text() if self.error_log.exists() else ""
            if log.count("Booting worker") >= 2:
                try:
                    if self.request("GET", "/inloggen")[0] == 200:
                        return
                except OSError:
                    pass
            time.sleep(0.2)
        raise AssertionError("gunicorn did not start:\n" + self.error_log.read_text())

    def request(self, method: str, path: str, form: dict | None = None, cookie: str = ""):
        """One request on a new connection, so either worker may take it."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            headers = {"Cookie": cookie} if cookie else {}
            body = None
            if form is not None:
                body = urllib.parse.urlencode(form)
                headers["Content-Type"] = "application/x-www-form-urlencoded"
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            return response.status, response.read().decode(), response.getheader("Set-Cookie") or ""
        finally:
            connection.close()

    def form_session(self, path: str) -> tuple[str, str]:
        """The session cookie and CSRF token of a form."""
        status, page, set_cookie = self.request("GET", path)
        assert status == 200
        token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
        return set_cookie.split(";", 1)[0], token

    def workers_that_answered(self, method: str, path: str) -> set[str]:
        time.sleep(0.5)  # the access log is written after the answer
        lines = self.access_log.read_text().splitlines()
        return {line.split()[0] for line in lines if line.split()[1:3] == [method, path]}

    def stop(self) -> None:
        self.process.send_signal(signal.SIGINT)  # gunicorn's quick shutdown
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@pytest.fixture(scope="module", params=["database", "redis"])
def served(request, tmp_path_factory, migrated_sqlite):
    """A temporary SQLite database with an organiser and a meeting, served by two workers (one server for the tests
    of this module); yields (server, meeting slug, app on the same database)."""
    storage_uri = ""
    if request.param == "redis":
        storage_uri = redis_url()
        if storage_uri is None:
            pytest.skip("Redis not reachable on 127.0.0.1:6379")
    directory = tmp_path_factory.mktemp(f"served-{request.param}")
    path = directory / "served.sqlite"
    shutil.copy(migrated_sqlite, path)
    database_url = f"sqlite:///{path}"
    app = create_app(base_config(database_url, directory))
    with app.app_context():
        create_user(db.session, "organisator@stotest.nl", "Organisator", Role.ORGANISER, PASSWORD)
        start = (utcnow() + timedelta(days=30)).replace(hour=12, minute=0, second=0, microsecond=0)
        meeting = Meeting(slug="werkers-test", title="Themabijeenkomst Werkers", description="Test", city="Zwolle",
                          venue="Testlocatie", starts_at=start, ends_at=start + timedelta(hours=4), capacity=50,
                          status=MeetingStatus.PUBLISHED)
        db.session.add(meeting)
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    server = Server(directory, database_url, storage_uri)
    yield server, "werkers-test", app
    server.stop()


def test_wrong_passwords_let_exactly_the_limit_through_whichever_worker_answers(served):
    server, _, _ = served
    cookie, token = server.form_session("/inloggen")

    def attempt(password: str, email: str = "organisator@stotest.nl") -> int:
        form = {"email": email, "password": password, "csrf_token": token}
        return server.request("POST", "/inloggen", form, cookie)[0]

    # Posts without a valid form never count.
    assert [server.request("POST", "/inloggen", {"email": "organisator@stotest.nl", "password": "x"}, cookie)[0]
            for _ in range(3)] == [422] * 3
    with ThreadPoolExecutor(max_workers=4) as pool:
        codes = list(pool.map(attempt, [f"fout wachtwoord {i}" for i in range(12)]))
    assert Counter(codes) == {422: 5, 429: 7}
    assert attempt(PASSWORD) == 429  # even the right password waits now
    assert attempt("fout wachtwoord", "iemand-anders@stotest.nl") == 422  # another account is not locked
    assert len(server.workers_that_answered("POST", "/inloggen")) >= 2


def test_sign_ups_made_count_and_the_refused_form_keeps_its_values(served):
    server, slug, app = served
    url = f"/bijeenkomsten/{slug}/aanmelden"
    cookie, token = server.form_session(url)

    def sign_up(email: str):
        form = {"name": "Collega " + email.split("@")[0], "email": email, "organisation": "Vmbo De Brug",
                "role": "vmbo", "region": "Zwolle", "csrf_token": token}
        return server.request("POST", url, form, cookie)[:2]

    assert [sign_up("geen-adres")[0] for _ in range(4)] == [422] * 4  # refused forms do not count
    with ThreadPoolExecutor(max_workers=4) as pool:
        answers = list(pool.map(sign_up, [f"collega{i}@school.nl" for i in range(8)]))
    assert Counter(status for status, _ in answers) == {303: 3, 429: 5}
    for status, page in answers:
        if status == 429:
            assert "in korte tijd veel aanmeldingen gedaan" in page
            email = re.search(r'value="(collega\d@school\.nl)"', page).group(1)
            assert f'value="Collega {email.split("@")[0]}"' in page
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Registration)) == 3
        db.engine.dispose()
    assert len(server.workers_that_answered("POST", url)) >= 2
