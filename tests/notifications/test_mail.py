"""Mail through the outbox to a real SMTP server; invitations parsed back with vobject."""

import pytest
import sqlalchemy as sa
import vobject

from sto_events.core.extensions import db
from sto_events.notifications.models import OutboxMessage, OutboxStatus
from sto_events.registrations import services
from sto_events.registrations.models import Registration
from tests.conftest import SmtpServer, attachment, deliver_outbox, free_port
from tests.registrations.helpers import signup_data


def calendar_of(message):
    part = attachment(message)
    assert part is not None, "no text/calendar attachment"
    raw = part.get_content()
    raw = raw if isinstance(raw, str) else raw.decode("utf-8")
    return part, vobject.readOne(raw)


def sign_up(app, make_meeting, email="zoe@school.nl", **overrides):
    with app.app_context():
        meeting = make_meeting(db.session, rounds=((5, 5),))
        registration, _ = services.sign_up(db.session, meeting, signup_data(meeting, email, **overrides))
        return meeting.id, registration.id


def test_confirmation_change_and_cancel_arrive_with_matching_invitations(mail_app, smtp, make_meeting):
    meeting_id, registration_id = sign_up(mail_app, make_meeting, name="Zoë Łukasz 🎓")
    assert deliver_outbox(mail_app) == 1
    [confirmation] = smtp.inbox.to("zoe@school.nl")
    assert confirmation["Subject"].startswith("Aanmelding bevestigd: ")
    assert confirmation["From"] == "Sterk Techniekonderwijs <bijeenkomsten@sto.test>"
    assert confirmation["From"].addresses[0].addr_spec == "bijeenkomsten@sto.test"
    text = confirmation.get_body(("plain",)).get_content()
    html = confirmation.get_body(("html",)).get_content()
    assert "Beste Zoë Łukasz 🎓," in text and "Beste Zoë Łukasz 🎓," in html
    assert "http://sto.test/aanmelding/" in text  # absolute manage link
    part, cal = calendar_of(confirmation)
    assert part.get_param("method") == "REQUEST"
    assert cal.method.value == "REQUEST"
    uid = cal.vevent.uid.value
    assert cal.vevent.sequence.value == "0"
    assert "Europe/Amsterdam" in str(cal.vevent.dtstart.value.tzinfo)
    assert cal.vevent.attendee.value == "mailto:zoe@school.nl"
    assert cal.vevent.attendee.params["CN"] == ["Zoë Łukasz 🎓"]
    assert cal.vevent.organizer.value == "mailto:bijeenkomsten@sto.test"
    assert "BEGIN:VTIMEZONE" in part.get_payload(decode=True).decode("utf-8")

    with mail_app.app_context():
        registration = db.session.get(Registration, registration_id)
        other_workshop = registration.meeting.rounds[0].workshops[1].id
        services.change_workshops(db.session, registration, {registration.choices[0].round_id: other_workshop})
    deliver_outbox(mail_app)
    changed = smtp.inbox.to("zoe@school.nl")[1]
    assert changed["Subject"].startswith("Aanmelding gewijzigd: ")
    _, cal = calendar_of(changed)
    assert cal.method.value == "REQUEST"
    assert cal.vevent.uid.value == uid
    assert cal.vevent.sequence.value == "1"
    assert "Workshop 1B" in cal.vevent.description.value

    with mail_app.app_context():
        services.cancel(db.session, db.session.get(Registration, registration_id))
    deliver_outbox(mail_app)
    cancelled = smtp.inbox.to("zoe@school.nl")[2]
    assert cancelled["Subject"].startswith("Aanmelding geannuleerd: ")
    part, cal = calendar_of(cancelled)
    assert part.get_param("method") == "CANCEL"
    assert cal.method.value == "CANCEL"
    assert cal.vevent.status.value == "CANCELLED"
    assert cal.vevent.uid.value == uid
    assert int(cal.vevent.sequence.value) == 2
    assert len(smtp.inbox.messages) == 3


def test_waitlisted_and_promoted_mails(mail_app, smtp, make_meeting):
    with mail_app.app_context():
        meeting = make_meeting(db.session, capacity=1, rounds=((5,),))
        holder, _ = services.sign_up(db.session, meeting, signup_data(meeting, "holder@school.nl"))
        waiting, _ = services.sign_up(db.session, meeting, signup_data(meeting, "waiting@school.nl"))
        deliver_outbox(mail_app)
        [waitlisted] = smtp.inbox.to("waiting@school.nl")
        assert waitlisted["Subject"].startswith("U staat op de wachtlijst")
        assert attachment(waitlisted) is None
        services.cancel(db.session, holder)
    deliver_outbox(mail_app)
    promoted = smtp.inbox.to("waiting@school.nl")[1]
    assert promoted["Subject"].startswith("U bent alsnog aangemeld")
    _, cal = calendar_of(promoted)
    assert cal.method.value == "REQUEST"


