"""The published calendar files (a meeting's "Zet in mijn agenda" file and the /agenda.ics feed) and a cancelled
meeting's public page."""

from __future__ import annotations

from datetime import timedelta

import flask_migrate
import sqlalchemy as sa
import vobject

from sto_events.core.extensions import db
from sto_events.core.timeutil import utcnow
from sto_events.meetings import planning
from sto_events.meetings.calendar import meeting_uid
from sto_events.meetings.models import Meeting, MeetingStatus
from sto_events.registrations import services
from sto_events.registrations.calendar import registration_uid
from sto_events.registrations.models import Registration
from tests.conftest import deliver_outbox
from tests.registrations.helpers import signup_data


def events(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return {e.summary.value: e for e in vobject.readOne(response.get_data(as_text=True)).vevent_list}


def move(app, meeting_id, hours=1, **changes):
    with app.app_context():
        meeting = db.session.get(Meeting, meeting_id)
        data = planning.MeetingData(
            title=changes.get("title", meeting.title), city=meeting.city, venue=meeting.venue,
            starts_at=meeting.starts_at + timedelta(hours=hours), ends_at=meeting.ends_at + timedelta(hours=hours),
            capacity=meeting.capacity, address=meeting.address, description=changes.get("description", ""),
            theme_ids=[t.id for t in meeting.themes])
        planning.update_meeting(db.session, meeting, data, actor=None, confirmed=True)


def cancel(app, meeting_id):
    with app.app_context():
        planning.cancel_meeting(db.session, db.session.get(Meeting, meeting_id), actor=None,
                                reason="De zaal is niet beschikbaar.")


def test_published_files_carry_organizer_sequence_last_modified_and_a_uid_with_our_domain(client, add_meeting):
    meeting = add_meeting(title="Bijeenkomst A")
    for url in (f"/bijeenkomsten/{meeting.slug}/agenda.ics", "/agenda.ics"):
        event = events(client, url)["Bijeenkomst A"]
        assert event.organizer.value == "mailto:bijeenkomsten@sto.test"
        assert event.organizer.params["CN"] == ["Sterk Techniekonderwijs"]
        assert event.sequence.value == "0"
        assert event.last_modified.value <= utcnow()
        assert event.uid.value == f"meeting-{meeting.id}@sto.test"
        assert event.status.value == "CONFIRMED"


def test_moving_renaming_and_cancelling_raise_the_sequence_and_a_cancelled_meeting_stays_in_the_feed(
        app, client, add_meeting):
    meeting = add_meeting(title="Bijeenkomst A")
    before = events(client, "/agenda.ics")["Bijeenkomst A"]
    move(app, meeting.id, hours=0, description="Alleen de tekst")  # nothing a calendar shows: same SEQUENCE
    assert events(client, "/agenda.ics")["Bijeenkomst A"].sequence.value == "0"
    move(app, meeting.id, hours=1)
    moved = events(client, "/agenda.ics")["Bijeenkomst A"]
    assert moved.sequence.value == "1"
    assert moved.dtstart.value == before.dtstart.value + timedelta(hours=1)
    assert moved.last_modified.value >= before.last_modified.value
    move(app, meeting.id, hours=0, title="Bijeenkomst B")
    assert events(client, "/agenda.ics")["Bijeenkomst B"].sequence.value == "2"

    cancel(app, meeting.id)
    for url in (f"/bijeenkomsten/{meeting.slug}/agenda.ics", "/agenda.ics"):
        event = events(client, url)["Bijeenkomst B"]
        assert event.status.value == "CANCELLED"
        assert event.sequence.value == "3"
        assert event.uid.value == before.uid.value


def test_feed_keeps_meetings_a_year_after_they_ended_and_never_shows_drafts(app, client, add_meeting):
    recent, old = add_meeting(title="Vorige maand"), add_meeting(title="Twee jaar geleden")
    add_meeting(title="Concept", status=MeetingStatus.DRAFT)
    with app.app_context():
        for meeting_id, days in ((recent.id, 30), (old.id, 730)):
            meeting = db.session.get(Meeting, meeting_id)
            meeting.starts_at = utcnow() - timedelta(days=days)
            meeting.ends_at = meeting.starts_at + timedelta(hours=4)
        db.session.commit()
    assert set(events(client, "/agenda.ics")) == {"Vorige maand"}


def test_cancelled_meeting_page_offers_no_places_and_no_calendar_button(app, client, add_meeting):
    meeting = add_meeting(capacity=80, title="Gaat niet door")
    page = client.get(f"/bijeenkomsten/{meeting.slug}").get_data(as_text=True)
    assert "Nog 80 plaatsen vrij" in page and "Zet in mijn agenda" in page
    cancel(app, meeting.id)
    page = client.get(f"/bijeenkomsten/{meeting.slug}").get_data(as_text=True)
    main = page[page.index("<main"):page.index("</main>")]
    assert "Deze bijeenkomst gaat niet door." in main
    assert "plaatsen vrij" not in main and "Plaatsen" not in main and "wachtlijst" not in main
    assert "Zet in mijn agenda" not in main and "agenda.ics" not in main
    # A page opened before the cancellation asks for the places box: it gets the news and stops asking.
    fragment = client.get(f"/bijeenkomsten/{meeting.slug}", headers={"HX-Request": "true", "HX-Target": "places"})
    text = fragment.get_data(as_text=True)
    assert 'id="places"' in text and "gaat niet door" in text
    assert "plaatsen vrij" not in text and "hx-trigger" not in text and "hx-get" not in text


def test_an_invitation_keeps_the_uid_of_the_first_one_when_the_sender_domain_changes(app_factory, make_meeting):
    from tests.conftest import SmtpServer

    server = SmtpServer().start()
    try:
        app = app_factory(MAIL_SERVER="127.0.0.1", MAIL_PORT=server.port)
        with app.app_context():
            meeting = make_meeting(db.session, rounds=((5, 5),))
            registration, _ = services.sign_up(db.session, meeting, signup_data(meeting, "zoe@school.nl"))
            registration_id = registration.id
            assert registration.calendar_uid == f"meeting-{meeting.id}-registration-{registration.public_id}@sto.test"
        app.config["MAIL_DEFAULT_SENDER"] = "agenda@elders.example"
        with app.app_context():
            registration = db.session.get(Registration, registration_id)
            other = registration.meeting.rounds[0].workshops[1].id
            services.change_workshops(db.session, registration, {registration.choices[0].round_id: other})
        deliver_outbox(app)
        uids = []
        for message in server.inbox.to("zoe@school.nl"):
            part = next(p for p in message.walk() if p.get_content_type() == "text/calendar")
            uids.append(vobject.readOne(part.get_content()).vevent.uid.value)
    finally:
        server.stop()
    assert len(uids) == 2 and uids[0] == uids[1] and uids[0].endswith("@sto.test")


def test_invitations_and_meetings_from_before_the_migration_keep_their_uids(app_factory, tmp_path):
    """Rows that existed before 0008_mail keep the `@sto-events` UIDs people's calendars already have; drafts and
    new rows get our domain."""
    path = tmp_path / "old.sqlite"
    app = app_factory(f"sqlite:///{path}")
    with app.app_context():
        flask_migrate.upgrade(revision="0007_browser_and_claim")
        now = utcnow().replace(tzinfo=None)
        for meeting_id, status in ((1, "published"), (2, "draft")):
            db.session.execute(sa.text(
                "INSERT INTO meeting (id, slug, title, description, city, venue, address, starts_at, ends_at,"
                " capacity, taken, status, is_demo, created_at) VALUES (:id, :slug, 'T', '', 'Zwolle', 'V', '',"
                " :start, :end, 10, 0, :status, 0, :now)"),
                {"id": meeting_id, "slug": f"m{meeting_id}", "start": now + timedelta(days=9),
                 "end": now + timedelta(days=9, hours=2), "status": status, "now": now})
        columns = {row[1] for row in db.session.execute(sa.text("PRAGMA table_info(registration)"))}
        values = {"id": 1, "meeting_id": 1, "public_id": "0f0f0f0f-aaaa-bbbb-cccc-000000000001", "name": "Zoë",
                  "email": "zoe@school.nl", "email_normalized": "zoe@school.nl", "organisation": "S",
                  "role": "vmbo", "locale": "nl", "status": "confirmed", "sequence": 3, "created_at": now,
                  "updated_at": now, "region": "", "share_with_participants": 0, "questions": ""}
        values = {k: v for k, v in values.items() if k in columns}
        db.session.execute(sa.text(f"INSERT INTO registration ({', '.join(values)}) VALUES "
                                   f"({', '.join(':' + k for k in values)})"), values)
        db.session.execute(sa.text(
            "INSERT INTO outbox_message (kind, recipient, subject, body_text, body_html, status, attempts,"
            " next_attempt_at, last_error, created_at) VALUES ('t', 'a@b.nl', 's', 't', 'h', 'pending', 0, :now,"
            " '', :now), ('t', 'c@d.nl', 's', 't', 'h', 'pending', 0, :now, '', :now)"), {"now": now})
        db.session.commit()
        flask_migrate.upgrade()
        published, draft = db.session.get(Meeting, 1), db.session.get(Meeting, 2)
        assert meeting_uid(published) == "meeting-1@sto-events"
        assert meeting_uid(draft) == "meeting-2@sto.test"
        registration = db.session.get(Registration, 1)
        assert registration_uid(registration) == (
            "meeting-1-registration-0f0f0f0f-aaaa-bbbb-cccc-000000000001@sto-events")
        keys = db.session.scalars(sa.text("SELECT message_key FROM outbox_message")).all()
        assert len(set(keys)) == 2 and all(len(k) == 32 for k in keys)


def test_the_demo_july_meeting_reads_back_at_plus_two_hours(app, client):
    from sto_events.meetings.demo import seed

    with app.app_context():
        [july] = [m for m in seed(db.session) if m.city == "Utrecht"]
        slug = july.slug
    raw = client.get(f"/bijeenkomsten/{slug}/agenda.ics").get_data(as_text=True)
    assert "RDATE" not in raw and "RRULE:FREQ=YEARLY" in raw
    start = vobject.readOne(raw).vevent.dtstart.value
    assert start.month == 7 and start.hour == 13 and start.utcoffset() == timedelta(hours=2)
