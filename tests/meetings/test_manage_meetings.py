"""Organisers create, publish, change and cancel meetings; registrants hear about it by mail."""

import re
from datetime import date, timedelta

import sqlalchemy as sa
import vobject

from sto_events.accounts.models import Role
from sto_events.audit.models import AuditEntry
from sto_events.core.extensions import db
from sto_events.meetings.models import Meeting, MeetingStatus, Workshop
from sto_events.registrations import services
from sto_events.registrations.models import Registration, RegistrationStatus
from tests.conftest import attachment, deliver_outbox, page_csrf
from tests.registrations.helpers import signup_data


def meeting_form(**overrides):
    day = date.today() + timedelta(days=40)
    data = {
        "title": "Themabijeenkomst Assen",
        "date": day.isoformat(),
        "start_time": "13:00",
        "end_time": "17:00",
        "venue": "Drenthe College",
        "address": "Stationsstraat 1",
        "city": "Assen",
        "capacity": "60",
        "description": "Over samenwerking met het bedrijfsleven.",
    }
    data.update(overrides)
    return data


def post(client, url, data, page=None):
    return client.post(url, data={**data, "csrf_token": page_csrf(client, page or "/beheer/")})


def test_create_add_programme_and_publish(app, client, login_as):
    login_as(Role.ORGANISER)
    bad = post(client, "/beheer/bijeenkomsten/nieuw", meeting_form(end_time="12:00", capacity="nul"))
    assert bad.status_code == 422
    page = bad.get_data(as_text=True)
    assert "De eindtijd moet na de begintijd liggen." in page
    assert 'value="Drenthe College"' in page

    created = post(client, "/beheer/bijeenkomsten/nieuw", meeting_form())
    assert created.status_code == 303
    meeting_url = created.headers["Location"]
    meeting_id = int(meeting_url.rstrip("/").split("/")[-1])
    with app.app_context():
        meeting = db.session.get(Meeting, meeting_id)
        assert meeting.status == MeetingStatus.DRAFT
        assert meeting.starts_at.hour in (11, 12)  # 13:00 in Amsterdam, stored in UTC
        slug = meeting.slug
    assert client.get(f"/bijeenkomsten/{slug}").status_code == 404  # drafts are not public

    for number, (start, end) in enumerate([("13:30", "14:30"), ("15:00", "16:00")], start=1):
        response = post(client, f"/beheer/bijeenkomsten/{meeting_id}/rondes",
                        {"round-title": f"Ronde {number}", "round-start_time": start, "round-end_time": end})
        assert response.status_code == 303
    with app.app_context():
        round_ids = [r.id for r in db.session.get(Meeting, meeting_id).rounds]
    for round_id in round_ids:
        for letter in "AB":
            response = post(client, f"/beheer/rondes/{round_id}/workshops",
                            {f"new-{round_id}-title": f"Workshop {letter}", f"new-{round_id}-capacity": "20"})
            assert response.status_code == 303
    assert post(client, f"/beheer/bijeenkomsten/{meeting_id}/publiceren", {}).status_code == 303
    public = client.get(f"/bijeenkomsten/{slug}").get_data(as_text=True)
    assert "Ronde 2" in public and public.count("Workshop B") == 2
    with app.app_context():
        actions = db.session.scalars(sa.select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions == ["meeting.create", "round.create", "round.create"] + ["workshop.create"] * 4 + ["meeting.publish"]
    log = client.get("/beheer/logboek").get_data(as_text=True)
    assert "Bijeenkomst gepubliceerd" in log and "Themabijeenkomst Assen" in log


def published_meeting_with_people(app, make_meeting, capacity=3):
    with app.app_context():
        meeting = make_meeting(db.session, capacity=capacity, rounds=((5, 5),))
        people = []
        for i in range(capacity + 1):
            registration, _ = services.sign_up(db.session, meeting, signup_data(meeting, f"p{i}@school.nl"))
            people.append(registration.status)
        return meeting.id, people


def test_moving_a_published_meeting_mails_updates_with_higher_sequence(app, client, login_as, make_meeting, smtp):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp.port)
    meeting_id, statuses = published_meeting_with_people(app, make_meeting)
    assert statuses[-1] == RegistrationStatus.WAITLISTED
    deliver_outbox(app)
    first_uid = vobject.readOne(attachment(smtp.inbox.to("p0@school.nl")[0]).get_content()).vevent.uid.value
    login_as(Role.ORGANISER)
    with app.app_context():
        meeting = db.session.get(Meeting, meeting_id)
        theme_values = {}
        form = meeting_form(title=meeting.title, venue="Nieuwe locatie", city=meeting.city, capacity="3",
                            date=(meeting.starts_at + timedelta(days=1)).date().isoformat(), bevestigd="1",
                            **theme_values)
    response = post(client, f"/beheer/bijeenkomsten/{meeting_id}", form)
    assert response.status_code == 303
    deliver_outbox(app)
    update = smtp.inbox.to("p0@school.nl")[-1]
    assert update["Subject"].startswith("Gewijzigd: ")
    cal = vobject.readOne(attachment(update).get_content())
    assert cal.method.value == "REQUEST"
    assert cal.vevent.uid.value == first_uid
    assert cal.vevent.sequence.value == "1"
    assert "Nieuwe locatie" in cal.vevent.location.value
    waiting = smtp.inbox.to("p3@school.nl")[-1]
    assert waiting["Subject"].startswith("Gewijzigd: ") and attachment(waiting) is None


