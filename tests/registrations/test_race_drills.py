"""Race drills: many people at once, and proof that the drills would catch a race if the seat lock were gone."""

import time
from collections import Counter

import sqlalchemy as sa

from sto_events.core.extensions import db
from sto_events.meetings.models import Meeting, Workshop
from sto_events.notifications.models import OutboxMessage
from sto_events.registrations import services
from sto_events.registrations.models import Registration, RegistrationStatus

from .helpers import signup_data
from .test_concurrency import run_at_once
from .test_races import assert_consistent


def rush(app, meeting_id, count, picks=lambda i: [0], prefix="p"):
    def sign_up(i):
        meeting = db.session.get(Meeting, meeting_id)
        services.sign_up(db.session, meeting, signup_data(meeting, f"{prefix}{i}@school.nl", picks(i)))

    return run_at_once(app, count, sign_up)


def test_five_hundred_sign_ups_for_one_hundred_seats(race_app, make_meeting):
    with race_app.app_context():
        meeting_id = make_meeting(db.session, capacity=100, rounds=()).id
    assert rush(race_app, meeting_id, 500, picks=lambda i: []) == []
    with race_app.app_context():
        statuses = Counter(db.session.scalars(sa.select(Registration.status)))
        assert statuses == {RegistrationStatus.CONFIRMED: 100, RegistrationStatus.WAITLISTED: 400}
        assert db.session.get(Meeting, meeting_id).taken == 100


def test_three_workshops_of_twenty_under_three_hundred_requests(race_app, make_meeting):
    with race_app.app_context():
        meeting = make_meeting(db.session, capacity=1000, rounds=((20, 20, 20),))
        meeting_id, workshops = meeting.id, [w.id for w in meeting.rounds[0].workshops]
    assert rush(race_app, meeting_id, 300, picks=lambda i: [i % 3]) == []
    with race_app.app_context():
        assert [db.session.get(Workshop, w).taken for w in workshops] == [20, 20, 20]
        assert_consistent(db.session, meeting_id)


def test_three_cancellations_at_once_promote_the_three_oldest(race_app, make_meeting):
    with race_app.app_context():
        meeting = make_meeting(db.session, capacity=5, rounds=((50,),))
        holders = [services.sign_up(db.session, meeting, signup_data(meeting, f"h{i}@x.nl"))[0].id for i in range(5)]
        waiting = [services.sign_up(db.session, meeting, signup_data(meeting, f"w{i}@x.nl"))[0].id for i in range(5)]
        meeting_id = meeting.id

    def cancel(i):
        services.cancel(db.session, db.session.get(Registration, holders[i]))

    assert run_at_once(race_app, 3, cancel) == []
    with race_app.app_context():
        status = {i: db.session.get(Registration, i).status for i in waiting}
        assert [status[i] for i in waiting] == [RegistrationStatus.CONFIRMED] * 3 + [RegistrationStatus.WAITLISTED] * 2
        promoted_mails = db.session.scalar(sa.select(sa.func.count(OutboxMessage.id))
                                           .where(OutboxMessage.kind == "registration_promoted"))
        assert promoted_mails == 3
        assert_consistent(db.session, meeting_id)


def test_fifty_cancellations_and_fifty_sign_ups_on_a_full_meeting(race_app, make_meeting):
    with race_app.app_context():
        meeting = make_meeting(db.session, capacity=50, rounds=())
        holders = [services.sign_up(db.session, meeting, signup_data(meeting, f"h{i}@x.nl", []))[0].id
                   for i in range(50)]
        meeting_id = meeting.id

    def act(i):
        if i % 2:
            services.cancel(db.session, db.session.get(Registration, holders[i // 2]))
        else:
            meeting = db.session.get(Meeting, meeting_id)
            services.sign_up(db.session, meeting, signup_data(meeting, f"n{i}@x.nl", []))

    assert run_at_once(race_app, 100, act) == []
    with race_app.app_context():
        assert db.session.get(Meeting, meeting_id).taken <= 50
        assert_consistent(db.session, meeting_id)


def naive_take(session, model, row_id) -> bool:
    """The take the drills must catch: read the places left, then write, with a window in between."""
    taken, capacity = session.execute(sa.select(model.taken, model.capacity).where(model.id == row_id)).one()
    if taken >= capacity:
        return False
    time.sleep(0.01)
    session.execute(sa.update(model).where(model.id == row_id).values(taken=taken + 1)
                    .execution_options(synchronize_session=False))
    return True


def test_without_the_seat_lock_the_drill_catches_the_overbooking(request, monkeypatch, make_meeting):
    """PostgreSQL, where requests really run side by side (SQLite's BEGIN IMMEDIATE serialises them anyway).

    The production code has no switch for this: the test swaps in a naive take and drops the meeting lock."""
    app = request.getfixturevalue("pg_app")
    monkeypatch.setattr(services, "_take_one", naive_take)
    monkeypatch.setattr(services, "lock_meeting", lambda session, meeting_id: None)
    with app.app_context():
        meeting_id = make_meeting(db.session, capacity=100, rounds=()).id
    rush(app, meeting_id, 300, picks=lambda i: [])
    with app.app_context():
        confirmed = db.session.scalar(sa.select(sa.func.count(Registration.id))
                                      .where(Registration.status == RegistrationStatus.CONFIRMED))
    assert confirmed > 100  # read-then-write lets more people in than there are seats
