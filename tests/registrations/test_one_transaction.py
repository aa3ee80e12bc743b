"""One transaction per organiser action: moving an attendee commits the move and its audit entry once, together."""

from __future__ import annotations

from contextlib import contextmanager
from types import SimpleNamespace

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from sto_events.accounts.models import Role
from sto_events.audit.models import AuditEntry
from sto_events.core.extensions import db
from sto_events.core.transaction import commit_point, in_unit_of_work, transactional, unit_of_work
from sto_events.meetings.models import Workshop
from sto_events.registrations import attendees
from sto_events.registrations.models import Registration
from tests.conftest import page_csrf
from tests.registrations.test_attendees import PEOPLE, setup_meeting


@contextmanager
def counted_commits():
    """Every top-level commit of any session while the block runs (savepoints do not count)."""
    commits = []

    def count(session):
        # SQLAlchemy also calls after_commit when a savepoint is released (a nested transaction is then still
        # current); only the commit of the transaction itself counts.
        if not session.in_nested_transaction():
            commits.append(session)

    sa.event.listen(Session, "after_commit", count)
    try:
        yield commits
    finally:
        sa.event.remove(Session, "after_commit", count)


def test_moving_an_attendee_commits_once_with_its_audit_entry(app, client, login_as, make_meeting):
    meeting_id, round_id, workshops, ids = setup_meeting(app, make_meeting, PEOPLE)
    login_as(Role.ORGANISER)
    url = f"/beheer/aanmeldingen/{ids['anna@school.nl']}/verplaatsen"
    data = {"round": round_id, "workshop": workshops[1]}
    csrf = page_csrf(client, "/beheer/")
    with counted_commits() as commits:
        response = client.post(url, data={**data, "csrf_token": csrf})
    assert response.status_code == 303
    assert len(commits) == 1
    with app.app_context():
        assert db.session.get(Registration, ids["anna@school.nl"]).choices[0].workshop_id == workshops[1]
        assert db.session.scalar(sa.select(sa.func.count(AuditEntry.id))
                                 .where(AuditEntry.action == "registration.move")) == 1


def test_a_failure_after_the_move_rolls_back_the_move_and_its_audit_entry(app, make_meeting):
    meeting_id, round_id, workshops, ids = setup_meeting(app, make_meeting, PEOPLE)
    anna = ids["anna@school.nl"]
    with app.app_context():
        before = {w: db.session.get(Workshop, w).taken for w in workshops}
        registration = db.session.get(Registration, anna)
        # An actor whose account does not exist: the audit entry's foreign key fails after the move was written.
        ghost = SimpleNamespace(id=987654, email="ghost@sto.test")
        with counted_commits() as commits, pytest.raises(sa.exc.IntegrityError):
            with unit_of_work():
                assert attendees.move(db.session, registration, round_id, workshops[1], ghost)
        assert commits == []
        assert not in_unit_of_work()
    with app.app_context():
        assert db.session.get(Registration, anna).choices[0].workshop_id == workshops[0]
        assert {w: db.session.get(Workshop, w).taken for w in workshops} == before
        assert db.session.scalar(sa.select(sa.func.count(AuditEntry.id))) == 0


def test_units_nest_and_a_commit_point_only_commits_outside_one(app, make_meeting):
    meeting_id, round_id, workshops, ids = setup_meeting(app, make_meeting, PEOPLE[:1])
    with app.app_context(), counted_commits() as commits:
        registration = db.session.get(Registration, ids["anna@school.nl"])
        with unit_of_work():
            with unit_of_work():
                registration.name = "Anna van Dijk"
                commit_point(db.session)
            assert commits == []
            assert in_unit_of_work()
        assert len(commits) == 1
        registration.organisation = "Technisch College"
        commit_point(db.session)
        assert len(commits) == 2
    with app.app_context():
        stored = db.session.get(Registration, ids["anna@school.nl"])
        assert (stored.name, stored.organisation) == ("Anna van Dijk", "Technisch College")


def test_a_transactional_function_commits_once_or_not_at_all(app, make_meeting):
    meeting_id, round_id, workshops, ids = setup_meeting(app, make_meeting, PEOPLE[:1])
    anna = ids["anna@school.nl"]

    @transactional
    def rename(name: str, fail: bool = False):
        registration = db.session.get(Registration, anna)
        registration.name = name
        commit_point(db.session)
        if fail:
            raise RuntimeError("after the change")

    with app.app_context(), counted_commits() as commits:
        with pytest.raises(RuntimeError):
            rename("Anna Fout", fail=True)
        assert commits == []
        rename("Anna Goed")
        assert len(commits) == 1
    with app.app_context():
        assert db.session.get(Registration, anna).name == "Anna Goed"
