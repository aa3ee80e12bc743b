"""A coordinator's way in, in Chromium with and without JavaScript: an organiser invites them from the region list,
the invitation arrives over SMTP, they choose a password, log in from the header, land on Mijn omgeving, edit their
own region, and get 403 on another region's manage page and 404 on one that does not exist."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from sto_events.accounts.models import Role
from sto_events.accounts.services import create_user
from sto_events.core.extensions import db
from sto_events.regions import demo
from sto_events.regions.models import Region
from tests.conftest import PASSWORD, deliver_outbox


def log_in_from_the_header(page, email: str) -> None:
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Inloggen").click()
    page.get_by_label("E-mailadres", exact=True).fill(email)
    page.get_by_label("Wachtwoord", exact=True).fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Inloggen").click()
    page.wait_for_url(lambda url: "/inloggen" not in url)


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_invited_coordinator_lands_on_mijn_omgeving_and_edits_only_their_region(
        browser, live_server, live_app, smtp, screenshot, javascript):
    suffix = "js" if javascript else "nojs"
    with live_app.app_context():
        regions = demo.seed(db.session)
        own, other = regions[0].slug, regions[1].slug
        own_name = regions[0].name
        create_user(db.session, "olga@stotest.nl", "Olga Organisator", Role.ORGANISER, PASSWORD)
    context = browser.new_context(java_script_enabled=javascript, locale="nl-NL")
    page = context.new_page()
    problems = []
    page.on("pageerror", lambda exc: problems.append(str(exc)))

    # The organiser invites the coordinator from the back office's region list.
    page.goto(live_server.url + "/")
    log_in_from_the_header(page, "olga@stotest.nl")
    assert page.url == live_server.url + "/mijn-omgeving"
    page.get_by_role("link", name="Naar het beheer").click()
    page.get_by_role("navigation", name="Beheer").get_by_role("link", name="Regio's").click()
    page.get_by_label("Regio", exact=True).select_option(label=own_name)
    page.get_by_label("Naam", exact=True).fill("Rik Regio")
    page.get_by_label("E-mailadres", exact=True).fill("rik@regio.nl")
    page.get_by_role("button", name="Uitnodigen").click()
    assert "Rik Regio is uitgenodigd als coördinator" in page.locator("#messages").inner_text()
    page.get_by_role("button", name="Uitloggen").click()

    deliver_outbox(live_app)
    [mail] = smtp.inbox.to("rik@regio.nl")
    link = re.search(r"(http://\S+/uitnodiging/\S+)", mail.get_body(("plain",)).get_content()).group(1)
    assert own_name in mail.get_body(("plain",)).get_content()  # the mail names the region

    # The coordinator accepts, logs in from the header and lands on Mijn omgeving.
    page.goto(link)
    page.get_by_label("Nieuw wachtwoord", exact=True).fill(PASSWORD)
    page.get_by_label("Herhaal het wachtwoord", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Wachtwoord opslaan").click()
    page.wait_for_url(lambda url: "/uitnodiging/" not in url)
    log_in_from_the_header(page, "rik@regio.nl")
    assert page.url == live_server.url + "/mijn-omgeving"
    assert page.get_by_role("heading", name="Mijn regio's").is_visible()
    screenshot(page, f"50-coordinator-mijn-omgeving-{suffix}")

    # ...edits their own region...
    page.get_by_role("link", name=f"gegevens bewerken ({own_name})").click()
    assert page.url == f"{live_server.url}/regios/{own}/beheer/"
    assert page.get_by_label("Naam van de regio").count() == 0  # the name is the support team's
    page.get_by_label("Over de regio").fill("Wij zoeken een buddyregio voor PIE.")
    page.get_by_role("button", name="Opslaan").click()
    assert "De gegevens van de regio zijn opgeslagen." in page.locator("#messages").inner_text()
    with live_app.app_context():
        description = db.session.scalar(sa.select(Region.description).where(Region.slug == own))
    assert description == "Wij zoeken een buddyregio voor PIE."
    page.get_by_role("link", name="Openbare pagina").click()
    assert "Wij zoeken een buddyregio voor PIE." in page.get_by_role("main").inner_text()

    # ...invites a co-coordinator and ends that again, after a confirmation that can be declined...
    page.goto(f"{live_server.url}/regios/{own}/beheer/coordinatoren")
    page.get_by_label("Naam", exact=True).fill("Carla Collega")
    page.get_by_label("E-mailadres", exact=True).fill("carla@regio.nl")
    page.get_by_role("button", name="Uitnodigen").click()
    assert "Carla Collega is uitgenodigd als coördinator" in page.locator("#messages").inner_text()
    page.get_by_role("link", name="Beëindigen (Carla Collega)").click()
    assert "Weet u zeker dat Carla Collega geen coördinator" in page.get_by_role("main").inner_text()
    screenshot(page, f"51-coordinator-end-confirm-{suffix}")
    page.get_by_role("link", name="Nee, terug").click()
    assert page.url == f"{live_server.url}/regios/{own}/beheer/coordinatoren"
    assert "carla@regio.nl" in page.get_by_role("main").inner_text()  # declining changed nothing
    page.get_by_role("link", name="Beëindigen (Carla Collega)").click()
    page.get_by_role("button", name="Ja, beëindigen").click()
    assert "Carla Collega is geen coördinator van deze regio meer." in page.locator("#messages").inner_text()
    assert "carla@regio.nl" not in page.get_by_role("main").inner_text()

    # ...and is refused another region's manage pages.
    response = page.goto(f"{live_server.url}/regios/{other}/beheer/")
    assert response.status == 403 and "Geen toegang" in page.get_by_role("main").inner_text()
    response = page.goto(f"{live_server.url}/regios/{other}/beheer/coordinatoren")
    assert response.status == 403
    response = page.goto(f"{live_server.url}/regios/bestaat-niet/beheer/")
    assert response.status == 404
    assert page.goto(f"{live_server.url}/beheer/regios/").status == 403  # the organisers' list is not theirs
    with live_app.app_context():
        other_description = db.session.scalar(sa.select(Region.description).where(Region.slug == other))
    assert other_description == ""
    assert problems == []
    context.close()
