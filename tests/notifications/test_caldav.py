"""Our invitations in a real CalDAV server (Radicale): stored as calendar clients store them, without METHOD, an
update replaces the event and a cancellation cancels it."""

from __future__ import annotations

import base64
import socket
import subprocess
import sys
import time
import urllib.request
import xml.etree.ElementTree as ET
from datetime import UTC, timedelta

import pytest
import vobject

from sto_events.core.extensions import db
from sto_events.meetings import planning
from sto_events.meetings.models import Meeting
from sto_events.registrations import services
from sto_events.registrations.models import Registration
from tests.conftest import deliver_outbox, free_port
from tests.registrations.helpers import signup_data

NS = {"d": "DAV:", "c": "urn:ietf:params:xml:ns:caldav"}


class CalDav:
    """A few plain WebDAV requests against one calendar collection."""

    def __init__(self, port: int, calendar: str):
        self.base = f"http://127.0.0.1:{port}"
        self.calendar = calendar
        self.auth = "Basic " + base64.b64encode(b"sto:test").decode()

    def request(self, method: str, path: str, body: str | None = None, content_type: str = "application/xml",
                depth: str | None = None) -> tuple[int, str]:
        request = urllib.request.Request(self.base + path, method=method,
                                         data=body.encode("utf-8") if body is not None else None)
        request.add_header("Authorization", self.auth)
        if body is not None:
            request.add_header("Content-Type", content_type)
        if depth is not None:
            request.add_header("Depth", depth)
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, response.read().decode("utf-8")
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode("utf-8", "replace")

    def put(self, name: str, ics: str) -> int:
        return self.request("PUT", f"{self.calendar}{name}", ics, "text/calendar; charset=utf-8")[0]

    def events(self, start=None, end=None) -> list:
        """Every VEVENT in the calendar (REPORT calendar-query), optionally only those in a UTC time range."""
        time_range = ""
        if start is not None:
            time_range = (f'<c:time-range start="{start:%Y%m%dT%H%M%SZ}" end="{end:%Y%m%dT%H%M%SZ}"/>')
        body = (
            '<?xml version="1.0" encoding="utf-8"?>'
            '<c:calendar-query xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav">'
            "<d:prop><d:getetag/><c:calendar-data/></d:prop>"
            '<c:filter><c:comp-filter name="VCALENDAR"><c:comp-filter name="VEVENT">'
            f"{time_range}</c:comp-filter></c:comp-filter></c:filter></c:calendar-query>"
        )
        status, text = self.request("REPORT", self.calendar, body, depth="1")
        assert status == 207, text
        found = []
        for data in ET.fromstring(text).iterfind(".//c:calendar-data", NS):
            found.extend(vobject.readOne(data.text).vevent_list)
        return found


@pytest.fixture
def radicale(tmp_path):
    """Radicale on 127.0.0.1 and a free port, filesystem storage in a temporary folder, no authentication."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "radicale", "--config", "", "--hosts", f"127.0.0.1:{port}",
         "--storage-filesystem-folder", str(tmp_path / "collections"), "--auth-type", "none",
         "--logging-level", "warning"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"Radicale did not start: {process.stderr.read().decode()}") from None
                time.sleep(0.1)
        dav = CalDav(port, "/sto/bijeenkomsten/")
        status, text = dav.request("MKCALENDAR", dav.calendar)
        assert status == 201, text
        yield dav
    finally:
        process.terminate()
        process.wait(timeout=10)
        process.stderr.close()


def stored_form(message) -> tuple[str, str]:
    """The invitation from the mail's text/calendar part as a CalDAV client stores it: without METHOD (RFC 4791
    §4.1 forbids it in a calendar object resource), at a name taken from its UID."""
    part = next(p for p in message.walk() if p.get_content_type() == "text/calendar")
    raw = part.get_content()
    assert "\nMETHOD:" in raw
    stored = "\r\n".join(line for line in raw.splitlines() if not line.startswith("METHOD:")) + "\r\n"
    uid = vobject.readOne(stored).vevent.uid.value
    return base64.urlsafe_b64encode(uid.encode()).decode().rstrip("=") + ".ics", stored


def test_request_update_and_cancel_in_radicale(mail_app, smtp, make_meeting, radicale):
    with mail_app.app_context():
        meeting = make_meeting(db.session, rounds=((5,),))
        meeting_id = meeting.id
        registration, _ = services.sign_up(db.session, meeting, signup_data(meeting, "zoe@school.nl"))
        registration_id = registration.id
        first_start = meeting.starts_at
    deliver_outbox(mail_app)

    with mail_app.app_context():  # the organiser moves the meeting an hour later
        meeting = db.session.get(Meeting, meeting_id)
        data = planning.MeetingData(
            title=meeting.title, city=meeting.city, venue=meeting.venue, address=meeting.address,
            starts_at=meeting.starts_at + timedelta(hours=1), ends_at=meeting.ends_at + timedelta(hours=1),
            capacity=meeting.capacity, description=meeting.description, theme_ids=[])
        assert planning.update_meeting(db.session, meeting, data, actor=None, confirmed=True)
    deliver_outbox(mail_app)
    with mail_app.app_context():
        services.cancel(db.session, db.session.get(Registration, registration_id))
    deliver_outbox(mail_app)
    request, update, cancel = smtp.inbox.to("zoe@school.nl")

    name, ics = stored_form(request)
    assert radicale.put(name, ics) == 201
    [event] = radicale.events()
    assert event.dtstart.value == first_start and event.sequence.value == "0"
    uid = event.uid.value

    same_name, ics = stored_form(update)
    assert same_name == name
    assert radicale.put(name, ics) in (201, 204)
    [event] = radicale.events()  # replaced, not added beside the old one
    assert event.uid.value == uid and event.sequence.value == "1"
    new_start = first_start + timedelta(hours=1)
    assert event.dtstart.value == new_start
    assert event.dtstart.value.utcoffset() in (timedelta(hours=1), timedelta(hours=2))
    # The server reads our VTIMEZONE: the event is found at its new time in UTC, and no longer at the old one.
    minute = timedelta(minutes=1)
    assert len(radicale.events(new_start.astimezone(UTC) - minute, new_start.astimezone(UTC) + minute)) == 1
    assert radicale.events(first_start.astimezone(UTC) - minute, first_start.astimezone(UTC) + minute) == []

    status, text = radicale.request("GET", radicale.calendar + name)
    assert status == 200 and "SEQUENCE:1" in text and "METHOD" not in text

    _, ics = stored_form(cancel)
    assert radicale.put(name, ics) in (201, 204)
    [event] = radicale.events()
    assert event.uid.value == uid and event.status.value == "CANCELLED" and event.sequence.value == "2"
