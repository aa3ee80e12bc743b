"""An organiser imports the directory in Chromium: a file with two bad rows is checked first and each refusal is
named with its line; the fixed file imports; the same file again changes nothing. With and without JavaScript."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from sto_events.accounts.models import Role
from sto_events.accounts.services import create_user
from sto_events.core.extensions import db
from sto_events.organisations.models import Organisation
from sto_events.regions import demo
from tests.conftest import PASSWORD

HEADER = "sleutel;soort;naam;plaats;profielen;leerwegen;netwerk;website;regio's\n"
GOOD = (
    "BRIN-11AA;vmbo-school;Techniekcollege Zuid;Zwolle;BWI, PIE;basis, kader;;https://zuid.example;zwolle\n"
    "KVK-4711;bedrijf;Werkplaats Oost;Hengelo (Overijssel);;;;;\n"
    "NET-9;netwerk;Technieknetwerk Delta;Rotterdam;;;PPS;;rijnmond\n"
)
BAD = (
    "BRIN-12BB;vmbo-school;College Nergens;Nergenshuizen;BWI;;;;\n"
    "BRIN-13CC;vmbo-school;College West;Rotterdam;BWI, XYZ;;;;\n"
)
FIXED = (
    "BRIN-12BB;vmbo-school;College Nergens;Assen;BWI;;;;\n"
    "BRIN-13CC;vmbo-school;College West;Rotterdam;BWI, PIE;;;;\n"
)


def organisation_keys(app) -> set[str]:
    with app.app_context():
        return set(db.session.scalars(sa.select(Organisation.key)))


def check_file(page, base_url: str, name: str, text: str):
    page.goto(base_url + "/beheer/organisaties/")
    page.get_by_label("Bestand").set_input_files(
        {"name": name, "mimeType": "text/csv", "buffer": text.encode("utf-8")})
    page.get_by_role("button", name="Bestand controleren").click()
    return page.locator("#import-check")


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_organiser_fixes_two_refused_rows_and_imports_once(browser, live_server, live_app, screenshot, javascript):
    suffix = "js" if javascript else "nojs"
    with live_app.app_context():
        demo.seed(db.session)
        db.session.commit()
        create_user(db.session, "olga@stotest.nl", "Olga Organisator", Role.ORGANISER, PASSWORD)
    before = organisation_keys(live_app)
    context = browser.new_context(java_script_enabled=javascript, locale="nl-NL")
    page = context.new_page()
    problems = []
    page.on("pageerror", lambda exc: problems.append(str(exc)))

    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Inloggen").first.click()
    page.get_by_label("E-mailadres", exact=True).fill("olga@stotest.nl")
    page.get_by_label("Wachtwoord", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url(lambda url: "/inloggen" not in url)

    check = check_file(page, live_server.url, "organisaties.csv", HEADER + GOOD + BAD)
    assert "Er is nog niets veranderd" in check.inner_text()
    assert "afgewezen: 2" in check.inner_text()
    rows = check.locator("table tbody tr")
    assert rows.count() == 2
    assert rows.nth(0).inner_text().split("\t")[0].strip() == "5"
    assert "onbekende plaats 'Nergenshuizen'" in rows.nth(0).inner_text()
    assert rows.nth(1).inner_text().split("\t")[0].strip() == "6"
    assert "onbekend profiel 'XYZ'" in rows.nth(1).inner_text()
    screenshot(page, f"40-directory-import-check-{suffix}")
    assert organisation_keys(live_app) == before, "the dry run wrote to the database"

    check = check_file(page, live_server.url, "organisaties.csv", HEADER + GOOD + FIXED)
    assert "afgewezen: 0" in check.inner_text()
    assert check.locator("table").count() == 0
    check.get_by_role("button", name="5 organisaties importeren").click()
    assert "Import klaar: 5 toegevoegd, 0 gewijzigd, 0 ongewijzigd, 0 overgeslagen." in (
        page.locator("#messages").inner_text())
    added = organisation_keys(live_app) - before
    assert added == {"BRIN-11AA", "KVK-4711", "NET-9", "BRIN-12BB", "BRIN-13CC"}

    check = check_file(page, live_server.url, "organisaties.csv", HEADER + GOOD + FIXED)
    assert "ongewijzigd: 5" in check.inner_text()
    assert "Er is niets om te importeren." in check.inner_text()
    assert organisation_keys(live_app) - before == added
    assert problems == []
    context.close()
