"""Organiser operations on registrations: find, move, cancel on someone's behalf, admit, check in, mail.

Each takes the acting organiser, writes an audit entry and flushes: the route commits the change and its audit
entry once (core.transaction.unit_of_work).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from ..audit import services as audit
from ..core.paging import Window
from ..core.timeutil import local, utcnow
from ..meetings.models import Meeting, Workshop
from . import mails, services
from .models import Mailing, Registration, RegistrationStatus, WorkshopChoice

STATUSES = {s.value for s in RegistrationStatus}


#: Attendee list order: the people who come, then the waiting list, then who cancelled.
_STATUS_ORDER = {RegistrationStatus.CONFIRMED: 0, RegistrationStatus.WAITLISTED: 1, RegistrationStatus.CANCELLED: 2}
PAGE_SIZE = 50


def name_key(name: str) -> tuple:
    """Sort names as people read them: accents and case aside, and numbers by value ("Rush 2" before "Rush 13")."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", name or "") if not unicodedata.combining(c)).casefold()
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part)
                 for part in re.split(r"(\d+)", plain.strip()) if part)


def waitlist_positions(session: Session, meeting_id: int) -> dict[int, int]:
    """Registration id → place on the meeting's waiting list (1 is the next to be let in)."""
    ids = session.scalars(
        sa.select(Registration.id)
        .where(Registration.meeting_id == meeting_id, Registration.status == RegistrationStatus.WAITLISTED)
        .order_by(Registration.waitlisted_at, Registration.id)
    )
    return {registration_id: position for position, registration_id in enumerate(ids, start=1)}


@dataclass
class AttendeePage:
    registrations: list[Registration]
    #: Registration id → waiting-list position, for the wait-listed people on this page.
    positions: dict[int, int]
    window: Window


def _filtered(statement, meeting_id: int, query: str, status: str, workshop_id: int | None):
    statement = statement.where(Registration.meeting_id == meeting_id)
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
    return statement


def attendee_page(session: Session, meeting_id: int, query: str = "", status: str = "",
                  workshop_id: int | None = None, page: int = 1, per_page: int = PAGE_SIZE) -> AttendeePage:
    """One page of the attendee list: confirmed by name, then the waiting list by position, then cancelled.

    Only ids, names and statuses of every match are read to sort; whole rows only for the page shown.
    """
    keys = session.execute(
        _filtered(sa.select(Registration.id, Registration.status, Registration.name), meeting_id, query, status,
                  workshop_id)
    ).all()
    positions = waitlist_positions(session, meeting_id)
    keys.sort(key=lambda row: (_STATUS_ORDER.get(row.status, 3), positions.get(row.id, 0), name_key(row.name),
                               row.id))
    window = Window.of(len(keys), page, per_page)
    ids = [row.id for row in keys[window.start:window.stop]]
    rows = {r.id: r for r in session.scalars(
        sa.select(Registration).where(Registration.id.in_(ids))
        .options(selectinload(Registration.choices).selectinload(WorkshopChoice.workshop))
    )} if ids else {}
    return AttendeePage([rows[i] for i in ids], {i: positions[i] for i in ids if i in positions}, window)


def search(session: Session, meeting_id: int, query: str = "", status: str = "", workshop_id: int | None = None):
    """A meeting's registrations matching a name/e-mail/organisation fragment, a status and a workshop,
    in the attendee list's order (all of them, for the check-in desk)."""
    found = list(session.scalars(
        _filtered(sa.select(Registration), meeting_id, query, status, workshop_id)
        .options(selectinload(Registration.choices).selectinload(WorkshopChoice.workshop))
    ))
    found.sort(key=lambda r: (_STATUS_ORDER.get(r.status, 3),
                              r.waitlisted_at.timestamp() if r.waitlisted_at else 0, name_key(r.name), r.id))
    return found


def move(session: Session, registration: Registration, round_id: int, workshop_id: int, actor) -> bool:
    """Put someone in another workshop of a round, under the usual capacity rules."""
    old = next((c.workshop_id for c in registration.choices if c.round_id == round_id), None)
    changed = services.change_workshops(session, registration, {round_id: workshop_id}, every_round=False)
    if changed:
        audit.record(session, actor, "registration.move", registration,
                     f"{registration.email}: workshop {old} → {workshop_id}")
        session.flush()
    return changed


def cancel(session: Session, registration: Registration, actor) -> bool:
    """Cancel on the person's behalf; they get the usual cancellation mail."""
    cancelled = services.cancel(session, registration)
    if cancelled:
        audit.record(session, actor, "registration.cancel", registration, registration.email)
        session.flush()
    return cancelled


def set_region(session: Session, registration: Registration, region_id: int | None, actor) -> bool:
    """Correct the directory region of someone's registration (the dashboard counts it there); audited."""
    old = registration.region_id
    changed = services.update_region(session, registration, region_id)
    if changed:
        audit.record(session, actor, "registration.region", registration,
                     f"{registration.email}: region {old} → {registration.region_id}")
    return changed


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
    mails.registration_promoted(session, registration)
    audit.record(session, actor, "registration.admit", registration,
                 "; ".join([registration.email, *raised]))
    session.flush()


def is_meeting_day(meeting: Meeting, now=None) -> bool:
    """Whether today (in Amsterdam) is the day the meeting starts."""
    return local(now or utcnow()).date() == local(meeting.starts_at).date()


def set_checked_in(session: Session, registration: Registration, checked_in: bool, actor,
                   other_day_confirmed: bool = False) -> None:
    """Mark a confirmed person as present (or undo it); doing it twice changes nothing.

    Only a confirmed person can be checked in (the error says why not: wait-listed or cancelled); on any other day
    than the meeting's, only after the organiser confirmed it.
    """
    if registration.status != RegistrationStatus.CONFIRMED:
        raise services.RegistrationError(
            "check_in_waitlisted" if registration.status == RegistrationStatus.WAITLISTED else "check_in_cancelled")
    if checked_in == (registration.checked_in_at is not None):
        return
    if checked_in and not other_day_confirmed and not is_meeting_day(registration.meeting):
        raise services.RegistrationError("check_in_other_day")
    registration.checked_in_at = utcnow() if checked_in else None
    audit.record(session, actor, "registration.check_in" if checked_in else "registration.check_in_undo",
                 registration, registration.email)
    session.flush()


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
        mails.attendee_mailing(session, registration, mailing)
    audit.record(session, actor, "meeting.mail", meeting, f"{audience}: {subject} ({len(recipients)})")
    session.flush()
    return mailing


def mailings(session: Session, meeting_id: int) -> list[Mailing]:
    return list(session.scalars(sa.select(Mailing).where(Mailing.meeting_id == meeting_id)
                                .order_by(Mailing.id.desc())))