def test_capacity_below_confirmed_count_is_refused(app, client, login_as, make_meeting):
    meeting_id, _ = published_meeting_with_people(app, make_meeting, capacity=3)
    login_as(Role.ORGANISER)
    with app.app_context():
        meeting = db.session.get(Meeting, meeting_id)
        workshop_id = meeting.rounds[0].workshops[0].id
        form = meeting_form(title=meeting.title, venue=meeting.venue, city=meeting.city, address="",
                            date=meeting.starts_at.astimezone().date().isoformat(), capacity="2")
    response = post(client, f"/beheer/bijeenkomsten/{meeting_id}", form)
    assert response.status_code == 409
    assert "Er zijn al 3 plaatsen bezet" in response.get_data(as_text=True)
    prefix = f"workshop-{workshop_id}"
    response = post(client, f"/beheer/workshops/{workshop_id}", {f"{prefix}-title": "W", f"{prefix}-capacity": "1"})
    assert response.status_code == 409
    assert "minder kan niet" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Meeting, meeting_id).capacity == 3
        assert db.session.get(Workshop, workshop_id).capacity == 5


def test_raising_capacity_promotes_the_waiting_list(app, client, login_as, make_meeting):
    meeting_id, _ = published_meeting_with_people(app, make_meeting, capacity=3)
    login_as(Role.ORGANISER)
    with app.app_context():
        meeting = db.session.get(Meeting, meeting_id)
        from sto_events.core.timeutil import local

        start, end = local(meeting.starts_at), local(meeting.ends_at)
        form = meeting_form(title=meeting.title, venue=meeting.venue, city=meeting.city, address="",
                            date=start.date().isoformat(), start_time=start.strftime("%H:%M"),
                            end_time=end.strftime("%H:%M"), capacity="4")
    assert post(client, f"/beheer/bijeenkomsten/{meeting_id}", form).status_code == 303
    with app.app_context():
        statuses = db.session.scalars(sa.select(Registration.status)).all()
        assert statuses.count(RegistrationStatus.CONFIRMED) == 4


def test_inline_workshop_edit_with_htmx(app, client, login_as, make_meeting):
    with app.app_context():
        meeting = make_meeting(db.session)
        workshop_id = meeting.rounds[0].workshops[0].id
    login_as(Role.ORGANISER)
    headers = {"HX-Request": "true", "HX-Target": f"workshop-{workshop_id}"}
    form = client.get(f"/beheer/workshops/{workshop_id}", headers=headers).get_data(as_text=True)
    assert form.lstrip().startswith(f'<tr class="utrecht-table__row sto-row--editing" id="workshop-{workshop_id}"')
    token = page_csrf(client, "/beheer/")
    prefix = f"workshop-{workshop_id}"
    saved = client.post(f"/beheer/workshops/{workshop_id}",
                        data={f"{prefix}-title": "Nieuwe titel", f"{prefix}-capacity": "25",
                              f"{prefix}-hosts": "Jet-Net"},
                        headers={**headers, "X-CSRFToken": token})
    row = saved.get_data(as_text=True)
    assert row.lstrip().startswith('<tr class="utrecht-table__row sto-row--saved"')
    assert "Nieuwe titel" in row and "0 / 25" in row
    invalid = client.post(f"/beheer/workshops/{workshop_id}", data={f"{prefix}-title": "", f"{prefix}-capacity": "-3"},
                          headers={**headers, "X-CSRFToken": token})
    assert invalid.status_code == 200 and "Dit veld is verplicht." in invalid.get_data(as_text=True)


