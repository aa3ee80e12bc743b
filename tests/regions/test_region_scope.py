"""A region's own manage pages (/regios/<slug>/beheer): the region is decided before any view, a coordinator edits
only their own, children are found only within the scope, and an invitation reaches the new coordinator's inbox."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from sto_events.accounts import services as accounts
from sto_events.accounts.models import Role, User
from sto_events.audit.models import AuditEntry
from sto_events.core.extensions import db
from sto_events.regions import demo, memberships
from sto_events.regions.models import PlanStatus, Region, RegionCoordinator
from tests.conftest import PASSWORD, deliver_outbox, page_csrf


@pytest.fixture
def scene(app):
    """Two demo regions, each with an accepted coordinator, and an organiser."""
    with app.test_request_context():
        session = db.session
        regions = demo.seed(session)
        organiser = accounts.create_user(session, "olga@stotest.nl", "Olga Organisator", Role.ORGANISER, PASSWORD)
        people = {}
        for region, email, name in ((regions[0], "anna@regio-a.nl", "Anna A"), (regions[1], "bert@regio-b.nl",
                                                                                    "Bert B")):
            user = accounts.create_user(session, email, name, Role.REGION_COORDINATOR, PASSWORD)
            session.add(RegionCoordinator(region_id=region.id, user_id=user.id, invited_by_id=organiser.id))
            people[email] = user.id
        session.commit()
        return SimpleNamespace(a=regions[0].slug, b=regions[1].slug, a_name=regions[0].name,
                               anna=people["anna@regio-a.nl"], bert=people["bert@regio-b.nl"])


def log_in(client, email):
    response = client.post("/inloggen", data={"email": email, "password": PASSWORD, "csrf_token": page_csrf(client)})
    assert response.status_code == 303
    return response


def region(app, slug) -> Region:
    with app.app_context():
        found = db.session.scalar(sa.select(Region).where(Region.slug == slug))
        db.session.expunge(found)
        return found


def snapshot(app) -> dict:
    """Every row of the tables a region's manage pages can change."""
    with app.app_context():
        return {table: db.session.execute(sa.text(f"SELECT * FROM {table} ORDER BY 1, 2")).all()
                for table in ("region", "region_coordinator", "user_account", "audit_entry", "outbox_message")}


def test_a_coordinator_edits_their_own_region_but_not_its_name_or_plan_status(app, client, scene):
    log_in(client, "anna@regio-a.nl")
    url = f"/regios/{scene.a}/beheer/"
    page = client.get(url)
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    assert 'name="lead_board"' in text and 'name="description"' in text
    assert 'name="name"' not in text and 'name="plan_status"' not in text
    response = client.post(url, data={
        "csrf_token": page_csrf(client, url), "lead_board": "Stichting Techniek Samen",
        "description": "Wij zoeken een buddyregio.\nVooral voor PIE.", "name": "Overgenomen",
        "plan_status": "goedgekeurd"})
    assert response.status_code == 303 and response.headers["Location"] == url
    changed = region(app, scene.a)
    assert changed.lead_board == "Stichting Techniek Samen"
    assert changed.description == "Wij zoeken een buddyregio.\nVooral voor PIE."
    assert changed.name == scene.a_name and changed.plan_status == PlanStatus.IN_PROGRESS
    with app.app_context():
        entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "region.update"))
        assert entry.actor_id == scene.anna and entry.target_id == changed.id
        assert "lead_board: Voorbeeld Onderwijsgroep Zwolle → Stichting Techniek Samen" in entry.details
    public = client.get(f"/regios/{scene.a}").get_data(as_text=True)
    assert "Wij zoeken een buddyregio." in public and "Vooral voor PIE." in public


def test_bad_input_is_refused_next_to_the_field_with_the_values_kept(app, client, scene):
    log_in(client, "anna@regio-a.nl")
    url = f"/regios/{scene.a}/beheer/"
    before = snapshot(app)
    response = client.post(url, data={"csrf_token": page_csrf(client, url), "lead_board": "B" * 201,
                                      "description": "Mijn getypte tekst"})
    text = response.get_data(as_text=True)
    assert response.status_code == 422
    assert re.search(r'id="lead_board-error">\s*<p class="utrecht-paragraph">Gebruik hoogstens 200 tekens', text)
    assert "B" * 201 in text and "Mijn getypte tekst" in text
    assert snapshot(app) == before


