"""The back office's navigation is what the domains registered, in their order, on every back-office page."""

import re

from flask import Blueprint

from sto_events.accounts.models import Role
from sto_events.core import navigation
from sto_events.core.access import organisers_only

EXPECTED = [("/beheer/", "Bijeenkomsten"), ("/beheer/dashboard", "Dashboard"),
            ("/beheer/organisaties/", "Organisaties"),
            ("/beheer/organisaties/te-verifieren", "Bedrijven te verifiëren"),
            ("/beheer/regios/", "Regio's"),
            ("/beheer/gebruikers", "Gebruikers"), ("/beheer/logboek", "Logboek")]


def nav_links(page: str) -> list[tuple[str, str]]:
    nav = re.search(r'<nav class="sto-subnav"[^>]*>(.*?)</nav>', page, re.S).group(1)
    return re.findall(r'<a [^>]*href="([^"]+)"[^>]*>([^<]+)</a>', nav)


def test_every_domain_page_shows_the_registered_links_in_order(client, login_as):
    login_as(Role.ORGANISER)
    for url, _label in EXPECTED:
        page = client.get(url).get_data(as_text=True)
        assert nav_links(page)[: len(EXPECTED)] == EXPECTED, url
        assert re.search(rf'href="{re.escape(url)}" aria-current="page"', page), url


def test_the_verification_link_counts_the_companies_that_wait(app, client, login_as):
    from sto_events.core.extensions import db
    from sto_events.organisations.models import Organisation
    from sto_events.organisations.vocabulary import OrganisationKind
    from sto_events.places import services as places

    login_as(Role.ORGANISER)
    queue = "/beheer/organisaties/te-verifieren"
    assert (queue, "Bedrijven te verifiëren") in nav_links(client.get("/beheer/").get_data(as_text=True))
    with app.app_context():
        zwolle = places.by_label(db.session, "Zwolle")
        db.session.add_all([Organisation(key=f"KVK-{n}", kind=OrganisationKind.COMPANY, name=f"Bedrijf {n}",
                                         place=zwolle) for n in (1, 2)])
        db.session.add(Organisation(key="SCHOOL-1", kind=OrganisationKind.VMBO_SCHOOL, name="School", place=zwolle))
        db.session.commit()
    assert (queue, "Bedrijven te verifiëren (2)") in nav_links(client.get("/beheer/").get_data(as_text=True))


def test_the_links_follow_the_language(client, login_as):
    login_as(Role.ORGANISER)
    with client.session_transaction() as session:
        session["lang"] = "en"
    labels = [label for _url, label in nav_links(client.get("/beheer/").get_data(as_text=True))]
    assert "Users" in labels and "Gebruikers" not in labels


def test_a_link_shows_only_when_its_blueprint_is_registered(app_factory):
    navigation.backoffice_link("reports_extra", "reports_extra.index", "Extra rapport", 25)
    try:
        plain = app_factory()
        with plain.test_request_context():
            assert "reports_extra.index" not in [link.endpoint for link in navigation.backoffice_links()]

        extended = app_factory()
        extra = Blueprint("reports_extra", __name__, url_prefix="/beheer/extra")
        extra.before_request(organisers_only)
        extra.add_url_rule("/", "index", lambda: "extra")
        extended.register_blueprint(extra)
        with extended.test_request_context():
            endpoints = [link.endpoint for link in navigation.backoffice_links()]
        assert endpoints.index("reporting_manage.dashboard") < endpoints.index("reports_extra.index") \
            < endpoints.index("organisations_manage.index")
    finally:
        navigation._links.pop("reports_extra.index", None)
