"""The back office's list of organisations (/beheer/organisaties/): every organisation, verified or not, reachable
by name or key, filtered by kind and verification, by page, with htmx swapping only the list."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from sto_events.accounts.models import Role
from sto_events.accounts.services import create_user
from sto_events.core.extensions import db
from sto_events.organisations.models import Organisation
from sto_events.organisations.vocabulary import OrganisationKind
from sto_events.places import services as places
from sto_events.regions import demo
from tests.conftest import PASSWORD, page_csrf

URL = "/beheer/organisaties/"


@pytest.fixture
def directory(app):
    """The demo regions with their members, plus one company that waits for verification."""
    with app.test_request_context():
        demo.seed(db.session)
        db.session.add(Organisation(key="KVK-NIEUW", kind=OrganisationKind.COMPANY, name="Nieuw Lasbedrijf",
                                    place=places.by_label(db.session, "Zwolle")))
        db.session.commit()
        return {key: id_ for key, id_ in db.session.execute(sa.select(Organisation.key, Organisation.id))}


def names(html: str) -> list[str]:
    """The organisation names the list shows, in order (each links to its manage page)."""
    return re.findall(r'href="/organisaties/\d+/beheer/">([^<]+)</a>', html)


def test_anyone_but_an_organiser_is_kept_out(client, directory, login_as):
    assert client.get(URL).status_code in (302, 303)
    login_as(Role.COMPANY_CONTACT)
    assert client.get(URL).status_code in (403, 404)


def test_the_list_links_every_organisation_to_its_manage_page_including_an_unverified_company(
        app, client, directory, login_as):
    login_as(Role.ORGANISER)
    html = client.get(URL).get_data(as_text=True)
    assert f'href="/organisaties/{directory["KVK-NIEUW"]}/beheer/">Nieuw Lasbedrijf</a>' in html
    assert "wacht op verificatie" in html
    with app.app_context():
        total = db.session.scalar(sa.select(sa.func.count()).select_from(Organisation))
        first = db.session.scalars(sa.select(Organisation.name).order_by(sa.func.lower(Organisation.name),
                                                                           Organisation.id).limit(50)).all()
    assert f"{total} organisaties gevonden" in html
    assert names(html) == first
    assert client.get(f"/organisaties/{directory['KVK-NIEUW']}/beheer/").status_code == 200


def test_search_on_name_or_key_and_filter_on_kind_and_verification(app, client, directory, login_as):
    with app.app_context():
        unverified = db.session.scalars(sa.select(Organisation.name).where(
            Organisation.kind == OrganisationKind.COMPANY, Organisation.verified_at.is_(None))).all()
    assert "Nieuw Lasbedrijf" in unverified and len(unverified) < len(directory)
    login_as(Role.ORGANISER)
    assert names(client.get(URL, query_string={"q": "lasbedrijf"}).get_data(as_text=True)) == ["Nieuw Lasbedrijf"]
    assert names(client.get(URL, query_string={"q": "kvk-nieuw"}).get_data(as_text=True)) == ["Nieuw Lasbedrijf"]
    waiting = client.get(URL, query_string={"verificatie": "nee"}).get_data(as_text=True)
    assert sorted(names(waiting)) == sorted(unverified)
    verified = client.get(URL, query_string={"verificatie": "ja", "q": "lasbedrijf"}).get_data(as_text=True)
    assert names(verified) == [] and "Geen organisatie gevonden" in verified
    schools = client.get(URL, query_string={"soort": "vmbo_school"}).get_data(as_text=True)
    assert names(schools) and "Nieuw Lasbedrijf" not in names(schools)
    assert 'value="vmbo_school" selected' in schools
    assert "%" not in "".join(names(client.get(URL, query_string={"q": "%"}).get_data(as_text=True)))


def test_paging_keeps_the_filters(app, client, directory, login_as):
    with app.app_context():
        place = places.by_label(db.session, "Zwolle")
        db.session.add_all(Organisation(key=f"KVK-{i:03d}", kind=OrganisationKind.COMPANY, name=f"Tegelzetter {i:03d}",
                                        place_id=place.id) for i in range(120))
        db.session.commit()
    login_as(Role.ORGANISER)
    first = client.get(URL, query_string={"q": "tegelzetter", "verificatie": "nee"}).get_data(as_text=True)
    assert names(first) == [f"Tegelzetter {i:03d}" for i in range(50)]
    assert "120 organisaties gevonden" in first and "pagina 1 van 3" in first
    assert "Vorige" not in first
    next_url = re.search(r'rel="next" href="([^"]+)"', first).group(1).replace("&amp;", "&")
    assert "q=tegelzetter" in next_url and "verificatie=nee" in next_url and "pagina=2" in next_url
    second = client.get(next_url).get_data(as_text=True)
    assert names(second) == [f"Tegelzetter {i:03d}" for i in range(50, 100)]
    last = client.get(URL, query_string={"q": "tegelzetter", "pagina": "3"}).get_data(as_text=True)
    assert names(last) == [f"Tegelzetter {i:03d}" for i in range(100, 120)] and "Volgende" not in last
    beyond = client.get(URL, query_string={"q": "tegelzetter", "pagina": "99"}).get_data(as_text=True)
    assert names(beyond) == names(last)


def test_htmx_gets_only_the_list(client, directory, login_as):
    login_as(Role.ORGANISER)
    response = client.get(URL, query_string={"q": "lasbedrijf"},
                          headers={"HX-Request": "true", "HX-Target": "organisation-list"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="organisation-list">')
    assert names(html) == ["Nieuw Lasbedrijf"] and "<html" not in html and "Importeren" not in html
    # The form sends its empty fields too; the address htmx pushes into the history leaves them out.
    assert response.headers["HX-Push-Url"] == "/beheer/organisaties/?q=lasbedrijf"
    empty = client.get(URL, query_string={"q": " ", "soort": "", "verificatie": ""},
                       headers={"HX-Request": "true", "HX-Target": "organisation-list"})
    assert empty.headers["HX-Push-Url"] == "/beheer/organisaties/"


@pytest.mark.parametrize("query", [{"soort": "kasteel"}, {"verificatie": "misschien"}])
def test_an_unknown_filter_value_is_a_400(client, directory, login_as, query):
    login_as(Role.ORGANISER)
    assert client.get(URL, query_string=query).status_code == 400


@pytest.mark.parametrize("page", ["abc", "-1", "0", "9" * 40, ""])
def test_a_page_that_is_not_a_page_number_shows_the_first_page(client, directory, login_as, page):
    login_as(Role.ORGANISER)
    response = client.get(URL, query_string={"pagina": page, "q": "x" * 5000})
    assert response.status_code == 200
    assert "0 organisaties gevonden" in response.get_data(as_text=True)


def test_the_list_in_english(client, directory, login_as):
    login_as(Role.ORGANISER)
    client.post("/taal", data={"lang": "en", "csrf_token": page_csrf(client, "/")})
    html = client.get(URL, query_string={"q": "nieuw las"}).get_data(as_text=True)
    assert "1 organisation found" in html and "awaiting verification" in html and "company" in html
    assert "wacht op verificatie" not in html and "gevonden" not in html


def test_search_and_paging_on_postgresql(pg_app):
    """Same answers on PostgreSQL: case-insensitive search, a % taken literally, the last page past the end."""
    with pg_app.test_request_context():
        demo.seed(db.session)
        place = places.by_label(db.session, "Zwolle")
        db.session.add_all(Organisation(key=f"KVK-{i:03d}", kind=OrganisationKind.COMPANY,
                                        name=f"Tegelzetter {i:03d}", place_id=place.id) for i in range(60))
        db.session.add(Organisation(key="KVK-PCT", kind=OrganisationKind.COMPANY, name="Korting 100% BV",
                                    place_id=place.id))
        create_user(db.session, "olga@stotest.nl", "Olga Organisator", Role.ORGANISER, PASSWORD)
        db.session.commit()
    client = pg_app.test_client()
    client.post("/inloggen", data={"email": "olga@stotest.nl", "password": PASSWORD, "csrf_token": page_csrf(client)})
    assert names(client.get(URL, query_string={"q": "TEGELZETTER 05"}).get_data(as_text=True)) == [
        f"Tegelzetter {i:03d}" for i in range(50, 60)]
    assert names(client.get(URL, query_string={"q": "0%"}).get_data(as_text=True)) == ["Korting 100% BV"]
    last = client.get(URL, query_string={"q": "tegelzetter", "pagina": "7"}).get_data(as_text=True)
    assert names(last) == [f"Tegelzetter {i:03d}" for i in range(50, 60)] and "pagina 2 van 2" in last
