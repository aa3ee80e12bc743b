"""The sign-up form's region comes from the directory: chosen, refused when unknown, corrected later, matched from
the old typed text by the migration, counted on the dashboard and shown in every export."""

from __future__ import annotations

import csv
import io
import json
import re

import flask_migrate
import pytest
import sqlalchemy as sa
from alembic.script import ScriptDirectory
from openpyxl import load_workbook

from sto_events import ROOT
from sto_events.accounts.models import Role
from sto_events.audit.models import AuditEntry
from sto_events.core.extensions import db
from sto_events.regions.models import Region
from sto_events.registrations import services
from sto_events.registrations.models import Registration, WorkshopChoice
from sto_events.reporting import stats
from tests.registrations.helpers import signup_data
from tests.registrations.test_routes import csrf_token, form_data, registrations, sign_up
from tests.reporting.test_dashboard import Tables

REVISION = "0014_registration_region"
UNKNOWN = "Kies een regio uit de lijst, of 'Geen / weet ik niet'."


def add_regions(session, *names) -> dict[str, int]:
    """Regions by name (the directory has them in no particular order); returns name → id."""
    rows = [Region(slug=f"regio-{n}", name=name) for n, name in enumerate(names, start=1)]
    session.add_all(rows)
    session.commit()
    return {row.name: row.id for row in rows}


@pytest.fixture
def directory(app):
    with app.app_context():
        return add_regions(db.session, "Zwolle", "Achterhoek", "Twente")


def options(page: str) -> list[tuple[str, str, bool]]:
    select = re.search(r'<select[^>]*name="region_id".*?</select>', page, re.S).group(0)
    return [(value, label, bool(selected)) for value, selected, label in
            re.findall(r'<option value="([^"]*)"( selected)?>([^<]*)</option>', select)]


def test_the_form_offers_the_directory_sorted_after_none_and_saves_the_choice(app, client, add_meeting, directory):
    meeting = add_meeting()
    page = client.get(f"/bijeenkomsten/{meeting.slug}/aanmelden").get_data(as_text=True)
    assert options(page) == [("", "Geen / weet ik niet", True), (str(directory["Achterhoek"]), "Achterhoek", False),
                             (str(directory["Twente"]), "Twente", False), (str(directory["Zwolle"]), "Zwolle", False)]
    assert '<label class="utrecht-form-label" for="region_id">Regio (niet verplicht)</label>' in page

    response = sign_up(client, meeting, region_id=str(directory["Twente"]))
    assert response.status_code == 303
    [registration] = registrations(app)
    assert (registration.region_id, registration.region) == (directory["Twente"], "")
    assert "<dt>Regio</dt><dd>Twente</dd>" in client.get(response.headers["Location"]).get_data(as_text=True)

    # Nothing chosen is fine: no region, no error.
    assert sign_up(app.test_client(), meeting, email="geen@school.nl", region_id="").status_code == 303
    assert registrations(app)[1].region_id is None


@pytest.mark.parametrize("value", ["999999", "Zwolle", "-1", "1.5", "٣", "9" * 40, "0"])
def test_an_unknown_region_is_a_field_error_and_the_form_is_kept(app, client, add_meeting, directory, value):
    meeting = add_meeting()
    response = sign_up(client, meeting, region_id=value, name="Zoë Typte")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert re.search(r'id="region_id-error">\s*<p class="utrecht-paragraph">' + re.escape(UNKNOWN) + "</p>", page)
    assert 'aria-describedby="region_id-description region_id-error"' in page
    assert 'value="Zoë Typte"' in page and 'value="zoe@school.nl"' in page  # what was typed stays
    assert [selected for _value, _label, selected in options(page)].count(True) <= 1
    assert registrations(app) == []


def test_inline_check_of_the_region(client, add_meeting, directory):
    meeting = add_meeting()
    url = f"/bijeenkomsten/{meeting.slug}/aanmelden/controle/region_id"
    token = csrf_token(client, f"/bijeenkomsten/{meeting.slug}/aanmelden")
    refused = client.post(url, data={"region_id": "12345", "csrf_token": token}, headers={"HX-Request": "true"})
    assert refused.status_code == 200 and UNKNOWN in refused.get_data(as_text=True)
    fine = client.post(url, data={"region_id": str(directory["Zwolle"]), "csrf_token": token},
                       headers={"HX-Request": "true"})
    text = fine.get_data(as_text=True)
    assert UNKNOWN not in text and f'<option value="{directory["Zwolle"]}" selected>Zwolle</option>' in text


