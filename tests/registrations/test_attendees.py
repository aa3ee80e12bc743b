"""Organisers find attendees, move, cancel and admit them, check them in, and mail them."""

import io

import segno
import sqlalchemy as sa

from sto_events.accounts.models import Role
from sto_events.audit.models import AuditEntry
from sto_events.core.extensions import db
from sto_events.meetings.models import Meeting, Workshop
from sto_events.notifications.models import OutboxMessage
from sto_events.registrations import services
from sto_events.registrations.models import Registration, RegistrationStatus
from tests.conftest import attachment, deliver_outbox, page_csrf
from tests.registrations.helpers import signup_data


def setup_meeting(app, make_meeting, people, capacity=3, rounds=((2, 5),)):
    """A meeting with people signed up (name, email, pick index); returns ids."""
    with app.app_context():
        meeting = make_meeting(db.session, capacity=capacity, rounds=rounds)
        ids = {}
        for name, email, pick in people:
            registration, _ = services.sign_up(
                db.session, meeting, signup_data(meeting, email, [pick], name=name, questions=f"Vraag van {name}")
            )
            ids[email] = registration.id
        workshops = [w.id for w in meeting.rounds[0].workshops]
        return meeting.id, meeting.rounds[0].id, workshops, ids


PEOPLE = [
    ("Anna de Vries", "anna@school.nl", 0),
    ("Bram Çelik", "bram@roc.nl", 0),
    ("Chris Jansen", "chris@bedrijf.nl", 1),
    ("Dewi Wachter", "dewi@school.nl", 1),
]


def post(client, url, data=None, headers=None):
    return client.post(url, data={**(data or {}), "csrf_token": page_csrf(client, "/beheer/")}, headers=headers)


def test_list_search_and_filter(app, client, login_as, make_meeting):
    meeting_id, _, workshops, _ = setup_meeting(app, make_meeting, PEOPLE)
    login_as(Role.ORGANISER)
    page = client.get(f"/beheer/bijeenkomsten/{meeting_id}/deelnemers").get_data(as_text=True)
    assert "4 aanmeldingen gevonden" in page and "Vraag van Bram Çelik" in page
    fragment = client.get(f"/beheer/bijeenkomsten/{meeting_id}/deelnemers?q=ÇELIK",
                          headers={"HX-Request": "true", "HX-Target": "attendees"}).get_data(as_text=True)
    assert fragment.lstrip().startswith('<div id="attendees"')
    assert "Bram" in fragment and "Anna" not in fragment
    waiting = client.get(f"/beheer/bijeenkomsten/{meeting_id}/deelnemers?status=waitlisted").get_data(as_text=True)
    assert "Dewi Wachter" in waiting and "Anna de Vries" not in waiting
    by_workshop = client.get(f"/beheer/bijeenkomsten/{meeting_id}/deelnemers?workshop={workshops[1]}")
    assert "Chris Jansen" in by_workshop.get_data(as_text=True)
    assert "Anna de Vries" not in by_workshop.get_data(as_text=True)
    for bad in ("status=koning", "workshop=abc", "workshop=999999"):
        assert client.get(f"/beheer/bijeenkomsten/{meeting_id}/deelnemers?{bad}").status_code == 400


