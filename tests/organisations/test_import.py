"""Importing and exporting the directory: a dry run that names every refused row, then the import; the same file
again changes nothing; the export reads back in."""

from __future__ import annotations

import io
import re

import pytest
import sqlalchemy as sa
from openpyxl import Workbook, load_workbook

from sto_events.accounts.models import Role
from sto_events.core import spreadsheets
from sto_events.core.extensions import db
from sto_events.organisations import importing
from sto_events.organisations.forms import rejection_text
from sto_events.organisations.models import Organisation
from sto_events.regions import demo
from sto_events.regions.models import RegionMember
from tests.conftest import page_csrf
from tests.test_responses import snapshot

GOOD_AND_BAD = (
    "sleutel;soort;naam;plaats;profielen;leerwegen;netwerk;website;regio's\n"
    "BRIN-01AA;vmbo-school;Techniekcollege Noord;Zwolle;BWI, PIE;basis, kader;;https://noord.example;zwolle\n"
    "KVK-123;bedrijf;Installatiebedrijf Oost;Hengelo (Overijssel);;;;;Twente (voorbeeld)\n"
    "BRIN-02BB;vmbo-school;College Nergens;Nergenshuizen;BWI;;;;\n"
    "BRIN-03CC;vmbo-school;College West;Rotterdam;BWI, XYZ;;;;\n"
    "NET-1;netwerk;Technieknetwerk Rijnmond;Rotterdam;;;PPS;;rijnmond\n"
)


@pytest.fixture
def directory_app(app):
    with app.app_context():
        demo.seed(db.session)
    return app


def plan_of(text: str, filename="organisaties.csv"):
    return importing.plan(db.session, importing.read_table(filename, text.encode("utf-8")))


def test_the_dry_run_names_every_refused_row_and_writes_nothing(directory_app):
    with directory_app.app_context():
        before = snapshot()
        plan = plan_of(GOOD_AND_BAD)
        assert snapshot() == before
        assert [(row.line, row.action) for row in plan.rows] == [
            (2, "add"), (3, "add"), (4, "reject"), (5, "reject"), (6, "add")]
        assert plan.rows[2].rejections == [importing.Rejection("unknown_place", "Nergenshuizen")]
        assert plan.rows[3].rejections == [importing.Rejection("unknown_profile", "XYZ")]


@pytest.mark.parametrize(("row", "code"), [
    (";vmbo-school;Naam;Zwolle;;;;;", "missing_key"),
    ("K1;vmbo-school;;Zwolle;;;;;", "missing_name"),
    ("K1;school;Naam;Zwolle;;;;;", "unknown_kind"),
    ("K1;bedrijf;Naam;Hengelo;;;;;", "ambiguous_place"),
    ("K1;bedrijf;Naam;;;;;;", "missing_place"),
    ("K1;vmbo-school;Naam;Zwolle;;avond;;;", "unknown_leerweg"),
    ("K1;netwerk;Naam;Zwolle;;;;;", "network_needs_type"),
    ("K1;bedrijf;Naam;Zwolle;;;PPS;;", "type_only_for_networks"),
    ("K1;bedrijf;Naam;Zwolle;BWI;;;;", "profiles_only_for_vmbo"),
    ("K1;bedrijf;Naam;Zwolle;;;;javascript:alert(1);", "bad_website"),
    ("K1;netwerk;Naam;Zwolle;;;Vereniging;;", "unknown_network"),
    ("K1;bedrijf;Naam;Zwolle;;;;;Atlantis", "unknown_region"),
])
def test_each_kind_of_bad_row_is_refused_with_its_reason(directory_app, row, code):
    with directory_app.app_context():
        plan = plan_of("sleutel;soort;naam;plaats;profielen;leerwegen;netwerk;website;regio's\n" + row + "\n")
        assert plan.rows[0].action == "reject"
        assert [r.code for r in plan.rows[0].rejections] == [code]


