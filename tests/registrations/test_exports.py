"""Organisers export a meeting's registrations as CSV and XLSX, and print a presence list."""

import codecs
import csv
import io
import re
import zipfile
from datetime import datetime

import pytest
from openpyxl import load_workbook

from sto_events.accounts.models import Role
from sto_events.core import spreadsheets
from sto_events.core.extensions import db
from sto_events.core.timeutil import local
from sto_events.registrations import exports, services
from sto_events.registrations.models import ParticipantRole, RegistrationStatus
from tests.registrations.helpers import signup_data

HEADER = ["Naam", "E-mailadres", "Organisatie", "Rol", "Regio", "Status", "Ronde 1", "Ronde 2", "Vragen",
          "Aangemeld op"]

# (name, e-mail, organisation, role, region, picks per round, questions); capacity 4: the fifth and sixth wait.
PEOPLE = [
    ("Zoë Ölçek", "zoe@school.nl", "Hogeschool Ærø", ParticipantRole.VMBO, "Zuid-Holland", [0, 1],
     "Is er een lift? Graag één plek vooraan."),
    ("Łukasz Kowalski", "lukasz@bedrijf.nl", '=HYPERLINK("http://x")', ParticipantRole.COMPANY, "Twente", [1, 0],
     ""),
    ("+31 6 1234", "plus@school.nl", "Techniekcollege", ParticipantRole.MBO, "", [0, 0], "=1+1"),
    ("-2+3", "min@school.nl", "Testschool", ParticipantRole.OTHER, "@regio", [1, 1], ""),
    ("@SUM(A1)", "at@school.nl", "Testschool", ParticipantRole.PO, "", [0, 0], ""),
    ("Bram Afmelder", "bram@school.nl", "Testschool", ParticipantRole.BOARD, "", [1, 0], ""),
]


@pytest.fixture
def meeting_with_people(app, make_meeting):
    """A meeting (two rounds of two workshops, 4 seats) with four confirmed, one wait-listed, one cancelled."""
    with app.app_context():
        meeting = make_meeting(db.session, capacity=4, rounds=((10, 10), (10, 10)))
        registrations = []
        for name, email, organisation, role, region, picks, questions in PEOPLE:
            data = signup_data(meeting, email, picks, name=name, organisation=organisation, role=role,
                               region=region, questions=questions)
            registrations.append(services.sign_up(db.session, meeting, data)[0])
        services.cancel(db.session, registrations[-1])
        workshops = [[w.id for w in r.workshops] for r in meeting.rounds]
        titles = [[w.title for w in r.workshops] for r in meeting.rounds]
        registered = [local(r.created_at).strftime("%Y-%m-%d %H:%M") for r in registrations]
        statuses = [r.status for r in registrations]
        assert statuses == [RegistrationStatus.CONFIRMED] * 4 + [RegistrationStatus.WAITLISTED,
                                                                 RegistrationStatus.CANCELLED]
        return {"id": meeting.id, "slug": meeting.slug, "workshops": workshops, "titles": titles,
                "registered": registered}


def expected_rows(meeting):
    """The exported values of every person, neutralised the way the CSV writes them."""
    statuses = ["Aangemeld"] * 4 + ["Wachtlijst", "Geannuleerd"]
    roles = {ParticipantRole.VMBO: "vmbo", ParticipantRole.COMPANY: "bedrijf", ParticipantRole.MBO: "mbo",
             ParticipantRole.OTHER: "overig", ParticipantRole.PO: "primair onderwijs (po)",
             ParticipantRole.BOARD: "bestuur / plannenschrijver"}
    rows = []
    for (name, email, organisation, role, region, picks, questions), status, registered in zip(
        PEOPLE, statuses, meeting["registered"], strict=True
    ):
        rounds = [meeting["titles"][i][pick] for i, pick in enumerate(picks)]
        rows.append([name, email, organisation, roles[role], region, status, *rounds, questions, registered])
    return rows


def csv_export(client, meeting_id, query=""):
    response = client.get(f"/beheer/bijeenkomsten/{meeting_id}/export.csv{query}")
    assert response.status_code == 200, response.status_code
    body = response.get_data()
    assert body.startswith(codecs.BOM_UTF8)
    return response, list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline=""), delimiter=";"))