def test_move_cancel_and_admit(app, client, login_as, make_meeting):
    meeting_id, round_id, workshops, ids = setup_meeting(app, make_meeting, PEOPLE)
    login_as(Role.ORGANISER)
    # Workshop A (2 places) is full: moving Chris there is refused and changes nothing.
    response = post(client, f"/beheer/aanmeldingen/{ids['chris@bedrijf.nl']}/verplaatsen",
                    {"round": round_id, "workshop": workshops[0]})
    assert "Die workshop is vol" in client.get(response.headers["Location"]).get_data(as_text=True)
    anna = ids["anna@school.nl"]
    post(client, f"/beheer/aanmeldingen/{anna}/verplaatsen", {"round": round_id, "workshop": workshops[1]})
    with app.app_context():
        assert db.session.get(Workshop, workshops[0]).taken == 1
        assert db.session.get(Registration, ids["anna@school.nl"]).choices[0].workshop_id == workshops[1]

    # Dewi waits (meeting full at 3). Admitting by hand adds a seat.
    response = post(client, f"/beheer/aanmeldingen/{ids['dewi@school.nl']}/toelaten")
    assert "Toegelaten" in client.get(response.headers["Location"]).get_data(as_text=True)
    with app.app_context():
        meeting = db.session.get(Meeting, meeting_id)
        assert (meeting.taken, meeting.capacity) == (4, 4)
        assert db.session.get(Registration, ids["dewi@school.nl"]).status == RegistrationStatus.CONFIRMED

    assert "Weet u zeker" in client.get(f"/beheer/aanmeldingen/{ids['bram@roc.nl']}/annuleren").get_data(as_text=True)
    post(client, f"/beheer/aanmeldingen/{ids['bram@roc.nl']}/annuleren")
    with app.app_context():
        assert db.session.get(Registration, ids["bram@roc.nl"]).status == RegistrationStatus.CANCELLED
        kinds = db.session.scalars(sa.select(OutboxMessage.kind).where(
            OutboxMessage.subject_kind == "registration",
            OutboxMessage.subject_id.in_([ids["bram@roc.nl"], ids["dewi@school.nl"]]))).all()
        assert "registration_cancelled" in kinds and "registration_promoted" in kinds
        actions = db.session.scalars(sa.select(AuditEntry.action)).all()
        assert {"registration.move", "registration.admit", "registration.cancel"} <= set(actions)


