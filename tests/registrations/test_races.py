"""Changes, cancellations and sign-ups racing each other keep every count true (SQLite and PostgreSQL)."""

from collections import Counter

import sqlalchemy as sa

from sto_events.core.extensions import db
from sto_events.meetings.models import Meeting, Workshop
from sto_events.registrations import services
from sto_events.registrations.models import Registration, RegistrationStatus

from .helpers import signup_data
from .test_concurrency import run_at_once


def assert_consistent(session, meeting_id):
    """Counters match the rows, and nobody waits while everything they asked for is free."""
    meeting = session.get(Meeting, meeting_id)
    confirmed = session.scalars(
        sa.select(Registration).where(
            Registration.meeting_id == meeting_id, Registration.status == RegistrationStatus.CONFIRMED
        )
    ).all()
    assert meeting.taken == len(confirmed)
    holders = Counter(c.workshop_id for r in confirmed for c in r.choices)
    workshops = {w.id: w for r in meeting.rounds for w in r.workshops}
    for workshop in workshops.values():
        assert workshop.taken == holders[workshop.id], workshop.title
        assert workshop.taken <= workshop.capacity
    waiting = session.scalars(
        sa.select(Registration).where(
            Registration.meeting_id == meeting_id, Registration.status == RegistrationStatus.WAITLISTED
        )
    ).all()
    for registration in waiting:
        fits = meeting.taken < meeting.capacity and all(
            workshops[c.workshop_id].taken < workshops[c.workshop_id].capacity for c in registration.choices
        )
        assert not fits, f"{registration.email} waits although there is room"


def test_two_changes_of_one_registration_at_once(race_app, make_meeting):
    with race_app.app_context():
        meeting = make_meeting(db.session, capacity=40, rounds=((40, 40, 40),))
        meeting_id, round_id = meeting.id, meeting.rounds[0].id
        a, b, c = (w.id for w in meeting.rounds[0].workshops)
        ids = [services.sign_up(db.session, meeting, signup_data(meeting, f"p{i}@x.nl", [0]))[0].id for i in range(10)]

    def change(i):
        registration = db.session.get(Registration, ids[i // 2])
        services.change_workshops(db.session, registration, {round_id: b if i % 2 else c})

    assert run_at_once(race_app, 20, change) == []
    with race_app.app_context():
        assert_consistent(db.session, meeting_id)
        assert db.session.get(Workshop, a).taken == 0
        assert [db.session.get(Registration, i).sequence for i in ids] == [2] * 10


def test_cancel_and_change_of_one_registration_at_once(race_app, make_meeting):
    with race_app.app_context():
        meeting = make_meeting(db.session, capacity=40, rounds=((40, 40),))
        meeting_id, round_id = meeting.id, meeting.rounds[0].id
        b = meeting.rounds[0].workshops[1].id
        ids = [services.sign_up(db.session, meeting, signup_data(meeting, f"p{i}@x.nl", [0]))[0].id for i in range(10)]

    def act(i):
        registration = db.session.get(Registration, ids[i // 2])
        if i % 2:
            services.cancel(db.session, registration)
        else:
            try:
                services.change_workshops(db.session, registration, {round_id: b})
            except services.RegistrationError as error:
                assert error.code == "cancelled"

    assert run_at_once(race_app, 20, act) == []
    with race_app.app_context():
        assert_consistent(db.session, meeting_id)
        assert set(db.session.scalars(sa.select(Registration.status))) == {RegistrationStatus.CANCELLED}
        assert db.session.get(Meeting, meeting_id).taken == 0


def test_sign_ups_and_cancellations_at_once_on_a_full_meeting(race_app, make_meeting):
    with race_app.app_context():
        meeting = make_meeting(db.session, capacity=10, rounds=((10,),))
        meeting_id = meeting.id
        ids = [services.sign_up(db.session, meeting, signup_data(meeting, f"old{i}@x.nl"))[0].id for i in range(10)]

    def act(i):
        if i % 2:
            services.cancel(db.session, db.session.get(Registration, ids[i // 2]))
        else:
            meeting = db.session.get(Meeting, meeting_id)
            services.sign_up(db.session, meeting, signup_data(meeting, f"new{i}@x.nl"))

    assert run_at_once(race_app, 20, act) == []
    with race_app.app_context():
        assert_consistent(db.session, meeting_id)
        statuses = Counter(db.session.scalars(sa.select(Registration.status)))
        # Every original holder left; all ten newcomers end up with a seat, none waits.
        assert statuses == {RegistrationStatus.CONFIRMED: 10, RegistrationStatus.CANCELLED: 10}