def test_english_participant_gets_english_mail(mail_app, smtp, make_meeting):
    sign_up(mail_app, make_meeting, locale="en")
    deliver_outbox(mail_app)
    [message] = smtp.inbox.to("zoe@school.nl")
    assert message["Subject"].startswith("Registration confirmed: ")
    assert "Dear Test Deelnemer," in message.get_body(("plain",)).get_content()


def test_line_breaks_in_a_name_cannot_inject_headers_or_break_the_invitation(mail_app, smtp, make_meeting):
    sign_up(mail_app, make_meeting, name="Evil\r\nBcc: victim@x.nl\r\nEND:VEVENT\r\nBEGIN:VEVENT")
    deliver_outbox(mail_app)
    assert [m["to"] for m in smtp.inbox.messages] == [["zoe@school.nl"]]
    [message] = smtp.inbox.to("zoe@school.nl")
    assert message["Bcc"] is None
    _, cal = calendar_of(message)
    assert len(cal.vevent_list) == 1


def test_smtp_down_then_up_every_mail_arrives_once(app_factory, make_meeting):
    port = free_port()
    app = app_factory(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_TIMEOUT=2)
    with app.app_context():
        meeting = make_meeting(db.session, capacity=3, rounds=((10,),))
        for i in range(5):
            services.sign_up(db.session, meeting, signup_data(meeting, f"p{i}@school.nl"))
    assert deliver_outbox(app) == 5  # all attempted, none delivered: nothing listens on the port
    with app.app_context():
        rows = db.session.scalars(sa.select(OutboxMessage)).all()
        assert {r.status for r in rows} == {OutboxStatus.PENDING}
        assert all(r.attempts == 1 and r.last_error for r in rows)

    server = SmtpServer(port).start()
    try:
        assert deliver_outbox(app) == 5
        assert deliver_outbox(app) == 0
        assert sorted(m["to"][0] for m in server.inbox.messages) == [f"p{i}@school.nl" for i in range(5)]
    finally:
        server.stop()
    with app.app_context():
        assert {r.status for r in db.session.scalars(sa.select(OutboxMessage))} == {OutboxStatus.SENT}


