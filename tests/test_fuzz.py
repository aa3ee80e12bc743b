"""Hypothesis throws arbitrary text at the forms: never a 5xx, and what comes back is always escaped."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sto_events.accounts.models import Role
from tests.conftest import page_csrf

TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=300)
MARKER = "<script>x</script>"
#: Set-up done once per app (Hypothesis reuses the test's fixtures for all its examples).
PREPARED = {}
#: derandomize: the same examples on every run, so CI is repeatable; raise max_examples locally to search wider.
SETTINGS = settings(max_examples=60, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])


def assert_safe(response):
    """No server error, and the <script> appended to the echoed fields never comes back unescaped."""
    assert response.status_code < 500, response.status_code
    assert MARKER not in response.get_data(as_text=True)


@SETTINGS
@given(name=TEXT, email=TEXT, organisation=TEXT, role=TEXT, region=TEXT, questions=TEXT, round_value=TEXT)
def test_sign_up_form(app, client, add_meeting, name, email, organisation, role, region, questions, round_value):
    if ("meeting", id(app)) not in PREPARED:
        PREPARED[("meeting", id(app))] = add_meeting()
    meeting = PREPARED[("meeting", id(app))]
    url = f"/bijeenkomsten/{meeting.slug}/aanmelden"
    data = {"name": name + MARKER, "email": email, "organisation": organisation + MARKER, "role": role,
            "region": region + MARKER,
            "questions": questions + MARKER, meeting.rounds[0].field: round_value, "csrf_token": page_csrf(client, url)}
    assert_safe(client.post(url, data=data))
    fragment = client.post(f"{url}/controle/name", data={"name": name + MARKER},
                           headers={"HX-Request": "true", "X-CSRFToken": data["csrf_token"]})
    assert_safe(fragment)


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
    assert_safe(client.post("/beheer/bijeenkomsten/nieuw", data=data))
    assert_safe(client.get(f"/beheer/bijeenkomsten/{meeting.id}/deelnemers", query_string={"q": q + MARKER}))
    assert_safe(client.get(f"/beheer/bijeenkomsten/{meeting.id}/inchecken", query_string={"q": q + MARKER},
                           headers={"HX-Request": "true", "HX-Target": "check-in-list"}))


KEYS = ["name", "email", "organisation", "role", "region", "questions", "title", "city", "venue", "address",
        "description", "date", "start_time", "end_time", "capacity", "themes", "hosts", "audience", "subject",
        "body", "action", "round", "workshop", "aanwezig", "password", "confirm", "lang", "next", "q",
        "share_with_participants", "round-title", "round-start_time", "round-end_time", "lead_board", "plan_status",
        "website", "offer_kinds", "profiles", "leerwegen"]


@settings(max_examples=25, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(values=st.fixed_dictionaries({key: TEXT for key in KEYS}))
def test_every_post_route_survives_arbitrary_fields(app, client, login_as, make_meeting, values):
    """Every POST route in the url_map, with a valid CSRF token and arbitrary text in every usual field."""
    from sto_events.core.extensions import db
    from sto_events.regions import demo
    from sto_events.registrations import services
    from sto_events.registrations.tokens import manage_token
    from tests.registrations.helpers import signup_data

    if ("routes", id(app)) not in PREPARED:
        with app.app_context():
            meeting = make_meeting(db.session)
            registration, _ = services.sign_up(db.session, meeting, signup_data(meeting, "fuzz@school.nl"))
            region = demo.seed(db.session)[0]
            db.session.commit()
            # A region's and an organisation's manage pages are reached only with one that exists.
            scoped = {("region_scope", "slug"): region.slug,
                      ("organisation_scope", "organisation_id"): region.members[0].id}
            arguments = {"slug": meeting.slug, "token": manage_token(registration), "secret": "x" * 43,
                         "field": "name", "meeting_id": meeting.id, "round_id": meeting.rounds[0].id,
                         "workshop_id": meeting.rounds[0].workshops[0].id, "registration_id": registration.id,
                         "mailing_id": 1, "user_id": 1, "organisation_id": 1}
        with app.test_request_context():
            urls = [app.url_for(rule.endpoint, **{
                        a: scoped.get((rule.endpoint.split(".")[0], a), arguments[a]) for a in rule.arguments})
                    for rule in app.url_map.iter_rules()
                    if "POST" in rule.methods and rule.endpoint not in ("accounts.logout",)]
        login_as(Role.ORGANISER)
        PREPARED[("routes", id(app))] = urls
    token = page_csrf(client, "/beheer/")
    for url in PREPARED[("routes", id(app))]:
        echoed = {key: values[key] + MARKER for key in ("name", "title", "subject", "organisation", "venue")}
        response = client.post(url, data={**values, **echoed, "csrf_token": token}, headers={"X-CSRFToken": token})
        assert response.status_code < 500, (url, response.status_code)
        assert MARKER not in response.get_data(as_text=True)
