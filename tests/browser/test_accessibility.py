"""axe-core in Chromium on every HTML page of the app, found from the url_map, in Dutch and in English.

axe is served from node_modules by Playwright only inside the test (never by the app), at a same-origin URL so
the Content-Security-Policy stays as strict as in production.
"""

from pathlib import Path

import pytest
import sqlalchemy as sa

from sto_events.accounts.models import Role, TokenPurpose
from sto_events.accounts.services import _issue_token, create_user
from sto_events.extensions import db
from sto_events.meetings.demo import seed
from sto_events.meetings.models import Meeting
from sto_events.notifications.models import Mailing
from sto_events.registrations import attendees, services
from sto_events.registrations.tokens import check_in_token, manage_token
from tests.conftest import PASSWORD
from tests.registrations.helpers import signup_data

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
NOT_HTML = {"meetings.meeting_ics", "meetings.feed", "registrations.invitation", "admin.export_csv",
            "admin.export_xlsx", "static", "registrations.validate_field", "registrations.export_data"}


def build_site(app):
    """Demo data plus one of everything a page can be about; returns values for every URL argument."""
    with app.app_context():
        session = db.session
        meetings = seed(session)
        meeting = session.get(Meeting, meetings[-1].id)
        organiser = create_user(session, "olga@stotest.nl", "Olga Organisator", Role.ORGANISER, PASSWORD)
        people = []
        for i, name in enumerate(["Zoë de Vries", "Łukasz Nowak"]):
            registration, _ = services.sign_up(session, meeting, signup_data(meeting, f"p{i}@school.nl", [0, 1],
                                                                            name=name, questions="Hoe?"))
            people.append(registration)
        attendees.send_mailing(session, meeting, "all", "Welkom", "Tot dan!", organiser)
        invited = create_user(session, "rik@regio.nl", "Rik Regio", Role.REGION_COORDINATOR)
        secret = _issue_token(session, invited, TokenPurpose.INVITATION)
        reset = _issue_token(session, organiser, TokenPurpose.PASSWORD_RESET)
        session.commit()
        return {
            "slug": meeting.slug,
            "meeting_id": meeting.id,
            "registration_id": people[0].id,
            "workshop_id": meeting.rounds[0].workshops[0].id,
            "mailing_id": session.scalar(sa.select(Mailing.id)),
            ("registrations", "token"): manage_token(people[0]),
            ("admin", "token"): check_in_token(people[0]),
            ("accounts.accept_invitation", "secret"): secret,
            ("accounts.reset_password", "secret"): reset,
        }


def html_pages(app, values):
    """(needs login, url) for every GET route that answers with an HTML page."""
    pages = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if "GET" not in rule.methods or rule.endpoint in NOT_HTML:
                continue
            arguments = {}
            for name in rule.arguments:
                arguments[name] = (values.get((rule.endpoint, name)) or values.get((rule.endpoint.split(".")[0], name))
                                   or values[name])
            url = app.url_for(rule.endpoint, **arguments)
            pages.append((rule.endpoint.startswith("admin."), url))
    return sorted(pages)


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
