"""Organisers change and cancel meetings: they see what moves before it does, and the mail says what changed."""

from datetime import timedelta

import sqlalchemy as sa
import vobject

from sto_events.accounts.models import Role
from sto_events.core.extensions import db
from sto_events.core.timeutil import local, utcnow
from sto_events.meetings.models import Meeting
from sto_events.registrations import services
from tests.conftest import attachment, deliver_outbox, page_csrf
from tests.registrations.helpers import signup_data


def post(client, url, data):
    return client.post(url, data={**data, "csrf_token": page_csrf(client, "/beheer/")})


def hhmm(moment):
    return local(moment).strftime("%H:%M")


def details_form(meeting, **overrides):
    """The meeting form as the organiser would send it unchanged; overrides change fields."""
    data = {"title": meeting.title, "city": meeting.city, "venue": meeting.venue, "address": meeting.address or "",
            "description": meeting.description, "capacity": str(meeting.capacity),
            "date": local(meeting.starts_at).date().isoformat(), "start_time": hhmm(meeting.starts_at),
            "end_time": hhmm(meeting.ends_at)}
    data.update(overrides)
    return data


def meeting_with_people(app, make_meeting, people=2, **kwargs):
    with app.app_context():
        meeting = make_meeting(db.session, **kwargs)
        for i in range(people):
            services.sign_up(db.session, meeting, signup_data(meeting, f"p{i}@school.nl"))
        return meeting.id


def test_a_later_start_shows_every_round_that_moves_and_saves_only_after_confirmation(app, client, login_as,
                                                                                   make_meeting):
    with app.app_context():
        meeting = make_meeting(db.session, rounds=((5,), (5,)))
        meeting_id = meeting.id
        start, end = meeting.starts_at, meeting.ends_at
        rounds = [(r.starts_at, r.ends_at) for r in meeting.rounds]
        later = details_form(meeting, start_time=hhmm(start + timedelta(minutes=30)),
                             end_time=hhmm(end + timedelta(minutes=30)), venue="Andere zaal")
    login_as(Role.ORGANISER)
    url = f"/beheer/bijeenkomsten/{meeting_id}"

    asked = post(client, url, later)
    assert asked.status_code == 200
    page = asked.get_data(as_text=True)
    assert "Wijziging bevestigen" in page
    for old_start, old_end in rounds:  # each round: old → new, 30 minutes later
        new_start, new_end = old_start + timedelta(minutes=30), old_end + timedelta(minutes=30)
        assert f"{hhmm(old_start)}–{hhmm(old_end)}" in page and f"{hhmm(new_start)}–{hhmm(new_end)}" in page
    assert f"{hhmm(start)}–{hhmm(end)}" in page  # and the meeting itself
    assert 'value="Andere zaal"' in page and 'name="bevestigd" value="1"' in page  # the typed values ride along
    with app.app_context():
        unchanged = db.session.get(Meeting, meeting_id)
        assert (unchanged.starts_at, unchanged.venue) == (start, "Testlocatie")
        assert [(r.starts_at, r.ends_at) for r in unchanged.rounds] == rounds

    back = post(client, url, {**later, "bevestigd": "0"})  # "no, back to the form": values kept, nothing saved
    assert back.status_code == 200 and 'value="Andere zaal"' in back.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Meeting, meeting_id).venue == "Testlocatie"

    assert post(client, url, {**later, "bevestigd": "1"}).status_code == 303
    with app.app_context():
        moved = db.session.get(Meeting, meeting_id)
        assert moved.starts_at == start + timedelta(minutes=30) and moved.venue == "Andere zaal"
        assert [(r.starts_at, r.ends_at) for r in moved.rounds] == [
            (a + timedelta(minutes=30), b + timedelta(minutes=30)) for a, b in rounds]


def test_changes_that_move_nothing_save_at_once(app, client, login_as, make_meeting):
    with app.app_context():
        meeting = make_meeting(db.session)
        meeting_id = meeting.id
        form = details_form(meeting, venue="Aula", end_time=hhmm(meeting.ends_at + timedelta(hours=1)))
    login_as(Role.ORGANISER)
    assert post(client, f"/beheer/bijeenkomsten/{meeting_id}", form).status_code == 303


