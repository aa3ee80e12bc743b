"""The public directory: region list with filters, a region page, an organisation page; only what may be public."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from sto_events.core.extensions import db
from sto_events.organisations.models import Organisation, OrganisationProfile
from sto_events.organisations.vocabulary import OrganisationKind
from sto_events.regions import demo
from sto_events.regions.models import Region, RegionMember, RegionProvince
from tests.test_query_budget import BUDGET, count_statements


@pytest.fixture
def seeded(app):
    with app.app_context():
        demo.seed(db.session)
    return app


def region_names(page: str) -> list[str]:
    return re.findall(r'href="/regios/[a-z0-9-]+">([^<]+)</a>', page)


def test_demo_regions_are_marked_and_added_once(seeded):
    with seeded.app_context():
        assert demo.seed(db.session) == []
        regions = db.session.scalars(sa.select(Region)).all()
        assert len(regions) == 12 and all(r.is_demo and "(voorbeeld)" in r.name for r in regions)
        kinds = {o.kind for o in db.session.scalars(sa.select(Organisation))}
        assert kinds == {OrganisationKind.VMBO_SCHOOL, OrganisationKind.MBO_INSTITUTION, OrganisationKind.COMPANY,
                         OrganisationKind.NETWORK}


def test_region_list_filters_by_province_and_profile(seeded):
    client = seeded.test_client()
    everything = client.get("/regios").get_data(as_text=True)
    assert len(region_names(everything)) == 12 and "12 regio's gevonden" in everything
    drenthe = region_names(client.get("/regios?provincie=Drenthe").get_data(as_text=True))
    assert drenthe == ["Assen-Beilen (voorbeeld)", "Groningen en Noord-Drenthe (voorbeeld)"]
    maritime = region_names(client.get("/regios?profiel=MaT").get_data(as_text=True))
    assert maritime == ["Friesland (voorbeeld)", "Groningen en Noord-Drenthe (voorbeeld)", "Rijnmond (voorbeeld)",
                        "Zeeland (voorbeeld)"]
    both = client.get("/regios?provincie=Zeeland&profiel=MVI").get_data(as_text=True)
    assert region_names(both) == [] and "Geen regio gevonden" in both
    assert 'selected>Zeeland</option>' in both


def test_the_filter_answers_htmx_with_the_list_alone(seeded):
    response = seeded.test_client().get("/regios?provincie=Friesland",
                                        headers={"HX-Request": "true", "HX-Target": "region-list"})
    page = response.get_data(as_text=True)
    assert page.lstrip().startswith('<div id="region-list">') and "<html" not in page
    assert region_names(page) == ["Friesland (voorbeeld)"]
    # The unused filter stays out of the address htmx pushes.
    pushed = seeded.test_client().get("/regios?provincie=Friesland&profiel=",
                                      headers={"HX-Request": "true", "HX-Target": "region-list"})
    assert pushed.headers["HX-Push-Url"] == "/regios?provincie=Friesland"


@pytest.mark.parametrize("query", ["provincie=Atlantis", "profiel=XYZ", "profiel=%00"])
def test_a_filter_value_not_on_offer_is_a_400(seeded, query):
    assert seeded.test_client().get(f"/regios?{query}").status_code == 400


def test_region_page_shows_public_members_and_offered_profiles(seeded):
    client = seeded.test_client()
    page = client.get("/regios/friesland").get_data(as_text=True)
    assert "Voorbeeld Techniekcollege Leeuwarden" in page and "Voorbeeld ROC Friesland" in page
    assert "Voorbeeld Installatietechniek Sneek" in page
    assert "nog niet geverifieerd" not in page  # an unverified company stays out of sight
    assert re.search(r"Profielen</dt><dd>.*BWI.*PIE.*MT.*MaT.*DP", page)
    assert client.get("/regios/bestaat-niet").status_code == 404


def test_organisation_page_and_unverified_company(seeded):
    client = seeded.test_client()
    with seeded.app_context():
        school, hidden = (db.session.scalar(sa.select(Organisation.id).where(Organisation.key == key))
                          for key in ("DEMO-04-VMBO1", "DEMO-04-BEDRIJF2"))
    page = client.get(f"/organisaties/{school}").get_data(as_text=True)
    assert "Maritiem en techniek (MaT)" in page and 'href="/regios/friesland"' in page
    assert client.get(f"/organisaties/{hidden}").status_code == 404
    assert client.get("/organisaties/999999").status_code == 404


def test_a_website_is_linked_only_when_it_is_http(seeded):
    client = seeded.test_client()
    with seeded.app_context():
        school = db.session.scalar(sa.select(Organisation).where(Organisation.key == "DEMO-01-VMBO1"))
        school.website = "javascript:alert(1)"
        db.session.commit()
        school_id = school.id
    assert "javascript:" not in client.get(f"/organisaties/{school_id}").get_data(as_text=True)


def fill_directory(app, regions: int, organisations: int) -> None:
    """`regions` regions and `organisations` schools with two profiles each, spread over them."""
    with app.app_context():
        place_id = db.session.scalar(sa.text("SELECT id FROM place WHERE label = 'Zwolle'"))
        db.session.execute(sa.insert(Region), [{"slug": f"r{i}", "name": f"Regio {i:03d}", "plan_status": "ingediend"}
                                               for i in range(regions)])
        region_ids = db.session.scalars(sa.select(Region.id)).all()
        db.session.execute(sa.insert(RegionProvince), [{"region_id": r, "province": "Overijssel"} for r in region_ids])
        db.session.execute(sa.insert(Organisation), [
            {"key": f"K{i}", "kind": "vmbo_school" if i % 2 else "company", "name": f"Org {i}", "place_id": place_id}
            for i in range(organisations)])
        org_ids = db.session.scalars(sa.select(Organisation.id)).all()
        db.session.execute(sa.insert(OrganisationProfile), [{"organisation_id": o, "profile": p}
                                                            for o in org_ids for p in ("BWI", "PIE")])
        db.session.execute(sa.insert(RegionMember), [
            {"region_id": region_ids[i % len(region_ids)], "organisation_id": o} for i, o in enumerate(org_ids)])
        db.session.commit()


@pytest.mark.parametrize(("regions", "organisations"), [(3, 10), (78, 2000)])
def test_region_pages_stay_within_the_query_budget(app, regions, organisations):
    fill_directory(app, regions, organisations)
    client = app.test_client()
    counts = {}
    for url in ("/regios", "/regios?provincie=Overijssel&profiel=PIE", "/regios/r1"):
        with count_statements(app) as statements:
            assert client.get(url).status_code == 200, url
        counts[url] = len(statements)
    assert max(counts.values()) <= BUDGET, counts
    assert counts["/regios"] == 4, counts  # regions, their provinces, member counts, profiles: flat in the rows
