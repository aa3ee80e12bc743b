"""An organisation's own manage pages (/organisaties/<id>/beheer): a company or school contact edits only their own
organisation, children are found only within the scope, a colleague's invitation reaches their inbox, and a company
that is not verified stays unpublished whatever its contacts edit."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from sto_events.accounts import services as accounts
from sto_events.accounts.models import Role, User
from sto_events.audit.models import AuditEntry
from sto_events.core.extensions import db
from sto_events.organisations.models import Organisation, OrganisationContact
from sto_events.organisations.vocabulary import OrganisationKind
from sto_events.places import services as places
from sto_events.regions import demo
from tests.conftest import PASSWORD, deliver_outbox, page_csrf


@pytest.fixture
def scene(app):
    """A company and a school of one demo region and a company of another, each with a contact; an unverified
    company with its contact; an organiser."""
    with app.test_request_context():
        session = db.session
        demo.seed(session)
        accounts.create_user(session, "olga@stotest.nl", "Olga Organisator", Role.ORGANISER, PASSWORD)
        unverified = Organisation(key="KVK-NIEUW", kind=OrganisationKind.COMPANY, name="Nieuw Lasbedrijf",
                                  place=places.by_label(session, "Zwolle"))
        session.add(unverified)
        session.flush()
        ids = {}
        for key, email, role in (("DEMO-01-BEDRIJF1", "carla@bedrijf-a.nl", Role.COMPANY_CONTACT),
                                 ("DEMO-01-VMBO1", "sam@school-a.nl", Role.SCHOOL_CONTACT),
                                 ("DEMO-02-BEDRIJF1", "bob@bedrijf-b.nl", Role.COMPANY_CONTACT),
                                 ("KVK-NIEUW", "uwe@lasbedrijf.nl", Role.COMPANY_CONTACT)):
            organisation = session.scalar(sa.select(Organisation).where(Organisation.key == key))
            user = accounts.create_user(session, email, email.split("@")[0].title(), role, PASSWORD)
            session.add(OrganisationContact(organisation_id=organisation.id, user_id=user.id))
            ids[key], ids[email] = organisation.id, user.id
        session.commit()
        return SimpleNamespace(company=ids["DEMO-01-BEDRIJF1"], school=ids["DEMO-01-VMBO1"],
                               other=ids["DEMO-02-BEDRIJF1"], unverified=ids["KVK-NIEUW"],
                               carla=ids["carla@bedrijf-a.nl"], bob=ids["bob@bedrijf-b.nl"])


def log_in(client, email):
    response = client.post("/inloggen", data={"email": email, "password": PASSWORD, "csrf_token": page_csrf(client)})
    assert response.status_code == 303
    return response


def organisation(app, organisation_id) -> SimpleNamespace:
    with app.app_context():
        found = db.session.get(Organisation, organisation_id)
        return SimpleNamespace(name=found.name, website=found.website, offer_kinds=found.offer_kinds,
                               profiles=found.profiles, leerwegen=found.leerwegen, verified_at=found.verified_at)


def snapshot(app) -> dict:
    with app.app_context():
        return {table: db.session.execute(sa.text(f"SELECT * FROM {table} ORDER BY 1, 2")).all()
                for table in ("organisation", "organisation_contact", "organisation_offer_kind",
                              "organisation_profile", "user_account", "audit_entry", "outbox_message")}


def test_a_company_contact_edits_their_own_company_but_not_its_name(app, client, scene):
    log_in(client, "carla@bedrijf-a.nl")
    url = f"/organisaties/{scene.company}/beheer/"
    text = client.get(url).get_data(as_text=True)
    assert 'name="website"' in text and 'name="offer_kinds"' in text
    assert 'name="name"' not in text and 'name="profiles"' not in text
    name = organisation(app, scene.company).name
    response = client.post(url, data={"csrf_token": page_csrf(client, url), "website": "https://las.example",
                                      "offer_kinds": ["gastles", "stage"], "name": "Overgenomen BV",
                                      "profiles": ["BWI"]})
    assert response.status_code == 303
    changed = organisation(app, scene.company)
    assert (changed.name, changed.website, changed.offer_kinds, changed.profiles) == (
        name, "https://las.example", ["stage", "gastles"], [])
    with app.app_context():
        entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "organisation.update"))
        assert entry.actor_id == scene.carla and entry.target_id == scene.company
        assert "offer_kinds:  → gastles, stage" in entry.details
    assert "https://las.example" in client.get(f"/organisaties/{scene.company}").get_data(as_text=True)


def test_a_school_contact_edits_profiles_and_bad_input_is_kept_next_to_the_field(app, client, scene):
    log_in(client, "sam@school-a.nl")
    url = f"/organisaties/{scene.school}/beheer/"
    assert 'name="profiles"' in client.get(url).get_data(as_text=True)
    token = page_csrf(client, url)
    before = snapshot(app)
    bad = client.post(url, data={"csrf_token": token, "website": "javascript:alert(1)", "profiles": ["PIE", "XYZ"]})
    text = bad.get_data(as_text=True)
    assert bad.status_code == 422 and 'id="website-error"' in text and "javascript:alert(1)" in text
    assert "begint met https://" in text
    assert snapshot(app) == before
    good = client.post(url, data={"csrf_token": token, "website": "", "profiles": ["MVI", "PIE"],
                                  "leerwegen": ["kader"]})
    assert good.status_code == 303
    changed = organisation(app, scene.school)
    assert (changed.profiles, changed.leerwegen) == (["PIE", "MVI"], ["kader"])


def test_anonymous_to_login_foreign_403_unknown_404_foreign_child_404(app, client, scene):
    url = f"/organisaties/{scene.other}/beheer/"
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and anonymous.headers["Location"].startswith("/inloggen?next=")
    log_in(client, "carla@bedrijf-a.nl")
    before = snapshot(app)
    token = page_csrf(client, f"/organisaties/{scene.company}/beheer/")
    assert client.get(url).status_code == 403
    assert client.get(f"/organisaties/{scene.school}/beheer/").status_code == 403  # same region, not hers
    refused = [
        client.post(url, data={"csrf_token": token, "website": "https://overgenomen.example"}),
        client.post(f"/organisaties/{scene.other}/beheer/contactpersonen",
                    data={"csrf_token": token, "name": "Indringer", "email": "indringer@example.nl"}),
        client.post(f"/organisaties/{scene.other}/beheer/contactpersonen/{scene.bob}/beeindigen",
                    data={"csrf_token": token}),
    ]
    assert [r.status_code for r in refused] == [403, 403, 403]
    assert client.get("/organisaties/999999/beheer/").status_code == 404
    foreign_child = client.post(f"/organisaties/{scene.company}/beheer/contactpersonen/{scene.bob}/beeindigen",
                                data={"csrf_token": token})
    assert foreign_child.status_code == 404
    assert snapshot(app) == before


def test_an_unverified_company_is_edited_by_its_contact_and_stays_unpublished(app, client, scene):
    log_in(client, "uwe@lasbedrijf.nl")
    assert "nog niet geverifieerd" in client.get("/mijn-omgeving").get_data(as_text=True)
    url = f"/organisaties/{scene.unverified}/beheer/"
    assert "nog niet geverifieerd" in client.get(url).get_data(as_text=True)
    response = client.post(url, data={"csrf_token": page_csrf(client, url), "website": "https://las.example",
                                      "offer_kinds": ["docentstage"]})
    assert response.status_code == 303
    changed = organisation(app, scene.unverified)
    assert changed.offer_kinds == ["docentstage"] and changed.verified_at is None
    assert client.get(f"/organisaties/{scene.unverified}").status_code == 404
    assert "Nieuw Lasbedrijf" not in client.get("/regios").get_data(as_text=True)


def test_a_contact_invites_a_colleague_who_accepts_and_lands_on_mijn_omgeving(app, client, scene, smtp):
    log_in(client, "carla@bedrijf-a.nl")
    url = f"/organisaties/{scene.company}/beheer/contactpersonen"
    token = page_csrf(client, url)
    bad = client.post(url, data={"csrf_token": token, "name": "Dani Collega", "email": "dani@"})
    assert bad.status_code == 422
    assert "Vul een geldig e-mailadres in, zoals naam@organisatie.nl." in bad.get_data(as_text=True)
    assert 'value="Dani Collega"' in bad.get_data(as_text=True)
    assert client.post(url, data={"csrf_token": token, "name": "Dani Collega",
                                  "email": "dani@bedrijf-a.nl"}).status_code == 303
    name = organisation(app, scene.company).name

    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp.port)
    deliver_outbox(app)
    [mail] = smtp.inbox.to("dani@bedrijf-a.nl")
    body = mail.get_body(("plain",)).get_content()
    assert name in mail["Subject"] and name in body
    link = re.search(r"http://sto\.test(/uitnodiging/\S+)", body).group(1)

    dani = app.test_client()
    accepted = dani.post(link, data={"csrf_token": page_csrf(dani, link), "password": PASSWORD, "confirm": PASSWORD})
    assert accepted.status_code == 303
    assert log_in(dani, "dani@bedrijf-a.nl").headers["Location"] == "/mijn-omgeving"
    home = dani.get("/mijn-omgeving").get_data(as_text=True)
    assert name in home and f'href="/organisaties/{scene.company}/beheer/"' in home
    assert dani.get(f"/organisaties/{scene.company}/beheer/").status_code == 200
    assert dani.get(f"/organisaties/{scene.other}/beheer/").status_code == 403
    with app.app_context():
        dani_role = db.session.scalar(sa.select(User.role).where(User.email == "dani@bedrijf-a.nl"))
        assert dani_role == Role.COMPANY_CONTACT

    # Ending a colleague removes the membership (the account stays) and writes the audit entry.
    with app.app_context():
        dani_id = db.session.scalar(sa.select(User.id).where(User.email == "dani@bedrijf-a.nl"))
    ended = client.post(f"{url}/{dani_id}/beeindigen", data={"csrf_token": token})
    assert ended.status_code == 303
    assert dani.get(f"/organisaties/{scene.company}/beheer/").status_code == 403
    with app.app_context():
        assert db.session.scalar(sa.select(AuditEntry.action).order_by(AuditEntry.id.desc())) == \
            "organisation.contact.end"


def test_an_organiser_edits_the_name_of_any_organisation(app, client, scene):
    log_in(client, "olga@stotest.nl")
    url = f"/organisaties/{scene.other}/beheer/"
    assert 'name="name"' in client.get(url).get_data(as_text=True)
    token = page_csrf(client, url)
    empty = client.post(url, data={"csrf_token": token, "name": "  ", "website": ""})
    assert empty.status_code == 422 and "Vul de naam van de organisatie in." in empty.get_data(as_text=True)
    assert client.post(url, data={"csrf_token": token, "name": "Bedrijf B", "website": ""}).status_code == 303
    assert organisation(app, scene.other).name == "Bedrijf B"


def test_the_public_page_links_to_the_manage_page_only_for_who_may_manage(client, scene):
    link = f'href="/organisaties/{scene.company}/beheer/"'
    assert link not in client.get(f"/organisaties/{scene.company}").get_data(as_text=True)
    log_in(client, "carla@bedrijf-a.nl")
    assert link in client.get(f"/organisaties/{scene.company}").get_data(as_text=True)
    other = client.get(f"/organisaties/{scene.other}").get_data(as_text=True)
    assert f'href="/organisaties/{scene.other}/beheer/"' not in other


def test_profile_choices_follow_the_language(client, scene):
    """The vmbo profiles on a school's edit page are worded in the reader's language, not fixed at import time."""
    log_in(client, "sam@school-a.nl")
    client.post("/taal", data={"lang": "en", "csrf_token": page_csrf(client, "/")})
    page = client.get(f"/organisaties/{scene.school}/beheer/").get_data(as_text=True)
    assert '<html lang="en"' in page
    assert "Bouwen, wonen en interieur" not in page
    assert "(BWI)" in page


def test_ending_a_contact_asks_first_in_the_readers_language(app, client, scene):
    log_in(client, "carla@bedrijf-a.nl")
    client.post("/taal", data={"lang": "en", "csrf_token": page_csrf(client, "/")})
    with app.app_context():
        carla = db.session.scalar(sa.select(User.id).where(User.email == "carla@bedrijf-a.nl"))
    name = organisation(app, scene.company).name
    url = f"/organisaties/{scene.company}/beheer/contactpersonen/{carla}/beeindigen"
    before = snapshot(app)
    page = client.get(url).get_data(as_text=True)
    assert f"Are you sure you no longer want to be a contact of {name}?" in page
    assert "<h1 class=\"utrecht-heading-1\">Stop being a contact</h1>" in page
    assert "<title>Stop being a contact" in page
    assert "Yes, end it" in page and snapshot(app) == before
    left = client.post(url, data={"csrf_token": page_csrf(client, url)})
    assert left.status_code == 303 and left.headers["Location"] == "/mijn-omgeving"
    assert f"You are no longer a contact of {name}." in client.get("/mijn-omgeving").get_data(as_text=True)
    assert client.get(url).status_code == 403


def test_klopt_er_iets_niet_links_to_the_support_address(app, client, scene):
    app.config["SUPPORT_EMAIL"] = "hulp@stotest.nl"
    log_in(client, "carla@bedrijf-a.nl")
    text = client.get(f"/organisaties/{scene.company}/beheer/").get_data(as_text=True)
    assert re.search(r'Klopt er iets niet\? Laat het ons weten: <a [^>]*href="mailto:hulp@stotest.nl">'
                     r'hulp@stotest.nl</a>', text)
