"""An organiser finds an organisation in the back office list in Chromium: with JavaScript a filter swaps only the
list (and the address follows it), without JavaScript the same form is a plain GET; at 320 px nothing scrolls
sideways."""

from __future__ import annotations

import pytest

from sto_events.accounts.models import Role
from sto_events.accounts.services import create_user
from sto_events.core.extensions import db
from sto_events.regions import demo
from tests.conftest import PASSWORD


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_organiser_filters_the_organisation_list(browser, live_server, live_app, screenshot, javascript):
    suffix = "js" if javascript else "nojs"
    with live_app.app_context():
        demo.seed(db.session)
        create_user(db.session, "olga@stotest.nl", "Olga Organisator", Role.ORGANISER, PASSWORD)
        db.session.commit()
    context = browser.new_context(java_script_enabled=javascript, locale="nl-NL")
    page = context.new_page()
    problems = []
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    page.goto(live_server.url + "/inloggen")
    page.get_by_label("E-mailadres", exact=True).fill("olga@stotest.nl")
    page.get_by_label("Wachtwoord", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url(lambda url: "/inloggen" not in url)

    page.goto(live_server.url + "/beheer/organisaties/")
    rows = page.locator("#organisation-list tbody tr")
    everything = rows.count()
    assert everything > 5
    if javascript:
        # A mark on the page outside the list: a full reload would lose it, a swap of the list keeps it.
        page.evaluate("document.querySelector('h1').dataset.kept = 'yes'")
    page.get_by_label("Verificatie").select_option("nee")
    if not javascript:
        page.get_by_role("button", name="Zoeken", exact=True).click()
    page.wait_for_url(lambda url: "verificatie=nee" in url)
    page.wait_for_function(f"document.querySelectorAll('#organisation-list tbody tr').length < {everything}")
    assert rows.count() >= 1
    for status in rows.locator("td:last-child").all_inner_texts():
        assert "wacht op verificatie" in status
    if javascript:
        assert page.evaluate("document.querySelector('h1').dataset.kept") == "yes"
        # The address pushed into the history names only the filter in use, as a link someone would share.
        assert page.url.endswith("/beheer/organisaties/?verificatie=nee"), page.url

    for width in (320, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        screenshot(page, f"45-organisation-list-{width}-{suffix}")
    rows.first.get_by_role("link").first.click()
    page.wait_for_url(lambda url: "/organisaties/" in url and url.endswith("/beheer/"))
    assert problems == []
    context.close()
