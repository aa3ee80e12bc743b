"""A company registers itself, confirms by a mailed link (a POST), sets a password, and stays invisible until an
organiser verifies it; refused companies are removed and told why."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from itsdangerous import URLSafeTimedSerializer

from sto_events.accounts.models import AccountToken, Role, User
from sto_events.audit.models import AuditEntry
from sto_events.core.extensions import db
from sto_events.organisations import companies
from sto_events.organisations.models import Organisation, OrganisationContact
from sto_events.organisations.vocabulary import OrganisationKind
from sto_events.regions import demo
from sto_events.regions.models import Region, RegionMember
from tests.conftest import PASSWORD, deliver_outbox, page_csrf
from tests.test_responses import snapshot

FORM = "/bedrijven/aanmelden"
QUEUE = "/beheer/organisaties/te-verifieren"


@pytest.fixture
def site(mail_app):
    """The demo directory (regions with verified members) and mail going to the test's SMTP server."""
    with mail_app.app_context():
        demo.seed(db.session)
    return mail_app


def region_ids(app, count=2) -> list[int]:
    with app.app_context():
        return list(db.session.scalars(sa.select(Region.id).order_by(Region.name).limit(count)))


def form_data(client, **overrides) -> dict:
    data = {"name": "Lasbedrijf Van Dijk", "place": "Zwolle", "website": "https://vandijk.example",
            "offer_kinds": ["stage", "gastles"], "contact_name": "Anouk van Dijk", "email": "anouk@vandijk.example",
            "consent": "y", "csrf_token": page_csrf(client, FORM)}
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def mailed_links(smtp, address: str) -> list[str]:
    links = []
    for message in smtp.inbox.to(address):
        links += re.findall(r"http://\S+", message.get_body(("plain",)).get_content())
    return links


def register_and_confirm(app, client, smtp, **overrides) -> str:
    """The whole way in, through the real mail; returns the set-password link."""
    data = form_data(client, **overrides)
    response = client.post(FORM, data=data)
    assert response.status_code == 303, response.get_data(as_text=True)
    deliver_outbox(app)
    link = next(url for url in mailed_links(smtp, data["email"]) if "/bevestigen/" in url)
    path = link.split("localhost", 1)[-1] if "localhost" in link else "/" + link.split("/", 3)[3]
    page = client.get(path)
    assert page.status_code == 200
    confirm = client.post(path, data={"csrf_token": page_csrf(client, path)})
    assert confirm.status_code == 303
    return confirm.headers["Location"]


def company(app, name="Lasbedrijf Van Dijk") -> Organisation | None:
    with app.app_context():
        found = db.session.scalar(sa.select(Organisation).where(Organisation.name == name))
        if found is not None:
            db.session.expunge(found)
        return found


