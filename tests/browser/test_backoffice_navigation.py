"""The back office's navigation in Chromium: each domain's page is reached from the links the domains registered,
and the page of the link followed is marked as the current one — with JavaScript and without."""

import pytest

from sto_events.accounts.models import Role
from sto_events.accounts.services import create_user
from sto_events.core.extensions import db
from tests.conftest import PASSWORD

LINKS = [("Dashboard", "/beheer/dashboard", "Dashboard"), ("Organisaties", "/beheer/organisaties/", "Organisaties"),
         ("Bedrijven te verifiëren", "/beheer/organisaties/te-verifieren", "Bedrijven te verifiëren"),
         ("Regio's", "/beheer/regios/", "Regio's"),
         ("Gebruikers", "/beheer/gebruikers", "Gebruikers"), ("Logboek", "/beheer/logboek", "Logboek"),
         ("Bijeenkomsten", "/beheer/", "Bijeenkomsten")]


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_an_organiser_walks_the_back_office_by_its_navigation(browser, live_server, live_app, javascript):
    with live_app.app_context():
        create_user(db.session, "olga@stotest.nl", "Olga Organisator", Role.ORGANISER, PASSWORD)
    context = browser.new_context(java_script_enabled=javascript, locale="nl-NL")
    page = context.new_page()
    problems = []
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    page.goto(live_server.url + "/beheer/")
    page.get_by_label("E-mailadres", exact=True).fill("olga@stotest.nl")
    page.get_by_label("Wachtwoord", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    navigation = page.get_by_role("navigation", name="Beheer", exact=True)
    assert navigation.get_by_role("link").all_inner_texts() == [
        "Bijeenkomsten", "Dashboard", "Organisaties", "Bedrijven te verifiëren", "Regio's", "Gebruikers",
        "Logboek"]
    for label, path, heading in LINKS:
        navigation.get_by_role("link", name=label, exact=True).click()
        assert page.url == live_server.url + path
        assert navigation.locator("[aria-current=page]").inner_text() == label
        assert heading in page.locator("h1").inner_text()
    assert problems == []
    context.close()
