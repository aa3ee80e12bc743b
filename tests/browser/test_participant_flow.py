"""A participant signs up, reads the mail, changes a workshop and cancels — with and without JavaScript."""

import re

import pytest

from sto_events.core.extensions import db
from tests.conftest import deliver_outbox


@pytest.fixture
def meeting(live_app, make_meeting):
    with live_app.app_context():
        meeting = make_meeting(db.session, title="Themabijeenkomst Zwolle", capacity=30, rounds=((10, 10),))
        return {"title": meeting.title, "workshops": [w.title for w in meeting.rounds[0].workshops]}


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_sign_up_change_and_cancel(browser, live_server, live_app, smtp, meeting, screenshot, javascript):
    suffix = "js" if javascript else "nojs"
    context = browser.new_context(java_script_enabled=javascript, locale="nl-NL")
    page = context.new_page()
    problems = []
    page.on(
        "console",
        lambda msg: problems.append(f"{page.url}: {msg.text}") if msg.type in ("error", "warning") else None,
    )
    page.on("pageerror", lambda exc: problems.append(str(exc)))

    page.goto(live_server.url + "/bijeenkomsten")
    page.get_by_role("link", name=meeting["title"]).click()
    screenshot(page, f"01-detail-{suffix}")
    page.get_by_role("link", name="Aanmelden", exact=True).click()
    assert page.locator("h1").inner_text() == "Aanmelden"

    # First a mistake: the form comes back with the error next to the field and the typed values kept.
    page.get_by_label("Naam", exact=True).fill("Zoë Łukasz-Öztürk")
    page.get_by_label("E-mailadres", exact=True).fill("zoe-at-school")
    page.get_by_label("Organisatie", exact=True).fill("Vmbo De Brug")
    page.get_by_label("vmbo", exact=True).check()
    page.get_by_label(meeting["workshops"][0]).check()
    if javascript:
        page.get_by_label("Organisatie", exact=True).focus()  # leaving the field triggers the inline check
        page.locator("#email-error").wait_for()
    page.get_by_role("button", name="Aanmelden").click()
    assert page.locator("#email-error").is_visible()
    assert "geldig e-mailadres" in page.locator("#email-error").inner_text()
    assert page.get_by_label("Organisatie", exact=True).input_value() == "Vmbo De Brug"
    screenshot(page, f"02-error-{suffix}")

    page.get_by_label("E-mailadres", exact=True).fill("zoe@school.nl")
    page.get_by_label(meeting["workshops"][0]).check()
    page.get_by_role("button", name="Aanmelden").click()
    assert "U bent aangemeld" in page.locator("#messages").inner_text()
    screenshot(page, f"03-confirmed-{suffix}")

    assert deliver_outbox(live_app) == 1
    [mail] = smtp.inbox.to("zoe@school.nl")
    link = re.search(r"(http://127\.0\.0\.1:\d+/aanmelding/\S+)", mail.get_body(("plain",)).get_content()).group(1)

    page.goto(link)
    page.get_by_label(meeting["workshops"][1]).check()
    page.get_by_role("button", name="Wijziging opslaan").click()
    assert "Uw workshopkeuze is gewijzigd" in page.locator("#messages").inner_text()
    assert meeting["workshops"][1] in page.locator(".sto-facts").inner_text()
    screenshot(page, f"04-changed-{suffix}")

    page.get_by_role("link", name="Aanmelding annuleren").click()
    screenshot(page, f"05-cancel-confirm-{suffix}")
    page.get_by_role("button", name="Ja, annuleer mijn aanmelding").click()
    assert "Uw aanmelding is geannuleerd" in page.locator("#messages").inner_text()
    screenshot(page, f"06-cancelled-{suffix}")

    deliver_outbox(live_app)
    subjects = [m["Subject"].split(":")[0] for m in smtp.inbox.to("zoe@school.nl")]
    assert subjects == ["Aanmelding bevestigd", "Aanmelding gewijzigd", "Aanmelding geannuleerd"]
    # A form with errors answers 422 on purpose; Chromium logs that. Anything else (CSP, script errors) fails.
    assert [p for p in problems if "status of 422" not in p] == []
    context.close()