def test_registering_mails_a_link_and_stores_nothing_until_it_is_confirmed(site, smtp):
    client = site.test_client()
    assert 'href="/bedrijven/aanmelden"' in client.get("/inloggen").get_data(as_text=True)
    assert 'href="/bedrijven/aanmelden"' in client.get("/regios").get_data(as_text=True)
    chosen = region_ids(site)
    with site.app_context():
        before = {name: rows for name, rows in snapshot().items() if name != "outbox_message"}
    response = client.post(FORM, data=form_data(client, regions=[str(i) for i in chosen]))
    assert response.status_code == 303 and response.headers["Location"].endswith("/bedrijven/aanmelden/verstuurd")
    with site.app_context():
        assert {name: rows for name, rows in snapshot().items() if name != "outbox_message"} == before
    assert deliver_outbox(site) == 1
    (message,) = smtp.inbox.to("anouk@vandijk.example")
    assert "Lasbedrijf Van Dijk" in message["Subject"]
    text = message.get_body(("plain",)).get_content()
    assert "Beste Anouk van Dijk" in text and "3 dagen" in text
    link = next(url for url in mailed_links(smtp, "anouk@vandijk.example") if "/bevestigen/" in url)
    path = "/" + link.split("/", 3)[3]

    # The link's GET (a mail scanner, or the person) shows what will be registered, and changes nothing.
    with site.app_context():
        before = snapshot()
    page = client.get(path)
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert "Lasbedrijf Van Dijk" in body and "Zwolle" in body and "gastles" in body
    assert client.get(path).status_code == 200
    with site.app_context():
        assert snapshot() == before

    confirm = client.post(path, data={"csrf_token": page_csrf(client, path)})
    assert confirm.status_code == 303 and "/uitnodiging/" in confirm.headers["Location"]
    with site.app_context():
        found = db.session.scalar(sa.select(Organisation).where(Organisation.name == "Lasbedrijf Van Dijk"))
        assert found.kind == OrganisationKind.COMPANY and found.verified_at is None
        assert found.place.label == "Zwolle" and found.website == "https://vandijk.example"
        assert found.offer_kinds == ["stage", "gastles"]
        assert sorted(db.session.scalars(sa.select(RegionMember.region_id)
                                         .where(RegionMember.organisation_id == found.id))) == sorted(chosen)
        user = db.session.scalar(sa.select(User).where(User.email == "anouk@vandijk.example"))
        assert user.name == "Anouk van Dijk" and user.role == Role.COMPANY_CONTACT and user.password_hash is None
        assert db.session.get(OrganisationContact, (found.id, user.id)) is not None
        assert db.session.scalar(sa.select(AuditEntry.action).where(AuditEntry.target_id == found.id)) == \
            "company.register"

    # The password is chosen through the invitation flow; the same link also arrived by mail.
    deliver_outbox(site)
    set_password = confirm.headers["Location"]
    assert any(url.endswith(set_password) for url in mailed_links(smtp, "anouk@vandijk.example"))
    token = page_csrf(client, set_password)
    done = client.post(set_password, data={"password": PASSWORD, "confirm": PASSWORD, "csrf_token": token})
    assert done.status_code == 303
    login = client.post("/inloggen", data={"email": "anouk@vandijk.example", "password": PASSWORD,
                                           "csrf_token": page_csrf(client)})
    assert login.status_code == 303


def test_confirming_the_same_link_twice_makes_one_company(site, smtp):
    client = site.test_client()
    client.post(FORM, data=form_data(client))
    deliver_outbox(site)
    link = next(url for url in mailed_links(smtp, "anouk@vandijk.example") if "/bevestigen/" in url)
    path = "/" + link.split("/", 3)[3]
    assert client.post(path, data={"csrf_token": page_csrf(client, path)}).status_code == 303
    again = client.post(path, data={"csrf_token": page_csrf(client)})
    assert again.status_code == 409
    assert "Er is al een account met dit e-mailadres" in again.get_data(as_text=True)
    with site.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Organisation)
                                 .where(Organisation.name == "Lasbedrijf Van Dijk")) == 1


@pytest.mark.parametrize(("overrides", "field", "message"), [
    ({"name": ""}, "name", "Vul de naam van uw bedrijf in."),
    ({"name": "   "}, "name", "Vul de naam van uw bedrijf in."),
    ({"place": "  "}, "place", "Vul de plaats van uw bedrijf in."),
    ({"contact_name": " "}, "contact_name", "Vul uw naam in."),
    ({"name": "x" * 201}, "name", "Gebruik hoogstens 200 tekens."),
    ({"name": "\u200b"}, "name", "Vul zichtbare tekst in."),
    ({"place": ""}, "place", "Vul de plaats van uw bedrijf in."),
    ({"place": "Nergenshuizen"}, "place", "Deze plaats kennen we niet."),
    ({"place": "Hengelo"}, "place", "Er zijn meerdere plaatsen met deze naam"),
    ({"website": "javascript:alert(1)"}, "website", "begint met https://"),
    ({"website": "https://a b.nl"}, "website", "begint met https://"),
    ({"regions": ["999999"]}, "regions", "Kies alleen uit de mogelijkheden die hier staan."),
    ({"regions": ["abc"]}, "regions", "Kies alleen uit de mogelijkheden die hier staan."),
    ({"offer_kinds": ["helicopter"]}, "offer_kinds", "Kies alleen uit de mogelijkheden die hier staan."),
    ({"contact_name": ""}, "contact_name", "Vul uw naam in."),
    ({"email": ""}, "email", "Vul uw e-mailadres in."),
    ({"email": "anouk@"}, "email", "Vul een geldig e-mailadres in, zoals naam@bedrijf.nl."),
    ({"consent": None}, "consent", "Geef toestemming"),
])
def test_each_mistake_is_named_next_to_its_field_and_what_was_typed_stays(site, overrides, field, message):
    client = site.test_client()
    with site.app_context():
        before = snapshot()
    response = client.post(FORM, data=form_data(client, **overrides))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    error = re.search(rf'id="{field}-error">(.*?)</div>', page, re.S)
    assert error is not None, page
    assert message in error.group(1)
    if field != "name":
        assert 'value="Lasbedrijf Van Dijk"' in page
    if field != "contact_name":
        assert 'value="Anouk van Dijk"' in page
    with site.app_context():
        assert snapshot() == before


