"""The mails as they arrive at a real SMTP server, parsed with the strict `email` policy: the MIME tree that makes
Outlook and Gmail show a meeting request, the sender's name, Message-IDs, 8-bit transport and attachment names."""

from __future__ import annotations

import re
import struct
from datetime import UTC, datetime, timedelta
from email import policy
from email.parser import BytesParser

import pytest
import segno
import sqlalchemy as sa
import vobject

from sto_events.core.extensions import db
from sto_events.core.timeutil import utcnow
from sto_events.notifications import outbox
from sto_events.notifications.models import OutboxMessage
from sto_events.registrations import services
from sto_events.registrations.models import Registration
from tests.conftest import Inbox, SmtpServer, deliver_outbox, free_port
from tests.registrations.helpers import signup_data

REQUEST_TREE = ("multipart/mixed", [
    ("multipart/related", [
        ("multipart/alternative", ["text/plain", "text/html", "text/calendar"]),
        "image/png",
    ]),
    "application/ics",
])
CANCEL_TREE = ("multipart/mixed", [
    ("multipart/alternative", ["text/plain", "text/html", "text/calendar"]),
    "application/ics",
])
NOTE_TREE = ("multipart/alternative", ["text/plain", "text/html"])


class RawInbox(Inbox):
    """Keeps the bytes as they came over the wire and the MAIL FROM options (BODY=8BITMIME)."""

    def __init__(self, offer_8bitmime: bool = True):
        super().__init__()
        self.offer_8bitmime = offer_8bitmime
        self.raw = []

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        session.host_name = hostname
        return [r for r in responses if self.offer_8bitmime or "8BITMIME" not in r]

    async def handle_DATA(self, server, smtp_session, envelope):
        self.raw.append({"to": list(envelope.rcpt_tos), "options": list(envelope.mail_options),
                         "data": envelope.original_content or envelope.content})
        return await super().handle_DATA(server, smtp_session, envelope)

    def strict(self, address: str):
        """Each mail to `address`, parsed again with email.policy.strict: any defect raises."""
        return [BytesParser(policy=policy.strict).parsebytes(m["data"]) for m in self.raw if address in m["to"]]


@pytest.fixture
def wire():
    server = SmtpServer()
    server.inbox = RawInbox()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def wire_app(app_factory, wire):
    return app_factory(MAIL_SERVER="127.0.0.1", MAIL_PORT=wire.port)


def tree(part):
    if part.is_multipart():
        return (part.get_content_type(), [tree(p) for p in part.iter_parts()])
    return part.get_content_type()


def show_tree(part, depth: int = 0) -> str:
    """The MIME tree, one part a line, indented by depth (as printed in the report)."""
    params = {k: v for k, v in part.get_params() or [] if k in ("method", "type")}
    line = "  " * depth + part.get_content_type()
    line += "".join(f"; {k}={v}" for k, v in params.items())
    if part.get_filename():
        line += f"  [{part.get_content_disposition()}: {part.get_filename()}]"
    if part["Content-ID"]:
        line += f"  Content-ID {part['Content-ID']}"
    lines = [line] + [show_tree(p, depth + 1) for p in (part.iter_parts() if part.is_multipart() else [])]
    return "\n".join(lines)


def no_defects(message):
    for part in message.walk():
        assert part.defects == [], part.defects
        for name, value in part.items():
            assert getattr(value, "defects", ()) == (), (name, value.defects)


def parts(message) -> dict:
    return {p.get_content_type(): p for p in message.walk() if not p.is_multipart()}


def sign_up(app, make_meeting, email="zoe@school.nl", **overrides):
    with app.app_context():
        meeting = make_meeting(db.session, rounds=((5, 5),))
        registration, _ = services.sign_up(db.session, meeting, signup_data(meeting, email, **overrides))
        return registration.id


def change_and_cancel(app, registration_id):
    with app.app_context():
        registration = db.session.get(Registration, registration_id)
        other = registration.meeting.rounds[0].workshops[1].id
        services.change_workshops(db.session, registration, {registration.choices[0].round_id: other})
    deliver_outbox(app)
    with app.app_context():
        services.cancel(db.session, db.session.get(Registration, registration_id))
    deliver_outbox(app)


