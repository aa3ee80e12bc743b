"""WCAG 1.4.10 Reflow: every HTML page of the url_map crawl, logged out and as an organiser, fits a 320 px wide
phone without horizontal scrolling, in Dutch and in English (English words are often longer)."""

import pytest

from sto_events.accounts import emails
from sto_events.accounts.models import User
from sto_events.core.extensions import db
from tests.conftest import PASSWORD, deliver_outbox
from tests.site import build_site, html_pages

PHONE = {"width": 320, "height": 640}
DESKTOP = {"width": 1280, "height": 900}

#: What sticks out beyond the viewport, to name in a failure.
OVERFLOW = """() => {
  const width = window.innerWidth;
  const wide = [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > width + 0.5);
  return {scroll: document.documentElement.scrollWidth, inner: width,
          unlabelled: document.querySelectorAll('.sto-table--stack > tbody > tr > td:not([data-label])').length,
          wide: wide.slice(-3).map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
                                      + (e.className && e.className.baseVal === undefined
                                         ? '.' + e.className.trim().split(/\\s+/).join('.') : '')
                                      + ' ' + Math.round(e.getBoundingClientRect().right))};
}"""

#: The pages whose screenshots at both widths are kept in test-artifacts/screenshots to look at.
SHOTS = {
    "/": "home", "/bijeenkomsten": "meetings", "detail": "detail", "sign_up": "sign-up", "manage": "manage",
    "/beheer/": "backoffice", "admin_meeting": "backoffice-meeting", "attendees": "attendees",
    "check_in": "check-in", "/beheer/dashboard": "dashboard", "/beheer/logboek": "audit-log",
    "/beheer/gebruikers": "users",
}


def log_in(page, base_url):
    page.goto(base_url + "/inloggen")
    page.locator("#email").fill("olga@stotest.nl")
    page.locator("#password").fill(PASSWORD)
    page.locator("form.sto-form button[type=submit]").click()
    page.wait_for_url(lambda url: "/inloggen" not in url)


def shot_name(url: str, values: dict) -> str | None:
    """The screenshot name of a page of SHOTS, or None."""
    meeting, slug = values["meeting_id"], values["slug"]
    named = {
        f"/bijeenkomsten/{slug}": "detail", f"/bijeenkomsten/{slug}/aanmelden": "sign_up",
        f"/aanmelding/{values[('registrations', 'token')]}": "manage",
        f"/beheer/bijeenkomsten/{meeting}": "admin_meeting",
        f"/beheer/bijeenkomsten/{meeting}/deelnemers": "attendees",
        f"/beheer/bijeenkomsten/{meeting}/inchecken": "check_in",
    }
    return SHOTS.get(named.get(url, url))


@pytest.mark.parametrize("locale", ["nl", "en"])
def test_every_page_reflows_at_320_px(browser, live_server, live_app, screenshot, locale):
    values = build_site(live_app)
    pages = [url for _needs_login, url in html_pages(live_app, values)] + ["/bestaat-niet"]
    assert len(pages) >= 25
    problems = {}
    shots = set()
    for who in ("visitor", "organiser"):
        context = browser.new_context(viewport=PHONE)
        page = context.new_page()
        if who == "organiser":
            log_in(page, live_server.url)
        page.goto(live_server.url + "/")
        if locale == "en":
            page.get_by_role("button", name="English").click()
            page.wait_for_load_state()
        for url in pages:
            page.set_viewport_size(PHONE)
            response = page.goto(live_server.url + url)
            assert response.status < 400 or url == "/bestaat-niet", (url, response.status)
            found = page.evaluate(OVERFLOW)
            if found["scroll"] > found["inner"] or found["unlabelled"]:
                problems[f"{who} {url}"] = found
            name = shot_name(url, values)
            if name and (who == "organiser") == url.startswith("/beheer") and locale == "nl":
                screenshot(page, f"reflow-{name}-320")
                page.set_viewport_size(DESKTOP)
                screenshot(page, f"reflow-{name}-desktop")
                shots.add(name)
        context.close()
    assert problems == {}, "\n".join(f"{where}: {found}" for where, found in problems.items())
    if locale == "nl":
        assert shots == set(SHOTS.values())


def test_the_reflow_check_can_fail(browser, live_server):
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.goto(live_server.url + "/")
    page.evaluate("() => { const wide = document.createElement('div'); wide.style.width = '600px';"
                  " wide.textContent = 'breed';"
                  " document.querySelector('main').append(wide); }")
    found = page.evaluate(OVERFLOW)
    assert found["scroll"] > found["inner"]
    context.close()


def test_every_kind_of_mail_fits_a_phone(browser, live_app, smtp):
    """The HTML part of each kind of mail the crawl's data sends (confirmations with their QR code, an invitation,
    a mailing, ...) shown at 320 px, as a phone's mail app does: long links and addresses wrap, nothing sticks out."""
    build_site(live_app)
    with live_app.app_context():
        # The longest lines mails carry: a support address and a link, in a mail to an existing account.
        live_app.config["SUPPORT_EMAIL"] = "ondersteuningsteam.regios@sterktechniekonderwijs.example"
        olga = db.session.query(User).filter_by(email="olga@stotest.nl").one()
        emails.added(db.session, olga, olga, "coördinator van de regio Groningen en Noord-Drenthe (voorbeeld)")
        db.session.commit()
    deliver_outbox(live_app)
    kinds = {}
    for message in (arrived["message"] for arrived in smtp.inbox.messages):
        html = message.get_body(("html",))
        if html is not None:
            kinds.setdefault(message["Subject"].split(":")[0], html.get_content())
    assert len(kinds) >= 3, sorted(kinds)
    page = browser.new_page(viewport=PHONE)
    wide = {}
    for subject, html in kinds.items():
        page.set_content(html)
        found = page.evaluate(OVERFLOW)
        if found["scroll"] > found["inner"]:
            wide[subject] = found
    page.close()
    assert wide == {}