def xlsx_export(client, meeting_id, query=""):
    response = client.get(f"/beheer/bijeenkomsten/{meeting_id}/export.xlsx{query}")
    assert response.status_code == 200, response.status_code
    return response, load_workbook(io.BytesIO(response.get_data())).active


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"),
        ("+31 6 1234", "'+31 6 1234"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("Zoë Ölçek", "Zoë Ölçek"),
        ("\u200b=HYPERLINK(\"http://x\")", "'\u200b=HYPERLINK(\"http://x\")"),
        ("\u202e \u200e+1", "'\u202e \u200e+1"),
        ("a=1", "a=1"),
        ("", ""),
        (3, 3),
        (None, None),
    ],
)
def test_neutralise(value, expected):
    assert spreadsheets.neutralise(value) == expected


def test_csv_export_row_by_row(client, login_as, meeting_with_people):
    login_as(Role.ORGANISER)
    response, rows = csv_export(client, meeting_with_people["id"])
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Cache-Control"] == "no-store"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f"{meeting_with_people['slug']}-deelnemers.csv" in disposition
    assert rows[0] == HEADER
    assert len(rows) == 1 + len(PEOPLE)
    for got, want in zip(rows[1:], expected_rows(meeting_with_people), strict=True):
        assert got == [spreadsheets.neutralise(value) for value in want], got
    # Spelled out, so a bug in neutralise cannot hide behind the expectation built with it.
    assert rows[1][0] == "Zoë Ölçek" and rows[1][2] == "Hogeschool Ærø"
    assert rows[1][8] == "Is er een lift? Graag één plek vooraan."
    assert rows[2][0] == "Łukasz Kowalski" and rows[2][2] == "'=HYPERLINK(\"http://x\")"
    assert [row[0] for row in rows[3:6]] == ["'+31 6 1234", "'-2+3", "'@SUM(A1)"]
    assert rows[3][8] == "'=1+1" and rows[4][4] == "'@regio"
    assert rows[1][6:8] == ["Workshop 1A", "Workshop 2B"] and rows[2][6:8] == ["Workshop 1B", "Workshop 2A"]
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", row[9]) for row in rows[1:])


