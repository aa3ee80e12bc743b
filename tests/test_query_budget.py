"""Every public page stays within a fixed number of SQL statements, whether 10 or 1 000 rows stand behind it."""

from contextlib import contextmanager

import pytest
import sqlalchemy as sa
from sqlalchemy import event

from sto_events.core.extensions import db
from sto_events.organisations.models import Organisation
from sto_events.organisations.vocabulary import OrganisationKind
from sto_events.places import services as places
from sto_events.regions import demo
from sto_events.regions.models import Region, RegionMember
from sto_events.registrations import services
from sto_events.registrations.models import Registration
from sto_events.registrations.tokens import manage_token
from tests.registrations.helpers import signup_data

BUDGET = 8


@contextmanager
def count_statements(app):
    """Count the data statements (not BEGIN/COMMIT or PRAGMAs) the app sends to its database."""
    statements = []

    def record(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().split(None, 1)[0].upper() in ("SELECT", "INSERT", "UPDATE", "DELETE", "WITH"):
            statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


def fill(app, make_meeting, meetings: int, registrations: int):
    """`meetings` published meetings; `registrations` sign-ups spread over the first of them."""
    with app.app_context():
        made = [make_meeting(db.session, capacity=10_000, rounds=((5_000, 5_000), (5_000, 5_000)), title=f"M{i}")
                for i in range(meetings)]
        first = made[0]
        rows = [
            {"public_id": f"00000000-0000-0000-0000-{i:012d}", "meeting_id": first.id, "name": f"P{i}",
             "email": f"p{i}@school.nl", "email_normalized": f"p{i}@school.nl", "organisation": "School",
             "role": "vmbo", "region": "", "questions": "", "locale": "nl", "status": "confirmed"}
            for i in range(registrations - 1)
        ]
        if rows:
            db.session.execute(sa.insert(Registration), rows)
        registration, _ = services.sign_up(db.session, first, signup_data(first, "me@school.nl", [0, 1]))
        return first.slug, manage_token(registration)


@pytest.mark.parametrize("size", [10, 1000])
def test_public_pages_stay_within_the_query_budget(app, client, make_meeting, size):
    slug, token = fill(app, make_meeting, meetings=size if size <= 10 else 100, registrations=size)
    pages = ["/", "/bijeenkomsten", f"/bijeenkomsten/{slug}", f"/bijeenkomsten/{slug}/aanmelden", "/privacy",
             "/agenda.ics", f"/bijeenkomsten/{slug}/agenda.ics", f"/aanmelding/{token}",
             f"/aanmelding/{token}/afmelden", f"/aanmelding/{token}/uitnodiging.ics",
             f"/bijeenkomsten/{slug}/aanmelden/workshops"]
    counts = {}
    for url in pages:
        with count_statements(app) as statements:
            response = client.get(url, headers={"HX-Request": "true"} if url.endswith("/workshops") else {})
        assert response.status_code == 200, url
        counts[url] = len(statements)
    assert counts[f"/bijeenkomsten/{slug}"] >= 1  # the counter sees the queries at all
    assert {url: n for url, n in counts.items() if n > BUDGET} == {}
    print(counts)


@pytest.mark.parametrize("size", [10, 300])
def test_the_back_office_organisation_list_stays_within_the_query_budget(app, client, login_as, size):
    """Each listed organisation has a place and regions: the list still takes the same statements for 10 or 300."""
    with app.test_request_context():
        demo.seed(db.session)
        place = places.by_label(db.session, "Zwolle")
        region_ids = db.session.scalars(sa.select(Region.id).limit(2)).all()
        made = [Organisation(key=f"KVK-{i:04d}", kind=OrganisationKind.COMPANY, name=f"Aannemer {i:04d}",
                             place_id=place.id) for i in range(size)]
        db.session.add_all(made)
        db.session.flush()
        db.session.add_all(RegionMember(region_id=region_id, organisation_id=organisation.id)
                           for organisation in made for region_id in region_ids)
        db.session.commit()
    login_as()
    counts = {}
    for url, headers in (("/beheer/organisaties/?q=aannemer", {}),
                         ("/beheer/organisaties/?q=aannemer&pagina=2",
                          {"HX-Request": "true", "HX-Target": "organisation-list"})):
        with count_statements(app) as statements:
            response = client.get(url, headers=headers)
        assert response.status_code == 200, url
        assert "Aannemer 0000" in response.get_data(as_text=True) or "pagina=2" in url
        counts[url] = len(statements)
    assert counts["/beheer/organisaties/?q=aannemer"] >= 3  # the counter sees the queries at all
    assert {url: n for url, n in counts.items() if n > BUDGET} == {}
    print(counts)
