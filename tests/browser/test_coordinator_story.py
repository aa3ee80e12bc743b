"""Issue 10's story in Chromium, with and without JavaScript: an organiser invites a region coordinator from the
back office; the coordinator follows the mail's link, chooses a password, logs in from the header, lands on Mijn
omgeving, edits their own region (seen on its public page) and is refused another region's manage pages."""

from __future__ import annotations

import re

import pytest

from sto_events.accounts.models import Role
from sto_events.accounts.services import create_user
from sto_events.core.extensions import db
from sto_events.regions import demo
from tests.conftest import PASSWORD, deliver_outbox

NEW_PASSWORD = "een zin van vier woorden"


def _log_in_from_header(page, url: str, email: str, password: str) -> None:
    page.goto(url)
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Inloggen").click()
    page.get_by_label("E-mailadres", exact=True).fill(email)
    page.get_by_label("Wachtwoord", exact=True).fill(password)
    page.get_by_role("button", name="Inloggen").click()


def _mail_link(smtp, to: str, path: str) -> str:
    [message] = smtp.inbox.to(to)
    text = message.get_body(("plain",)).get_content()
    return re.search(rf"http://\S+{path}\S+", text).group(0)


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_invited_coordinator_edits_own_region_and_no_other(browser, live_server, live_app, smtp, screenshot,
                                                             javascript):
    suffix = "js" if javascript else "nojs"
    with live_app.app_context():
        demo.seed(db.session)
        create_user(db.session, "olga@stotest.nl", "Olga Organisator", Role.ORGANISER, PASSWORD)
    problems = []

    organiser = browser.new_context(java_script_enabled=javascript, locale="nl-NL")
    page = organiser.new_page()
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    _log_in_from_header(page, live_server.url + "/", "olga@stotest.nl", PASSWORD)
    assert page.locator("h1").inner_text() == "Mijn omgeving"
    page.get_by_role("link", name="Naar het beheer").click()
    page.get_by_role("navigation", name="Beheer").get_by_role("link", name="Regio's").click()
    page.get_by_label("Regio", exact=True).select_option(label="Zwolle (voorbeeld)")
    page.get_by_label("Naam", exact=True).fill("Cor de Vries")
    page.get_by_label("E-mailadres", exact=True).fill("cor@zwolle.example.org")
    screenshot(page, f"40-organiser-invites-coordinator-{suffix}")
    page.get_by_role("button", name="Uitnodigen").click()
    assert "Cor de Vries" in page.locator("#messages").inner_text()
    organiser.close()

    assert deliver_outbox(live_app) == 1
    accept = _mail_link(smtp, "cor@zwolle.example.org", "/")
    [mail] = smtp.inbox.to("cor@zwolle.example.org")
    assert "Zwolle (voorbeeld)" in mail.get_body(("plain",)).get_content()

    coordinator = browser.new_context(java_script_enabled=javascript, locale="nl-NL")
    page = coordinator.new_page()
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    page.goto(accept)
    page.get_by_label("Nieuw wachtwoord", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Herhaal het wachtwoord", exact=True).fill(NEW_PASSWORD)
    page.get_by_role("button", name="Wachtwoord opslaan").click()
    assert "Uw account is klaar" in page.locator("#messages").inner_text()

    _log_in_from_header(page, live_server.url + "/regios", "cor@zwolle.example.org", NEW_PASSWORD)
    assert page.url.endswith("/mijn-omgeving")
    assert page.locator("h1").inner_text() == "Mijn omgeving"
    assert page.get_by_role("heading", name="Mijn regio's").is_visible()
    screenshot(page, f"41-coordinator-home-{suffix}")
    page.get_by_role("link", name="gegevens bewerken (Zwolle (voorbeeld))").click()
    assert page.get_by_label("Naam van de regio").count() == 0  # the name is the support team's
    page.get_by_label("Over de regio").fill("Wij zoeken een buddyregio voor gastlessen installatietechniek.")
    screenshot(page, f"42-coordinator-edits-region-{suffix}")
    page.get_by_role("button", name="Opslaan").click()
    assert "opgeslagen" in page.locator("#messages").inner_text()
    page.get_by_role("link", name="Openbare pagina").click()
    assert "buddyregio voor gastlessen" in page.locator("main").inner_text()

    for path in ("/regios/eindhoven/beheer", "/regios/eindhoven/beheer/coordinatoren"):
        response = page.goto(live_server.url + path)
        assert response.status == 403, path
    assert page.goto(live_server.url + "/regios/bestaat-niet/beheer").status == 404
    assert page.goto(live_server.url + "/beheer/regios").status == 403
    screenshot(page, f"43-coordinator-refused-{suffix}")
    assert problems == []
    coordinator.close()