def test_anonymous_goes_to_login_a_foreign_region_is_403_an_unknown_one_404(app, client, scene):
    url = f"/regios/{scene.b}/beheer/"
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and anonymous.headers["Location"].startswith("/inloggen?next=")
    log_in(client, "anna@regio-a.nl")
    before = snapshot(app)
    assert client.get(url).status_code == 403
    assert client.get(f"/regios/{scene.b}/beheer/coordinatoren").status_code == 403
    token = page_csrf(client, f"/regios/{scene.a}/beheer/")
    refused = [
        client.post(url, data={"csrf_token": token, "lead_board": "Overgenomen", "description": "x"}),
        client.post(f"/regios/{scene.b}/beheer/coordinatoren",
                    data={"csrf_token": token, "name": "Indringer", "email": "indringer@example.nl"}),
        client.post(f"/regios/{scene.b}/beheer/coordinatoren/{scene.bert}/beeindigen", data={"csrf_token": token}),
    ]
    assert [r.status_code for r in refused] == [403, 403, 403]
    assert client.get("/regios/bestaat-niet/beheer/").status_code == 404
    assert client.get("/beheer/regios/").status_code == 403  # the organisers' list is not theirs
    assert snapshot(app) == before


def test_a_coordinator_of_another_region_is_a_404_under_your_own(app, client, scene):
    log_in(client, "anna@regio-a.nl")
    before = snapshot(app)
    token = page_csrf(client, f"/regios/{scene.a}/beheer/")
    foreign_child = client.post(f"/regios/{scene.a}/beheer/coordinatoren/{scene.bert}/beeindigen",
                                data={"csrf_token": token})
    assert foreign_child.status_code == 404
    assert client.post(f"/regios/{scene.a}/beheer/coordinatoren/999999/beeindigen",
                       data={"csrf_token": token}).status_code == 404
    assert snapshot(app) == before


def test_a_coordinator_invites_a_co_coordinator_who_accepts_and_lands_on_mijn_omgeving(app, client, scene, smtp):
    log_in(client, "anna@regio-a.nl")
    url = f"/regios/{scene.a}/beheer/coordinatoren"
    token = page_csrf(client, url)
    empty = client.post(url, data={"csrf_token": token, "name": "", "email": "geen-adres"})
    text = empty.get_data(as_text=True)
    assert empty.status_code == 422 and "Vul de naam in van wie u uitnodigt." in text and "geen-adres" in text
    response = client.post(url, data={"csrf_token": token, "name": "Cor Collega", "email": "Cor@Regio-A.nl"})
    assert response.status_code == 303
    assert "Cor Collega" in client.get(url).get_data(as_text=True)
    again = client.post(url, data={"csrf_token": token, "name": "Anna", "email": "anna@regio-a.nl"})
    assert again.status_code == 422 and "Deze persoon is al coördinator van deze regio." in again.get_data(
        as_text=True)

    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp.port)
    deliver_outbox(app)
    [mail] = smtp.inbox.to("cor@regio-a.nl")
    body = mail.get_body(("plain",)).get_content()
    assert scene.a_name in mail["Subject"] and scene.a_name in body
    link = re.search(r"http://sto\.test(/uitnodiging/\S+)", body).group(1)

    cor = app.test_client()
    accepted = cor.post(link, data={"csrf_token": page_csrf(cor, link), "password": PASSWORD, "confirm": PASSWORD})
    assert accepted.status_code == 303
    landed = log_in(cor, "cor@regio-a.nl")
    assert landed.headers["Location"] == "/mijn-omgeving"
    home = cor.get("/mijn-omgeving").get_data(as_text=True)
    assert scene.a_name in home and f'href="/regios/{scene.a}/beheer/"' in home
    assert f'href="/regios/{scene.b}/beheer/"' not in home
    assert cor.get(f"/regios/{scene.a}/beheer/").status_code == 200
    with app.app_context():
        assert db.session.scalars(sa.select(AuditEntry.action)).all().count("region.coordinator.add") == 1


