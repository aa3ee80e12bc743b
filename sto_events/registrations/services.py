"""The rules of signing up: seats, workshop places, waiting list, changes and cancellation.

Every service takes a session, applies one rule, queues its mails in the same transaction, and ends at a commit
point: a flush inside the caller's unit of work (core.transaction), a commit when called on its own.
Seats are taken only by conditional UPDATEs (`taken = taken + 1 WHERE taken < capacity`), so the check and
the take cannot race; a savepoint undoes a partial take when one of the places is full.
"""

from __future__ import annotations

import hashlib
import hmac
import unicodedata
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from ..core.rules import RuleError
from ..core.timeutil import utcnow
from ..core.transaction import commit_point
from ..meetings.models import Meeting, Workshop
from ..regions import services as regions
from . import mails
from .models import ParticipantRole, Registration, RegistrationStatus, WorkshopChoice


class RegistrationError(RuleError):
    """A registration rule refused the request; registrations/wording.py words its code."""


@dataclass
class SignUp:
    """What a person entered on the sign-up form, already validated for shape by the form."""

    name: str
    email: str
    organisation: str
    role: ParticipantRole
    #: The region as text (the old form's field; new sign-ups choose `region_id` from the directory).
    region: str = ""
    region_id: int | None = None
    questions: str = ""
    share_with_participants: bool = False
    locale: str = "nl"
    #: The random key the signing-up browser holds in its session (empty when unknown).
    browser_key: str = ""
    #: round id -> workshop id
    workshops: dict[int, int] = field(default_factory=dict)


def normalize_email(email: str) -> str:
    return email.strip().lower()


def clean_line(value: str) -> str:
    """Single-line text: no line breaks or other control characters, so it cannot break a mail header or .ics.

    Format characters inside the text stay as typed: the joiner in an emoji such as 👩‍🔧, direction marks in a
    name. At either end, where they only hide what follows or precedes, they go."""
    text = " ".join(
        "".join(ch if ch.isprintable() or unicodedata.category(ch) == "Cf" else " " for ch in value).split()
    )
    while text and unicodedata.category(text[0]) == "Cf":
        text = text[1:].lstrip()
    while text and unicodedata.category(text[-1]) == "Cf":
        text = text[:-1].rstrip()
    return text


def _browser_hash(browser_key: str) -> str | None:
    return hashlib.sha256(browser_key.encode()).hexdigest() if browser_key else None


def same_browser(registration: Registration, browser_key: str) -> bool:
    """Whether this submit comes from the browser that made the registration (sent twice, or ten times at once)."""
    expected = _browser_hash(browser_key)
    return expected is not None and hmac.compare_digest(registration.browser_hash or "", expected)


def find_active(session: Session, meeting_id: int, email: str) -> Registration | None:
    return session.scalar(
        sa.select(Registration).where(
            Registration.meeting_id == meeting_id,
            Registration.email_normalized == normalize_email(email),
            Registration.status != RegistrationStatus.CANCELLED,
        )
    )


def get_by_public_id(session: Session, public_id: str) -> Registration | None:
    return session.scalar(
        sa.select(Registration)
        .where(Registration.public_id == public_id)
        .options(selectinload(Registration.choices).selectinload(WorkshopChoice.workshop))
    )


def _check_choices(meeting: Meeting, workshops: dict[int, int], every_round: bool = True) -> dict[int, int]:
    """One workshop in every round of this meeting (or in the rounds given), and only workshops of that round."""
    valid = {}
    for round_ in meeting.rounds:
        if not round_.workshops or (not every_round and round_.id not in workshops):
            continue
        chosen = workshops.get(round_.id)
        if chosen not in {w.id for w in round_.workshops}:
            raise RegistrationError("choose_workshop", round_id=round_.id)
        valid[round_.id] = chosen
    return valid


