"""The app as a whole: settings, error pages, CLI jobs and demo data."""

import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from sto_events import create_app
from sto_events.core.extensions import db
from sto_events.core.timeutil import local
from sto_events.meetings.models import Meeting, MeetingStatus
from sto_events.notifications.models import OutboxMessage, OutboxStatus
from tests.conftest import page_csrf
from tests.test_responses import assert_hardened


def test_production_refuses_the_default_secret_key():
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app({"ENV_NAME": "production", "SECRET_KEY": "dev-only-change-me"})


def test_production_sets_secure_cookies_and_hsts(app_factory, monkeypatch):
    # Only the environment says "production": the secure cookie follows from it.
    monkeypatch.setenv("STO_ENV", "production")
    app = app_factory(SECRET_KEY="a-real-secret-for-this-test")
    client = app.test_client()
    response = client.get("/")
    assert "max-age=" in response.headers["Strict-Transport-Security"]
    switched = client.post("/taal", data={"lang": "en", "csrf_token": page_csrf(client, "/")})
    cookie = switched.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_database_url_spellings_use_psycopg(monkeypatch, tmp_path):
    from sto_events.core.config import Config

    monkeypatch.setenv("DATABASE_URL", "postgres://u@h/db")
    assert Config(str(tmp_path)).SQLALCHEMY_DATABASE_URI == "postgresql+psycopg://u@h/db"


def test_unexpected_error_shows_dutch_500_page(app_factory):
    app = app_factory()
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.get("/kapot")
    def broken():
        raise RuntimeError("boom")

    response = app.test_client().get("/kapot")
    page = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Er ging iets mis" in page
    assert "boom" not in page and "Traceback" not in page
    assert_hardened(response, "500")


def test_database_down_shows_friendly_503(app_factory, make_user, login_as, client):
    app = app_factory("postgresql+psycopg://nobody@127.0.0.1:1/none")
    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = app.test_client().get("/bijeenkomsten")
    assert response.status_code == 503
    assert "Even niet beschikbaar" in response.get_data(as_text=True)
    assert_hardened(response, "503")
    # A logged-in organiser gets the same page: the error page does not ask the database for the user again.
    login_as()
    organiser = app.test_client()
    organiser.set_cookie("session", client.get_cookie("session").value)
    for url in ("/beheer/", "/bijeenkomsten"):
        response = organiser.get(url)
        assert response.status_code == 503 and "Referentie" in response.get_data(as_text=True), url
    # Its style sheet still loads: static files never ask the database for the user.
    stylesheet = re.search(r'rel="stylesheet" href="(/static/[^"]+)"', response.get_data(as_text=True)).group(1)
    with organiser.get(stylesheet) as sheet:
        assert sheet.status_code == 200


def test_too_large_request_is_413(client):
    response = client.post("/taal", data={"lang": "x" * (2 * 1024 * 1024)})
    assert response.status_code == 413
    assert "Te veel gegevens" in response.get_data(as_text=True)


def test_wrong_method_is_405_page(client):
    response = client.get("/taal")
    assert response.status_code == 405
    assert "Niet toegestaan" in response.get_data(as_text=True)


def test_seed_demo_adds_four_future_meetings_once_one_in_july(app, runner):
    result = runner.invoke(args=["seed-demo", "--if-empty"])
    assert "4 demo meetings added" in result.output
    again = runner.invoke(args=["seed-demo", "--if-empty"])
    assert "not added" in again.output
    with app.app_context():
        meetings = db.session.scalars(sa.select(Meeting).order_by(Meeting.starts_at)).all()
        [july] = [m for m in meetings if m.city == "Utrecht"]
        assert local(july.starts_at).month == 7 and local(july.starts_at).utcoffset() == timedelta(hours=2)
        meetings = [m for m in meetings if m is not july]
        assert [m.city for m in meetings] == ["Capelle aan den IJssel", "Eindhoven", "Zwolle"]
        assert all(m.is_demo and m.status == MeetingStatus.PUBLISHED for m in meetings)
        assert all(m.starts_at.date() > date.today() for m in meetings)
        assert all(len(m.themes) == 4 for m in meetings)
        zwolle = meetings[-1]
        assert [len(r.workshops) for r in zwolle.rounds] == [3, 3]
        assert all(r.starts_at >= zwolle.starts_at and r.ends_at <= zwolle.ends_at for r in zwolle.rounds)


def test_outbox_cli_delivers_to_eml(app, runner, add_meeting, tmp_path):
    from tests.registrations.test_routes import sign_up

    sign_up(app.test_client(), add_meeting())
    result = runner.invoke(args=["outbox", "run", "--once"])
    assert "1 mail(s) attempted" in result.output
    assert len(list((tmp_path / "mail").glob("*.eml"))) == 1
    with app.app_context():
        assert db.session.scalar(sa.select(OutboxMessage.status)) == OutboxStatus.SENT


@pytest.mark.parametrize("db_kind", ["sqlite", "postgresql"])
def test_hostile_urls_are_4xx_never_500(request, app_factory, db_kind):
    app = request.getfixturevalue("pg_app") if db_kind == "postgresql" else app_factory()
    client = app.test_client()
    for url in ("/bijeenkomsten/%00", "/bijeenkomsten/a%00b/aanmelden", "/bijeenkomsten/a%00b/agenda.ics",
                "/bijeenkomsten/x/aanmelden/workshops?round_1=%00", "/aanmelding/%00", "/uitnodiging/a%00",
                "/bijeenkomsten/%C0%AF", "/bijeenkomsten/" + "a" * 5000):
        assert client.get(url).status_code in (400, 404), url


@pytest.mark.parametrize("app", [{"PROXY_COUNT": 1, "SIGNUP_RATE_LIMIT": "2 per minute"}], indirect=True)
def test_behind_a_proxy_each_client_has_its_own_limit(client, add_meeting):
    from tests.registrations.test_routes import csrf_token, form_data

    meeting = add_meeting()
    url = f"/bijeenkomsten/{meeting.slug}/aanmelden"
    token = csrf_token(client, url)

    def post(address, email):
        data = {**form_data(meeting, email=email), "csrf_token": token}
        return client.post(url, data=data, headers={"X-Forwarded-For": address}).status_code

    codes = [post(f"10.0.0.{i}", f"p{i}@school.nl") for i in range(5)]
    assert 429 not in codes
    same = [post("10.0.0.99", f"q{i}@school.nl") for i in range(3)]
    assert same == [303, 303, 429]


def test_a_query_string_that_is_not_utf8_is_no_error(client):
    response = client.get("/privacy", environ_overrides={"QUERY_STRING": "b=\xff\xfe"})  # raw bytes, as WSGI has them
    assert response.status_code == 200
    assert 'name="next" value="/privacy?' in response.get_data(as_text=True)


def test_the_please_log_in_message_speaks_the_readers_language(client):
    """Flask-Login's message on the login page is one of ours: extracted, and English on an English page."""
    dutch = client.get("/mijn-omgeving", follow_redirects=True).get_data(as_text=True)
    assert "Log in om deze pagina te bekijken." in dutch
    client.post("/taal", data={"lang": "en", "csrf_token": page_csrf(client, "/")})
    english = client.get("/mijn-omgeving", follow_redirects=True).get_data(as_text=True)
    assert '<html lang="en"' in english
    assert "Log in om deze pagina te bekijken." not in english
    assert "Please log in to see this page." in english
