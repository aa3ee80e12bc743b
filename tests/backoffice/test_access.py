"""Every back-office route, found in the url_map, is closed to visitors and to accounts without the organiser role."""

import pytest

from sto_events.accounts.models import Role
from tests.conftest import page_csrf

NON_ORGANISERS = [Role.REGION_COORDINATOR, Role.COMPANY_CONTACT, Role.SCHOOL_CONTACT]


def placeholder(converter):
    if "int" in type(converter).__name__.lower():
        return 1
    return sorted(converter.items)[0] if hasattr(converter, "items") else "x"


def back_office_requests(app):
    """(method, url) for every rule under /beheer (the shell and every domain's manage blueprint), with
    placeholder values for its arguments."""
    requests = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/beheer"):
            continue
        values = {arg: placeholder(rule._converters[arg]) for arg in rule.arguments}
        url = rule.build(values)[1] if rule.arguments else rule.rule
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            requests.append((method, url))
    return requests


def call(client, method, url):
    headers = {"X-CSRFToken": page_csrf(client, "/")}
    return client.open(url, method=method, headers=headers)


def test_back_office_has_routes(app):
    assert len(back_office_requests(app)) >= 3


def test_visitors_are_sent_to_login(app, client):
    for method, url in back_office_requests(app):
        response = call(client, method, url)
        assert response.status_code in (302, 303), (method, url, response.status_code)
        assert response.headers["Location"].startswith("/inloggen"), (method, url)


@pytest.mark.parametrize("role", NON_ORGANISERS)
def test_other_roles_get_403(app, client, login_as, role):
    login_as(role)
    for method, url in back_office_requests(app):
        response = call(client, method, url)
        assert response.status_code == 403, (method, url, response.status_code)
        assert "Geen toegang" in response.get_data(as_text=True)


def test_organiser_gets_in(client, login_as):
    login_as(Role.ORGANISER)
    assert client.get("/beheer/").status_code == 200
    assert client.get("/beheer/gebruikers").status_code == 200
