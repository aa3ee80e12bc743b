"""Meetings know nothing of registrations: moving, cancelling or growing a meeting reaches its registrants through
the signals of `meetings.signals`, answered by `registrations.effects` in the same transaction."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from sto_events.core.extensions import db
from sto_events.meetings import planning, signals
from sto_events.meetings.models import Meeting, Workshop
from sto_events.notifications.models import OutboxMessage
from sto_events.registrations import effects, services
from sto_events.registrations.models import Registration, RegistrationStatus
from tests.conftest import attachment, deliver_outbox
from tests.registrations.helpers import signup_data


def data_of(meeting: Meeting, **changes) -> planning.MeetingData:
    values = {"title": meeting.title, "city": meeting.city, "venue": meeting.venue, "starts_at": meeting.starts_at,
              "ends_at": meeting.ends_at, "capacity": meeting.capacity, "address": meeting.address or "",
              "description": meeting.description, "theme_ids": [t.id for t in meeting.themes]}
    values.update(changes)
    return planning.MeetingData(**values)


def sign_up(meeting, *emails):
    return [services.sign_up(db.session, meeting, signup_data(meeting, email))[0].id for email in emails]


def mails(kind: str) -> list[str]:
    return sorted(db.session.scalars(sa.select(OutboxMessage.recipient).where(OutboxMessage.kind == kind)))


def statuses(ids) -> list[RegistrationStatus]:
    db.session.expire_all()
    return [db.session.get(Registration, i).status for i in ids]


class Heard:
    """A second receiver beside registrations': what the signal carried."""

    def __init__(self):
        self.calls = []

    def __call__(self, sender, **kwargs):
        self.calls.append((sender, kwargs))


def test_moving_a_meeting_sends_the_signal_and_every_registrant_gets_the_new_invitation(mail_app, smtp,
                                                                                        make_meeting):
    with mail_app.app_context():
        meeting = make_meeting(db.session, capacity=1)
        confirmed, waiting = sign_up(meeting, "ada@school.nl", "bob@school.nl")
        assert statuses([confirmed, waiting]) == [RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED]
        sequence = db.session.get(Registration, confirmed).sequence
        heard = Heard()
        later = timedelta(hours=1)
        with signals.meeting_moved.connected_to(heard):
            told = planning.update_meeting(db.session, meeting, data_of(
                meeting, starts_at=meeting.starts_at + later, ends_at=meeting.ends_at + later), None, confirmed=True)
        assert told is True
        assert [sender.id for sender, _ in heard.calls] == [meeting.id]
        assert heard.calls[0][1]["changes"][0][0] == "when"
        assert mails("meeting_changed") == ["ada@school.nl", "bob@school.nl"]
        assert db.session.get(Registration, confirmed).sequence == sequence + 1
    assert deliver_outbox(mail_app) >= 2
    invitation = attachment(smtp.inbox.to("ada@school.nl")[-1])
    assert invitation is not None and "METHOD:REQUEST" in invitation.get_payload(decode=True).decode()
    assert smtp.inbox.to("bob@school.nl")


def test_without_the_registrations_receiver_a_move_reaches_nobody(app, make_meeting):
    """The mails come from the receiver, not from meetings: disconnected, the same move queues nothing."""
    with app.app_context():
        meeting = make_meeting(db.session)
        sign_up(meeting, "ada@school.nl")
        signals.meeting_moved.disconnect(effects.tell_meeting_moved)
        try:
            planning.update_meeting(db.session, meeting, data_of(meeting, venue="Andere zaal"), None, confirmed=True)
        finally:
            signals.meeting_moved.connect(effects.tell_meeting_moved)
        assert mails("meeting_changed") == []
        assert db.session.get(Meeting, meeting.id).venue == "Andere zaal"


def test_cancelling_a_meeting_ends_every_registration_and_queues_their_mails(app, make_meeting):
    with app.app_context():
        meeting = make_meeting(db.session, capacity=1)
        ids = sign_up(meeting, "ada@school.nl", "bob@school.nl")
        count = planning.cancel_meeting(db.session, meeting, None, "De zaal is niet beschikbaar.")
        assert count == 2
        assert statuses(ids) == [RegistrationStatus.CANCELLED, RegistrationStatus.CANCELLED]
        assert mails("meeting_cancelled") == ["ada@school.nl", "bob@school.nl"]
        cancelled = db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.kind == "meeting_cancelled"))
        assert {m.ics_method for m in cancelled} == {"CANCEL", None}  # a CANCEL only for who held a seat
        assert db.session.get(Meeting, meeting.id).taken == 0


def test_more_places_in_a_meeting_promote_the_waiting_list(app, make_meeting):
    with app.app_context():
        meeting = make_meeting(db.session, capacity=1)
        first, second, third = sign_up(meeting, "ada@school.nl", "bob@school.nl", "cas@school.nl")
        assert statuses([second, third]) == [RegistrationStatus.WAITLISTED] * 2
        planning.update_meeting(db.session, meeting, data_of(meeting, capacity=2), None)
        assert statuses([first, second, third]) == [RegistrationStatus.CONFIRMED, RegistrationStatus.CONFIRMED,
                                                     RegistrationStatus.WAITLISTED]  # first come, first in
        assert mails("registration_promoted") == ["bob@school.nl"]


def test_more_places_in_a_workshop_promote_the_waiting_list(app, make_meeting):
    with app.app_context():
        meeting = make_meeting(db.session, capacity=10, rounds=((1,),))
        first, second = sign_up(meeting, "ada@school.nl", "bob@school.nl")
        assert statuses([second]) == [RegistrationStatus.WAITLISTED]
        workshop = db.session.scalar(sa.select(Workshop).where(Workshop.round_id == meeting.rounds[0].id))
        planning.update_workshop(db.session, workshop, planning.WorkshopData(title=workshop.title, capacity=2), None)
        assert statuses([first, second]) == [RegistrationStatus.CONFIRMED] * 2
        assert mails("registration_promoted") == ["bob@school.nl"]


def test_a_chosen_round_or_workshop_cannot_be_removed(app, make_meeting):
    with app.app_context():
        meeting = make_meeting(db.session)
        sign_up(meeting, "ada@school.nl")
        workshop_round = meeting.rounds[0]
        chosen, free = workshop_round.workshops
        with pytest.raises(planning.PlanningError) as refused:
            planning.delete_workshop(db.session, chosen, None)
        assert refused.value.code == "workshop_in_use"
        with pytest.raises(planning.PlanningError) as refused:
            planning.delete_round(db.session, workshop_round, None)
        assert refused.value.code == "round_in_use"
        planning.delete_workshop(db.session, free, None)
        assert db.session.get(Workshop, free.id) is None


def test_the_effects_commit_or_roll_back_with_the_change(app, make_meeting):
    """Signals are synchronous: when the change fails after the receivers ran, their effects are gone too."""
    with app.app_context():
        meeting = make_meeting(db.session)
        meeting_id = meeting.id
        (registration_id,) = sign_up(meeting, "ada@school.nl")

        def fail(sender, **kwargs):
            raise RuntimeError("a later receiver fails")

        with signals.meeting_cancelled.connected_to(fail), pytest.raises(RuntimeError):
            planning.cancel_meeting(db.session, meeting, None, "Afgelast")
        db.session.rollback()
        assert statuses([registration_id]) == [RegistrationStatus.CONFIRMED]
        assert mails("meeting_cancelled") == []
        assert db.session.get(Meeting, meeting_id).status != "cancelled"
