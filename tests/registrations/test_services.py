"""The capacity rules: seats, workshop places, waiting list, promotion, changes and double submits."""

import pytest
import sqlalchemy as sa

from sto_events.core.timeutil import utcnow
from sto_events.meetings.models import Meeting, MeetingStatus, Workshop
from sto_events.notifications.models import OutboxMessage
from sto_events.registrations import services
from sto_events.registrations.models import Registration, RegistrationStatus

from .helpers import signup_data


def kinds(session, registration):
    return [
        m.kind
        for m in session.scalars(
            sa.select(OutboxMessage)
            .where(OutboxMessage.subject_kind == "registration", OutboxMessage.subject_id == registration.id)
            .order_by(OutboxMessage.id)
        )
    ]


def taken(session, model, row_id):
    return session.scalar(sa.select(model.taken).where(model.id == row_id))


def test_sign_up_confirms_and_takes_seat_and_workshop_place(session, make_meeting):
    meeting = make_meeting(session, capacity=2, rounds=((1, 1),))
    registration, created = services.sign_up(session, meeting, signup_data(meeting, "a@school.nl"))
    assert created
    assert registration.status == RegistrationStatus.CONFIRMED
    assert taken(session, Meeting, meeting.id) == 1
    assert taken(session, Workshop, meeting.rounds[0].workshops[0].id) == 1
    assert kinds(session, registration) == ["registration_confirmed"]


def test_full_meeting_waitlists_without_taking_places(session, make_meeting):
    meeting = make_meeting(session, capacity=1, rounds=((5,),))
    services.sign_up(session, meeting, signup_data(meeting, "first@school.nl"))
    second, _ = services.sign_up(session, meeting, signup_data(meeting, "second@school.nl"))
    assert second.status == RegistrationStatus.WAITLISTED
    assert second.waitlisted_at is not None
    assert taken(session, Meeting, meeting.id) == 1
    assert taken(session, Workshop, meeting.rounds[0].workshops[0].id) == 1
    assert kinds(session, second) == ["registration_waitlisted"]


def test_full_workshop_waitlists_and_releases_the_seat(session, make_meeting):
    meeting = make_meeting(session, capacity=10, rounds=((1, 5),))
    services.sign_up(session, meeting, signup_data(meeting, "a@school.nl", [0]))
    waiting, _ = services.sign_up(session, meeting, signup_data(meeting, "b@school.nl", [0]))
    assert waiting.status == RegistrationStatus.WAITLISTED
    # The seat taken before the full workshop was found is given back (savepoint rollback).
    assert taken(session, Meeting, meeting.id) == 1
    other, _ = services.sign_up(session, meeting, signup_data(meeting, "c@school.nl", [1]))
    assert other.status == RegistrationStatus.CONFIRMED


def test_double_submit_returns_the_same_registration(session, make_meeting):
    meeting = make_meeting(session)
    first, created = services.sign_up(session, meeting, signup_data(meeting, "A@X.nl "))
    again, created_again = services.sign_up(session, meeting, signup_data(meeting, "a@x.NL"))
    assert created and not created_again
    assert again.id == first.id
    assert taken(session, Meeting, meeting.id) == 1
    assert session.scalar(sa.select(sa.func.count(Registration.id))) == 1
    assert session.scalar(sa.select(sa.func.count(OutboxMessage.id))) == 1


def test_database_refuses_a_second_active_registration(session, make_meeting):
    meeting = make_meeting(session)
    services.sign_up(session, meeting, signup_data(meeting, "a@x.nl"))
    duplicate = Registration(
        meeting_id=meeting.id, name="x", email="a@x.nl", email_normalized="a@x.nl", organisation="x",
        role="vmbo", status=RegistrationStatus.WAITLISTED, waitlisted_at=utcnow(),
    )
    session.add(duplicate)
    with pytest.raises(sa.exc.IntegrityError, match="(?i)unique"):  # the index refuses it, not another check
        session.commit()
    session.rollback()