def test_confirmation_update_and_cancellation_have_the_tree_outlook_and_gmail_read(wire_app, wire, make_meeting):
    registration_id = sign_up(wire_app, make_meeting, name="Zoë Łukasz")
    deliver_outbox(wire_app)
    change_and_cancel(wire_app, registration_id)
    confirmation, update, cancellation = wire.inbox.strict("zoe@school.nl")
    for message in (confirmation, update, cancellation):
        no_defects(message)
        assert message["From"] == "Sterk Techniekonderwijs <bijeenkomsten@sto.test>"
        assert message["MIME-Version"] == "1.0"
    assert tree(confirmation) == tree(update) == REQUEST_TREE
    assert tree(cancellation) == CANCEL_TREE

    for message, method, name in ((confirmation, "REQUEST", "uitnodiging.ics"), (update, "REQUEST", "uitnodiging.ics"),
                                  (cancellation, "CANCEL", "afmelding.ics")):
        inline, attached = parts(message)["text/calendar"], parts(message)["application/ics"]
        assert inline.get_param("method") == method and inline.get_content_charset() == "utf-8"
        assert inline.get_content_disposition() is None  # a body alternative, not an attachment
        assert attached.get_content_disposition() == "attachment" and attached.get_filename() == name
        assert attached.get_param("name") == name
        assert attached.get_content().decode() == inline.get_content()
        assert vobject.readOne(inline.get_content()).method.value == method

    related = confirmation.get_payload(0)
    assert related.get_param("type") == "multipart/alternative"
    image, html = parts(confirmation)["image/png"], parts(confirmation)["text/html"].get_content()
    assert image.get_content_disposition() == "inline" and image.get_filename() == "inchecken.png"
    assert image.get_content().startswith(b"\x89PNG")
    cid = image["Content-ID"].strip("<>")
    assert re.fullmatch(r"checkin-qr\.[0-9a-f]{32}@sto\.test", cid)
    assert f'src="cid:{cid}"' in html and "cid:checkin-qr\"" not in html


def test_a_mail_without_calendar_or_qr_code_is_one_alternative(wire_app, wire, make_meeting):
    with wire_app.app_context():
        meeting = make_meeting(db.session, capacity=1, rounds=((5,),))
        services.sign_up(db.session, meeting, signup_data(meeting, "holder@school.nl"))
        services.sign_up(db.session, meeting, signup_data(meeting, "waiting@school.nl"))
    deliver_outbox(wire_app)
    [waitlisted] = wire.inbox.strict("waiting@school.nl")
    no_defects(waitlisted)
    assert tree(waitlisted) == NOTE_TREE


def test_message_ids_are_random_per_mail_and_the_same_for_each_retry(app_factory, make_meeting):
    port = free_port()
    app = app_factory(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_TIMEOUT=2)
    sign_up(app, make_meeting)
    assert deliver_outbox(app) == 1  # nothing listens: the first attempt fails
    with app.app_context():
        [row] = db.session.scalars(sa.select(OutboxMessage)).all()
        assert row.attempts == 1 and re.fullmatch(r"[0-9a-f]{32}", row.message_key)
        key = row.message_key
        first_try = outbox.build_message(row)["Message-ID"]
    server = SmtpServer(port)
    server.inbox = RawInbox()
    server.start()
    try:
        with app.app_context():
            db.session.execute(sa.update(OutboxMessage).values(next_attempt_at=OutboxMessage.created_at))
            db.session.commit()
        assert deliver_outbox(app) == 1
        [message] = server.inbox.strict("zoe@school.nl")
    finally:
        server.stop()
    assert message["Message-ID"] == first_try == f"<{key}@sto.test>"

    # A second installation (or the same one after a database reset) numbers its outbox from 1 again.
    other = app_factory()
    sign_up(other, make_meeting)
    with other.app_context():
        [again] = db.session.scalars(sa.select(OutboxMessage)).all()
        assert again.id == row.id and again.message_key != key


def test_8bit_text_is_announced_with_body_8bitmime(wire_app, wire, make_meeting):
    sign_up(wire_app, make_meeting, name="Zoë Łukasz")
    deliver_outbox(wire_app)
    [received] = wire.inbox.raw
    assert not received["data"].isascii()  # UTF-8 in 8-bit parts (the calendar's CN=Zoë …)
    assert "BODY=8BITMIME" in received["options"]


def test_a_server_without_8bitmime_gets_seven_bit_mail_with_the_same_text(app_factory, make_meeting):
    server = SmtpServer()
    server.inbox = RawInbox(offer_8bitmime=False)
    server.start()
    try:
        app = app_factory(MAIL_SERVER="127.0.0.1", MAIL_PORT=server.port)
        sign_up(app, make_meeting, name="Zoë Łukasz")
        deliver_outbox(app)
        [received] = server.inbox.raw
        [message] = server.inbox.strict("zoe@school.nl")
    finally:
        server.stop()
    assert received["data"].isascii()
    assert not any(o.upper().startswith("BODY=") for o in received["options"])
    no_defects(message)
    assert tree(message) == REQUEST_TREE
    assert "Beste Zoë Łukasz," in parts(message)["text/plain"].get_content()
    invitation = vobject.readOne(parts(message)["text/calendar"].get_content())
    assert invitation.vevent.attendee.params["CN"] == ["Zoë Łukasz"]


