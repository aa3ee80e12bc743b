"""Every page shows an anonymous visitor the way to log in, in the header; a logged-in user sees the account and
logout there instead."""

import re

import pytest

from tests.conftest import PASSWORD, page_csrf
from tests.site import build_site, html_pages


def header(response) -> str:
    found = re.search(r"<header\b.*?</header>", response.get_data(as_text=True), re.DOTALL)
    assert found, response.request.path
    return found.group(0)


@pytest.mark.parametrize(("locale", "log_in", "log_out"),
                         [("nl", "Inloggen", "Uitloggen"), ("en", "Log in", "Log out")])
def test_every_page_shows_the_way_in(app, locale, log_in, log_out):
    values = build_site(app)
    visitor, organiser = app.test_client(), app.test_client()
    response = organiser.post("/inloggen", data={"email": "olga@stotest.nl", "password": PASSWORD,
                                                 "csrf_token": page_csrf(organiser)})
    assert response.status_code == 303
    for client in (visitor, organiser):
        client.post("/taal", data={"lang": locale, "next": "/", "csrf_token": page_csrf(client, "/")})
    link = f'href="/inloggen"[^>]*>{log_in}</a>'
    seen = 0
    for _needs_login, url in [*html_pages(app, values), (False, "/bestaat-niet")]:
        response = visitor.get(url)
        if response.status_code in (200, 404) and response.mimetype == "text/html":
            assert re.search(link, header(response)), url
            assert log_out not in header(response), url
            seen += 1
        response = organiser.get(url)
        if response.status_code in (200, 404) and response.mimetype == "text/html":
            assert not re.search(link, header(response)), url
            assert log_out in header(response) and 'href="/account"' in header(response), url
    assert seen >= 15
    # The login page marks its own link as the current page.
    assert 'aria-current="page">' + log_in in header(visitor.get("/inloggen"))
