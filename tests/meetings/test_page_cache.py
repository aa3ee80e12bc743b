"""The few-seconds page cache of the busiest public pages: who is served from it, and what empties it."""

import re
import time

import pytest

from sto_events.core import pagecache
from tests.conftest import page_csrf
from tests.registrations.test_routes import sign_up
from tests.test_query_budget import count_statements

CACHED = [{"PAGE_CACHE_SECONDS": 60}]


def token_of(page: str) -> str:
    return re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)


@pytest.fixture(autouse=True)
def empty_cache():
    pagecache.clear()
    yield
    pagecache.clear()


@pytest.mark.parametrize("app", CACHED, indirect=True)
def test_anonymous_visitors_share_a_page_but_not_a_token(app, add_meeting):
    meeting = add_meeting()
    first, second = app.test_client(), app.test_client()
    for url in ("/", "/bijeenkomsten", f"/bijeenkomsten/{meeting.slug}"):
        a = first.get(url).get_data(as_text=True)
        with count_statements(app) as statements:
            b = second.get(url).get_data(as_text=True)
        assert statements == [], url  # served from memory
        assert token_of(a) != token_of(b) and "\x00" not in b
        assert a.replace(token_of(a), "") == b.replace(token_of(b), "")
    # The token in a page from the cache is the visitor's own: the language switch on it works.
    switched = second.post("/taal", data={"lang": "en", "next": "/", "csrf_token": token_of(b)})
    assert switched.status_code == 303
    english = second.get("/").get_data(as_text=True)
    assert 'lang="en"' in english  # each language has its own page


@pytest.mark.parametrize("app", CACHED, indirect=True)
def test_logged_in_users_and_pending_messages_are_never_served_from_it(app, client, add_meeting, login_as):
    meeting = add_meeting()
    app.test_client().get(f"/bijeenkomsten/{meeting.slug}")  # stored
    visitor = app.test_client()
    visitor.post("/taal", data={"lang": "nl", "csrf_token": page_csrf(visitor, "/privacy")})
    with visitor.session_transaction() as session:
        session["_flashes"] = [("ok", "Een bericht voor u alleen")]
    assert "Een bericht voor u alleen" in visitor.get(f"/bijeenkomsten/{meeting.slug}").get_data(as_text=True)
    login_as()
    with count_statements(app) as statements:
        page = client.get(f"/bijeenkomsten/{meeting.slug}").get_data(as_text=True)
    assert statements and "Uitloggen" in page


@pytest.mark.parametrize("app", CACHED, indirect=True)
def test_a_change_in_this_process_empties_it(app, add_meeting):
    meeting = add_meeting(capacity=5, rounds=())
    visitor = app.test_client()
    assert "Nog 5 plaatsen vrij" in visitor.get(f"/bijeenkomsten/{meeting.slug}").get_data(as_text=True)
    assert sign_up(app.test_client(), meeting).status_code == 303
    assert "Nog 4 plaatsen vrij" in visitor.get(f"/bijeenkomsten/{meeting.slug}").get_data(as_text=True)


@pytest.mark.parametrize("app", [{"PAGE_CACHE_SECONDS": 1}], indirect=True)
def test_a_page_is_reused_for_a_few_seconds_only(app, add_meeting):
    add_meeting()
    visitor = app.test_client()
    visitor.get("/bijeenkomsten")
    with count_statements(app) as statements:
        visitor.get("/bijeenkomsten")
    assert statements == []
    time.sleep(1.1)
    with count_statements(app) as statements:
        visitor.get("/bijeenkomsten")
    assert statements  # rendered again from the database


@pytest.mark.parametrize("app", CACHED, indirect=True)
def test_errors_and_fragments_are_kept_apart(app, add_meeting):
    meeting = add_meeting()
    visitor = app.test_client()
    assert visitor.get("/bijeenkomsten/bestaat-niet").status_code == 404
    assert visitor.get("/bijeenkomsten/bestaat-niet").status_code == 404
    fragment = {"HX-Request": "true", "HX-Target": "places"}
    places = visitor.get(f"/bijeenkomsten/{meeting.slug}", headers=fragment).get_data(as_text=True)
    page = visitor.get(f"/bijeenkomsten/{meeting.slug}").get_data(as_text=True)
    assert "<html" not in places and "<html" in page


@pytest.mark.parametrize("app", CACHED, indirect=True)
def test_nobody_can_flood_or_empty_it_with_harmless_requests(app, add_meeting):
    add_meeting()
    visitor = app.test_client()
    visitor.get("/bijeenkomsten")
    for i in range(20):  # query strings and odd htmx targets are answered, but never stored
        assert visitor.get(f"/bijeenkomsten?x={i}").status_code == 200
        visitor.get("/bijeenkomsten", headers={"HX-Request": "true", "HX-Target": f"t{i}"})
    assert len(pagecache._pages) == 1
    # Switching the language or a failed login changes nothing a public page shows: the page stays.
    visitor.post("/taal", data={"lang": "nl", "csrf_token": page_csrf(visitor, "/privacy")})
    visitor.post("/inloggen", data={"email": "a@b.nl", "password": "fout wachtwoord 1",
                                    "csrf_token": page_csrf(visitor, "/inloggen")})
    with count_statements(app) as statements:
        visitor.get("/bijeenkomsten")
    assert statements == []


@pytest.mark.parametrize("app", CACHED, indirect=True)
def test_a_page_rendered_while_a_change_happened_is_not_kept(app, add_meeting, monkeypatch):
    from sto_events.meetings import services

    add_meeting()
    upcoming = services.upcoming

    def upcoming_during_a_change(*args, **kwargs):
        result = upcoming(*args, **kwargs)
        pagecache.clear()  # a sign-up commits in another thread while this page is being made
        return result

    monkeypatch.setattr(services, "upcoming", upcoming_during_a_change)
    visitor = app.test_client()
    visitor.get("/bijeenkomsten")
    assert pagecache._pages == {}


@pytest.mark.parametrize("app", CACHED, indirect=True)
def test_a_page_whose_form_used_a_real_token_is_answered_whole_but_never_kept(app):
    from flask import render_template_string
    from flask_wtf.csrf import generate_csrf

    @app.get("/__form__")
    @pagecache.cached_page
    def with_a_form():
        return render_template_string('<meta content="{{ csrf_token() }}"><input value="{{ real }}">',
                                      real=generate_csrf())

    page = app.test_client().get("/__form__").get_data(as_text=True)
    assert "\x00" not in page and page.count(token_of_meta(page)) == 2
    assert pagecache._pages == {}


def token_of_meta(page: str) -> str:
    return re.search(r'<meta content="([^"]+)"', page).group(1)