def test_an_expired_form_keeps_what_was_typed(site):
    client = site.test_client()
    response = client.post(FORM, data=form_data(client, csrf_token="stale"))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Het formulier was verlopen" in page and 'value="Lasbedrijf Van Dijk"' in page


def test_a_second_registration_for_the_same_email_or_company_is_refused_clearly(site, smtp):
    client = site.test_client()
    register_and_confirm(site, client, smtp)
    other = site.test_client()
    same_email = other.post(FORM, data=form_data(other, name="Ander Bedrijf", email=" Anouk@VanDijk.example "))
    assert same_email.status_code == 422
    assert "Er is al een account met dit e-mailadres" in re.search(
        r'id="email-error">(.*?)</div>', same_email.get_data(as_text=True), re.S).group(1)
    same_company = other.post(FORM, data=form_data(other, name="  lasbedrijf  van dijk ", email="piet@vandijk.example"))
    assert same_company.status_code == 422
    assert "Dit bedrijf is in deze plaats al aangemeld" in re.search(
        r'id="name-error">(.*?)</div>', same_company.get_data(as_text=True), re.S).group(1)
    elsewhere = other.post(FORM, data=form_data(other, place="Deventer", email="piet@vandijk.example"))
    assert elsewhere.status_code == 303  # the same name in another place is another branch
    with site.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Organisation)
                                 .where(Organisation.name == "Lasbedrijf Van Dijk")) == 1


def test_a_company_registered_between_sending_and_confirming_is_not_made_twice(site, smtp):
    client = site.test_client()
    client.post(FORM, data=form_data(client))
    client.post(FORM, data=form_data(client, email="piet@vandijk.example", contact_name="Piet van Dijk"))
    deliver_outbox(site)
    paths = ["/" + url.split("/", 3)[3] for address in ("anouk@vandijk.example", "piet@vandijk.example")
             for url in mailed_links(smtp, address) if "/bevestigen/" in url]
    assert client.post(paths[0], data={"csrf_token": page_csrf(client, paths[0])}).status_code == 303
    second = client.post(paths[1], data={"csrf_token": page_csrf(client)})
    assert second.status_code == 409 and "Dit bedrijf is in deze plaats al aangemeld" in second.get_data(as_text=True)
    with site.app_context():
        assert db.session.scalar(sa.select(User).where(User.email == "piet@vandijk.example")) is None