def test_a_formula_without_a_stored_result_is_named_as_a_formula(directory_app):
    """openpyxl, like other programs that do not calculate, writes a formula without its result: that cell reads
    empty, and the row must say "formula", not "name missing". A calculated formula's value is simply read."""
    book = Workbook()
    sheet = book.active
    sheet.append(["sleutel", "soort", "naam", "plaats", "website"])
    sheet.append(["K1", "bedrijf", '=CONCAT("Las", "bedrijf")', "Zwolle"])
    sheet.append(["K2", "bedrijf", "Installatiebedrijf Oost", "Zwolle"])
    sheet.append(["K3", "bedrijf", "", "Zwolle"])
    # A formula in an optional column reads as empty, as before: only a required cell is looked at again.
    sheet.append(["K4", "bedrijf", "Bouwbedrijf Zuid", "Zwolle", '=IF(1=1, "", "x")'])
    data = io.BytesIO()
    book.save(data)
    with directory_app.app_context():
        plan = importing.plan(db.session, importing.read_table("organisaties.xlsx", data.getvalue()))
        assert [(row.key, row.action) for row in plan.rows] == [
            ("K1", "reject"), ("K2", "add"), ("K3", "reject"), ("K4", "add")]
        assert plan.rows[0].rejections == [importing.Rejection("formula", "naam")]
        assert plan.rows[2].rejections == [importing.Rejection("missing_name")]  # truly empty stays "missing"
    with directory_app.test_request_context():
        assert rejection_text(plan.rows[0].rejections[0]).startswith(
            "in de kolom 'naam' staat een formule zonder uitkomst")


def test_a_key_twice_in_one_file_is_refused_the_second_time(directory_app):
    with directory_app.app_context():
        plan = plan_of("sleutel,soort,naam,plaats\nK1,bedrijf,A,Zwolle\nk1,bedrijf,B,Zwolle\n")
        assert [row.action for row in plan.rows] == ["add", "reject"]
        assert plan.rows[1].rejections == [importing.Rejection("duplicate_key", "2")]


def test_import_then_the_same_file_again_changes_nothing(directory_app):
    with directory_app.app_context():
        counts = importing.apply(db.session, plan_of(GOOD_AND_BAD))
        db.session.commit()
        assert counts == {"add": 3, "change": 0, "same": 0, "reject": 2}
        school = db.session.scalar(sa.select(Organisation).where(Organisation.key == "BRIN-01AA"))
        assert school.profiles == ["BWI", "PIE"] and school.leerwegen == ["basis", "kader"]
        assert school.place.label == "Zwolle" and school.verified_at is not None
        regions = db.session.scalars(sa.select(RegionMember.region_id).where(
            RegionMember.organisation_id == school.id)).all()
        assert len(regions) == 1
        before = snapshot()
        again = plan_of(GOOD_AND_BAD)
        assert [row.action for row in again.rows] == ["same", "same", "reject", "reject", "same"]
        importing.apply(db.session, again)
        db.session.commit()
        assert snapshot() == before


def test_an_empty_regions_column_reads_the_same_the_second_time(directory_app):
    """An organisation in no region, imported with an empty "regio's" column, is unchanged by the same file."""
    text = "sleutel;soort;naam;plaats;regio's\nKVK-77;bedrijf;Werkplaats Oost;Zwolle;\n"
    with directory_app.app_context():
        importing.apply(db.session, plan_of(text))
        db.session.commit()
        again = plan_of(text)
        assert [(row.action, row.changes) for row in again.rows] == [("same", [])]


def test_a_changed_row_changes_that_organisation_only(directory_app):
    with directory_app.app_context():
        importing.apply(db.session, plan_of(GOOD_AND_BAD))
        db.session.commit()
        changed = GOOD_AND_BAD.replace("Techniekcollege Noord;Zwolle;BWI, PIE", "Techniekcollege Noord;Kampen;PIE")
        plan = plan_of(changed)
        assert plan.rows[0].action == "change" and set(plan.rows[0].changes) == {"place_id", "profiles"}
        importing.apply(db.session, plan)
        db.session.commit()
        school = db.session.scalar(sa.select(Organisation).where(Organisation.key == "BRIN-01AA"))
        assert school.place.label == "Kampen" and school.profiles == ["PIE"]