def test_database_refuses_overbooking(session, make_meeting):
    meeting = make_meeting(session, capacity=1)
    with pytest.raises(sa.exc.IntegrityError):
        session.execute(sa.update(Meeting).where(Meeting.id == meeting.id).values(taken=2))
        session.commit()
    session.rollback()


def test_database_refuses_a_full_workshop_and_two_workshops_in_one_round(race_app, make_meeting):
    """The last line of defence, on both databases: even a write that skips the rules cannot break these."""
    from sto_events.core.extensions import db
    from sto_events.registrations.models import WorkshopChoice

    with race_app.app_context():
        session = db.session
        meeting = make_meeting(session, capacity=10, rounds=((1, 5),))
        registration, _ = services.sign_up(session, meeting, signup_data(meeting, "one@x.nl", [0]))
        first, second = meeting.rounds[0].workshops
        with pytest.raises(sa.exc.IntegrityError):
            session.execute(sa.update(Workshop).where(Workshop.id == first.id).values(taken=2))
            session.flush()
        session.rollback()
        with pytest.raises(sa.exc.IntegrityError):
            session.add(WorkshopChoice(registration_id=registration.id, round_id=meeting.rounds[0].id,
                                       workshop_id=second.id))
            session.flush()
        session.rollback()
        assert [c.workshop_id for c in session.get(Registration, registration.id).choices] == [first.id]


def test_cancel_promotes_first_waiting_person_who_fits(session, make_meeting):
    meeting = make_meeting(session, capacity=2, rounds=((1, 5),))
    holder, _ = services.sign_up(session, meeting, signup_data(meeting, "holder@x.nl", [0]))
    services.sign_up(session, meeting, signup_data(meeting, "other@x.nl", [1]))
    first_waiting, _ = services.sign_up(session, meeting, signup_data(meeting, "w1@x.nl", [1]))
    second_waiting, _ = services.sign_up(session, meeting, signup_data(meeting, "w2@x.nl", [0]))
    assert first_waiting.status == second_waiting.status == RegistrationStatus.WAITLISTED

    assert services.cancel(session, holder)
    session.expire_all()
    assert holder.status == RegistrationStatus.CANCELLED
    # The meeting seat went to the oldest waiting person; workshop 1B still had room for them.
    assert first_waiting.status == RegistrationStatus.CONFIRMED
    assert second_waiting.status == RegistrationStatus.WAITLISTED
    assert taken(session, Meeting, meeting.id) == 2
    assert kinds(session, first_waiting) == ["registration_waitlisted", "registration_promoted"]
    assert kinds(session, holder)[-1] == "registration_cancelled"


def test_cancel_skips_waiting_person_whose_workshop_is_still_full(session, make_meeting):
    meeting = make_meeting(session, capacity=3, rounds=((1, 5),))
    services.sign_up(session, meeting, signup_data(meeting, "a@x.nl", [0]))
    leaving, _ = services.sign_up(session, meeting, signup_data(meeting, "b@x.nl", [1]))
    wants_full, _ = services.sign_up(session, meeting, signup_data(meeting, "c@x.nl", [0]))
    assert wants_full.status == RegistrationStatus.WAITLISTED
    services.cancel(session, leaving)
    session.expire_all()
    assert wants_full.status == RegistrationStatus.WAITLISTED
    assert taken(session, Meeting, meeting.id) == 1


def test_cancel_twice_is_harmless(session, make_meeting):
    meeting = make_meeting(session)
    registration, _ = services.sign_up(session, meeting, signup_data(meeting, "a@x.nl"))
    assert services.cancel(session, registration) is True
    assert services.cancel(session, registration) is False
    assert taken(session, Meeting, meeting.id) == 0
    assert kinds(session, registration).count("registration_cancelled") == 1


def test_sign_up_again_after_cancelling(session, make_meeting):
    meeting = make_meeting(session)
    first, _ = services.sign_up(session, meeting, signup_data(meeting, "a@x.nl"))
    services.cancel(session, first)
    second, created = services.sign_up(session, meeting, signup_data(meeting, "a@x.nl"))
    assert created and second.id != first.id
    assert second.status == RegistrationStatus.CONFIRMED