def test_cancel_meeting_mails_everyone(app, client, login_as, make_meeting, smtp):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp.port)
    meeting_id, _ = published_meeting_with_people(app, make_meeting, capacity=2)
    deliver_outbox(app)
    uid = vobject.readOne(attachment(smtp.inbox.to("p0@school.nl")[0]).get_content()).vevent.uid.value
    login_as(Role.ORGANISER)
    assert "Weet u zeker" in client.get(f"/beheer/bijeenkomsten/{meeting_id}/annuleren").get_data(as_text=True)
    response = post(client, f"/beheer/bijeenkomsten/{meeting_id}/annuleren", {"reason": "De zaal is niet beschikbaar."})
    assert response.status_code == 303
    deliver_outbox(app)
    for address in ("p0@school.nl", "p1@school.nl"):
        cancel = smtp.inbox.to(address)[-1]
        assert cancel["Subject"].startswith("Gaat niet door: ")
        cal = vobject.readOne(attachment(cancel).get_content())
        assert cal.method.value == "CANCEL" and cal.vevent.status.value == "CANCELLED"
    assert vobject.readOne(attachment(smtp.inbox.to("p0@school.nl")[-1]).get_content()).vevent.uid.value == uid
    waiting = smtp.inbox.to("p2@school.nl")[-1]
    assert waiting["Subject"].startswith("Gaat niet door: ") and attachment(waiting) is None
    with app.app_context():
        meeting = db.session.get(Meeting, meeting_id)
        assert meeting.status == MeetingStatus.CANCELLED and meeting.taken == 0
        assert set(db.session.scalars(sa.select(Registration.status))) == {RegistrationStatus.CANCELLED}
    assert re.search("gaat niet door", client.get(f"/bijeenkomsten/{meeting.slug}").get_data(as_text=True))


def test_hostile_back_office_input_gives_field_errors_not_500(app, client, login_as, make_meeting):
    with app.app_context():
        meeting = make_meeting(db.session)
        meeting_id, workshop_id = meeting.id, meeting.rounds[0].workshops[0].id
    login_as(Role.ORGANISER)
    cases = [
        ({"capacity": "9" * 400}, "Vul een kleiner getal in."),
        ({"date": "0001-01-01"}, "Kies een datum tussen vorig jaar en vijf jaar vooruit."),
        ({"date": "2027-03-28", "start_time": "02:15", "end_time": "03:15"}, "Die tijd bestaat niet op deze dag"),
        ({"title": "x\x00y", "capacity": "-5"}, "Kies een aantal tussen 1 en 100000."),
    ]
    for overrides, message in cases:
        response = post(client, "/beheer/bijeenkomsten/nieuw", meeting_form(**overrides))
        assert response.status_code == 422, overrides
        assert message in response.get_data(as_text=True), overrides
    prefix = f"workshop-{workshop_id}"
    response = post(client, f"/beheer/workshops/{workshop_id}",
                    {f"{prefix}-title": "W", f"{prefix}-capacity": "9" * 50})
    assert response.status_code == 422
    for url in ("/beheer/aanmeldingen/9223372036854775808", "/beheer/bijeenkomsten/99999999999999999999",
                "/beheer/berichten/9223372036854775808"):
        assert client.get(url).status_code == 404, url
    assert client.get(f"/beheer/bijeenkomsten/{meeting_id}/deelnemers?workshop=9999999999999").status_code == 400


def test_moving_a_meeting_moves_its_rounds(app, client, login_as, make_meeting):
    from sto_events.core.timeutil import local

    with app.app_context():
        meeting = make_meeting(db.session)
        meeting_id = meeting.id
        start, end = local(meeting.starts_at), local(meeting.ends_at)
        round_offset = meeting.rounds[0].starts_at - meeting.starts_at
    login_as(Role.ORGANISER)
    form = meeting_form(date=(start + timedelta(days=7)).date().isoformat(), start_time=start.strftime("%H:%M"),
                        end_time=end.strftime("%H:%M"), capacity="50", bevestigd="1")
    assert post(client, f"/beheer/bijeenkomsten/{meeting_id}", form).status_code == 303
    with app.app_context():
        moved = db.session.get(Meeting, meeting_id)
        assert moved.rounds[0].starts_at - moved.starts_at == round_offset


