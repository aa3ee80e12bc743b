"""Rules of registrations/services.py that mutation testing (`make mutate`) found unpinned: each test here failed
for a changed rule that the other tests let through."""

import pytest
import sqlalchemy as sa

from sto_events.meetings.models import Meeting, MeetingStatus, Workshop
from sto_events.registrations import services
from sto_events.registrations.models import ParticipantRole, Registration, RegistrationStatus


def taken(session, model, row_id):
    return session.scalar(sa.select(model.taken).where(model.id == row_id))


def data(email, workshops):
    return services.SignUp(name="Test Deelnemer", email=email, organisation="Testschool",
                           role=ParticipantRole.VMBO, workshops=workshops)


def test_a_round_without_workshops_yet_asks_no_choice(session, make_meeting):
    """An organiser may add a round before its workshops: people sign up for the rounds that have them."""
    meeting = make_meeting(session, rounds=((5,), ()))
    first, empty = meeting.rounds
    registration, created = services.sign_up(session, meeting, data("a@x.nl", {first.id: first.workshops[0].id}))
    assert created and registration.status == RegistrationStatus.CONFIRMED
    assert [(c.round_id, c.workshop_id) for c in registration.choices] == [(first.id, first.workshops[0].id)]


def test_an_organiser_changes_one_round_and_leaves_the_others(session, make_meeting):
    meeting = make_meeting(session, rounds=((5, 5), (5, 5)))
    one, two = meeting.rounds
    registration, _ = services.sign_up(
        session, meeting, data("a@x.nl", {one.id: one.workshops[0].id, two.id: two.workshops[0].id}))
    assert services.change_workshops(session, registration, {two.id: two.workshops[1].id}, every_round=False)
    session.expire_all()
    assert {c.round_id: c.workshop_id for c in registration.choices} == {
        one.id: one.workshops[0].id, two.id: two.workshops[1].id}
    assert taken(session, Workshop, one.workshops[0].id) == 1
    assert (taken(session, Workshop, two.workshops[0].id), taken(session, Workshop, two.workshops[1].id)) == (0, 1)
    assert taken(session, Meeting, meeting.id) == 1


def test_a_round_added_after_signing_up_gets_its_choice_and_place(session, make_meeting):
    meeting = make_meeting(session, rounds=((5,), ()))
    first, added = meeting.rounds
    registration, _ = services.sign_up(session, meeting, data("a@x.nl", {first.id: first.workshops[0].id}))
    workshop = Workshop(round_id=added.id, title="Nieuw", hosts="Host", capacity=3)
    session.add(workshop)
    session.commit()
    assert services.change_workshops(session, registration, {added.id: workshop.id}, every_round=False)
    session.expire_all()
    assert {c.round_id: c.workshop_id for c in registration.choices} == {
        first.id: first.workshops[0].id, added.id: workshop.id}
    assert (taken(session, Workshop, first.workshops[0].id), taken(session, Workshop, workshop.id)) == (1, 1)


def test_cancelling_raises_the_sequence_and_promotes_with_a_raised_sequence(session, make_meeting):
    meeting = make_meeting(session, capacity=1, rounds=((5,),))
    choice = {meeting.rounds[0].id: meeting.rounds[0].workshops[0].id}
    holder, _ = services.sign_up(session, meeting, data("a@x.nl", choice))
    waiting, _ = services.sign_up(session, meeting, data("b@x.nl", choice))
    assert (holder.sequence, waiting.sequence, waiting.status) == (0, 0, RegistrationStatus.WAITLISTED)
    assert services.cancel(session, holder)
    session.expire_all()
    assert (holder.status, holder.sequence, holder.waitlisted_at) == (RegistrationStatus.CANCELLED, 1, None)
    assert holder.cancelled_at is not None
    assert (waiting.status, waiting.sequence, waiting.waitlisted_at) == (RegistrationStatus.CONFIRMED, 1, None)
    assert taken(session, Meeting, meeting.id) == 1
    assert taken(session, Workshop, meeting.rounds[0].workshops[0].id) == 1