def test_moving_a_meeting_into_the_past_needs_an_explicit_confirmation(app, client, login_as, make_meeting):
    with app.app_context():
        meeting = make_meeting(db.session, rounds=())
        meeting_id = meeting.id
        yesterday = details_form(meeting, date=(local(utcnow()) - timedelta(days=1)).date().isoformat())
    login_as(Role.ORGANISER)
    asked = post(client, f"/beheer/bijeenkomsten/{meeting_id}", yesterday)
    assert asked.status_code == 200
    assert "De nieuwe datum en tijd liggen in het verleden." in asked.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Meeting, meeting_id).starts_at > utcnow()
    assert post(client, f"/beheer/bijeenkomsten/{meeting_id}", {**yesterday, "bevestigd": "1"}).status_code == 303
    with app.app_context():
        assert db.session.get(Meeting, meeting_id).starts_at < utcnow()


def test_the_change_mail_says_what_changed_old_and_new(app, client, login_as, make_meeting, smtp):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp.port)
    meeting_id = meeting_with_people(app, make_meeting)
    deliver_outbox(app)
    with app.app_context():
        meeting = db.session.get(Meeting, meeting_id)
        start, end = meeting.starts_at, meeting.ends_at
        form = details_form(meeting, venue="Nieuwe locatie", start_time=hhmm(start + timedelta(minutes=30)),
                            bevestigd="1")
    login_as(Role.ORGANISER)
    assert post(client, f"/beheer/bijeenkomsten/{meeting_id}", form).status_code == 303
    deliver_outbox(app)
    update = smtp.inbox.to("p0@school.nl")[-1]
    text = update.get_body(("plain",)).get_content().replace("\r\n", "\n")
    html = update.get_body(("html",)).get_content()
    assert "bij te werken.\n\nWat er verandert (oud → nieuw):\n" in text
    assert f"{hhmm(start)}–{hhmm(end)} → " in text and f", {hhmm(start + timedelta(minutes=30))}–{hhmm(end)}" in text
    assert "Waar: Testlocatie, Zwolle → Nieuwe locatie, Zwolle" in text
    assert "\n\nBijeenkomst:" in text  # a blank line before the details
    assert "<del>Testlocatie, Zwolle</del> → <strong>Nieuwe locatie, Zwolle</strong>" in html
    assert attachment(update) is not None


def test_cancelling_needs_a_reason_which_the_mail_gives_without_a_manage_link(app, client, login_as, make_meeting,
                                                                              smtp):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp.port)
    meeting_id = meeting_with_people(app, make_meeting)
    deliver_outbox(app)
    login_as(Role.ORGANISER)
    url = f"/beheer/bijeenkomsten/{meeting_id}/annuleren"
    refused = post(client, url, {"reason": "  "})
    assert refused.status_code == 422
    assert "Schrijf waarom de bijeenkomst niet doorgaat." in refused.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Meeting, meeting_id).status == "published"

    assert post(client, url, {"reason": "De spreker is ziek.\nWe plannen een nieuwe datum."}).status_code == 303
    deliver_outbox(app)
    cancel = smtp.inbox.to("p0@school.nl")[-1]
    text = cancel.get_body(("plain",)).get_content().replace("\r\n", "\n")
    html = cancel.get_body(("html",)).get_content()
    assert "agenda te halen.\n\nDe reden:\nDe spreker is ziek.\nWe plannen een nieuwe datum.\n\nBijeenkomst:" in text
    assert "De spreker is ziek." in html
    assert "\n\nBijeenkomst:" in text
    for body in (text, html):
        assert "Bekijk, wijzig of annuleer uw aanmelding" not in body and "/aanmelding/" not in body
    calendar = vobject.readOne(attachment(cancel).get_content())
    assert calendar.method.value == "CANCEL"
    assert "Bekijk, wijzig of annuleer" not in calendar.vevent.description.value
    # Mails before the cancellation still carry the link.
    first = smtp.inbox.to("p0@school.nl")[0].get_body(("plain",)).get_content()
    assert "Bekijk, wijzig of annuleer uw aanmelding" in first
    from sto_events.audit.models import AuditEntry

    with app.app_context():
        entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "meeting.cancel"))
        assert "De spreker is ziek." in entry.details
