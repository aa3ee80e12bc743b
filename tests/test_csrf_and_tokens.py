"""Every state-changing route needs a CSRF token; signed links work only for their own purpose."""

import re

import sqlalchemy as sa

from sto_events.accounts.models import Role
from sto_events.accounts.services import create_user
from sto_events.core.extensions import db
from sto_events.organisations.models import OrganisationContact
from sto_events.regions import demo
from sto_events.regions.models import RegionCoordinator
from sto_events.registrations import services
from sto_events.registrations.models import Registration, RegistrationStatus
from sto_events.registrations.tokens import check_in_token, manage_token
from tests.registrations.helpers import signup_data

#: These check their token inside the form (after the rate limit) and answer 422 with the typed values kept.
FORM_CHECKED = {"registrations.sign_up", "accounts.login", "company_signup.register"}


def post_routes(app, values):
    """(endpoint, url) of every POST route; `values` may name a value per blueprint: (blueprint, argument)."""
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if "POST" in rule.methods:
                blueprint = rule.endpoint.split(".")[0]
                yield rule.endpoint, app.url_for(rule.endpoint, **{
                    a: values.get((blueprint, a), values[a]) for a in rule.arguments})


def test_every_post_without_a_token_is_refused_and_changes_nothing(app, client, login_as, make_meeting):
    with app.app_context():
        meeting = make_meeting(db.session)
        registration, _ = services.sign_up(db.session, meeting, signup_data(meeting, "a@school.nl"))
        region = demo.seed(db.session)[0]
        # A coordinator of the region and a contact of its first organisation: ending them asks for the token.
        member = create_user(db.session, "lid@regio.nl", "Lid", Role.REGION_COORDINATOR)
        db.session.add_all([RegionCoordinator(region_id=region.id, user_id=member.id),
                            OrganisationContact(organisation_id=region.members[0].id, user_id=member.id)])
        db.session.commit()
        values = {
            "slug": meeting.slug, "token": manage_token(registration), "secret": "x", "field": "name",
            "meeting_id": meeting.id, "round_id": meeting.rounds[0].id,
            "workshop_id": meeting.rounds[0].workshops[0].id,
            "registration_id": registration.id, "mailing_id": 1, "user_id": member.id, "organisation_id": 1,
            # A region's manage pages need a region (and a member) that exists: the scope is decided before the
            # CSRF check.
            ("region_scope", "slug"): region.slug,
            ("organisation_scope", "organisation_id"): region.members[0].id,
        }
    login_as(Role.ORGANISER)
    routes = list(post_routes(app, values))
    assert len(routes) >= 15
    for endpoint, url in routes:
        response = client.post(url, data={"aanwezig": "1", "lang": "en"}, headers={"HX-Request": "true"})
        expected = 422 if endpoint in FORM_CHECKED else 400
        assert response.status_code == expected, (endpoint, response.status_code)
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


def test_no_email_address_in_logs_or_query_strings(app, client, add_meeting, make_user, login_as):
    """Every path that handles an address: sign-up, delivery, a temporary and a permanent SMTP failure, login with
    a known and an unknown address, a password reset and an invitation. The log never holds one."""
    import logging

    from aiosmtpd.controller import Controller

    from tests.conftest import deliver_outbox, free_port, page_csrf
    from tests.registrations.test_routes import sign_up

    class Rejecting:
        async def handle_RCPT(self, server, session, envelope, address, options):
            return f"550 5.1.1 <{address}>: no such user"

    records = []
    handler = logging.Handler(logging.DEBUG)
    # Everything but the test's own SMTP server (aiosmtpd logs as "mail.log").
    handler.emit = lambda record: record.name.startswith("mail.log") or records.append(handler.format(record))
    handler.setFormatter(logging.Formatter("%(name)s %(message)s"))
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    rejecting = Controller(Rejecting(), hostname="127.0.0.1", port=free_port())
    rejecting.start()
    try:
        meeting = add_meeting()
        response = sign_up(client, meeting, email="geheim.adres@school.nl")
        client.get(response.headers["Location"])
        deliver_outbox(app)  # saved as a file
        sign_up(app.test_client(), meeting, email="geheim.tijdelijk@school.nl")
        app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port(), MAIL_TIMEOUT=2)
        deliver_outbox(app)  # nothing listens: tried again later
        app.config.update(MAIL_PORT=rejecting.port)
        sign_up(app.test_client(), meeting, email="geheim.afgewezen@school.nl")
        from sto_events.core.extensions import db as database
        from sto_events.notifications.models import OutboxMessage

        with app.app_context():
            database.session.execute(sa.update(OutboxMessage).values(next_attempt_at=OutboxMessage.created_at))
            database.session.commit()
        deliver_outbox(app)  # refused for good
        known = make_user(email="geheim.bekend@stotest.nl")
        visitor = app.test_client()
        for email in (known, "geheim.onbekend@school.nl"):
            visitor.post("/inloggen", data={"email": email, "password": "verkeerd wachtwoord 1",
                                            "csrf_token": page_csrf(visitor)})
        visitor.post("/wachtwoord-vergeten", data={"email": known, "csrf_token": page_csrf(visitor,
                                                                                            "/wachtwoord-vergeten")})
        login_as(Role.ORGANISER)
        client.post("/beheer/gebruikers", data={"name": "Geheim", "email": "geheim.uitnodiging@school.nl",
                                                "role": "school_contact", "csrf_token": page_csrf(client,
                                                                                                  "/beheer/")})
        deliver_outbox(app)
    finally:
        rejecting.stop()
        root.removeHandler(handler)
        root.setLevel(old_level)
        app.config.update(MAIL_SERVER="")
    # The log was captured, and these paths did run.
    for expected in ("mail saved", "not sent", "failed for good"):
        assert any(expected in r for r in records), expected
    with app.app_context():
        from sto_events.core.extensions import db as database
        from sto_events.notifications.models import OutboxMessage

        recipients = set(database.session.scalars(sa.select(OutboxMessage.recipient)))
    assert {"geheim.bekend@stotest.nl", "geheim.uitnodiging@school.nl"} <= recipients
    assert not [r for r in records if "geheim" in r]
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