def test_expired_tampered_and_foreign_links_change_nothing(site, smtp, monkeypatch):
    client = site.test_client()
    client.post(FORM, data=form_data(client))
    deliver_outbox(site)
    link = next(url for url in mailed_links(smtp, "anouk@vandijk.example") if "/bevestigen/" in url)
    path = "/" + link.split("/", 3)[3]
    token = path.rsplit("/", 1)[1]
    with site.app_context():
        before = snapshot()
        forged = URLSafeTimedSerializer("not-our-secret", salt=companies.SALT).dumps({"name": "X"})
        other_purpose = URLSafeTimedSerializer(site.config["SECRET_KEY"], salt="registration-manage").dumps(
            {"r": "x"})
    csrf = page_csrf(client)
    for bad in (token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB"), forged, other_purpose, "x"):
        url = f"/bedrijven/aanmelden/bevestigen/{bad}"
        assert client.get(url).status_code == 404
        assert client.post(url, data={"csrf_token": csrf}).status_code == 404
    monkeypatch.setattr(companies, "LINK_MAX_AGE", companies.LINK_MAX_AGE * 0 - companies.LINK_MAX_AGE)
    expired = client.get(path)
    assert expired.status_code == 410 and "verlopen" in expired.get_data(as_text=True)
    assert client.post(path, data={"csrf_token": csrf}).status_code == 410
    with site.app_context():
        assert snapshot() == before


def test_a_post_without_its_token_confirms_nothing(site, smtp):
    client = site.test_client()
    client.post(FORM, data=form_data(client))
    deliver_outbox(site)
    link = next(url for url in mailed_links(smtp, "anouk@vandijk.example") if "/bevestigen/" in url)
    path = "/" + link.split("/", 3)[3]
    assert client.post(path, data={}).status_code == 400
    assert company(site) is None


def public_pages(client, app, organisation_id: int) -> dict[str, str]:
    with app.app_context():
        slugs = list(db.session.scalars(sa.select(Region.slug).order_by(Region.name).limit(2)))
    pages = {"/regios": client.get("/regios"), "/regios?profiel=BWI": client.get("/regios?profiel=BWI")}
    for slug in slugs:
        pages[f"/regios/{slug}"] = client.get(f"/regios/{slug}")
    detail = client.get(f"/organisaties/{organisation_id}")
    pages["detail"] = detail
    return {url: (response.status_code, response.get_data(as_text=True)) for url, response in pages.items()}


def region_counts(client) -> str:
    page = client.get("/regios").get_data(as_text=True)
    return re.sub(r"\s+", " ", page[page.index("<main"):page.index("</main>")])


def test_an_unverified_company_is_on_no_public_page_until_an_organiser_verifies_it(site, smtp):
    chosen = region_ids(site)
    visitor = site.test_client()
    counts_before = region_counts(visitor)
    register_and_confirm(site, site.test_client(), smtp, regions=[str(i) for i in chosen])
    found = company(site)
    pages = public_pages(visitor, site, found.id)
    assert pages["detail"][0] == 404
    for url, (_status, body) in pages.items():
        assert "Lasbedrijf Van Dijk" not in body, url
    assert region_counts(visitor) == counts_before  # the /regios counts do not count it

    organiser = site.test_client()
    organiser.post("/inloggen", data={"email": make_organiser(site), "password": PASSWORD,
                                      "csrf_token": page_csrf(organiser)})
    queue = organiser.get(QUEUE)
    assert queue.status_code == 200
    assert "Lasbedrijf Van Dijk" in queue.get_data(as_text=True) and "anouk@vandijk.example" in queue.get_data(
        as_text=True)
    with site.app_context():
        named = ", ".join(db.session.scalars(sa.select(Region.name).where(Region.id.in_(chosen)).order_by(Region.name)))
    card = re.search(rf'<section class="sto-card" id="company-{found.id}".*?</section>', queue.get_data(as_text=True),
                     re.S).group(0)
    assert f"<dt>Regio's</dt><dd>{named}</dd>" in card  # the regions the company named, to check them
    assert "13 bedrijven wachten op verificatie" in organiser.get("/beheer/organisaties/").get_data(as_text=True)
    response = organiser.post(f"{QUEUE}/{found.id}/verifieren", data={"csrf_token": page_csrf(organiser, QUEUE)})
    assert response.status_code == 303
    queue = organiser.get(QUEUE).get_data(as_text=True)
    assert "Lasbedrijf Van Dijk is geverifieerd" in queue and f'id="company-{found.id}"' not in queue

    pages = public_pages(visitor, site, found.id)
    assert pages["detail"][0] == 200 and "Lasbedrijf Van Dijk" in pages["detail"][1]
    assert "gastles" in pages["detail"][1]
    shown_on = [url for url, (_status, body) in pages.items() if "Lasbedrijf Van Dijk" in body]
    assert len(shown_on) >= 2  # its page and its first region's page
    assert region_counts(visitor) != counts_before
    with site.app_context():
        assert db.session.scalar(sa.select(AuditEntry.action).where(AuditEntry.action == "company.verify"))
    deliver_outbox(site)
    verified_mail = [m for m in smtp.inbox.to("anouk@vandijk.example") if "staat nu in het overzicht" in m["Subject"]]
    assert len(verified_mail) == 1
    assert f"/organisaties/{found.id}" in verified_mail[0].get_body(("plain",)).get_content()
    # Verified once: the queue's routes no longer know it.
    again = organiser.post(f"{QUEUE}/{found.id}/verifieren", data={"csrf_token": page_csrf(organiser, QUEUE)})
    assert again.status_code == 404


def make_organiser(app, email="olga@stotest.nl") -> str:
    from sto_events.accounts.services import create_user

    with app.app_context():
        if db.session.scalar(sa.select(User).where(User.email == email)) is None:
            create_user(db.session, email, "Olga Organisator", Role.ORGANISER, PASSWORD)
    return email


def log_in(app, email: str):
    client = app.test_client()
    response = client.post("/inloggen", data={"email": email, "password": PASSWORD, "csrf_token": page_csrf(client)})
    assert response.status_code == 303
    return client


def test_refusing_mails_the_reason_and_removes_the_registration(site, smtp):
    register_and_confirm(site, site.test_client(), smtp)
    found = company(site)
    organiser = log_in(site, make_organiser(site))
    token = page_csrf(organiser, QUEUE)
    empty = organiser.post(f"{QUEUE}/{found.id}/afwijzen", data={f"refuse-{found.id}-reason": " ",
                                                                 "csrf_token": token})
    assert empty.status_code == 422 and "Schrijf waarom" in empty.get_data(as_text=True)
    assert company(site) is not None
    response = organiser.post(f"{QUEUE}/{found.id}/afwijzen", data={
        f"refuse-{found.id}-reason": "Geen bedrijf maar een particulier.", "csrf_token": token})
    assert response.status_code == 303
    assert company(site) is None
    with site.app_context():
        assert db.session.scalar(sa.select(User).where(User.email == "anouk@vandijk.example")) is None
        entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "company.refuse"))
        assert entry.target_id == found.id and "Geen bedrijf maar een particulier." in entry.details
    deliver_outbox(site)
    refused = [m for m in smtp.inbox.to("anouk@vandijk.example") if "niet goedgekeurd" in m["Subject"]]
    assert len(refused) == 1
    assert "Geen bedrijf maar een particulier." in refused[0].get_body(("plain",)).get_content()
    # Removed, so the company may register again with corrected details.
    client = site.test_client()
    assert client.post(FORM, data=form_data(client)).status_code == 303


