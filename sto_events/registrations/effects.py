"""What happens to registrations when a meeting changes: answers to the signals of `meetings.signals`.

Imported once by `create_app`; each receiver runs in the transaction of the change that sent it, and flushes.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from ..core.timeutil import utcnow
from ..meetings import signals
from ..meetings.models import Meeting, Workshop, WorkshopRound
from . import mails
from .models import Registration, RegistrationStatus, WorkshopChoice
from .services import promote_waitlist


def active_registrations(session: Session, meeting_id: int) -> list[Registration]:
    """With their workshop choices loaded up front: each one gets a mail that lists them (no query per person)."""
    return list(
        session.scalars(
            sa.select(Registration)
            .where(Registration.meeting_id == meeting_id, Registration.status != RegistrationStatus.CANCELLED)
            .order_by(Registration.id)
            .options(selectinload(Registration.choices).selectinload(WorkshopChoice.workshop),
                     selectinload(Registration.choices).selectinload(WorkshopChoice.round))
        )
    )


@signals.meeting_moved.connect
def tell_meeting_moved(meeting: Meeting, *, session: Session, changes) -> int:
    """Confirmed people get an updated invitation (a higher SEQUENCE), waiting people a note."""
    registrations = active_registrations(session, meeting.id)
    for registration in registrations:
        if registration.status == RegistrationStatus.CONFIRMED:
            registration.sequence += 1
        mails.meeting_changed(session, registration, changes)
    return len(registrations)


@signals.meeting_cancelled.connect
def cancel_registrations(meeting: Meeting, *, session: Session, reason: str) -> int:
    """Every registration ends: confirmed people get a CANCEL, waiting people a note, both with the reason."""
    registrations = active_registrations(session, meeting.id)
    for registration in registrations:
        held_seat = registration.status == RegistrationStatus.CONFIRMED
        registration.status = RegistrationStatus.CANCELLED
        registration.cancelled_at = utcnow()
        registration.waitlisted_at = None
        registration.sequence += 1
        mails.meeting_cancelled(session, registration, held_seat, reason)
    session.flush()
    return len(registrations)


@signals.places_added.connect
def admit_waiting(meeting: Meeting, *, session: Session) -> int:
    """More places: promote waiting people, oldest first, for as long as someone fits."""
    return len(promote_waitlist(session, meeting.id))


def _has_choices(session: Session, column, value) -> bool:
    return bool(session.scalar(sa.select(sa.func.count(WorkshopChoice.id)).where(column == value)))


@signals.round_in_use.connect
def round_chosen(workshop_round: WorkshopRound, *, session: Session) -> bool:
    return _has_choices(session, WorkshopChoice.round_id, workshop_round.id)


@signals.workshop_in_use.connect
def workshop_chosen(workshop: Workshop, *, session: Session) -> bool:
    return _has_choices(session, WorkshopChoice.workshop_id, workshop.id)
