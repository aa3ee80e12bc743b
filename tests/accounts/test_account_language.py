"""An account keeps the language its person chose: the site opens in it after the next login, and mails that
somebody else's action causes (added to a region) are written in it, whatever the sender reads."""

from __future__ import annotations

import sqlalchemy as sa

from sto_events.accounts.models import Role, User
from sto_events.core.extensions import db
from sto_events.organisations import memberships as org_memberships
from sto_events.regions import demo, memberships
from tests.conftest import PASSWORD, deliver_outbox, page_csrf


def _log_in(app, email):
    client = app.test_client()
    response = client.post("/inloggen", data={"email": email, "password": PASSWORD, "csrf_token": page_csrf(client)})
    assert response.status_code == 303
    return client


def _locale(app, email) -> str:
    with app.app_context():
        return db.session.scalar(sa.select(User.locale).where(User.email == email))


def test_the_language_chosen_while_logged_in_is_the_next_logins_language(app, make_user):
    email = make_user(Role.REGION_COORDINATOR)
    assert _locale(app, email) == "nl"
    client = _log_in(app, email)
    client.post("/taal", data={"lang": "en", "csrf_token": page_csrf(client, "/")})
    assert _locale(app, email) == "en"
    # Another browser, no language chosen there: the account's language.
    elsewhere = _log_in(app, email)
    assert '<html lang="en"' in elsewhere.get("/mijn-omgeving").get_data(as_text=True)
    # Choosing on the login page itself counts too.
    third = app.test_client()
    third.post("/taal", data={"lang": "nl", "csrf_token": page_csrf(third, "/")})
    third.post("/inloggen", data={"email": email, "password": PASSWORD, "csrf_token": page_csrf(third)})
    assert _locale(app, email) == "nl"
    assert '<html lang="nl"' in third.get("/mijn-omgeving").get_data(as_text=True)


def test_a_visitors_language_choice_changes_no_account(app, make_user):
    email = make_user(Role.REGION_COORDINATOR)
    visitor = app.test_client()
    visitor.post("/taal", data={"lang": "en", "csrf_token": page_csrf(visitor, "/")})
    assert _locale(app, email) == "nl"


def test_an_english_account_added_by_a_dutch_organiser_is_told_in_english(app, smtp, make_user):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp.port)
    existing = make_user(Role.SCHOOL_CONTACT, email="emma@school.nl", name="Emma Evans")
    client = _log_in(app, existing)
    client.post("/taal", data={"lang": "en", "csrf_token": page_csrf(client, "/")})
    with app.test_request_context():  # an organiser reading Dutch adds her
        region = demo.seed(db.session)[0]
        organiser = db.session.scalar(sa.select(User).where(User.email == make_user(Role.ORGANISER)))
        memberships.add_coordinator(db.session, region, existing, "Emma Evans", organiser)
        new = memberships.add_coordinator(db.session, region, "nieuw@regio.nl", "Nina Nieuw", organiser)
        assert new.user.locale == "nl"
        db.session.commit()
        region_name = region.name
    deliver_outbox(app)
    added = smtp.inbox.to(existing)[-1]
    assert added["Subject"] == f"You have been added: coordinator of the region {region_name}"
    text = added.get_body(("plain",)).get_content()
    assert "coordinator of the region" in text and "toegevoegd" not in text
    # A new account has chosen nothing yet: the programme's language.
    invited = smtp.inbox.to("nieuw@regio.nl")[-1]
    assert invited["Subject"] == f"Uitnodiging: coördinator van de regio {region_name}"


def test_a_typed_name_in_an_invitation_is_escaped_in_both_languages(app, smtp, make_user):
    """`about` is worded in the recipient's language when the mail is made; the organisation's name in it was typed
    by somebody (a company registers itself) and must reach the mail's HTML as text, not as markup."""
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp.port)
    english = make_user(Role.SCHOOL_CONTACT, email="emma@school.nl", name="Emma Evans")
    organiser_email = make_user(Role.ORGANISER)
    with app.app_context():
        db.session.scalar(sa.select(User).where(User.email == english)).locale = "en"
        db.session.commit()
    with app.test_request_context():
        organisation = demo.seed(db.session)[0].members[0]
        organisation.name = '<a href="https://evil.example">Klik hier</a>'
        organiser = db.session.scalar(sa.select(User).where(User.email == organiser_email))
        org_memberships.add_contact(db.session, organisation, "nieuw@bedrijf.nl", "Nina Nieuw", organiser)
        org_memberships.add_contact(db.session, organisation, english, "Emma Evans", organiser)
        db.session.commit()
    deliver_outbox(app)
    for address in ("nieuw@bedrijf.nl", english):
        html = smtp.inbox.to(address)[-1].get_body(("html",)).get_content()
        assert "&lt;a href=" in html and 'href="https://evil.example"' not in html, html


def test_a_language_left_by_someone_elses_idle_session_is_not_the_next_logins_choice(app, make_user):
    """On a shared computer: Emma (English) is logged out for being idle; Daan logs in next in the same browser and
    gets his own language, and his account keeps it."""
    emma = make_user(Role.SCHOOL_CONTACT, email="emma@school.nl")
    daan = make_user(Role.SCHOOL_CONTACT, email="daan@school.nl")
    client = _log_in(app, emma)
    client.post("/taal", data={"lang": "en", "csrf_token": page_csrf(client, "/")})
    app.config["SESSION_IDLE_MINUTES"] = -1  # every request is after the idle limit
    assert '<html lang="en"' in client.get("/").get_data(as_text=True)  # logged out, the page stays English
    app.config["SESSION_IDLE_MINUTES"] = 30
    response = client.post("/inloggen", data={"email": daan, "password": PASSWORD, "csrf_token": page_csrf(client)})
    assert response.status_code == 303
    assert _locale(app, daan) == "nl"
    assert '<html lang="nl"' in client.get("/mijn-omgeving").get_data(as_text=True)