def test_cancelling_a_wait_listed_person_frees_no_place(session, make_meeting):
    meeting = make_meeting(session, capacity=1, rounds=((5,),))
    choice = {meeting.rounds[0].id: meeting.rounds[0].workshops[0].id}
    services.sign_up(session, meeting, data("a@x.nl", choice))
    waiting, _ = services.sign_up(session, meeting, data("b@x.nl", choice))
    assert services.cancel(session, waiting)
    session.expire_all()
    assert waiting.status == RegistrationStatus.CANCELLED
    assert taken(session, Meeting, meeting.id) == 1
    assert taken(session, Workshop, meeting.rounds[0].workshops[0].id) == 1


def test_a_wait_listed_person_changes_workshop_without_taking_a_place(session, make_meeting):
    meeting = make_meeting(session, capacity=1, rounds=((5, 5),))
    round_ = meeting.rounds[0]
    a, b = round_.workshops
    services.sign_up(session, meeting, data("a@x.nl", {round_.id: a.id}))
    waiting, _ = services.sign_up(session, meeting, data("b@x.nl", {round_.id: a.id}))
    assert services.change_workshops(session, waiting, {round_.id: b.id})
    session.expire_all()
    assert (waiting.status, waiting.choices[0].workshop_id) == (RegistrationStatus.WAITLISTED, b.id)
    assert (taken(session, Workshop, a.id), taken(session, Workshop, b.id)) == (1, 0)


def test_a_cancelled_registration_or_a_closed_meeting_refuses_a_change(session, make_meeting):
    meeting = make_meeting(session, rounds=((5, 5),))
    round_ = meeting.rounds[0]
    a, b = round_.workshops
    cancelled, _ = services.sign_up(session, meeting, data("a@x.nl", {round_.id: a.id}))
    services.cancel(session, cancelled)
    with pytest.raises(services.RegistrationError) as error:
        services.change_workshops(session, cancelled, {round_.id: b.id})
    assert error.value.code == "cancelled"
    active, _ = services.sign_up(session, meeting, data("b@x.nl", {round_.id: a.id}))
    meeting.status = MeetingStatus.CANCELLED
    session.commit()
    with pytest.raises(services.RegistrationError) as error:
        services.change_workshops(session, active, {round_.id: b.id})
    assert error.value.code == "closed"
    session.expire_all()
    assert (taken(session, Workshop, a.id), taken(session, Workshop, b.id)) == (1, 0)


def test_sharing_a_name_with_other_participants_is_off_unless_asked_for(session, make_meeting):
    meeting = make_meeting(session, rounds=())
    registration, _ = services.sign_up(session, meeting, data("a@x.nl", {}))
    assert registration.share_with_participants is False


def test_a_participant_who_leaves_out_a_round_is_asked_to_choose(session, make_meeting):
    meeting = make_meeting(session, rounds=((5, 5), (5, 5)))
    one, two = meeting.rounds
    registration, _ = services.sign_up(
        session, meeting, data("a@x.nl", {one.id: one.workshops[0].id, two.id: two.workshops[0].id}))
    with pytest.raises(services.RegistrationError) as error:
        services.change_workshops(session, registration, {one.id: one.workshops[1].id})
    assert (error.value.code, error.value.details) == ("choose_workshop", {"round_id": two.id})
    session.expire_all()
    assert taken(session, Workshop, one.workshops[0].id) == 1


@pytest.mark.parametrize(
    ("typed", "kept"),
    [("\u200bAnna", "Anna"), ("Anna\u200b", "Anna"), ("\u200b\u200bAnna\u200e\u200e", "Anna"), ("\u200b", "")],
)
def test_hidden_characters_at_either_end_go_one_by_one(typed, kept):
    assert services.clean_line(typed) == kept


def test_a_cancellation_promotes_only_people_waiting_for_that_meeting(session, make_meeting):
    first = make_meeting(session, capacity=1, rounds=())
    later = make_meeting(session, capacity=1, rounds=())
    holder, _ = services.sign_up(session, first, data("a@x.nl", {}))
    services.sign_up(session, later, data("b@x.nl", {}))
    elsewhere, _ = services.sign_up(session, later, data("c@x.nl", {}))
    assert elsewhere.status == RegistrationStatus.WAITLISTED
    assert services.cancel(session, holder)
    session.expire_all()
    assert elsewhere.status == RegistrationStatus.WAITLISTED
    assert (taken(session, Meeting, first.id), taken(session, Meeting, later.id)) == (0, 1)