def queue_with_everything(app, payload: str) -> None:
    """A mail with 8-bit text, a calendar and a check-in QR code, queued straight into the outbox."""
    with app.app_context():
        outbox.queue(db.session, kind="test", recipient="zoe@school.nl", subject="Uitnodiging voor Zoë",
                     body_text="Beste Zoë,\n", body_html=f'<p>Beste Zoë,</p><img src="{outbox.QR_PLACEHOLDER}" alt="">',
                     ics="BEGIN:VCALENDAR\r\nX-NAAM:Zoë\r\nEND:VCALENDAR\r\n".encode(), ics_method="REQUEST",
                     qr_payload=payload)
        db.session.commit()


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def test_the_check_in_code_has_six_pixels_a_module_and_a_quiet_zone_of_two(wire_app, wire):
    """Big enough for a phone camera at arm's length, and the quiet zone a scanner needs, without a huge image."""
    payload = "https://sto.test/inchecken/3f9a0c1e"
    queue_with_everything(wire_app, payload)
    deliver_outbox(wire_app)
    [message] = wire.inbox.strict("zoe@school.nl")
    modules = segno.make(payload, error="m").symbol_size(scale=1, border=0)[0]
    assert png_size(parts(message)["image/png"].get_content()) == ((modules + 2 * 2) * 6,) * 2


def test_the_date_header_is_now_in_utc(wire_app, wire):
    """The header is made in GMT; the email package writes it out as +0000 (-0000 would mean "zone unknown")."""
    before = utcnow().replace(microsecond=0)
    queue_with_everything(wire_app, "https://sto.test/inchecken/1")
    deliver_outbox(wire_app)
    [received] = wire.inbox.raw
    [date] = re.findall(rb"^Date: (.*)\r$", received["data"], flags=re.MULTILINE)
    assert date.endswith(b" +0000"), date
    [message] = wire.inbox.strict("zoe@school.nl")
    assert message["Date"].datetime.tzinfo == UTC
    assert before <= message["Date"].datetime <= utcnow()


def test_the_seven_bit_copy_re_encodes_only_the_8bit_parts(app_factory):
    """The text parts go quoted-printable; the QR code and the attached calendar stay base64 (quoted-printable
    would make the image about three times its size)."""
    server = SmtpServer()
    server.inbox = RawInbox(offer_8bitmime=False)
    server.start()
    try:
        app = app_factory(MAIL_SERVER="127.0.0.1", MAIL_PORT=server.port)
        queue_with_everything(app, "https://sto.test/inchecken/2")
        deliver_outbox(app)
        [received] = server.inbox.raw
        [message] = server.inbox.strict("zoe@school.nl")
    finally:
        server.stop()
    assert received["data"].isascii()
    encodings = {p.get_content_type(): p["Content-Transfer-Encoding"] for p in message.walk() if not p.is_multipart()}
    assert encodings == {"text/plain": "quoted-printable", "text/html": "quoted-printable",
                         "text/calendar": "quoted-printable", "image/png": "base64", "application/ics": "base64"}
    assert parts(message)["text/plain"].get_content().rstrip() == "Beste Zoë,"
    assert "X-NAAM:Zoë" in parts(message)["text/calendar"].get_content()
    assert parts(message)["application/ics"].get_content().decode() == parts(message)["text/calendar"].get_content()


def test_english_mails_have_english_attachment_names(wire_app, wire, make_meeting):
    registration_id = sign_up(wire_app, make_meeting, locale="en")
    deliver_outbox(wire_app)
    with wire_app.app_context():
        services.cancel(db.session, db.session.get(Registration, registration_id))
    deliver_outbox(wire_app)
    confirmation, cancellation = wire.inbox.strict("zoe@school.nl")
    assert parts(confirmation)["application/ics"].get_filename() == "invitation.ics"
    assert parts(confirmation)["image/png"].get_filename() == "check-in.png"
    assert parts(cancellation)["application/ics"].get_filename() == "cancellation.ics"


def test_change_and_cancel_texts_have_a_blank_line_before_the_details(wire_app, wire, make_meeting):
    registration_id = sign_up(wire_app, make_meeting)
    deliver_outbox(wire_app)
    change_and_cancel(wire_app, registration_id)
    for message in wire.inbox.strict("zoe@school.nl"):
        text = parts(message)["text/plain"].get_content().replace("\r\n", "\n")
        assert "\n\nBijeenkomst: " in text, text


def test_summer_meeting_reads_back_at_plus_two_hours(wire_app, wire, make_meeting):
    """The VTIMEZONE carries the EU rule (RRULEs), not RDATEs that end in 2038; vobject reads July at +02:00."""
    from sto_events.core.timeutil import from_local, utcnow

    year = utcnow().year + 1
    with wire_app.app_context():
        meeting = make_meeting(db.session, rounds=())
        meeting.starts_at = from_local(datetime(year, 7, 8, 13, 0))
        meeting.ends_at = meeting.starts_at + timedelta(hours=4)
        db.session.commit()
        services.sign_up(db.session, meeting, signup_data(meeting, "zoe@school.nl"))
    deliver_outbox(wire_app)
    [message] = wire.inbox.strict("zoe@school.nl")
    raw = parts(message)["text/calendar"].get_content()
    zone = raw[raw.index("BEGIN:VTIMEZONE"):raw.index("END:VTIMEZONE")]
    assert "RDATE" not in zone
    assert "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3" in zone and "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10" in zone
    assert f"DTSTART;TZID=Europe/Amsterdam:{year}0708T130000" in raw
    start = vobject.readOne(raw).vevent.dtstart.value
    assert start.utcoffset() == timedelta(hours=2)
    assert (start.year, start.month, start.day, start.hour) == (year, 7, 8, 13)
