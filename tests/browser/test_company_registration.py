"""A company registers itself in Chromium, confirms through the real mail, stays off the public pages, and is
public once an organiser has verified it — with JavaScript and without. Screenshots at 320 px and desktop width."""

import re

import pytest
import sqlalchemy as sa

from sto_events.accounts.models import Role
from sto_events.accounts.services import create_user
from sto_events.core.extensions import db
from sto_events.organisations import companies
from sto_events.organisations.models import Organisation
from sto_events.regions import demo
from tests.conftest import PASSWORD, deliver_outbox

NARROW = {"width": 320, "height": 900}
DESKTOP = {"width": 1280, "height": 900}


def shoot(page, screenshot, name: str) -> None:
    """The page at 320 px (nothing may stick out sideways) and at desktop width."""
    page.set_viewport_size(NARROW)
    assert page.evaluate("document.documentElement.scrollWidth") <= NARROW["width"], name
    screenshot(page, f"{name}-320")
    page.set_viewport_size(DESKTOP)
    screenshot(page, f"{name}-desktop")


def is_public(browser, base_url: str, company_id: int, name: str) -> tuple[int, bool]:
    """(status of the company's own page, whether the Zwolle region page lists it) for a visitor."""
    context = browser.new_context(locale="nl-NL")
    page = context.new_page()
    status = page.goto(f"{base_url}/organisaties/{company_id}").status
    page.goto(f"{base_url}/regios/zwolle")
    listed = name in page.locator("main").inner_text()
    context.close()
    return status, listed


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_a_company_registers_confirms_and_is_public_after_verification(browser, live_server, live_app, smtp,
                                                                       screenshot, javascript):
    suffix = "js" if javascript else "nojs"
    name, email = f"Lasbedrijf Van Dijk {suffix}", f"anouk-{suffix}@vandijk.example"
    with live_app.app_context():
        demo.seed(db.session)
        db.session.commit()
        create_user(db.session, "olga@stotest.nl", "Olga Organisator", Role.ORGANISER, PASSWORD)
    context = browser.new_context(java_script_enabled=javascript, locale="nl-NL", viewport=DESKTOP)
    page = context.new_page()
    problems = []
    page.on("console", lambda msg: problems.append(f"{page.url}: {msg.text}")
            if msg.type in ("error", "warning") else None)
    page.on("pageerror", lambda exc: problems.append(str(exc)))

    # From the footer's link to the form; first without consent: the error is next to the box, the rest stays.
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Bedrijf aanmelden", exact=True).click()
    assert page.locator("h1").inner_text() == "Bedrijf aanmelden"
    page.get_by_label("Naam van het bedrijf").fill(name)
    page.get_by_label("Plaats", exact=True).fill("Zwolle")
    page.get_by_label("Website (niet verplicht)").fill("https://vandijk.example")
    page.get_by_label("Zwolle (voorbeeld)", exact=True).check()
    page.get_by_label("gastles", exact=True).check()
    page.get_by_label("Uw naam").fill("Anouk van Dijk")
    page.get_by_label("E-mailadres", exact=True).fill(email)
    shoot(page, screenshot, f"company-01-register-{suffix}")
    page.get_by_role("button", name="Aanmelden", exact=True).click()
    assert "Geef toestemming" in page.locator("#consent-error").inner_text()
    assert page.get_by_label("Naam van het bedrijf").input_value() == name
    assert page.get_by_label("Zwolle (voorbeeld)", exact=True).is_checked()
    shoot(page, screenshot, f"company-02-register-error-{suffix}")
    page.get_by_label("Ik ga akkoord met het bewaren van deze gegevens").check()
    page.get_by_role("button", name="Aanmelden", exact=True).click()
    assert page.url == live_server.url + "/bedrijven/aanmelden/verstuurd"

    # The mail arrives at the SMTP server; its link shows what will be registered, and its button confirms it.
    assert deliver_outbox(live_app) == 1
    [mail] = smtp.inbox.to(email)
    assert name in mail["Subject"]
    link = re.search(r"(http://127\.0\.0\.1:\d+/bedrijven/aanmelden/bevestigen/\S+)",
                     mail.get_body(("plain",)).get_content()).group(1)
    page.goto(link)
    assert page.locator("h1").inner_text() == "Aanmelding bevestigen"
    facts = page.locator(".sto-facts").inner_text()
    assert name in facts and "Zwolle (voorbeeld)" in facts and "gastles" in facts
    shoot(page, screenshot, f"company-03-confirm-{suffix}")
    page.get_by_role("button", name="Aanmelding bevestigen").click()
    assert "/uitnodiging/" in page.url
    page.get_by_label("Nieuw wachtwoord").fill(PASSWORD)
    page.get_by_label("Herhaal het wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Wachtwoord opslaan").click()
    assert "/uitnodiging/" not in page.url

    with live_app.app_context():
        company_id = db.session.scalar(sa.select(Organisation.id).where(Organisation.name == name))
        waiting = companies.waiting_count(db.session)  # ours and the demo's unverified example companies
    assert company_id is not None
    assert is_public(browser, live_server.url, company_id, name) == (404, False)

    # An organiser sees the waiting company from the navigation and verifies it.
    organiser = browser.new_context(java_script_enabled=javascript, locale="nl-NL", viewport=DESKTOP)
    back_office = organiser.new_page()
    back_office.on("pageerror", lambda exc: problems.append(str(exc)))
    back_office.goto(live_server.url + "/beheer/")
    back_office.get_by_label("E-mailadres", exact=True).fill("olga@stotest.nl")
    back_office.get_by_label("Wachtwoord", exact=True).fill(PASSWORD)
    back_office.get_by_role("button", name="Inloggen").click()
    navigation = back_office.get_by_role("navigation", name="Beheer", exact=True)
    navigation.get_by_role("link", name=f"Bedrijven te verifiëren ({waiting})", exact=True).click()
    assert back_office.url == live_server.url + "/beheer/organisaties/te-verifieren"
    card = back_office.get_by_role("region", name=name)
    assert "Anouk van Dijk" in card.inner_text() and email in card.inner_text()
    assert "Zwolle (voorbeeld)" in card.inner_text()
    shoot(back_office, screenshot, f"company-04-queue-{suffix}")
    card.get_by_role("button", name="Verifiëren").click()
    assert f"{name} is geverifieerd" in back_office.locator("#messages").inner_text()
    assert back_office.get_by_role("region", name=name).count() == 0
    assert navigation.get_by_role("link", name=f"Bedrijven te verifiëren ({waiting - 1})", exact=True).is_visible()
    organiser.close()

    assert is_public(browser, live_server.url, company_id, name) == (200, True)
    # A form with errors answers 422 on purpose and the visitor's check meets a 404; Chromium logs both.
    assert [p for p in problems if "status of 422" not in p and "status of 404" not in p] == []
    context.close()