def test_only_the_browser_that_signed_up_is_recognised(session, make_meeting):
    meeting = make_meeting(session, rounds=())
    signup = data("a@x.nl", {})
    signup.browser_key = "sleutel-van-deze-browser"
    registration, _ = services.sign_up(session, meeting, signup)
    assert services.same_browser(registration, "sleutel-van-deze-browser")
    assert not services.same_browser(registration, "een-andere-browser")
    assert not services.same_browser(registration, "")
    unknown, _ = services.sign_up(session, meeting, data("b@x.nl", {}))  # no key: recognised by nobody
    assert not services.same_browser(unknown, "sleutel-van-deze-browser")


@pytest.mark.parametrize("separator", ["\u2028", "\u2029", "\u0085", "\ue000", "\u00a0"])
def test_line_and_paragraph_separators_and_other_invisible_characters_become_spaces(separator):
    assert services.clean_line(f"Anna{separator}Bcc: x@y.nl") == "Anna Bcc: x@y.nl"


@pytest.mark.postgres
def test_on_postgresql_the_free_seats_read_for_a_promotion_are_those_of_its_meeting(pg_app, make_meeting):
    """PostgreSQL keeps an updated row at a new place in the table, so an unordered read of 'the first meeting with
    id >= ours' would see the other, full meeting here."""
    from sto_events.core.extensions import db

    with pg_app.app_context():
        first = make_meeting(db.session, capacity=1, rounds=())
        later = make_meeting(db.session, capacity=1, rounds=())
        holder, _ = services.sign_up(db.session, first, data("a@x.nl", {}))
        waiting, _ = services.sign_up(db.session, first, data("b@x.nl", {}))
        services.sign_up(db.session, later, data("c@x.nl", {}))
        assert services.cancel(db.session, holder)
        db.session.expire_all()
        assert waiting.status == RegistrationStatus.CONFIRMED


def test_an_unknown_public_id_finds_no_registration(session, make_meeting):
    meeting = make_meeting(session, rounds=())
    registration, _ = services.sign_up(session, meeting, data("a@x.nl", {}))
    assert services.get_by_public_id(session, registration.public_id).id == registration.id
    assert services.get_by_public_id(session, "0") is None  # sorts before every real one


def test_a_registration_for_another_meeting_does_not_count_as_signed_up_already(session, make_meeting):
    earlier = make_meeting(session, rounds=())
    later = make_meeting(session, rounds=())
    services.sign_up(session, later, data("a@x.nl", {}))
    registration, created = services.sign_up(session, earlier, data("A@x.nl", {}))
    assert created and registration.meeting_id == earlier.id


@pytest.mark.parametrize(("name", "organisation"), [("Anna Deelnemer", "Testschool"),  # sorts before the old name
                                                    ("Test Deelnemer", "Basisschool"),  # only the organisation
                                                    ("Zoë Deelnemer", "Testschool")])  # sorts after it
def test_a_corrected_name_or_organisation_is_saved_however_it_sorts(session, make_meeting, name, organisation):
    meeting = make_meeting(session, rounds=())
    registration, _ = services.sign_up(session, meeting, data("a@x.nl", {}))
    assert services.update_details(session, registration, f" {name} ", organisation)
    session.expire_all()
    assert (registration.name, registration.organisation) == (name, organisation)
    assert not services.update_details(session, registration, name, organisation)  # nothing changed


def test_two_who_joined_the_waiting_list_in_the_same_instant_are_in_the_order_of_signing_up(session, make_meeting):
    meeting = make_meeting(session, capacity=1, rounds=())
    services.sign_up(session, meeting, data("a@x.nl", {}))
    first, _ = services.sign_up(session, meeting, data("b@x.nl", {}))
    second, _ = services.sign_up(session, meeting, data("c@x.nl", {}))
    session.execute(sa.update(Registration).where(Registration.id == second.id)
                    .values(waitlisted_at=first.waitlisted_at))
    session.commit()
    session.expire_all()
    assert [services.waitlist_position(session, r) for r in (first, second)] == [1, 2]