def test_ending_a_co_coordinator_and_yourself(app, client, scene):
    with app.test_request_context():
        region_a = db.session.scalar(sa.select(Region).where(Region.slug == scene.a))
        anna = db.session.get(User, scene.anna)
        memberships.add_coordinator(db.session, region_a, "cor@regio-a.nl", "Cor Collega", anna)
        db.session.commit()
        cor = db.session.scalar(sa.select(User.id).where(User.email == "cor@regio-a.nl"))
    log_in(client, "anna@regio-a.nl")
    listing = client.get(f"/regios/{scene.a}/beheer/coordinatoren").get_data(as_text=True)
    # The list links to a confirmation; nothing on it ends a membership in one click.
    end_url = f"/regios/{scene.a}/beheer/coordinatoren/{cor}/beeindigen"
    assert f'href="{end_url}"' in listing and "/beeindigen\" method=" not in listing
    confirm = client.get(end_url)
    text = confirm.get_data(as_text=True)
    assert confirm.status_code == 200
    assert f"Weet u zeker dat Cor Collega geen coördinator van {scene.a_name} meer moet zijn?" in text
    assert "Het account van Cor Collega blijft bestaan" in text
    assert 'aria-current="true">Coördinatoren</a>' in text  # the subpage shows where it belongs
    assert f'action="{end_url}"' in text and "Ja, beëindigen" in text
    assert f'href="/regios/{scene.a}/beheer/coordinatoren"' in text  # "Nee, terug"
    with app.app_context():  # asking changed nothing
        members = sa.select(RegionCoordinator).join(Region).where(Region.slug == scene.a)
        assert len(db.session.scalars(members).all()) == 2
    token = page_csrf(client, end_url)
    ended = client.post(end_url, data={"csrf_token": token})
    assert ended.status_code == 303
    assert "Cor Collega is geen coördinator van deze regio meer." in client.get(ended.headers["Location"]).get_data(
        as_text=True)
    with app.app_context():
        left = db.session.scalars(sa.select(RegionCoordinator.user_id).join(Region)
                                  .where(Region.slug == scene.a)).all()
        assert left == [scene.anna]
        assert db.session.scalar(sa.select(User.id).where(User.email == "cor@regio-a.nl")) == cor  # account stays
        assert db.session.scalar(sa.select(AuditEntry.action).order_by(AuditEntry.id.desc())) == \
            "region.coordinator.end"
    own_url = f"/regios/{scene.a}/beheer/coordinatoren/{scene.anna}/beeindigen"
    assert f"Weet u zeker dat u geen coördinator van {scene.a_name} meer wilt zijn?" in client.get(own_url).get_data(
        as_text=True)
    yourself = client.post(own_url, data={"csrf_token": token})
    assert yourself.status_code == 303 and yourself.headers["Location"] == "/mijn-omgeving"
    assert client.get(f"/regios/{scene.a}/beheer/").status_code == 403