def test_participant_corrects_the_region_on_the_manage_page(app, client, add_meeting, directory):
    meeting = add_meeting()
    manage_url = sign_up(client, meeting).headers["Location"]
    page = client.get(manage_url).get_data(as_text=True)
    assert "Regio wijzigen" in page and ("", "Geen / weet ik niet", True) in options(page)

    response = client.post(manage_url + "/regio", data={"csrf_token": csrf_token(client, manage_url),
                                                        "region_id": str(directory["Achterhoek"])})
    assert response.status_code == 303 and response.headers["Location"] == manage_url
    page = client.get(manage_url).get_data(as_text=True)
    assert "Uw regio is opgeslagen." in page and "<dt>Regio</dt><dd>Achterhoek</dd>" in page
    assert (str(directory["Achterhoek"]), "Achterhoek", True) in options(page)
    same = client.post(manage_url + "/regio", data={"csrf_token": csrf_token(client, manage_url),
                                                    "region_id": str(directory["Achterhoek"])})
    assert same.status_code == 303 and "Er is niets gewijzigd." in client.get(manage_url).get_data(as_text=True)

    refused = client.post(manage_url + "/regio", data={"csrf_token": csrf_token(client, manage_url),
                                                       "region_id": "nope"})
    assert refused.status_code == 422 and 'id="region_id-error"' in refused.get_data(as_text=True)
    assert registrations(app)[0].region_id == directory["Achterhoek"]
    assert client.post(manage_url + "/regio", data={"region_id": ""}).status_code == 400  # no CSRF token

    cleared = client.post(manage_url + "/regio", data={"csrf_token": csrf_token(client, manage_url), "region_id": ""})
    assert cleared.status_code == 303
    assert registrations(app)[0].region_id is None


def test_organiser_corrects_the_region_of_a_typed_registration(app, client, login_as, make_meeting, directory):
    with app.app_context():
        meeting = make_meeting(db.session)
        registration, _ = services.sign_up(db.session, meeting, signup_data(meeting, "a@school.nl", region="Zwol"))
        registration_id = registration.id
    login_as(Role.ORGANISER)
    url = f"/beheer/aanmeldingen/{registration_id}"
    page = client.get(url).get_data(as_text=True)
    assert "Zwol <span class=\"sto-hint\">(zelf getypt, niet in de lijst van regio's)</span>" in page
    token = csrf_token(client, url)
    refused = client.post(url + "/regio", data={"csrf_token": token, "region_id": "424242"})
    assert refused.status_code == 422 and UNKNOWN in refused.get_data(as_text=True)

    response = client.post(url + "/regio", data={"csrf_token": token, "region_id": str(directory["Zwolle"])})
    assert response.status_code == 303 and response.headers["Location"] == url
    page = client.get(url).get_data(as_text=True)
    assert "De regio is opgeslagen." in page and "<dd>Zwolle</dd>" in page and "zelf getypt" not in page
    with app.app_context():
        saved = db.session.get(Registration, registration_id)
        assert (saved.region_id, saved.region) == (directory["Zwolle"], "Zwol")  # the typed text is kept
        entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "registration.region"))
        assert entry is not None and f"region None → {directory['Zwolle']}" in entry.details


def test_a_removed_region_leaves_the_registration_without_one(app, make_meeting, directory):
    with app.app_context():
        meeting = make_meeting(db.session)
        registration, _ = services.sign_up(db.session, meeting, signup_data(meeting, "a@school.nl",
                                                                            region_id=directory["Twente"]))
        db.session.delete(db.session.get(Region, directory["Twente"]))
        db.session.commit()
        db.session.expire_all()
        assert db.session.get(Registration, registration.id).region_id is None
        # ...and a sign-up naming a region removed while the form was open is kept, without the region.
        other, _ = services.sign_up(db.session, meeting, signup_data(meeting, "b@school.nl",
                                                                     region_id=directory["Twente"]))
        assert other.region_id is None


@pytest.fixture(params=["sqlite", "postgresql"])
def any_db_app(request, app_factory):
    if request.param == "postgresql":
        return request.getfixturevalue("pg_app")
    return app_factory()


def test_migration_links_only_unambiguous_typed_names(any_db_app, make_meeting):
    """Run the migration over typed regions: unique matches (any case, any spacing) are linked, names two regions
    share after ignoring case are not, unknown names stay text; nothing else in the rows changes."""
    typed = {"a": "  ZWOLLE ", "b": "twente", "c": "Achter   hoek", "d": "achterhoek", "e": "Veluwe", "f": "",
             "g": "Zwolle"}
    with any_db_app.app_context():
        ids = add_regions(db.session, "Zwolle", "Twente", "Achter hoek", "Achterhoek", "ACHTERHOEK")
        meeting = make_meeting(db.session, rounds=((10, 10),))
        for key, text in typed.items():
            services.sign_up(db.session, meeting, signup_data(meeting, f"{key}@school.nl", region=text))
        choices_before = db.session.scalar(sa.select(sa.func.count()).select_from(WorkshopChoice))
        down = ScriptDirectory(str(ROOT / "migrations")).get_revision(REVISION).down_revision
        db.session.remove()
        flask_migrate.downgrade(revision=down)
        flask_migrate.upgrade(revision=REVISION)
        db.engine.dispose()
        rows = {r.email.split("@")[0]: r for r in db.session.scalars(sa.select(Registration))}
        assert {key: row.region_id for key, row in rows.items()} == {
            "a": ids["Zwolle"], "b": ids["Twente"], "c": ids["Achter hoek"], "d": None, "e": None, "f": None,
            "g": ids["Zwolle"]}
        assert {key: row.region for key, row in rows.items()} == {
            key: " ".join(text.split()) for key, text in typed.items()}  # the text stays as it was stored
        assert db.session.scalar(sa.select(sa.func.count()).select_from(WorkshopChoice)) == choices_before
        db.session.remove()
        flask_migrate.upgrade()  # whatever came after this revision
        db.engine.dispose()


