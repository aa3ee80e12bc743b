"""Organiser operations on registrations: find, move, cancel on someone's behalf, admit, check in, mail.

Each takes the acting organiser, writes an audit entry and commits.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from ..audit import services as audit
from ..meetings.models import Meeting, Workshop
from ..notifications import messages
from ..notifications.models import Mailing
from ..timeutil import utcnow
from . import services
from .models import Registration, RegistrationStatus, WorkshopChoice

STATUSES = {s.value for s in RegistrationStatus}


def search(session: Session, meeting_id: int, query: str = "", status: str = "", workshop_id: int | None = None):
    """A meeting's registrations matching a name/e-mail/organisation fragment, a status and a workshop."""
    statement = (
        sa.select(Registration)
        .where(Registration.meeting_id == meeting_id)
        .options(selectinload(Registration.choices).selectinload(WorkshopChoice.workshop))
        .order_by(Registration.status, Registration.name)
    )
    if query:
        pattern = f"%{query.lower()}%"
        statement = statement.where(
            sa.or_(
                sa.func.lower(Registration.name).like(pattern),
                Registration.email_normalized.like(pattern),
                sa.func.lower(Registration.organisation).like(pattern),
            )
        )
    if status in STATUSES:
        statement = statement.where(Registration.status == status)
    if workshop_id is not None:
        chose = sa.select(WorkshopChoice.registration_id).where(WorkshopChoice.workshop_id == workshop_id)
        statement = statement.where(Registration.id.in_(chose))
    return list(session.scalars(statement))


def move(session: Session, registration: Registration, round_id: int, workshop_id: int, actor) -> bool:
    """Put someone in another workshop of a round, under the usual capacity rules."""
    old = next((c.workshop_id for c in registration.choices if c.round_id == round_id), None)
    changed = services.change_workshops(session, registration, {round_id: workshop_id}, every_round=False)
    if changed:
        audit.record(session, actor, "registration.move", registration,
                     f"{registration.email}: workshop {old} → {workshop_id}")
        session.commit()
    return changed


def cancel(session: Session, registration: Registration, actor) -> bool:
    """Cancel on the person's behalf; they get the usual cancellation mail."""
    cancelled = services.cancel(session, registration)
    if cancelled:
        audit.record(session, actor, "registration.cancel", registration, registration.email)
        session.commit()
    return cancelled


def admit(session: Session, registration: Registration, actor) -> None:
    """Let a wait-listed person in by hand, adding a place where the meeting or a workshop is full."""
    services.lock_meeting(session, registration.meeting_id)
    session.refresh(registration)
    if registration.status != RegistrationStatus.WAITLISTED:
        session.rollback()
        raise services.RegistrationError("not_waitlisted")
    raised = []
    meeting = session.get(Meeting, registration.meeting_id, populate_existing=True)
    if meeting.taken >= meeting.capacity:
        meeting.capacity += 1
        raised.append(f"meeting capacity → {meeting.capacity}")
    for choice in registration.choices:
        workshop = session.get(Workshop, choice.workshop_id, populate_existing=True)
        if workshop.taken >= workshop.capacity:
            workshop.capacity += 1
            raised.append(f"{workshop.title} capacity → {workshop.capacity}")
    session.flush()
    # The same conditional take as every sign-up; with the places just added (and the meeting locked) it fits.
    if not services.take_places(session, meeting.id, [c.workshop_id for c in registration.choices]):
        session.rollback()
        raise services.RegistrationError("workshop_full")
    registration.status = RegistrationStatus.CONFIRMED
    registration.waitlisted_at = None
    registration.sequence += 1
    session.flush()
    messages.registration_promoted(session, registration)
    audit.record(session, actor, "registration.admit", registration,
                 "; ".join([registration.email, *raised]))
    session.commit()


def set_checked_in(session: Session, registration: Registration, checked_in: bool, actor) -> None:
    """Mark a confirmed person as present (or undo it); doing it twice changes nothing."""
    if registration.status != RegistrationStatus.CONFIRMED:
        raise services.RegistrationError("not_confirmed")
    if checked_in == (registration.checked_in_at is not None):
        return
    registration.checked_in_at = utcnow() if checked_in else None
    audit.record(session, actor, "registration.check_in" if checked_in else "registration.check_in_undo",
                 registration, registration.email)
    session.commit()


AUDIENCES = ("all", "confirmed", "waitlisted")


def audience_registrations(session: Session, meeting_id: int, audience: str) -> list[Registration]:
    """Who a mailing goes to: all active registrations, confirmed only, wait-listed only, or one workshop's."""
    statement = sa.select(Registration).where(Registration.meeting_id == meeting_id)
    if audience == "confirmed":
        statement = statement.where(Registration.status == RegistrationStatus.CONFIRMED)
    elif audience == "waitlisted":
        statement = statement.where(Registration.status == RegistrationStatus.WAITLISTED)
    elif audience.startswith("workshop:") and audience[9:].isdigit():
        statement = statement.where(
            Registration.status == RegistrationStatus.CONFIRMED,
            Registration.id.in_(
                sa.select(WorkshopChoice.registration_id).where(WorkshopChoice.workshop_id == int(audience[9:]))
            ),
        )
    elif audience == "all":
        statement = statement.where(Registration.status != RegistrationStatus.CANCELLED)
    else:
        raise services.RegistrationError("bad_audience")
    return list(session.scalars(statement.order_by(Registration.name)))


def send_mailing(session: Session, meeting: Meeting, audience: str, subject: str, body: str, actor) -> Mailing:
    """Queue one mail per recipient through the outbox and keep the mailing as the log."""
    recipients = audience_registrations(session, meeting.id, audience)
    if not recipients:
        raise services.RegistrationError("no_recipients")
    mailing = Mailing(meeting_id=meeting.id, audience=audience, subject=subject, body=body,
                      sent_by_id=actor.id, sent_by_email=actor.email, recipient_count=len(recipients))
    session.add(mailing)
    session.flush()
    for registration in recipients:
        messages.attendee_mailing(session, registration, mailing)
    audit.record(session, actor, "meeting.mail", meeting, f"{audience}: {subject} ({len(recipients)})")
    session.commit()
    return mailing


def mailings(session: Session, meeting_id: int) -> list[Mailing]:
    return list(session.scalars(sa.select(Mailing).where(Mailing.meeting_id == meeting_id)
                                .order_by(Mailing.id.desc())))
