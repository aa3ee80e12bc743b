"""Every response, found from the url_map, pages, fragments, files and error pages alike: hardened headers, no inline
script, htmx locked down, no-store where personal data is shown, no e-mail address in a query string; and no GET
changes anything."""

from __future__ import annotations

import html
import json
import re
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa

from sto_events.core.extensions import db
from sto_events.notifications.models import OutboxMessage
from tests.conftest import PASSWORD, page_csrf
from tests.site import build_site, get_routes, is_back_office, is_scoped

EMAIL = re.compile(r"[^\s/?&=]+@[^\s/?&=]+\.[a-z]{2,}", re.IGNORECASE)
#: Routes that show somebody's personal data: never kept in a cache.
PERSONAL = {"registrations.manage", "registrations.cancel", "registrations.erase", "registrations.export_data",
            "registrations.invitation", "registrations.sign_up", "accounts.account", "accounts.home"}


def assert_hardened(response, where) -> None:
    """The headers every response carries, and for HTML: no inline script and htmx without eval or other origins."""
    headers = response.headers
    csp = headers.get("Content-Security-Policy", "")
    for directive in ("default-src 'self'", "script-src 'self'", "frame-ancestors 'none'", "object-src 'none'"):
        assert directive in csp, (where, csp)
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp, where
    assert headers.get("X-Content-Type-Options") == "nosniff", where
    assert headers.get("Referrer-Policy") == "same-origin", where
    if not response.mimetype == "text/html":
        return
    page = response.get_data(as_text=True)
    for tag in re.findall(r"<script\b[^>]*>", page, re.IGNORECASE):
        assert "src=" in tag, (where, tag)
    assert not re.search(r"<[^>]+\son[a-z]+\s*=", page, re.IGNORECASE), where
    assert "javascript:" not in page.lower(), where
    # htmx attributes carry the data- prefix, which HTML allows (a bare hx-* attribute is invalid HTML).
    assert not re.search(r"<[^>]+\shx-[a-z-]+\s*=", page), where
    if "<head>" in page:
        config = re.search(r'<meta name="htmx-config" content=\'([^\']+)\'', page)
        assert config, where
        settings = json.loads(html.unescape(config.group(1)))
        assert settings["allowEval"] is False and settings["selfRequestsOnly"] is True, where
        assert settings["allowScriptTags"] is False, where


def links(response) -> list[str]:
    found = [response.headers.get("Location", "")]
    if response.mimetype == "text/html":
        page = response.get_data(as_text=True)
        found += re.findall(r'(?:href|src|action|data-hx-get|data-hx-post)="([^"]*)"', page)
    return [html.unescape(link) for link in found if link]


def snapshot() -> dict:
    """Every row of every table."""
    return {
        table.name: db.session.execute(sa.select(table).order_by(*table.primary_key.columns)).all()
        for table in db.metadata.sorted_tables
    }


def log_in(client, email="olga@stotest.nl"):
    response = client.post("/inloggen", data={"email": email, "password": PASSWORD, "csrf_token": page_csrf(client)})
    assert response.status_code == 303


def test_every_get_response_is_hardened_and_changes_nothing(app):
    values = build_site(app)
    routes = get_routes(app, values)
    assert len(routes) >= 35
    visitor, organiser = app.test_client(), app.test_client()
    log_in(organiser)  # a POST, which may note the time of login
    with app.app_context():
        before = snapshot()
    seen = 0
    for endpoint, url in routes:
        for who, client in (("visitor", visitor), ("organiser", organiser)):
            for headers in ({}, {"HX-Request": "true"}):
                response = client.get(url, headers=headers)
                where = (who, url, headers, response.status_code)
                assert response.status_code < 500, where
                assert_hardened(response, where)
                for link in links(response):
                    assert not EMAIL.search(urlsplit(link).query), (where, link)
                back_office = is_back_office(endpoint) or is_scoped(endpoint)
                if response.status_code == 200 and (back_office or endpoint in PERSONAL):
                    assert "no-store" in response.headers.get("Cache-Control", ""), where
                seen += 1
    assert seen == len(routes) * 4
    with app.app_context():
        assert snapshot() == before, "a GET changed the database"
        # The mails that went out carry no address in a link's query string either.
        for body in db.session.scalars(sa.select(OutboxMessage.body_html)):
            for link in re.findall(r'href="([^"]*)"', body):
                assert not EMAIL.search(urlsplit(html.unescape(link)).query), link


def test_fragments_and_error_pages_are_hardened(app, client, add_meeting, make_user):
    meeting = add_meeting()
    url = f"/bijeenkomsten/{meeting.slug}"
    fragment = {"HX-Request": "true", "HX-Target": "places"}
    token = page_csrf(client, url + "/aanmelden")
    responses = {
        "places fragment": client.get(url, headers=fragment),
        "picker fragment": client.get(url + "/aanmelden/workshops", headers={"HX-Request": "true"}),
        "inline validation": client.post(url + "/aanmelden/controle/email", data={"email": "x"},
                                         headers={"HX-Request": "true", "X-CSRFToken": token}),
        "400 csrf": client.post("/taal", data={"lang": "en"}),
        "404": client.get("/bestaat-niet"),
        "405": client.put("/"),
        "413": client.post(url + "/aanmelden", data={"name": "x" * (2 * 1024 * 1024)}),
        "calendar": client.get(url + "/agenda.ics"),
        "feed": client.get("/agenda.ics"),
    }
    email = make_user()
    organiser = client.application.test_client()
    log_in(organiser, email)
    responses["back-office fragment"] = organiser.get(f"/beheer/bijeenkomsten/{meeting.id}/deelnemers?q=a",
                                                      headers={"HX-Request": "true"})
    assert {name: r.status_code for name, r in responses.items()} == {
        "places fragment": 200, "picker fragment": 200, "inline validation": 200, "400 csrf": 400, "404": 404,
        "405": 405, "413": 413, "calendar": 200, "feed": 200, "back-office fragment": 200,
    }
    for name, response in responses.items():
        assert_hardened(response, name)
    assert "<head>" not in responses["places fragment"].get_data(as_text=True)


@pytest.mark.parametrize("app", [{"LOGIN_RATE_LIMIT_CLIENT": "1 per minute"}], indirect=True)
def test_the_429_page_is_hardened(client):
    for _ in range(2):
        response = client.post("/inloggen", data={"email": "a@b.nl", "password": "fout wachtwoord 123",
                                                  "csrf_token": page_csrf(client)})
    assert response.status_code == 429
    assert_hardened(response, "429")