def test_a_cancellation_never_drives_a_count_below_zero(session, make_meeting):
    """The counts can have been corrected by hand (a repaired database): giving back a place that is no longer
    counted leaves the count at zero instead of failing the cancellation on the CHECK constraint."""
    meeting = make_meeting(session, rounds=((5,),))
    workshop = meeting.rounds[0].workshops[0]
    registration, _ = services.sign_up(session, meeting, data("a@x.nl", {meeting.rounds[0].id: workshop.id}))
    session.execute(sa.update(Workshop).where(Workshop.id == workshop.id).values(taken=0))
    session.execute(sa.update(Meeting).where(Meeting.id == meeting.id).values(taken=0))
    session.commit()
    assert services.cancel(session, registration)
    session.expire_all()
    assert registration.status == RegistrationStatus.CANCELLED
    assert (taken(session, Meeting, meeting.id), taken(session, Workshop, workshop.id)) == (0, 0)


@pytest.mark.postgres
def test_on_postgresql_a_change_to_one_registration_does_not_wait_for_another(pg_app_factory, make_meeting):
    """Only the registration being changed is locked: another request that holds someone else's row (one with a
    higher id) must not make this change wait for it."""
    from sto_events.core.extensions import db

    app = pg_app_factory(DB_LOCK_TIMEOUT_SECONDS=2)
    with app.app_context():
        meeting = make_meeting(db.session, rounds=())
        mine, _ = services.sign_up(db.session, meeting, data("a@x.nl", {}))
        other, _ = services.sign_up(db.session, meeting, data("b@x.nl", {}))
        with db.engine.connect() as elsewhere:
            elsewhere.execute(sa.select(Registration.id).where(Registration.id == other.id).with_for_update())
            assert services.update_details(db.session, mine, "Anna Deelnemer", "Testschool")
            elsewhere.rollback()
        db.session.expire_all()
        assert mine.name == "Anna Deelnemer"


@pytest.mark.postgres
def test_on_postgresql_a_sign_up_locks_only_its_own_meeting(pg_app_factory, make_meeting):
    from sto_events.core.extensions import db

    app = pg_app_factory(DB_LOCK_TIMEOUT_SECONDS=2)
    with app.app_context():
        meeting = make_meeting(db.session, rounds=())
        busy = make_meeting(db.session, rounds=())  # a higher id, held by another request
        with db.engine.connect() as elsewhere:
            elsewhere.execute(sa.select(Meeting.id).where(Meeting.id == busy.id).with_for_update())
            registration, created = services.sign_up(db.session, meeting, data("a@x.nl", {}))
            elsewhere.rollback()
        assert created and registration.status == RegistrationStatus.CONFIRMED


@pytest.mark.postgres
def test_on_postgresql_a_refused_change_releases_the_meeting_at_once(pg_app_factory, make_meeting):
    """The refusal rolls back, so the meeting lock taken for the change is not held until the request ends."""
    from sto_events.core.extensions import db

    app = pg_app_factory(DB_LOCK_TIMEOUT_SECONDS=2)
    with app.app_context():
        meeting = make_meeting(db.session, rounds=((5,), (5,)))
        one, two = meeting.rounds
        registration, _ = services.sign_up(
            db.session, meeting, data("a@x.nl", {one.id: one.workshops[0].id, two.id: two.workshops[0].id}))
        with pytest.raises(services.RegistrationError) as error:
            services.change_workshops(db.session, registration, {one.id: two.workshops[0].id})
        assert error.value.code == "choose_workshop"
        with db.engine.connect() as elsewhere:
            locked = elsewhere.execute(sa.select(Meeting.id).where(Meeting.id == meeting.id)
                                       .with_for_update(nowait=True)).scalar()
            elsewhere.rollback()
        assert locked == meeting.id


def test_a_change_raises_only_the_changed_registrations_sequence(session, make_meeting):
    meeting = make_meeting(session, rounds=((5, 5),))
    round_ = meeting.rounds[0]
    a, b = round_.workshops
    changed, _ = services.sign_up(session, meeting, data("a@x.nl", {round_.id: a.id}))
    other, _ = services.sign_up(session, meeting, data("b@x.nl", {round_.id: a.id}))
    assert services.change_workshops(session, changed, {round_.id: b.id})
    session.expire_all()
    assert (changed.sequence, other.sequence) == (1, 0)