def test_an_organiser_edits_every_field_of_any_region_and_invites_from_the_list(app, client, scene):
    log_in(client, "olga@stotest.nl")
    url = f"/regios/{scene.b}/beheer/"
    text = client.get(url).get_data(as_text=True)
    assert 'name="name"' in text and 'name="plan_status"' in text
    token = page_csrf(client, url)
    taken = client.post(url, data={"csrf_token": token, "name": scene.a_name.upper(), "plan_status": "goedgekeurd",
                                   "lead_board": "", "description": ""})
    assert taken.status_code == 422 and "Er is al een regio met deze naam." in taken.get_data(as_text=True)
    unknown = client.post(url, data={"csrf_token": token, "name": "Regio B", "plan_status": "verzonnen"})
    assert unknown.status_code == 422
    done = client.post(url, data={"csrf_token": token, "name": "Regio B", "plan_status": "goedgekeurd",
                                  "lead_board": "Bestuur B", "description": ""})
    assert done.status_code == 303
    changed = region(app, scene.b)
    assert (changed.name, changed.plan_status, changed.lead_board) == ("Regio B", PlanStatus.APPROVED, "Bestuur B")

    listing = client.get("/beheer/regios/").get_data(as_text=True)
    assert f'href="/regios/{scene.a}/beheer/"' in listing and "Regio B" in listing
    bad = client.post("/beheer/regios/", data={"csrf_token": token, "region": "bestaat-niet", "name": "Dirk",
                                               "email": "dirk@regio.nl"})
    assert bad.status_code == 422 and "dirk@regio.nl" in bad.get_data(as_text=True)
    invited = client.post("/beheer/regios/", data={"csrf_token": token, "region": scene.b, "name": "Dirk",
                                                   "email": "dirk@regio.nl"})
    assert invited.status_code == 303
    with app.app_context():
        coordinators = db.session.scalars(
            sa.select(User.email).join(RegionCoordinator, RegionCoordinator.user_id == User.id)
            .join(Region).where(Region.slug == scene.b).order_by(User.email)).all()
    assert coordinators == ["bert@regio-b.nl", "dirk@regio.nl"]


def test_the_public_page_links_to_the_manage_page_only_for_who_may_manage(client, scene):
    link = f'href="/regios/{scene.a}/beheer/"'
    assert link not in client.get(f"/regios/{scene.a}").get_data(as_text=True)
    log_in(client, "anna@regio-a.nl")
    assert link in client.get(f"/regios/{scene.a}").get_data(as_text=True)
    assert f'href="/regios/{scene.b}/beheer/"' not in client.get(f"/regios/{scene.b}").get_data(as_text=True)


def test_an_empty_invitation_names_the_fields_in_the_order_of_the_form_and_not_as_your_own_address(client, scene):
    """The organisers' invite form starts with the region: the error summary follows the form, and the address
    asked for is the invitee's, not 'uw e-mailadres'."""
    log_in(client, "olga@stotest.nl")
    page = client.post("/beheer/regios/", data={"csrf_token": page_csrf(client, "/beheer/regios/")})
    assert page.status_code == 422
    text = page.get_data(as_text=True)
    summary = text[text.index('id="error-summary"'):]
    assert summary.index("#region") < summary.index("#name") < summary.index("#email")
    assert "Vul uw e-mailadres in." not in text
    assert "Vul het e-mailadres in van wie u uitnodigt." in text


def test_a_refused_coordinator_is_pointed_back_to_mijn_omgeving(client, scene):
    """A 403 on another region's page is not a dead end: a logged-in person gets the way back to their own things."""
    log_in(client, "anna@regio-a.nl")
    refused = client.get(f"/regios/{scene.b}/beheer/")
    assert refused.status_code == 403
    main = refused.get_data(as_text=True).split('<main', 1)[1]
    assert 'href="/mijn-omgeving"' in main
    client.post("/uitloggen", data={"csrf_token": page_csrf(client, "/")})
    assert 'href="/mijn-omgeving"' not in client.get("/bestaat-niet").get_data(as_text=True).split('<main', 1)[1]


def test_klopt_er_iets_niet_links_to_the_support_address(app, client, scene):
    app.config["SUPPORT_EMAIL"] = "hulp@stotest.nl"
    log_in(client, "anna@regio-a.nl")
    text = client.get(f"/regios/{scene.a}/beheer/").get_data(as_text=True)
    assert re.search(r'Klopt er iets niet\? Laat het ons weten: <a [^>]*href="mailto:hulp@stotest.nl">'
                     r'hulp@stotest.nl</a>', text)


def test_the_default_support_address_is_an_example_under_the_senders_domain(tmp_path, monkeypatch):
    from sto_events.core.config import Config

    monkeypatch.delenv("SUPPORT_EMAIL", raising=False)
    monkeypatch.delenv("MAIL_DEFAULT_SENDER", raising=False)
    config = Config(str(tmp_path))
    sender_domain = config.MAIL_DEFAULT_SENDER.rsplit("@", 1)[1]
    assert config.SUPPORT_EMAIL.rsplit("@", 1)[1] == sender_domain and sender_domain.endswith(".example")
