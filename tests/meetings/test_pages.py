"""Public meeting pages, the places-left fragment and the calendar files."""

import sqlalchemy as sa
import vobject

from sto_events.meetings.models import MeetingStatus


def test_home_and_list_show_upcoming_published_meetings(client, add_meeting):
    add_meeting(title="Bijeenkomst Eindhoven", city="Eindhoven", capacity=40)
    add_meeting(title="Concept Utrecht", status=MeetingStatus.DRAFT)
    home = client.get("/")
    listing = client.get("/bijeenkomsten")
    for response in (home, listing):
        page = response.get_data(as_text=True)
        assert response.status_code == 200
        assert "Bijeenkomst Eindhoven" in page
        assert "Nog 40 plaatsen vrij" in page
        assert "Concept Utrecht" not in page
        assert '<html lang="nl"' in page


def test_detail_shows_programme_and_dutch_dates(client, add_meeting):
    meeting = add_meeting(rounds=((10, 12),))
    page = client.get(f"/bijeenkomsten/{meeting.slug}").get_data(as_text=True)
    assert "Workshop 1A" in page and "Workshop 1B" in page
    months = ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september",
              "oktober", "november", "december"]
    assert any(month in page for month in months)


def test_places_fragment_for_htmx(client, add_meeting):
    meeting = add_meeting(capacity=7)
    response = client.get(f"/bijeenkomsten/{meeting.slug}", headers={"HX-Request": "true", "HX-Target": "places"})
    fragment = response.get_data(as_text=True)
    assert fragment.lstrip().startswith('<p id="places"')
    assert "Nog 7 plaatsen vrij" in fragment
    assert "<html" not in fragment


def test_draft_and_unknown_meetings_are_404(client, add_meeting):
    draft = add_meeting(status=MeetingStatus.DRAFT)
    for url in (f"/bijeenkomsten/{draft.slug}", "/bijeenkomsten/bestaat-niet", "/bijeenkomsten/x/agenda.ics"):
        response = client.get(url)
        assert response.status_code == 404
        assert "Pagina niet gevonden" in response.get_data(as_text=True)


def test_meeting_ics_and_feed_parse(client, add_meeting):
    first = add_meeting(title="Eerste; met, tekens \\ en zo")
    add_meeting(title="Tweede")
    single = client.get(f"/bijeenkomsten/{first.slug}/agenda.ics")
    assert single.headers["Content-Type"].startswith("text/calendar")
    raw = single.get_data(as_text=True)
    cal = vobject.readOne(raw)
    assert cal.method.value == "PUBLISH"
    assert cal.x_wr_calname.value == "Eerste; met, tekens \\ en zo"
    assert "DTSTART;TZID=Europe/Amsterdam:" in raw and "BEGIN:VTIMEZONE" in raw
    assert cal.vevent.summary.value == "Eerste; met, tekens \\ en zo"
    assert "Europe/Amsterdam" in str(cal.vevent.dtstart.value.tzinfo)
    feed = vobject.readOne(client.get("/agenda.ics").get_data(as_text=True))
    assert sorted(e.summary.value for e in feed.vevent_list) == sorted(["Eerste; met, tekens \\ en zo", "Tweede"])


def test_language_switch_to_english(client, add_meeting):
    add_meeting(capacity=3)
    response = client.post("/taal", data={"lang": "en", "next": "/bijeenkomsten"})
    assert response.status_code == 400  # no CSRF token: refused
    client.application.config["WTF_CSRF_ENABLED"] = False
    response = client.post("/taal", data={"lang": "en", "next": "https://evil.example/"})
    assert response.status_code == 303
    assert response.headers["Location"] == "/"
    page = client.get("/bijeenkomsten").get_data(as_text=True)
    assert '<html lang="en"' in page
    assert "3 places left" in page
    with client.application.app_context():
        from babel.dates import format_date

        from sto_events.core.extensions import db
        from sto_events.core.timeutil import local
        from sto_events.meetings.models import Meeting

        start = local(db.session.scalar(sa.select(Meeting.starts_at)))
    assert format_date(start.date(), "d MMMM y", locale="en") in page  # e.g. 23 December 2026
    client.post("/taal", data={"lang": "nl", "next": "/bijeenkomsten"})
    assert format_date(start.date(), "d MMMM y", locale="nl") in client.get("/bijeenkomsten").get_data(as_text=True)


def test_security_headers_on_pages_and_errors(client):
    for url in ("/", "/bestaat-niet"):
        headers = client.get(url).headers
        assert "default-src 'self'" in headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "same-origin"