def test_a_file_without_the_regions_column_leaves_memberships_alone(directory_app):
    with directory_app.app_context():
        members = db.session.scalar(sa.select(sa.func.count()).select_from(RegionMember))
        columns, rows = importing.export_rows(db.session)
        rows = [{k: v for k, v in row.items() if k != "regio's"} for row in rows]
        plan = plan_of(spreadsheets.to_csv(rows, columns[:-1]))
        assert {row.action for row in plan.rows} == {"same"}
        assert db.session.scalar(sa.select(sa.func.count()).select_from(RegionMember)) == members


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_the_export_reads_back_in_unchanged(directory_app, kind):
    with directory_app.app_context():
        importing.apply(db.session, plan_of(GOOD_AND_BAD.replace("Techniekcollege Noord", "=1+1 Noord")))
        db.session.commit()
        columns, rows = importing.export_rows(db.session)
        assert len(rows) == 12 * 6 + 3
        body = (spreadsheets.to_csv(rows, columns).encode("utf-8") if kind == "csv"
                else spreadsheets.to_xlsx(rows, columns))
        if kind == "xlsx":
            sheet = load_workbook(io.BytesIO(body)).active
            formula_cells = [c for row in sheet.iter_rows() for c in row if c.data_type == "f"]
            assert formula_cells == []
        else:
            assert ";'=1+1 Noord;" in body.decode("utf-8")
        plan = importing.plan(db.session, importing.read_table(f"organisaties.{kind}", body))
        unchanged = {row.key: row.action for row in plan.rows if row.action != "same"}
        # The neutralised name comes back with its apostrophe: the one row a spreadsheet round trip changes.
        assert unchanged == {"BRIN-01AA": "change"} if kind == "csv" else unchanged in ({}, {"BRIN-01AA": "change"})


@pytest.mark.parametrize(("filename", "data", "message"), [
    ("lijst.txt", b"sleutel;soort;naam;plaats\n", "Kies een CSV- of XLSX-bestand."),
    ("lijst.csv", b"sleutel;soort;naam\nK;bedrijf;X\n", "Deze kolommen ontbreken: plaats."),
    ("lijst.csv", "sleutel;soort;naam;plaats\nK;bedrijf;Café;Zwolle\n".encode("latin-1"), "niet in UTF-8"),
    ("lijst.xlsx", b"PK\x03\x04 geen echte werkmap", "kunnen we niet lezen"),
    ("lijst.csv", b"", "Dit bestand is leeg."),
    ("", b"", "Kies een bestand."),
])
def test_a_file_that_cannot_be_read_gets_an_error_next_to_the_field(directory_app, login_as, client, filename,
                                                                    data, message):
    login_as(Role.ORGANISER)
    response = client.post("/beheer/organisaties/import", data={
        "csrf_token": page_csrf(client, "/beheer/organisaties/"), "file": (io.BytesIO(data), filename)})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in page and 'id="file-error"' in page and 'aria-invalid="true"' in page


def test_an_organiser_checks_then_imports_over_http(directory_app, login_as, client):
    login_as(Role.ORGANISER)
    token = page_csrf(client, "/beheer/organisaties/")
    checked = client.post("/beheer/organisaties/import", data={
        "csrf_token": token, "file": (io.BytesIO(GOOD_AND_BAD.encode()), "organisaties.csv")})
    page = checked.get_data(as_text=True)
    assert checked.status_code == 200
    assert "Afgewezen regels" in page and "onbekende plaats &#39;Nergenshuizen&#39;" in page
    assert "onbekend profiel &#39;XYZ&#39;" in page and ">4</td>" in page and ">5</td>" in page
    with directory_app.app_context():
        assert db.session.scalar(sa.select(Organisation).where(Organisation.key == "BRIN-01AA")) is None
    content = re.search(r'name="content" type="hidden" value="([^"]+)"', page).group(1)
    done = client.post("/beheer/organisaties/import/uitvoeren",
                       data={"csrf_token": token, "content": content, "filename": "organisaties.csv"})
    assert done.status_code == 303
    assert "3 toegevoegd" in client.get(done.headers["Location"]).get_data(as_text=True)
    with directory_app.app_context():
        assert db.session.scalar(sa.select(Organisation).where(Organisation.key == "BRIN-01AA")) is not None
    assert client.post("/beheer/organisaties/import/uitvoeren", data={
        "csrf_token": token, "content": "!!niet base64", "filename": "x.csv"}).status_code == 400


def test_export_downloads(directory_app, login_as, client):
    login_as(Role.ORGANISER)
    csv_response = client.get("/beheer/organisaties/export.csv")
    assert csv_response.status_code == 200 and csv_response.mimetype == "text/csv"
    assert csv_response.get_data(as_text=True).startswith("\ufeffsleutel;soort;naam;plaats")
    xlsx = client.get("/beheer/organisaties/export.xlsx")
    assert load_workbook(io.BytesIO(xlsx.data)).active["A1"].value == "sleutel"
    assert client.get("/beheer/organisaties/export.pdf").status_code == 404