def test_permanent_rejection_marks_mail_failed(app_factory, make_meeting):
    class Rejecting:
        async def handle_RCPT(self, server, session, envelope, address, options):
            return "550 no such user"

    from aiosmtpd.controller import Controller

    port = free_port()
    controller = Controller(Rejecting(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        app = app_factory(MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
        sign_up(app, make_meeting)
        deliver_outbox(app)
    finally:
        controller.stop()
    with app.app_context():
        [row] = db.session.scalars(sa.select(OutboxMessage)).all()
        assert row.status == OutboxStatus.FAILED
        assert "550" in row.last_error


def test_without_mail_server_mails_are_saved_as_eml_files(app, make_meeting, tmp_path):
    sign_up(app, make_meeting)
    deliver_outbox(app)
    files = list((tmp_path / "mail").glob("*.eml"))
    assert len(files) == 1
    assert b"Subject: Aanmelding bevestigd" in files[0].read_bytes()


def test_a_message_that_cannot_be_sent_does_not_block_the_others(mail_app, smtp):
    from sto_events.notifications import outbox

    with mail_app.app_context():
        for recipient in ("zoë@school.nl", "jan@school.nl"):
            outbox.queue(db.session, kind="test", recipient=recipient, subject="Test", body_text="t", body_html="t")
        db.session.commit()
    assert deliver_outbox(mail_app) == 2
    assert [m["to"] for m in smtp.inbox.messages] == [["jan@school.nl"]]
    with mail_app.app_context():
        statuses = dict(db.session.execute(sa.select(OutboxMessage.recipient, OutboxMessage.status)).all())
    assert statuses == {"zoë@school.nl": OutboxStatus.FAILED, "jan@school.nl": OutboxStatus.SENT}



def test_organisers_see_mails_that_failed_for_good(app, client, login_as):
    from sto_events.accounts.models import Role
    from sto_events.notifications import outbox

    with app.app_context():
        message = outbox.queue(db.session, kind="test", recipient="weg@school.nl", subject="Onbezorgbaar",
                               body_text="t", body_html="t")
        message.status, message.last_error = OutboxStatus.FAILED, "SMTPRecipientsRefused: 550 no such user"
        db.session.commit()
    login_as(Role.ORGANISER)
    page = client.get("/beheer/").get_data(as_text=True)
    main = page[page.index("<main"):page.index("</main>")]
    assert "E-mails die niet bezorgd konden worden" in main
    assert "weg@school.nl" in main and "550 no such user" in main
    assert page[page.index("<title>"):page.index("</title>")] == "<title>Beheer – STO-bijeenkomsten"


DEAD_PORT = free_port()


@pytest.mark.parametrize("app", [{"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": DEAD_PORT, "MAIL_TIMEOUT": 2,
                                  "OUTBOX_BACKOFF_SECONDS": 60}], indirect=True)
def test_smtp_down_for_fifty_sign_ups_over_http_then_back_off_and_deliver_once(app, client, add_meeting):
    from tests.registrations.test_routes import sign_up as http_sign_up

    port = DEAD_PORT
    meeting = add_meeting(capacity=40, rounds=((100,),))
    answers = [http_sign_up(client, meeting, email=f"p{i}@school.nl").status_code for i in range(50)]
    assert answers == [303] * 50  # every sign-up answered while nothing listens for mail
    assert deliver_outbox(app) == 50
    with app.app_context():
        rows = db.session.scalars(sa.select(OutboxMessage)).all()
        assert len(rows) == 50 and {r.status for r in rows} == {OutboxStatus.PENDING}
        waits = [(r.next_attempt_at - r.created_at).total_seconds() for r in rows]
        assert all(55 <= w <= 70 for w in waits), waits  # first retry a minute later
    assert deliver_outbox(app) == 0  # nothing is due yet: no hammering of a server that is down

    def make_due():
        with app.app_context():
            db.session.execute(sa.update(OutboxMessage).values(next_attempt_at=OutboxMessage.created_at))
            db.session.commit()

    make_due()
    assert deliver_outbox(app) == 50
    with app.app_context():
        rows = db.session.scalars(sa.select(OutboxMessage)).all()
        assert {r.attempts for r in rows} == {2}
        waits = [(r.next_attempt_at - r.created_at).total_seconds() for r in rows]
        assert all(118 <= w <= 150 for w in waits), waits  # the wait doubles
    make_due()
    server = SmtpServer(port).start()
    try:
        assert deliver_outbox(app) == 50
        make_due()
        assert deliver_outbox(app) == 0
        delivered = sorted(m["to"][0] for m in server.inbox.messages)
        assert delivered == sorted(f"p{i}@school.nl" for i in range(50))  # each exactly once
    finally:
        server.stop()


INJECTION = "Zaal 1\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nUID:evil@x; SUMMARY:x, y \\ z"
READ_BACK = INJECTION.replace("\r\n", "\n")  # iCalendar text has line feeds, not CR LF


def test_calendar_text_from_people_stays_inside_its_event(mail_app, smtp, make_meeting):
    """Text organisers and participants typed can reach an .ics only as escaped values: a strict parser reads one
    event with our UID and gets the text back as it was written."""
    from sto_events.registrations.calendar import registration_uid

    with mail_app.app_context():
        meeting = make_meeting(db.session, rounds=((5,),), title=f"Titel; met, {INJECTION}", venue=INJECTION)
        registration, _ = services.sign_up(db.session, meeting, signup_data(
            meeting, "zoe@school.nl", name='Kees "de Baas"; ROLE=CHAIR:x,y', organisation=INJECTION))
        uid, slug = registration_uid(registration), meeting.slug
    deliver_outbox(mail_app)
    [message] = smtp.inbox.to("zoe@school.nl")
    part, invitation = calendar_of(message)
    raw = part.get_content()
    raw = raw if isinstance(raw, str) else raw.decode()
    lines = raw.splitlines()  # an escaped "\\nBEGIN:VEVENT" inside a value is fine; a line of its own is not
    assert lines.count("BEGIN:VEVENT") == 1 and lines.count("END:VEVENT") == 1
    assert [e.uid.value for e in invitation.vevent_list] == [uid]
    assert invitation.vevent.summary.value == f"Titel; met, {READ_BACK}"
    assert invitation.vevent.location.value.startswith(READ_BACK)
    [attendee] = invitation.vevent.contents["attendee"]
    assert attendee.value == "mailto:zoe@school.nl" and attendee.params["ROLE"] == ["REQ-PARTICIPANT"]

    published = mail_app.test_client().get(f"/bijeenkomsten/{slug}/agenda.ics").get_data(as_text=True)
    calendar = vobject.readOne(published)
    assert published.splitlines().count("BEGIN:VEVENT") == 1
    assert [e.summary.value for e in calendar.vevent_list] == [f"Titel; met, {READ_BACK}"]