def test_the_waiting_list_position_follows_the_time_of_joining_within_the_meeting(session, make_meeting):
    """Ordered by the time of joining, then id, as promotion does, even when the ids disagree (a clock that was set
    back), and counting only the people waiting for this meeting."""
    meeting = make_meeting(session, capacity=1, rounds=())
    later_meeting = make_meeting(session, capacity=1, rounds=())
    services.sign_up(session, later_meeting, data("x@x.nl", {}))
    elsewhere, _ = services.sign_up(session, later_meeting, data("y@x.nl", {}))  # waiting since before the others
    services.sign_up(session, meeting, data("a@x.nl", {}))
    lower_id, _ = services.sign_up(session, meeting, data("b@x.nl", {}))
    higher_id, _ = services.sign_up(session, meeting, data("c@x.nl", {}))
    between = elsewhere.waitlisted_at + (lower_id.waitlisted_at - elsewhere.waitlisted_at) / 2
    session.execute(sa.update(Registration).where(Registration.id == higher_id.id).values(waitlisted_at=between))
    session.commit()
    session.expire_all()
    assert elsewhere.waitlisted_at < higher_id.waitlisted_at < lower_id.waitlisted_at
    assert [services.waitlist_position(session, r) for r in (higher_id, lower_id, elsewhere)] == [1, 2, 1]


@pytest.mark.postgres
def test_on_postgresql_a_cancellation_reads_the_registration_again_after_the_lock(pg_app_factory, make_meeting):
    """The request loaded the registration before it waited for the lock; another request cancelled it meanwhile
    (and gave back the seat). The second cancellation must see that, not free the seat a second time."""
    from sto_events.core.extensions import db

    app = pg_app_factory()
    with app.app_context():
        meeting = make_meeting(db.session, rounds=())
        registration, _ = services.sign_up(db.session, meeting, data("a@x.nl", {}))
        services.sign_up(db.session, meeting, data("b@x.nl", {}))
        loaded = services.get_by_public_id(db.session, registration.public_id)
        assert loaded.status == RegistrationStatus.CONFIRMED  # read in this request's transaction
        with db.engine.begin() as other:
            other.execute(sa.update(Registration).where(Registration.id == registration.id)
                          .values(status=RegistrationStatus.CANCELLED.value))
            other.execute(sa.update(Meeting).where(Meeting.id == meeting.id).values(taken=Meeting.taken - 1))
        assert services.cancel(db.session, loaded) is False
        db.session.expire_all()
        assert taken(db.session, Meeting, meeting.id) == 1


@pytest.mark.parametrize("database", ["sqlite", "postgresql"])
def test_the_database_keeps_waitlisted_at_to_the_waiting(request, database, make_meeting):
    """waitlist_position reads "not waiting" from status and waitlisted_at alike; the CHECK keeps the two in step, so
    a row that is waiting without a time, or confirmed with one, cannot be stored on either database."""
    from sto_events.core.extensions import db

    app = request.getfixturevalue("app" if database == "sqlite" else "pg_app")
    with app.app_context():
        meeting = make_meeting(db.session, capacity=1, rounds=())
        confirmed, _ = services.sign_up(db.session, meeting, data("a@x.nl", {}))
        waiting, _ = services.sign_up(db.session, meeting, data("b@x.nl", {}))
        assert (confirmed.waitlisted_at, services.waitlist_position(db.session, confirmed)) == (None, None)
        assert waiting.waitlisted_at is not None and services.waitlist_position(db.session, waiting) == 1
        for row, values in ((confirmed, {"waitlisted_at": waiting.waitlisted_at}), (waiting, {"waitlisted_at": None}),
                            (waiting, {"status": RegistrationStatus.CANCELLED})):
            with pytest.raises(sa.exc.IntegrityError):
                db.session.execute(sa.update(Registration).where(Registration.id == row.id).values(**values))
                db.session.flush()
            db.session.rollback()
