"""Signing up with the keyboard only (Tab, Space, Enter), with the focus visible at every step."""

from sto_events.core.extensions import db


def focus_info(page):
    return page.evaluate("""() => {
        const el = document.activeElement;
        const style = getComputedStyle(el);
        return {id: el.id, name: el.name || "", tag: el.tagName.toLowerCase(),
                visible: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0
                         || style.boxShadow !== "none"};
    }""")


def tab_to(page, predicate, limit=60):
    """Press Tab until the focused element matches; every element passed on the way shows its focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        info = focus_info(page)
        assert info["visible"], f"focus not visible on {info}"
        if predicate(info):
            return info
    raise AssertionError("element not reachable with Tab")


def test_keyboard_only_sign_up(browser, live_server, live_app, make_meeting, screenshot):
    with live_app.app_context():
        meeting = make_meeting(db.session, title="Toetsenbordbijeenkomst", rounds=((10, 10),))
        slug = meeting.slug
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{live_server.url}/bijeenkomsten/{slug}/aanmelden")

    tab_to(page, lambda f: f["id"] == "name")
    page.keyboard.type("Kees Toetsenbord")
    tab_to(page, lambda f: f["id"] == "email")
    page.keyboard.type("kees@school.nl")
    tab_to(page, lambda f: f["id"] == "organisation")
    page.keyboard.type("Vmbo Het Toetsenbord")
    tab_to(page, lambda f: f["name"] == "role")
    page.keyboard.press("Space")  # the first option of the group: vmbo
    tab_to(page, lambda f: f["name"].startswith("round_"))
    page.keyboard.press("ArrowDown")  # arrow keys move within a radio group and select
    screenshot(page, "20-keyboard-focus")
    tab_to(page, lambda f: f["tag"] == "button" and f["id"] == "" and page.evaluate(
        "document.activeElement.type") == "submit" and "Aanmelden" in page.evaluate(
        "document.activeElement.textContent"))
    page.keyboard.press("Enter")
    page.wait_for_url("**/aanmelding/**")
    assert "U bent aangemeld" in page.locator("#messages").inner_text()
    assert "Workshop 1B" in page.locator(".sto-facts").inner_text()
    assert page.locator("#messages").get_attribute("aria-live") == "polite"
    context.close()