def test_an_account_that_acts_for_more_stays_when_one_company_is_refused(site, smtp):
    register_and_confirm(site, site.test_client(), smtp)
    found = company(site)
    with site.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == "anouk@vandijk.example"))
        other = db.session.scalar(sa.select(Organisation).where(Organisation.kind == OrganisationKind.COMPANY,
                                                                 Organisation.verified_at.is_not(None)))
        db.session.add(OrganisationContact(organisation_id=other.id, user_id=user.id))
        db.session.commit()
    organiser = log_in(site, make_organiser(site))
    organiser.post(f"{QUEUE}/{found.id}/afwijzen", data={f"refuse-{found.id}-reason": "Dubbel.",
                                                         "csrf_token": page_csrf(organiser, QUEUE)})
    assert company(site) is None
    with site.app_context():
        assert db.session.scalar(sa.select(User).where(User.email == "anouk@vandijk.example")) is not None


@pytest.mark.parametrize("role", [None, Role.COMPANY_CONTACT, Role.REGION_COORDINATOR, Role.SCHOOL_CONTACT])
def test_only_organisers_verify_or_refuse_and_a_refusal_changes_nothing(site, smtp, role):
    register_and_confirm(site, site.test_client(), smtp)
    found = company(site)
    if role is None:
        client = site.test_client()
        expected = 302  # to the login page
    else:
        email = f"{role.value}@stotest.nl"
        from sto_events.accounts.services import create_user

        with site.app_context():
            create_user(db.session, email, "Iemand", role, PASSWORD)
        client = log_in(site, email)
        expected = 403
    with site.app_context():
        before = snapshot()
    csrf = page_csrf(client)
    assert client.get(QUEUE).status_code == expected
    assert client.post(f"{QUEUE}/{found.id}/verifieren", data={"csrf_token": csrf}).status_code == expected
    assert client.post(f"{QUEUE}/{found.id}/afwijzen", data={f"refuse-{found.id}-reason": "Weg ermee",
                                                             "csrf_token": csrf}).status_code == expected
    with site.app_context():
        assert snapshot() == before


def test_an_empty_queue_says_so(app):
    organiser = log_in(app, make_organiser(app))
    assert "Er wachten geen bedrijven op verificatie" in organiser.get(QUEUE).get_data(as_text=True)
    assert "0 bedrijven wachten op verificatie" in organiser.get("/beheer/organisaties/").get_data(as_text=True)


def test_the_queue_knows_only_companies_that_wait(site, smtp):
    organiser = log_in(site, make_organiser(site))
    with site.app_context():
        school = db.session.scalar(sa.select(Organisation.id).where(
            Organisation.kind == OrganisationKind.VMBO_SCHOOL))
        verified = db.session.scalar(sa.select(Organisation.id).where(
            Organisation.kind == OrganisationKind.COMPANY, Organisation.verified_at.is_not(None)))
        before = snapshot()
    csrf = page_csrf(organiser, QUEUE)
    for organisation_id in (school, verified, 2**31 - 1):
        assert organiser.post(f"{QUEUE}/{organisation_id}/verifieren", data={"csrf_token": csrf}).status_code == 404
        assert organiser.post(f"{QUEUE}/{organisation_id}/afwijzen", data={
            f"refuse-{organisation_id}-reason": "x", "csrf_token": csrf}).status_code == 404
    with site.app_context():
        assert snapshot() == before