def test_dashboard_counts_the_linked_region_then_the_typed_text_then_unknown(app, client, login_as, make_meeting,
                                                                            directory):
    with app.app_context():
        meeting = make_meeting(db.session, capacity=5, rounds=((10,),))
        people = [("z1", directory["Zwolle"], ""), ("z2", directory["Zwolle"], ""), ("z3", None, " zwolle "),
                  ("t1", directory["Twente"], "Enschede"), ("v1", None, "Veluwe"), ("n1", None, ""),
                  ("n2", None, ""), ("w1", directory["Twente"], "")]  # capacity 5: the last three wait
        for key, region_id, text in people:
            services.sign_up(db.session, meeting, signup_data(meeting, f"{key}@school.nl", region_id=region_id,
                                                              region=text))
        assert [(c.key, c.confirmed, c.waitlisted) for c in stats.by_region(db.session)] == [
            ("Zwolle", 3, 0), ("Twente", 1, 1), ("Veluwe", 1, 0), (None, 0, 2)]
    login_as(Role.ORGANISER)
    tables = Tables(client.get("/beheer/dashboard").get_data(as_text=True)).tables
    assert tables["table-regions"] == [
        ["Regio", "Bevestigd", "Wachtlijst", "Totaal"],
        ["Zwolle", "3", "0", "3"],
        ["Twente", "1", "1", "2"],
        ["Veluwe", "1", "0", "1"],
        ["Onbekend", "0", "2", "2"],
        ["Totaal", "5", "3", "8"],
    ]


def test_exports_show_the_region_name(app, client, login_as, make_meeting, directory):
    with app.app_context():
        meeting = make_meeting(db.session, rounds=((10,),))
        for key, region_id, text in (("a", directory["Achterhoek"], ""), ("b", None, "Zelf Getypt"),
                                     ("c", None, ""), ("d", directory["Twente"], "Enschede")):
            services.sign_up(db.session, meeting, signup_data(meeting, f"{key}@school.nl", region_id=region_id,
                                                              region=text))
        meeting_id = meeting.id
    expected = [("a@school.nl", "Achterhoek"), ("b@school.nl", "Zelf Getypt"), ("c@school.nl", ""),
                ("d@school.nl", "Twente")]
    login_as(Role.ORGANISER)
    body = client.get(f"/beheer/bijeenkomsten/{meeting_id}/export.csv").get_data().decode("utf-8-sig")
    header, *rows = list(csv.reader(io.StringIO(body, newline=""), delimiter=";"))
    assert [(row[header.index("E-mailadres")], row[header.index("Regio")]) for row in rows] == expected
    sheet = load_workbook(io.BytesIO(client.get(f"/beheer/bijeenkomsten/{meeting_id}/export.xlsx").get_data())).active
    header, *rows = [[cell or "" for cell in row] for row in sheet.iter_rows(values_only=True)]
    assert [(row[header.index("E-mailadres")], row[header.index("Regio")]) for row in rows] == expected


def test_the_participants_data_export_names_the_region(app, client, add_meeting, directory):
    meeting = add_meeting()
    manage_url = sign_up(client, meeting, region_id=str(directory["Zwolle"])).headers["Location"]
    exported = json.loads(client.get(manage_url + "/gegevens.json").get_data(as_text=True))
    assert (exported["region"], exported["region_as_typed"]) == ("Zwolle", "")
    client.post(manage_url + "/verwijderen", data={"csrf_token": csrf_token(client, manage_url)})
    with app.app_context():
        erased = db.session.scalar(sa.select(Registration))
        assert (erased.region_id, erased.region, erased.anonymised_at is not None) == (None, "", True)


def test_an_old_form_field_named_region_is_ignored(app, client, add_meeting, directory):
    meeting = add_meeting()
    data = {**form_data(meeting), "region": "Zwolle"}
    url = f"/bijeenkomsten/{meeting.slug}/aanmelden"
    assert client.post(url, data={**data, "csrf_token": csrf_token(client, url)}).status_code == 303
    assert (registrations(app)[0].region, registrations(app)[0].region_id) == ("", None)
