"""axe-core in Chromium on every HTML page of the app, found from the url_map, in Dutch and in English.

axe is served from node_modules by Playwright only inside the test (never by the app), at a same-origin URL so
the Content-Security-Policy stays as strict as in production.
"""

from pathlib import Path

import pytest

from tests.conftest import PASSWORD
from tests.site import build_site, html_pages

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def run_axe(page, base_url):
    page.route(f"{base_url}/__test__/axe.min.js", lambda route: route.fulfill(path=str(AXE),
                                                                            content_type="text/javascript"))
    page.add_script_tag(url=f"{base_url}/__test__/axe.min.js")
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
    ]


@pytest.mark.parametrize("locale", ["nl", "en"])
def test_every_page_has_no_wcag_violations(browser, live_server, live_app, locale):
    assert AXE.exists(), "axe-core is installed by npm at set-up"
    values = build_site(live_app)
    pages = html_pages(live_app, values)
    assert len(pages) >= 25
    context = browser.new_context()
    page = context.new_page()
    page.goto(live_server.url + "/inloggen")
    if locale == "en":
        page.get_by_role("button", name="English").click()
    page.locator("#email").fill("olga@stotest.nl")
    page.locator("#password").fill(PASSWORD)
    page.locator("form.sto-form button[type=submit]").click()
    problems = {}
    for _needs_login, url in pages:
        response = page.goto(live_server.url + url)
        assert response.status < 400, (url, response.status)
        assert page.locator("html").get_attribute("lang") == locale
        found = run_axe(page, live_server.url)
        if found:
            problems[url] = found
    # The check itself can fail: an image without a text alternative is reported.
    page.evaluate("document.querySelector('main').insertAdjacentHTML('beforeend', '<img src=\"/x.png\">')")
    assert any(v.startswith("image-alt") for v in run_axe(page, live_server.url))
    context.close()
    assert problems == {}