def test_the_links_tokens_carry_only_what_the_form_asked(site):
    with site.app_context():
        application = companies.Application("Bedrijf", 1, "", (1, 2), ("stage",), "Naam", "a@b.nl")
        assert companies.read_link(companies.link_token(application)) == application
        bad = URLSafeTimedSerializer(site.config["SECRET_KEY"], salt=companies.SALT)
        for payload in ({"name": "x"}, [1, 2], {**application.__dict__, "offer_kinds": ["helicopter"],
                                                "region_ids": []}):
            with pytest.raises(companies.InvalidLink):
                companies.read_link(bad.dumps(payload))
    assert AccountToken  # the invitation token table is what the set-password step uses


def test_a_company_registered_in_english_gets_both_mails_wholly_in_english(site, smtp):
    """Subject and body of the confirmation and the choose-a-password mail speak the language of the form."""
    client = site.test_client()
    client.post("/taal", data={"lang": "en", "csrf_token": page_csrf(client, "/")})
    register_and_confirm(site, client, smtp)
    deliver_outbox(site)
    messages = smtp.inbox.to("anouk@vandijk.example")
    assert len(messages) == 2
    for message in messages:
        text = message.get_body(("plain",)).get_content()
        assert text.startswith("Dear Anouk van Dijk"), (message["Subject"], text)
        assert "Beste" not in text and "ondersteuningsteam" not in text



@pytest.mark.parametrize("decision", ["verifieren", "afwijzen"])
def test_what_a_dutch_organiser_decides_reaches_an_english_company_in_english(site, smtp, decision):
    """The verified and refused mails follow the language the company registered in (kept on its account), not the
    language of the organiser whose click causes them."""
    client = site.test_client()
    client.post("/taal", data={"lang": "en", "csrf_token": page_csrf(client, "/")})
    register_and_confirm(site, client, smtp)
    found = company(site)
    with site.app_context():
        assert db.session.scalar(sa.select(User.locale).where(User.email == "anouk@vandijk.example")) == "en"
    organiser = log_in(site, make_organiser(site))
    assert '<html lang="nl"' in organiser.get(QUEUE).get_data(as_text=True)
    response = organiser.post(f"{QUEUE}/{found.id}/{decision}", data={
        f"refuse-{found.id}-reason": "Geen bedrijf maar een particulier.", "csrf_token": page_csrf(organiser, QUEUE)})
    assert response.status_code == 303
    deliver_outbox(site)
    message = smtp.inbox.to("anouk@vandijk.example")[-1]
    text = message.get_body(("plain",)).get_content()
    assert text.startswith("Dear Anouk van Dijk"), (message["Subject"], text)
    assert "Beste" not in text and "Lasbedrijf Van Dijk" in message["Subject"]
    assert "overzicht" not in message["Subject"] and "goedgekeurd" not in message["Subject"]
    if decision == "afwijzen":
        assert "Geen bedrijf maar een particulier." in text  # the reason as the organiser wrote it


def test_a_refusal_without_a_reason_is_named_at_the_top_and_brings_you_back_to_that_company(site, smtp):
    """The queue is long: without JavaScript the page reloads at its top, so the error is summed up there, linked
    to the field, and the form's action returns the reader to the company they were refusing."""
    register_and_confirm(site, site.test_client(), smtp)
    found = company(site)
    organiser = log_in(site, make_organiser(site))
    queue = organiser.get(QUEUE).get_data(as_text=True)
    assert f'action="{QUEUE}/{found.id}/afwijzen#company-{found.id}"' in queue
    empty = organiser.post(f"{QUEUE}/{found.id}/afwijzen", data={f"refuse-{found.id}-reason": "",
                                                                 "csrf_token": page_csrf(organiser, QUEUE)})
    text = empty.get_data(as_text=True)
    assert empty.status_code == 422
    summary = text.index('id="error-summary"')
    assert summary < text.index(f'id="company-{found.id}"')
    assert f'href="#refuse-{found.id}-reason"' in text[summary:]
