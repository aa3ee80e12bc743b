"""Hypothesis throws arbitrary text at the forms: never a 5xx, and what comes back is always escaped."""

import html

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sto_events.accounts.models import Role
from tests.conftest import page_csrf

TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=300)
MARKER = "<script>x</script>"
#: Set-up done once per app (Hypothesis reuses the test's fixtures for all its examples).
PREPARED = {}
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def assert_safe(response, *values):
    assert response.status_code < 500, response.status_code
    page = response.get_data(as_text=True)
    assert MARKER not in page
    for value in values:
        if "<" in value and value.strip():
            assert value not in page or html.escape(value) == value


@SETTINGS
@given(name=TEXT, email=TEXT, organisation=TEXT, role=TEXT, region=TEXT, questions=TEXT, round_value=TEXT)
def test_sign_up_form(app, client, add_meeting, name, email, organisation, role, region, questions, round_value):
    if ("meeting", id(app)) not in PREPARED:
        PREPARED[("meeting", id(app))] = add_meeting()
    meeting = PREPARED[("meeting", id(app))]
    url = f"/bijeenkomsten/{meeting.slug}/aanmelden"
    data = {"name": name + MARKER, "email": email, "organisation": organisation, "role": role, "region": region,
            "questions": questions + MARKER, meeting.rounds[0].field: round_value, "csrf_token": page_csrf(client, url)}
    assert_safe(client.post(url, data=data), name, organisation, region)
    fragment = client.post(f"{url}/controle/name", data={"name": name + MARKER},
                           headers={"HX-Request": "true", "X-CSRFToken": data["csrf_token"]})
    assert_safe(fragment, name)


@SETTINGS
@given(title=TEXT, capacity=TEXT, date=TEXT, start=TEXT, q=TEXT)
def test_back_office_forms(app, client, login_as, add_meeting, title, capacity, date, start, q):
    if ("login", id(app)) not in PREPARED:
        login_as(Role.ORGANISER)
        PREPARED[("login", id(app))] = add_meeting()
    meeting = PREPARED[("login", id(app))]
    token = page_csrf(client, "/beheer/")
    data = {"title": title + MARKER, "capacity": capacity, "date": date, "start_time": start, "end_time": start,
            "venue": title, "city": title, "csrf_token": token}
    assert_safe(client.post("/beheer/bijeenkomsten/nieuw", data=data), title)
    assert_safe(client.get(f"/beheer/bijeenkomsten/{meeting.id}/deelnemers", query_string={"q": q + MARKER}), q)
    assert_safe(client.get(f"/beheer/bijeenkomsten/{meeting.id}/inchecken", query_string={"q": q},
                           headers={"HX-Request": "true", "HX-Target": "check-in-list"}), q)