def test_check_in_with_htmx_and_by_qr_link(app, client, login_as, make_meeting, smtp):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp.port)
    meeting_id, _, _, ids = setup_meeting(app, make_meeting, PEOPLE)
    deliver_outbox(app)
    confirmation = smtp.inbox.to("anna@school.nl")[0]
    image = attachment(confirmation, "image/png")
    assert image is not None and image["Content-ID"].startswith("<checkin-qr.")
    assert f'src="cid:{image["Content-ID"].strip("<>")}"' in confirmation.get_body(("html",)).get_content()
    with app.app_context():
        payload = db.session.scalar(sa.select(OutboxMessage.qr_payload).where(
            OutboxMessage.subject_kind == "registration", OutboxMessage.subject_id == ids["anna@school.nl"]))
    expected = io.BytesIO()
    segno.make(payload, error="m").save(expected, kind="png", scale=6, border=2)
    assert image.get_content() == expected.getvalue()  # the picture encodes exactly the check-in link
    assert payload.startswith("http://sto.test/beheer/inchecken/")

    scan_path = payload.removeprefix("http://sto.test")
    assert client.get(scan_path).status_code == 302  # visitors must log in first
    login_as(Role.ORGANISER)
    scan = client.get(scan_path).get_data(as_text=True)
    assert "Anna de Vries" in scan and "Inchecken" in scan
    assert client.get("/beheer/inchecken/vervalst").status_code == 404

    desk = client.get(f"/beheer/bijeenkomsten/{meeting_id}/inchecken?q=anna",
                      headers={"HX-Request": "true", "HX-Target": "check-in-list"}).get_data(as_text=True)
    assert desk.lstrip().startswith('<div id="check-in-list"') and "Bram" not in desk
    # The meeting is next month: checking in today asks first, and the row comes back with the question.
    asked = post(client, f"/beheer/aanmeldingen/{ids['anna@school.nl']}/inchecken", {"aanwezig": "1"},
                 headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "De bijeenkomst is niet vandaag." in asked and 'name="andere_dag" value="1"' in asked
    row = post(client, f"/beheer/aanmeldingen/{ids['anna@school.nl']}/inchecken",
               {"aanwezig": "1", "andere_dag": "1"}, headers={"HX-Request": "true"}).get_data(as_text=True)
    assert row.lstrip().startswith(f'<li id="check-in-{ids["anna@school.nl"]}"') and "Aanwezig sinds" in row
    post(client, f"/beheer/aanmeldingen/{ids['anna@school.nl']}/inchecken", {"aanwezig": "1", "andere_dag": "1"})
    waiting = post(client, f"/beheer/aanmeldingen/{ids['dewi@school.nl']}/inchecken", {"aanwezig": "1"},
                   headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "Inchecken kan niet: deze persoon staat op de wachtlijst." in waiting
    with app.app_context():
        assert db.session.get(Registration, ids["anna@school.nl"]).checked_in_at is not None
        assert db.session.get(Registration, ids["dewi@school.nl"]).checked_in_at is None
        assert db.session.scalars(sa.select(AuditEntry.action)).all().count("registration.check_in") == 1


def test_mail_to_attendees_with_preview_and_log(app, client, login_as, make_meeting, smtp):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp.port)
    meeting_id, _, workshops, _ = setup_meeting(app, make_meeting, PEOPLE)
    deliver_outbox(app)
    smtp.inbox.messages.clear()
    login_as(Role.ORGANISER)
    url = f"/beheer/bijeenkomsten/{meeting_id}/mail"
    empty = post(client, url, {"action": "preview"})
    assert empty.status_code == 422 and "Vul een onderwerp in." in empty.get_data(as_text=True)
    data = {"audience": f"workshop:{workshops[1]}", "subject": "Zaal gewijzigd",
            "body": "De workshop is in zaal 2.\n\nTot dan!", "action": "preview"}
    preview = post(client, url, data).get_data(as_text=True)
    assert "Dit bericht gaat naar 1 persoon." in preview
    assert "Beste Chris Jansen," in preview and "De workshop is in zaal 2." in preview
    assert smtp.inbox.messages == [] and deliver_outbox(app) == 0  # a preview sends nothing
    sent = post(client, url, {**data, "action": "send"})
    assert sent.status_code == 303
    deliver_outbox(app)
    assert [m["to"] for m in smtp.inbox.messages] == [["chris@bedrijf.nl"]]
    log = client.get(sent.headers["Location"]).get_data(as_text=True)
    assert "chris@bedrijf.nl" in log and "Verstuurd" in log
    everyone = post(client, url, {**data, "audience": "all", "action": "send"})
    deliver_outbox(app)
    assert sorted(m["to"][0] for m in smtp.inbox.messages[1:]) == sorted(p[1] for p in PEOPLE)
    assert post(client, url, {**data, "audience": "iedereen"}).status_code == 422
    assert "Zaal gewijzigd" in client.get(url).get_data(as_text=True)
    assert everyone.status_code == 303


def test_move_into_a_round_added_after_sign_up_and_no_empty_mailing(app, client, login_as, make_meeting):
    from sto_events.meetings.models import WorkshopRound

    meeting_id, _, _, ids = setup_meeting(app, make_meeting, PEOPLE[:1])
    with app.app_context():
        meeting = db.session.get(Meeting, meeting_id)
        extra = WorkshopRound(meeting=meeting, title="Extra ronde", starts_at=meeting.starts_at,
                              ends_at=meeting.ends_at, workshops=[Workshop(title="Nieuw", capacity=5)])
        db.session.add(extra)
        db.session.commit()
        extra_round, new_workshop = extra.id, extra.workshops[0].id
    login_as(Role.ORGANISER)
    post(client, f"/beheer/aanmeldingen/{ids['anna@school.nl']}/verplaatsen",
         {"round": extra_round, "workshop": new_workshop})
    with app.app_context():
        chosen = {c.round_id: c.workshop_id for c in db.session.get(Registration, ids["anna@school.nl"]).choices}
        assert chosen[extra_round] == new_workshop
    url = f"/beheer/bijeenkomsten/{meeting_id}/mail"
    post(client, url, {"audience": "waitlisted", "subject": "Leeg", "body": "Niemand", "action": "send"})
    with app.app_context():
        from sto_events.registrations.models import Mailing

        assert db.session.scalar(sa.select(sa.func.count(Mailing.id))) == 0
    message = {"audience": "all", "subject": "Twee\x00 alinea's", "body": "Eén.\r\n\r\nTwee.", "action": "send"}
    post(client, url, message)
    with app.app_context():
        html = db.session.scalar(sa.select(OutboxMessage.body_html).where(OutboxMessage.kind == "attendee_mailing"))
        subject = db.session.scalar(sa.select(OutboxMessage.subject).where(OutboxMessage.kind == "attendee_mailing"))
    assert "<p>Eén.</p><p>Twee.</p>" in html
    assert subject == "Twee alinea's"
