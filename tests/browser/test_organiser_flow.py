"""An organiser runs a meeting in Chromium: log in, create, programme, publish; a participant signs up; check-in."""

from datetime import date, timedelta

import pytest

from sto_events.accounts.models import Role
from sto_events.accounts.services import create_user
from sto_events.core.extensions import db
from tests.conftest import PASSWORD


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_organiser_runs_a_meeting_to_check_in(browser, live_server, live_app, screenshot, javascript):
    suffix = "js" if javascript else "nojs"
    with live_app.app_context():
        create_user(db.session, "olga@stotest.nl", "Olga Organisator", Role.ORGANISER, PASSWORD)
    organiser = browser.new_context(java_script_enabled=javascript, locale="nl-NL")
    page = organiser.new_page()
    problems = []
    page.on("pageerror", lambda exc: problems.append(str(exc)))

    page.goto(live_server.url + "/beheer/")
    assert "/inloggen" in page.url
    page.get_by_label("E-mailadres", exact=True).fill("olga@stotest.nl")
    page.get_by_label("Wachtwoord", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.get_by_role("link", name="Nieuwe bijeenkomst").click()

    page.get_by_label("Titel", exact=True).fill("Themabijeenkomst Assen")
    page.get_by_label("Datum", exact=True).fill((date.today() + timedelta(days=30)).isoformat())
    page.get_by_label("Begintijd", exact=True).fill("13:00")
    page.get_by_label("Eindtijd", exact=True).fill("17:00")
    page.get_by_label("Locatie", exact=True).fill("Drenthe College")
    page.get_by_label("Plaats", exact=True).fill("Assen")
    page.get_by_label("Aantal plaatsen", exact=True).fill("40")
    page.get_by_label("Duurzaam en dekkend techniekaanbod").check()
    screenshot(page, f"10-organiser-new-meeting-{suffix}")
    page.get_by_role("button", name="Opslaan als concept").click()
    assert "aangemaakt als concept" in page.locator("#messages").inner_text()

    for number, (start, end) in enumerate([("13:30", "14:30"), ("15:00", "16:00")], start=1):
        form = page.locator("form[action$='/rondes']")
        form.get_by_label("Naam van de ronde").fill(f"Ronde {number}")
        form.get_by_label("Begintijd").fill(start)
        form.get_by_label("Eindtijd").fill(end)
        form.get_by_role("button", name="Ronde toevoegen").click()
        for letter in "AB":
            details = page.locator("details", has_text=f"Workshop toevoegen aan Ronde {number}")
            details.locator("summary").click()
            details.get_by_label("Titel").fill(f"Workshop {number}{letter}")
            details.get_by_label("Aantal plaatsen").fill("20")
            details.get_by_role("button", name="Workshop toevoegen").click()
    assert page.locator("tr[id^=workshop-]").count() == 4

    # Change a workshop's capacity: inline with JavaScript, on its own page without.
    page.locator("tr[id^=workshop-]").first.get_by_role("link", name="Wijzigen").click()
    editor = page.locator("tr.sto-row--editing") if javascript else page.locator("main form.sto-form")
    editor.get_by_label("Aantal plaatsen").fill("25")
    editor.get_by_role("button", name="Opslaan", exact=True).click()
    if javascript:
        page.locator("tr.sto-row--saved").wait_for()
    assert "0 / 25" in page.locator("tr[id^=workshop-]").first.inner_text()
    page.get_by_role("button", name="Publiceren").click()
    assert "gepubliceerd" in page.locator("#messages").inner_text()
    assert page.get_by_label("Duurzaam en dekkend techniekaanbod").is_checked()
    screenshot(page, f"11-organiser-programme-{suffix}")

    # A later start moves the rounds along: the organiser sees old → new first, and confirms.
    details_form = page.locator("main form.sto-form").last
    details_form.get_by_label("Begintijd", exact=True).fill("13:30")
    details_form.get_by_label("Eindtijd", exact=True).fill("17:30")
    details_form.get_by_role("button", name="Opslaan", exact=True).click()
    preview = page.locator("main table").inner_text()
    assert "13:30–14:30" in preview and "14:00–15:00" in preview
    screenshot(page, f"13-organiser-confirm-move-{suffix}")
    page.get_by_role("button", name="Ja, opslaan").click()
    assert "Opgeslagen" in page.locator("#messages").inner_text()
    assert page.get_by_role("heading", name="Ronde 1, 14:00–15:00").count() == 1

    participant = browser.new_context(java_script_enabled=javascript, locale="nl-NL")
    visitor = participant.new_page()
    visitor.goto(live_server.url + "/bijeenkomsten")
    visitor.get_by_role("link", name="Themabijeenkomst Assen").click()
    visitor.get_by_role("link", name="Aanmelden", exact=True).click()
    visitor.get_by_label("Naam", exact=True).fill("Łucja Nowak")
    visitor.get_by_label("E-mailadres", exact=True).fill("lucja@school.nl")
    visitor.get_by_label("Organisatie", exact=True).fill("Vmbo Assen")
    visitor.get_by_label("mbo", exact=True).check()
    visitor.get_by_label("Workshop 1B").check()
    visitor.get_by_label("Workshop 2A").check()
    visitor.get_by_role("button", name="Aanmelden").click()
    assert "U bent aangemeld" in visitor.locator("#messages").inner_text()
    participant.close()

    page.get_by_role("link", name="Inchecken").click()
    if javascript:
        # Wait for the live search's answer, so that it cannot replace the row after the first click.
        with page.expect_response(lambda response: "inchecken?q=nowak" in response.url):
            page.get_by_label("Naam of organisatie").fill("nowak")
        page.locator("#check-in-list li", has_text="Łucja Nowak").wait_for()
    else:
        page.get_by_label("Naam of organisatie").fill("nowak")
        page.get_by_role("button", name="Zoeken").click()
    row = page.locator("li", has_text="Łucja Nowak")
    row.get_by_role("button", name="Inchecken").click()
    # The meeting is next month: checking in today asks for a confirmation first.
    page.locator("li", has_text="Łucja Nowak").get_by_role("button", name="Toch inchecken").click()
    page.locator("li", has_text="Łucja Nowak").get_by_text("Aanwezig sinds").wait_for()
    screenshot(page, f"12-organiser-check-in-{suffix}")
    assert problems == []
    organiser.close()
