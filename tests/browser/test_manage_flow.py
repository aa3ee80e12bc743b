"""A participant corrects their name, cancels, and signs up again from the cancelled page; a wait-listed person sees
their place in the queue — in Chromium, with and without JavaScript."""

import re

import pytest

from sto_events.core.extensions import db
from tests.conftest import deliver_outbox


@pytest.fixture
def meeting(live_app, make_meeting):
    with live_app.app_context():
        meeting = make_meeting(db.session, title="Themabijeenkomst Eindhoven", capacity=1, rounds=((5, 5),))
        return {"title": meeting.title, "workshops": [w.title for w in meeting.rounds[0].workshops]}


def sign_up(page, url, meeting, name, email):
    page.goto(url + "/bijeenkomsten")
    page.get_by_role("link", name=meeting["title"]).click()
    page.get_by_role("link", name="Aanmelden", exact=True).click()
    page.get_by_label("Naam", exact=True).fill(name)
    page.get_by_label("E-mailadres", exact=True).fill(email)
    page.get_by_label("Organisatie", exact=True).fill("Vmbo De Brug")
    page.get_by_label("vmbo", exact=True).check()
    page.get_by_label(meeting["workshops"][0]).check()
    page.get_by_role("button", name="Aanmelden").click()


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_correct_name_cancel_and_sign_up_again(browser, live_server, live_app, smtp, meeting, screenshot, javascript):
    suffix = "js" if javascript else "nojs"
    context = browser.new_context(java_script_enabled=javascript, locale="nl-NL")
    page = context.new_page()
    problems = []
    page.on("console", lambda msg: problems.append(msg.text) if msg.type in ("error", "warning") else None)
    page.on("pageerror", lambda exc: problems.append(str(exc)))

    sign_up(page, live_server.url, meeting, "Zoe Ozturk", "zoe@school.nl")
    assert "U bent aangemeld" in page.locator("#messages").inner_text()
    deliver_outbox(live_app)
    [mail] = smtp.inbox.to("zoe@school.nl")
    link = re.search(r"(http://127\.0\.0\.1:\d+/aanmelding/\S+)", mail.get_body(("plain",)).get_content()).group(1)
    page.goto(link)

    page.get_by_label("Naam", exact=True).fill("")
    page.get_by_role("button", name="Naam en organisatie opslaan").click()
    assert "Vul uw naam in." in page.locator("#name-error").inner_text()
    assert page.get_by_label("Organisatie", exact=True).input_value() == "Vmbo De Brug"
    page.get_by_label("Naam", exact=True).fill("Zoë Öztürk")
    page.get_by_label("Organisatie", exact=True).fill("Vmbo De Boog")
    page.get_by_role("button", name="Naam en organisatie opslaan").click()
    assert "Uw naam en organisatie zijn opgeslagen." in page.locator("#messages").inner_text()
    assert "Zoë Öztürk" in page.locator(".sto-facts").inner_text()
    screenshot(page, f"manage-details-saved-{suffix}")

    page.get_by_role("link", name="Aanmelding annuleren").click()
    page.get_by_role("button", name="Ja, annuleer mijn aanmelding").click()
    assert meeting["workshops"][0] not in page.locator("main").inner_text()
    screenshot(page, f"manage-cancelled-{suffix}")
    page.get_by_role("link", name="Opnieuw aanmelden voor deze bijeenkomst").click()
    assert page.locator("h1").inner_text() == "Aanmelden"
    # A form with errors answers 422 on purpose; Chromium logs that. Anything else (CSP, script errors) fails.
    assert [p for p in problems if "status of 422" not in p] == []
    context.close()


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_waitlisted_person_sees_their_place(browser, live_server, live_app, meeting, screenshot, javascript):
    suffix = "js" if javascript else "nojs"
    for number, email in enumerate(["seat@school.nl", "w1@school.nl", "w2@school.nl"]):
        context = browser.new_context(java_script_enabled=javascript, locale="nl-NL")
        page = context.new_page()
        sign_up(page, live_server.url, meeting, f"Deelnemer {number}", email)
        if number:
            assert f"U bent nummer {number} op de wachtlijst." in page.locator("#waitlist-position").inner_text()
            screenshot(page, f"manage-waitlisted-{number}-{suffix}")
        context.close()
