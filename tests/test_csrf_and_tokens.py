"""Every state-changing route needs a CSRF token; signed links work only for their own purpose."""

import re

import sqlalchemy as sa

from sto_events.accounts.models import Role
from sto_events.extensions import db
from sto_events.registrations import services
from sto_events.registrations.models import Registration, RegistrationStatus
from sto_events.registrations.tokens import check_in_token, manage_token
from tests.registrations.helpers import signup_data

#: These check their token inside the form (after the rate limit) and answer 422 with the typed values kept.
FORM_CHECKED = {"registrations.sign_up", "accounts.login"}


def post_routes(app, values):
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if "POST" in rule.methods:
                yield rule.endpoint, app.url_for(rule.endpoint, **{a: values[a] for a in rule.arguments})


def test_every_post_without_a_token_is_refused_and_changes_nothing(app, client, login_as, make_meeting):
    with app.app_context():
        meeting = make_meeting(db.session)
        registration, _ = services.sign_up(db.session, meeting, signup_data(meeting, "a@school.nl"))
        values = {
            "slug": meeting.slug, "token": manage_token(registration), "secret": "x", "field": "name",
            "meeting_id": meeting.id, "round_id": meeting.rounds[0].id,
            "workshop_id": meeting.rounds[0].workshops[0].id,
            "registration_id": registration.id, "mailing_id": 1,
        }
    login_as(Role.ORGANISER)
    routes = list(post_routes(app, values))
    assert len(routes) >= 15
    for endpoint, url in routes:
        response = client.post(url, data={"aanwezig": "1", "lang": "en"}, headers={"HX-Request": "true"})
        expected = 422 if endpoint in FORM_CHECKED else 400
        assert response.status_code in (expected, 404), (endpoint, response.status_code)
    with app.app_context():
        assert db.session.scalar(sa.select(Registration.status)) == RegistrationStatus.CONFIRMED
        assert db.session.scalar(sa.select(Registration.checked_in_at)) is None


def test_a_check_in_token_cannot_open_the_manage_page_and_vice_versa(app, client, login_as, make_meeting):
    with app.app_context():
        meeting = make_meeting(db.session)
        registration, _ = services.sign_up(db.session, meeting, signup_data(meeting, "a@school.nl"))
        manage, check_in = manage_token(registration), check_in_token(registration)
        other, _ = services.sign_up(db.session, meeting, signup_data(meeting, "b@school.nl"))
        other_manage = manage_token(other)
    assert client.get(f"/aanmelding/{check_in}").status_code == 404
    login_as(Role.ORGANISER)
    assert client.get(f"/beheer/inchecken/{manage}").status_code == 404
    page = client.get(f"/aanmelding/{other_manage}").get_data(as_text=True)
    assert "b@school.nl" in page and "a@school.nl" not in page


def test_no_email_address_in_logs_or_query_strings(app, client, add_meeting):
    import logging

    from tests.conftest import deliver_outbox
    from tests.registrations.test_routes import sign_up

    records = []
    handler = logging.Handler(logging.DEBUG)
    handler.emit = lambda record: records.append(record.getMessage())
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        meeting = add_meeting()
        response = sign_up(client, meeting, email="geheim.adres@school.nl")
        client.get(response.headers["Location"])
        deliver_outbox(app)
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)
    assert any("mail saved" in r for r in records)  # the log was captured at all
    assert not [r for r in records if "geheim.adres" in r]
    assert not re.search(r"[?&][^ ]*@", response.headers["Location"])


def test_extra_form_fields_are_ignored(app, client, add_meeting):
    from tests.registrations.test_routes import sign_up

    full = add_meeting(capacity=1)
    other = add_meeting()
    sign_up(app.test_client(), full, email="first@school.nl")
    sign_up(client, full, status="confirmed", sequence="99", public_id="mine", meeting_id=str(other.id),
            role_override="organiser", checked_in_at="2026-01-01")
    with app.app_context():
        mine = db.session.scalar(sa.select(Registration).where(Registration.email == "zoe@school.nl"))
        assert mine.status == RegistrationStatus.WAITLISTED  # the meeting was full, whatever the form said
        assert (mine.meeting_id, mine.sequence, mine.checked_in_at) == (full.id, 0, None)
        assert mine.public_id != "mine"