def test_xlsx_export_row_by_row(client, login_as, meeting_with_people):
    login_as(Role.ORGANISER)
    response, sheet = xlsx_export(client, meeting_with_people["id"])
    assert response.headers["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert f"{meeting_with_people['slug']}-deelnemers.xlsx" in response.headers["Content-Disposition"]
    assert sheet.freeze_panes == "A2"
    header = list(sheet.iter_rows(min_row=1, max_row=1))[0]
    assert [cell.value for cell in header] == HEADER
    assert all(cell.font.bold for cell in header)

    rows = list(sheet.iter_rows(min_row=2))
    assert len(rows) == len(PEOPLE)
    for cells, want in zip(rows, expected_rows(meeting_with_people), strict=True):
        values = [cell.value for cell in cells]
        assert values[:9] == [value or None for value in want[:9]], values  # openpyxl reads "" back as None
        assert isinstance(values[9], datetime) and values[9].strftime("%Y-%m-%d %H:%M") == want[9]
    by_name = {cells[0].value: cells for cells in rows}
    assert "Zoë Ölçek" in by_name and by_name["Zoë Ölçek"][2].value == "Hogeschool Ærø"
    formula_like = [
        by_name["Łukasz Kowalski"][2],
        by_name["+31 6 1234"][0],
        by_name["+31 6 1234"][8],
        by_name["-2+3"][0],
        by_name["-2+3"][4],
        by_name["@SUM(A1)"][0],
    ]
    assert [cell.value for cell in formula_like] == ['=HYPERLINK("http://x")', "+31 6 1234", "=1+1", "-2+3",
                                                     "@regio", "@SUM(A1)"]
    assert all(cell.data_type == "s" for cell in formula_like)
    # No formula anywhere in the file itself.
    with zipfile.ZipFile(io.BytesIO(response.get_data())) as archive:
        sheet_xml = archive.read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in sheet_xml and b"<f " not in sheet_xml


def test_filters_by_status_and_workshop(client, login_as, meeting_with_people):
    login_as(Role.ORGANISER)
    meeting_id = meeting_with_people["id"]
    names = lambda rows: [row[0] for row in rows[1:]]  # noqa: E731
    _, rows = csv_export(client, meeting_id, "?status=confirmed")
    assert names(rows) == ["Zoë Ölçek", "Łukasz Kowalski", "'+31 6 1234", "'-2+3"]
    _, rows = csv_export(client, meeting_id, "?status=waitlisted")
    assert names(rows) == ["'@SUM(A1)"]
    _, rows = csv_export(client, meeting_id, "?status=cancelled")
    assert names(rows) == ["Bram Afmelder"]
    workshop_1b = meeting_with_people["workshops"][0][1]
    _, rows = csv_export(client, meeting_id, f"?workshop={workshop_1b}")
    assert names(rows) == ["Łukasz Kowalski", "'-2+3", "Bram Afmelder"]
    assert {row[6] for row in rows[1:]} == {"Workshop 1B"}
    _, rows = csv_export(client, meeting_id, f"?workshop={workshop_1b}&status=confirmed")
    assert names(rows) == ["Łukasz Kowalski", "'-2+3"]
    _, rows = csv_export(client, meeting_id, "?status=&workshop=")
    assert len(rows) == 1 + len(PEOPLE)

    _, sheet = xlsx_export(client, meeting_id, f"?status=confirmed&workshop={meeting_with_people['workshops'][1][1]}")
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == ["Zoë Ölçek", "-2+3"]


def test_empty_export_keeps_its_header(app, client, login_as, add_meeting):
    meeting = add_meeting(rounds=((5,),))
    login_as(Role.ORGANISER)
    _, rows = csv_export(client, meeting.id)
    assert rows == [HEADER[:6] + ["Ronde 1"] + HEADER[8:]]
    _, sheet = xlsx_export(client, meeting.id, "?status=waitlisted")
    assert sheet.max_row == 1 and sheet["A1"].value == "Naam"


@pytest.mark.parametrize(
    "query", ["?status=bogus", "?status=CONFIRMED", "?workshop=abc", "?workshop=-1", "?workshop=1.5",
              "?workshop=99999999999999999999999", "?workshop=999999"]
)
@pytest.mark.parametrize("extension", ["csv", "xlsx"])
def test_bad_filter_is_400(client, login_as, meeting_with_people, query, extension):
    login_as(Role.ORGANISER)
    response = client.get(f"/beheer/bijeenkomsten/{meeting_with_people['id']}/export.{extension}{query}")
    assert response.status_code == 400
    assert "Onbekende" in response.get_data(as_text=True)


def test_workshop_of_another_meeting_is_400(client, login_as, meeting_with_people, add_meeting):
    other = add_meeting()
    login_as(Role.ORGANISER)
    response = client.get(f"/beheer/bijeenkomsten/{meeting_with_people['id']}/export.csv"
                          f"?workshop={other.rounds[0].workshops[0]}")
    assert response.status_code == 400


@pytest.mark.parametrize("page", ["export.csv", "export.xlsx", "presentielijst"])
def test_unknown_meeting_is_404(client, login_as, page):
    login_as(Role.ORGANISER)
    assert client.get(f"/beheer/bijeenkomsten/987654/{page}").status_code == 404


def test_presence_list_shows_confirmed_people_by_name(client, login_as, meeting_with_people):
    login_as(Role.ORGANISER)
    response = client.get(f"/beheer/bijeenkomsten/{meeting_with_people['id']}/presentielijst")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    page = response.get_data(as_text=True)
    assert re.search(r'<link rel="stylesheet" media="print" href="/static/dist/print\.[0-9a-f]{10}\.css">', page)
    assert "Handtekening" in page and "4 aangemelde deelnemers" in page
    body = page.split("<tbody", 1)[1]
    rows = re.findall(r'<tr class="utrecht-table__row">\s*<td class="utrecht-table__cell"[^>]*>([^<]*)</td>', body)
    assert rows == ["+31 6 1234", "-2+3", "Zoë Ölçek", "Łukasz Kowalski"]
    assert "@SUM(A1)" not in page and "Bram Afmelder" not in page
    assert "Workshop 1A, Workshop 2B" in body
    assert body.count('<td class="utrecht-table__cell sto-presence__signature" data-label="Handtekening"></td>') == 4


def test_presence_list_sorts_accents_with_their_letter(app, make_meeting):
    with app.app_context():
        meeting = make_meeting(db.session, rounds=())
        for name in ["Zeger", "Émile", "anna", "Ellen"]:
            services.sign_up(db.session, meeting, signup_data(meeting, f"{len(name)}{name[-1]}@x.nl", name=name))
        assert [row.name for row in exports.presence_list(db.session, meeting.id)] == [
            "anna", "Ellen", "Émile", "Zeger"
        ]


def test_meeting_page_links_to_exports(client, login_as, add_meeting):
    meeting = add_meeting()
    login_as(Role.ORGANISER)
    page = client.get(f"/beheer/bijeenkomsten/{meeting.id}").get_data(as_text=True)
    for text, url in [("Exporteer CSV", "export.csv"), ("Exporteer Excel (XLSX)", "export.xlsx"),
                      ("Presentielijst", "presentielijst")]:
        assert text in page and f"/beheer/bijeenkomsten/{meeting.id}/{url}" in page