def test_a_round_is_renamed_and_moved_on_its_own_page(app, client, login_as, make_meeting):
    from sto_events.core.timeutil import local
    from sto_events.meetings.models import WorkshopRound

    with app.app_context():
        meeting = make_meeting(db.session)
        round_id, meeting_id = meeting.rounds[0].id, meeting.id
        day = local(meeting.starts_at).date()
    login_as(Role.ORGANISER)
    assert f"/beheer/rondes/{round_id}" in client.get(f"/beheer/bijeenkomsten/{meeting_id}").get_data(as_text=True)
    page = client.get(f"/beheer/rondes/{round_id}").get_data(as_text=True)
    assert 'value="Ronde 1"' in page

    invisible = post(client, f"/beheer/rondes/{round_id}", {"title": "\u200b\u200e", "start_time": "14:00",
                                                            "end_time": "14:30"})
    assert invisible.status_code == 422 and "Vul zichtbare tekst in." in invisible.get_data(as_text=True)
    wrong = post(client, f"/beheer/rondes/{round_id}", {"title": "", "start_time": "15:00", "end_time": "14:00"})
    assert wrong.status_code == 422
    text = wrong.get_data(as_text=True)
    assert "value=\"15:00\"" in text and "id=\"title-error\"" in text  # errors beside the fields, input kept
    response = post(client, f"/beheer/rondes/{round_id}",
                    {"title": "Middagronde", "start_time": "14:15", "end_time": "15:00"})
    assert response.status_code == 303 and response.headers["Location"].endswith(f"#round-{round_id}")
    with app.app_context():
        changed = db.session.get(WorkshopRound, round_id)
        assert changed.title == "Middagronde"
        assert (local(changed.starts_at).date(), local(changed.starts_at).strftime("%H:%M"),
                local(changed.ends_at).strftime("%H:%M")) == (day, "14:15", "15:00")
        assert db.session.scalar(sa.select(AuditEntry.action).order_by(AuditEntry.id.desc())) == "round.update"


def test_rounds_stay_inside_their_meeting_and_beside_each_other(app, client, login_as, make_meeting):
    from sto_events.core.timeutil import local

    with app.app_context():
        meeting = make_meeting(db.session, rounds=((5,), (5,)))
        meeting_id, (first, second) = meeting.id, [r.id for r in meeting.rounds]
        start, end = local(meeting.starts_at), local(meeting.ends_at)
        second_start = local(meeting.rounds[1].starts_at)
    login_as(Role.ORGANISER)

    def hhmm(moment):
        return moment.strftime("%H:%M")

    before = post(client, f"/beheer/rondes/{first}", {"title": "Vroeg", "start_time": hhmm(start - timedelta(hours=1)),
                                                      "end_time": hhmm(start + timedelta(minutes=30))})
    assert before.status_code == 422 and "Een ronde valt binnen de tijd van de bijeenkomst." in before.get_data(
        as_text=True)
    overlap = post(client, f"/beheer/rondes/{first}", {"title": "Ronde 1",
                                                       "start_time": hhmm(second_start - timedelta(minutes=30)),
                                                       "end_time": hhmm(second_start + timedelta(minutes=30))})
    assert overlap.status_code == 422 and "overlapt met Ronde 2" in overlap.get_data(as_text=True)
    added = post(client, f"/beheer/bijeenkomsten/{meeting_id}/rondes",
                 {"round-title": "Erbij", "round-start_time": hhmm(second_start), "round-end_time": hhmm(end)})
    assert added.status_code == 422 and "overlapt met Ronde 2" in added.get_data(as_text=True)

    # Shortening the meeting so that the second round falls outside it is refused, and nothing moves.
    form = meeting_form(date=start.date().isoformat(), start_time=hhmm(start), end_time=hhmm(second_start))
    shortened = post(client, f"/beheer/bijeenkomsten/{meeting_id}", form)
    assert shortened.status_code == 409 and "Niet elke ronde valt dan nog binnen" in shortened.get_data(as_text=True)
    with app.app_context():
        kept = db.session.get(Meeting, meeting_id)
        assert (local(kept.ends_at), [r.id for r in kept.rounds]) == (end, [first, second])
        assert kept.title == "Themabijeenkomst Testplaats"