def test_change_workshop_moves_the_place_and_raises_sequence(session, make_meeting):
    meeting = make_meeting(session, rounds=((5, 5),))
    registration, _ = services.sign_up(session, meeting, signup_data(meeting, "a@x.nl", [0]))
    a, b = meeting.rounds[0].workshops
    assert services.change_workshops(session, registration, {meeting.rounds[0].id: b.id})
    assert (taken(session, Workshop, a.id), taken(session, Workshop, b.id)) == (0, 1)
    assert registration.sequence == 1
    assert registration.choices[0].workshop_id == b.id
    assert kinds(session, registration) == ["registration_confirmed", "registration_changed"]
    assert services.change_workshops(session, registration, {meeting.rounds[0].id: b.id}) is False


def test_change_to_full_workshop_is_refused_and_changes_nothing(session, make_meeting):
    meeting = make_meeting(session, rounds=((5, 1),))
    a, b = meeting.rounds[0].workshops
    services.sign_up(session, meeting, signup_data(meeting, "b@x.nl", [1]))
    registration, _ = services.sign_up(session, meeting, signup_data(meeting, "a@x.nl", [0]))
    with pytest.raises(services.RegistrationError) as error:
        services.change_workshops(session, registration, {meeting.rounds[0].id: b.id})
    assert error.value.code == "workshop_full"
    session.expire_all()
    assert registration.choices[0].workshop_id == a.id
    assert (taken(session, Workshop, a.id), taken(session, Workshop, b.id)) == (1, 1)
    assert registration.sequence == 0


def test_change_frees_a_place_and_promotes_the_waiting_person(session, make_meeting):
    meeting = make_meeting(session, capacity=10, rounds=((1, 5),))
    mover, _ = services.sign_up(session, meeting, signup_data(meeting, "mover@x.nl", [0]))
    waiting, _ = services.sign_up(session, meeting, signup_data(meeting, "waiting@x.nl", [0]))
    assert waiting.status == RegistrationStatus.WAITLISTED
    services.change_workshops(session, mover, {meeting.rounds[0].id: meeting.rounds[0].workshops[1].id})
    session.expire_all()
    assert waiting.status == RegistrationStatus.CONFIRMED
    assert kinds(session, waiting)[-1] == "registration_promoted"


def test_choice_from_another_meeting_or_missing_round_is_refused(session, make_meeting):
    meeting = make_meeting(session, rounds=((5,), (5,)))
    other = make_meeting(session, rounds=((5,),))
    data = signup_data(meeting, "a@x.nl", [0, 0])
    data.workshops[meeting.rounds[1].id] = other.rounds[0].workshops[0].id
    with pytest.raises(services.RegistrationError):
        services.sign_up(session, meeting, data)
    data.workshops.pop(meeting.rounds[1].id)
    with pytest.raises(services.RegistrationError):
        services.sign_up(session, meeting, data)
    assert session.scalar(sa.select(sa.func.count(Registration.id))) == 0


def test_closed_meeting_refuses_sign_up(session, make_meeting):
    meeting = make_meeting(session, status=MeetingStatus.CANCELLED)
    with pytest.raises(services.RegistrationError) as error:
        services.sign_up(session, meeting, signup_data(meeting, "a@x.nl"))
    assert error.value.code == "closed"


def test_names_are_cleaned_of_line_breaks(session, make_meeting):
    meeting = make_meeting(session)
    registration, _ = services.sign_up(
        session, meeting, signup_data(meeting, "a@x.nl", name="Evil\r\nBcc: victim@x.nl", organisation="Org\x0b")
    )
    assert registration.name == "Evil Bcc: victim@x.nl"
    assert registration.organisation == "Org"
    assert services.clean_line("\u200b\u202e Ab\u200dc \u2066") == "Ab\u200dc"  # hidden ends go, the inside stays