def _take_one(session: Session, model, row_id: int) -> bool:
    """Take one place by a conditional UPDATE: the check and the take are one statement, so they cannot race."""
    result = session.execute(
        sa.update(model)
        .where(model.id == row_id, model.taken < model.capacity)
        .values(taken=model.taken + 1)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def _release_one(session: Session, model, row_id: int) -> None:
    session.execute(
        sa.update(model)
        .where(model.id == row_id, model.taken > 0)
        .values(taken=model.taken - 1)
        .execution_options(synchronize_session=False)
    )


def take_places(session: Session, meeting_id: int, workshop_ids: list[int]) -> bool:
    """Take a seat and every workshop place, or nothing at all."""
    savepoint = session.begin_nested()
    if _take_one(session, Meeting, meeting_id) and all(_take_one(session, Workshop, w) for w in workshop_ids):
        savepoint.commit()
        return True
    savepoint.rollback()
    return False


def release_places(session: Session, registration: Registration) -> None:
    _release_one(session, Meeting, registration.meeting_id)
    for choice in registration.choices:
        _release_one(session, Workshop, choice.workshop_id)


def lock_meeting(session: Session, meeting_id: int) -> None:
    """Serialise the changes to one meeting's places (PostgreSQL row lock; SQLite already holds the write lock).

    Without it a sign-up that finds the meeting full could commit its waiting-list row just after a
    cancellation looked for someone to promote, leaving a seat empty while the newcomer waits.
    """
    session.execute(sa.select(Meeting.id).where(Meeting.id == meeting_id).with_for_update())


def _relock(session: Session, registration: Registration) -> Registration:
    """Lock the registration row and reload it and its choices: another request may have changed them."""
    session.scalar(
        sa.select(Registration)
        .where(Registration.id == registration.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    session.expire(registration, ["choices"])
    return registration


def _set_status(session: Session, registration: Registration, **values) -> None:
    """Write a new status. The caller holds the meeting lock, so no other request changes this registration
    meanwhile (every change of a registration's status takes that lock first)."""
    session.execute(
        sa.update(Registration)
        .where(Registration.id == registration.id)
        .values(updated_at=utcnow(), **values)
        .execution_options(synchronize_session=False)
    )
    session.expire(registration)


def _existing_region(session: Session, region_id: int | None) -> int | None:
    """The region, if it still exists: one removed while the form was open is no reason to refuse a sign-up."""
    return region_id if region_id is not None and regions.exists(session, region_id) else None


def sign_up(session: Session, meeting: Meeting, data: SignUp) -> tuple[Registration, bool]:
    """Register a person: confirmed when a seat and each chosen workshop place are free, else wait-listed.

    Returns (registration, created). A second submit with the same e-mail returns the existing registration.
    """
    if not meeting.is_open:
        raise RegistrationError("closed")
    lock_meeting(session, meeting.id)
    existing = find_active(session, meeting.id, data.email)
    if existing is not None:
        commit_point(session)
        return existing, False
    workshops = _check_choices(meeting, data.workshops)
    registration = Registration(
        meeting_id=meeting.id,
        name=clean_line(data.name),
        email=data.email.strip(),
        email_normalized=normalize_email(data.email),
        organisation=clean_line(data.organisation),
        role=data.role,
        region=clean_line(data.region),
        region_id=_existing_region(session, data.region_id),
        questions=data.questions.strip(),
        share_with_participants=data.share_with_participants,
        locale=data.locale,
        browser_hash=_browser_hash(data.browser_key),
        status=RegistrationStatus.WAITLISTED,
        waitlisted_at=utcnow(),
        choices=[WorkshopChoice(round_id=r, workshop_id=w) for r, w in workshops.items()],
    )
    session.add(registration)
    # Two simultaneous submits queue for the meeting lock, so the second one finds the first with find_active
    # above; the unique index on active (meeting, e-mail) stays as the database's own guarantee.
    session.flush()
    if take_places(session, meeting.id, list(workshops.values())):
        registration.status = RegistrationStatus.CONFIRMED
        registration.waitlisted_at = None
        session.flush()
        mails.registration_confirmed(session, registration)
    else:
        mails.registration_waitlisted(session, registration, waitlist_position(session, registration))
    commit_point(session)
    return registration, True


def resend_link(session: Session, registration: Registration) -> None:
    """Mail the person their manage link again (someone signed up a second time with their address)."""
    mails.registration_link(session, registration)
    commit_point(session)


#: The order of the waiting list: first come, first promoted (the id breaks a tie in the timestamp).
WAITLIST_ORDER = (Registration.waitlisted_at, Registration.id)


def waitlist_position(session: Session, registration: Registration) -> int | None:
    """The person's place on the meeting's waiting list (1 = next in line), in the order promotion uses;
    None when they are not waiting."""
    if registration.status != RegistrationStatus.WAITLISTED or registration.waitlisted_at is None:
        return None
    ahead = sa.or_(
        Registration.waitlisted_at < registration.waitlisted_at,
        sa.and_(Registration.waitlisted_at == registration.waitlisted_at, Registration.id < registration.id),
    )
    return 1 + session.scalar(
        sa.select(sa.func.count(Registration.id)).where(
            Registration.meeting_id == registration.meeting_id,
            Registration.status == RegistrationStatus.WAITLISTED,
            ahead,
        )
    )


def promote_waitlist(session: Session, meeting_id: int) -> list[Registration]:
    """Promote wait-listed people, oldest first, for as long as someone fits; queue their mails."""
    promoted = []
    waiting = session.scalars(
        sa.select(Registration)
        .where(Registration.meeting_id == meeting_id, Registration.status == RegistrationStatus.WAITLISTED)
        .order_by(*WAITLIST_ORDER)
        .options(selectinload(Registration.choices))
    ).all()
    for candidate in waiting:
        seats_free = session.scalar(sa.select(Meeting.capacity - Meeting.taken).where(Meeting.id == meeting_id))
        if not seats_free:
            break
        if take_places(session, meeting_id, [c.workshop_id for c in candidate.choices]):
            _set_status(session, candidate, status=RegistrationStatus.CONFIRMED, waitlisted_at=None,
                        sequence=Registration.sequence + 1)
            promoted.append(candidate)
            mails.registration_promoted(session, candidate)
    return promoted


def cancel(session: Session, registration: Registration) -> bool:
    """Cancel a registration, free its places and promote whoever fits next. False if already cancelled."""
    lock_meeting(session, registration.meeting_id)
    old = _relock(session, registration).status
    if old == RegistrationStatus.CANCELLED:
        commit_point(session)
        return False
    _set_status(session, registration, status=RegistrationStatus.CANCELLED, cancelled_at=utcnow(),
                waitlisted_at=None, sequence=Registration.sequence + 1)
    held_seat = old == RegistrationStatus.CONFIRMED
    if held_seat:
        release_places(session, registration)
    mails.registration_cancelled(session, registration, held_seat)
    promote_waitlist(session, registration.meeting_id)
    commit_point(session)
    return True


def change_workshops(
    session: Session, registration: Registration, workshops: dict[int, int], every_round: bool = True
) -> bool:
    """Switch workshops under the same capacity rules; a full workshop refuses and changes nothing.

    `every_round=False` lets an organiser change one round (for instance one added after the sign-up).
    Returns False when nothing changed.
    """
    lock_meeting(session, registration.meeting_id)
    if _relock(session, registration).status == RegistrationStatus.CANCELLED:
        session.rollback()
        raise RegistrationError("cancelled")
    meeting = registration.meeting
    if not meeting.is_open:
        session.rollback()
        raise RegistrationError("closed")
    try:
        wanted = _check_choices(meeting, workshops, every_round)
    except RegistrationError:
        session.rollback()
        raise
    current = {c.round_id: c for c in registration.choices}
    changed = {r: w for r, w in wanted.items() if r not in current or current[r].workshop_id != w}
    if not changed:
        commit_point(session)
        return False
    if registration.status == RegistrationStatus.CONFIRMED:
        savepoint = session.begin_nested()
        for round_id, workshop_id in changed.items():
            if round_id in current:
                _release_one(session, Workshop, current[round_id].workshop_id)
            if not _take_one(session, Workshop, workshop_id):
                savepoint.rollback()
                session.rollback()
                raise RegistrationError("workshop_full", workshop_id=workshop_id)
        savepoint.commit()
    for round_id, workshop_id in changed.items():
        workshop = session.get(Workshop, workshop_id)
        if round_id in current:
            current[round_id].workshop = workshop
        else:
            registration.choices.append(WorkshopChoice(round_id=round_id, workshop=workshop))
    session.flush()
    session.execute(
        sa.update(Registration)
        .where(Registration.id == registration.id)
        .values(sequence=Registration.sequence + 1, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    session.expire(registration, ["sequence", "updated_at"])
    promoted = promote_waitlist(session, meeting.id)
    if registration not in promoted:
        mails.registration_changed(session, registration)
    commit_point(session)
    return True



def update_details(session: Session, registration: Registration, name: str, organisation: str) -> bool:
    """Correct the name and organisation of an active registration. Returns False when nothing changed.

    The calendar invitation names the person only as the attendee's display name (CN), which RFC 5545 does not
    count as a significant change, so SEQUENCE stays and no new invitation is mailed; the next download and any
    later invitation carry the new name."""
    _relock(session, registration)
    if registration.anonymised_at is not None:
        session.rollback()
        raise RegistrationError("erased")
    if registration.status == RegistrationStatus.CANCELLED:
        session.rollback()
        raise RegistrationError("cancelled")
    name, organisation = clean_line(name), clean_line(organisation)
    if (registration.name, registration.organisation) == (name, organisation):
        commit_point(session)
        return False
    registration.name = name
    registration.organisation = organisation
    registration.updated_at = utcnow()
    commit_point(session)
    return True


def update_region(session: Session, registration: Registration, region_id: int | None) -> bool:
    """Set (or clear) the directory region of a registration that still holds personal data. Returns False when
    nothing changed. Only statistics and lists use it: no mail, no new invitation."""
    if registration.anonymised_at is not None:
        raise RegistrationError("erased")
    region_id = _existing_region(session, region_id)
    if registration.region_id == region_id:
        return False
    registration.region_id = region_id
    registration.updated_at = utcnow()
    session.flush()
    return True
