"""Organiser operations on meetings, rounds and workshops.

Every function takes the acting organiser, writes an audit entry, tells the layers above what changed (through
`signals`: registrations promote waiting people and queue their mails in the same transaction), and ends at a
commit point (core.transaction): a flush inside the caller's unit of work, else a commit.
Capacity can never drop below the places already taken: the rule is checked here and backed by the CHECK
constraints, which also catch a sign-up that slips in between.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..audit import services as audit
from ..core.rules import RuleError
from ..core.timeutil import utcnow
from ..core.transaction import commit_point
from . import signals
from .models import Meeting, MeetingStatus, Theme, Workshop, WorkshopRound
from .services import lock_meeting


class PlanningError(RuleError):
    """A planning rule refused the change; meetings/wording.py words its code."""


@dataclass
class MeetingData:
    title: str
    city: str
    venue: str
    starts_at: datetime
    ends_at: datetime
    capacity: int
    address: str = ""
    description: str = ""
    theme_ids: list[int] = field(default_factory=list)


#: Changing one of these on a published meeting sends everyone an updated invitation.
MOVING_FIELDS = ("starts_at", "ends_at", "venue", "address", "city")
#: Changing one of these raises the SEQUENCE of the meeting's published calendar files.
CALENDAR_FIELDS = (*MOVING_FIELDS, "title")


def slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:80] or "bijeenkomst"


def _unique_slug(session: Session, title: str, day: datetime) -> str:
    base = f"{slugify(title)}-{day.date().isoformat()}"
    slug, n = base, 1
    while session.scalar(sa.select(Meeting.id).where(Meeting.slug == slug)):
        n += 1
        slug = f"{base}-{n}"
    return slug


def _check_times(starts_at: datetime, ends_at: datetime) -> None:
    if ends_at <= starts_at:
        raise PlanningError("ends_before_start")


def _check_round(meeting: Meeting, starts_at: datetime, ends_at: datetime, this: WorkshopRound | None = None) -> None:
    """A round lies within its meeting and beside the other rounds: nobody can be in two workshops at once."""
    _check_times(starts_at, ends_at)
    if meeting.status == MeetingStatus.CANCELLED:
        raise PlanningError("already_cancelled")
    if starts_at < meeting.starts_at or ends_at > meeting.ends_at:
        raise PlanningError("round_outside_meeting")
    for other in meeting.rounds:
        if other is not this and starts_at < other.ends_at and other.starts_at < ends_at:
            raise PlanningError("rounds_overlap", other=other.title)


def _snapshot(meeting: Meeting) -> dict:
    return {
        "title": meeting.title, "city": meeting.city, "venue": meeting.venue, "address": meeting.address,
        "starts_at": meeting.starts_at, "ends_at": meeting.ends_at, "capacity": meeting.capacity,
        "description": meeting.description, "themes": sorted(t.id for t in meeting.themes),
    }


def _commit_capacity(session: Session, what: str, taken: int) -> None:
    """Commit (a flush inside a unit of work); a concurrent sign-up that pushed `taken` over the new capacity trips
    the CHECK constraint."""
    try:
        commit_point(session)
    except IntegrityError as exc:
        session.rollback()
        raise PlanningError(what, taken=taken) from exc


def create_meeting(session: Session, data: MeetingData, actor) -> Meeting:
    """A new meeting, as a draft that participants cannot see yet."""
    _check_times(data.starts_at, data.ends_at)
    meeting = Meeting(
        slug=_unique_slug(session, data.title, data.starts_at),
        title=data.title, city=data.city, venue=data.venue, address=data.address, description=data.description,
        starts_at=data.starts_at, ends_at=data.ends_at, capacity=data.capacity, status=MeetingStatus.DRAFT,
        themes=list(session.scalars(sa.select(Theme).where(Theme.id.in_(data.theme_ids)))),
    )
    session.add(meeting)
    session.flush()
    audit.record(session, actor, "meeting.create", meeting, meeting.title)
    commit_point(session)
    return meeting


@dataclass
class RoundMove:
    title: str
    old_starts_at: datetime
    old_ends_at: datetime
    new_starts_at: datetime
    new_ends_at: datetime


@dataclass
class MeetingChange:
    """What saving a meeting form would do: the old and new times, and the rounds that move along."""

    old_starts_at: datetime
    old_ends_at: datetime
    new_starts_at: datetime
    new_ends_at: datetime
    rounds: list[RoundMove]
    #: The new start lies in the past (a typing error, or an entry made afterwards).
    into_past: bool

    @property
    def needs_confirmation(self) -> bool:
        return bool(self.rounds) or self.into_past


class ConfirmationNeeded(Exception):
    """The change moves rounds or puts the meeting in the past: the organiser must see it and confirm."""

    def __init__(self, change: MeetingChange):
        super().__init__("confirmation_needed")
        self.change = change


def preview_change(meeting: Meeting, data: MeetingData, now: datetime | None = None) -> MeetingChange:
    """What would move if `data` were saved; writes nothing."""
    shift = data.starts_at - meeting.starts_at
    moves = [RoundMove(r.title, r.starts_at, r.ends_at, r.starts_at + shift, r.ends_at + shift)
             for r in meeting.rounds] if shift else []
    moved_into_past = data.starts_at != meeting.starts_at and data.starts_at < (now or utcnow())
    return MeetingChange(meeting.starts_at, meeting.ends_at, data.starts_at, data.ends_at, moves, moved_into_past)


def _what_changed(old: dict, new: dict) -> list[tuple[str, str | tuple, str | tuple]]:
    """For the mail: ("when", (start, end), (start, end)) and ("where", old place, new place) when they differ."""
    changes = []
    if (old["starts_at"], old["ends_at"]) != (new["starts_at"], new["ends_at"]):
        changes.append(("when", (old["starts_at"], old["ends_at"]), (new["starts_at"], new["ends_at"])))

    def place(values):
        return ", ".join(part for part in (values["venue"], values["address"], values["city"]) if part)

    if place(old) != place(new):
        changes.append(("where", place(old), place(new)))
    return changes


def update_meeting(session: Session, meeting: Meeting, data: MeetingData, actor, confirmed: bool = False) -> bool:
    """Change a meeting. Moving a published one (time or place) mails every registrant an update.

    A change that moves rounds along or puts the meeting in the past raises ConfirmationNeeded unless
    `confirmed`. Returns whether registrants were told.
    """
    _check_times(data.starts_at, data.ends_at)
    lock_meeting(session, meeting.id)
    session.refresh(meeting, ["taken"])
    if data.capacity < meeting.taken:
        raise PlanningError("capacity_below_taken", taken=meeting.taken)
    # The programme moves with the meeting: rounds keep their place within the day.
    change = preview_change(meeting, data)
    new_times = ([(m.new_starts_at, m.new_ends_at) for m in change.rounds] if change.rounds
                 else [(r.starts_at, r.ends_at) for r in meeting.rounds])
    if any(start < data.starts_at or end > data.ends_at for start, end in new_times):
        session.rollback()
        raise PlanningError("rounds_outside_meeting")
    if change.needs_confirmation and not confirmed:
        session.rollback()
        raise ConfirmationNeeded(change)
    old = _snapshot(meeting)
    for workshop_round, (start, end) in zip(meeting.rounds, new_times, strict=True):
        workshop_round.starts_at, workshop_round.ends_at = start, end
    for name in ("title", "city", "venue", "address", "description", "starts_at", "ends_at", "capacity"):
        setattr(meeting, name, getattr(data, name))
    meeting.themes = list(session.scalars(sa.select(Theme).where(Theme.id.in_(data.theme_ids))))
    new = _snapshot(meeting)
    if old != new:
        meeting.updated_at = utcnow()
    if any(old[f] != new[f] for f in CALENDAR_FIELDS):
        meeting.sequence += 1  # the published calendar files replace the event people added
    moved = meeting.status == MeetingStatus.PUBLISHED and any(old[f] != new[f] for f in MOVING_FIELDS)
    if moved:
        signals.meeting_moved.send(meeting, session=session, changes=_what_changed(old, new))
    audit.record(session, actor, "meeting.update", meeting, audit.changes(old, new))
    session.flush()
    if data.capacity > old["capacity"]:
        signals.places_added.send(meeting, session=session)
    _commit_capacity(session, "capacity_below_taken", meeting.taken)
    return moved


def publish(session: Session, meeting: Meeting, actor) -> None:
    """Make a draft visible and open for sign-up."""
    if meeting.status != MeetingStatus.DRAFT:
        raise PlanningError("not_draft")
    meeting.status = MeetingStatus.PUBLISHED
    meeting.updated_at = utcnow()
    audit.record(session, actor, "meeting.publish", meeting)
    commit_point(session)


def cancel_meeting(session: Session, meeting: Meeting, actor, reason: str) -> int:
    """Call a meeting off: every registration ends, confirmed people get a CANCEL, waiting people a note.

    The organiser's `reason` is told to everyone in that mail.
    """
    if meeting.status == MeetingStatus.CANCELLED:
        raise PlanningError("already_cancelled")
    lock_meeting(session, meeting.id)
    meeting.status = MeetingStatus.CANCELLED
    meeting.sequence += 1  # subscribed calendars see STATUS:CANCELLED replace the event
    meeting.updated_at = utcnow()
    count = signals.told(signals.meeting_cancelled, meeting, session=session, reason=reason)
    session.execute(sa.update(Meeting).where(Meeting.id == meeting.id).values(taken=0))
    session.execute(
        sa.update(Workshop)
        .where(Workshop.round_id.in_(sa.select(WorkshopRound.id).where(WorkshopRound.meeting_id == meeting.id)))
        .values(taken=0)
    )
    audit.record(session, actor, "meeting.cancel", meeting, f"{reason} ({count})")
    commit_point(session)
    return count


def add_round(session: Session, meeting: Meeting, title: str, starts_at: datetime, ends_at: datetime, actor):
    _check_round(meeting, starts_at, ends_at)
    workshop_round = WorkshopRound(meeting=meeting, title=title, starts_at=starts_at, ends_at=ends_at)
    session.add(workshop_round)
    session.flush()
    audit.record(session, actor, "round.create", workshop_round, f"{meeting.title}: {title}")
    commit_point(session)
    return workshop_round


def update_round(session: Session, workshop_round: WorkshopRound, title: str, starts_at, ends_at, actor) -> None:
    _check_round(workshop_round.meeting, starts_at, ends_at, this=workshop_round)
    old = {"title": workshop_round.title, "starts_at": workshop_round.starts_at, "ends_at": workshop_round.ends_at}
    workshop_round.title, workshop_round.starts_at, workshop_round.ends_at = title, starts_at, ends_at
    audit.record(session, actor, "round.update", workshop_round,
                 audit.changes(old, {"title": title, "starts_at": starts_at, "ends_at": ends_at}))
    commit_point(session)


def delete_round(session: Session, workshop_round: WorkshopRound, actor) -> None:
    """Only a round nobody chose a workshop in can go."""
    if signals.held(signals.round_in_use, workshop_round, session=session):
        raise PlanningError("round_in_use")
    audit.record(session, actor, "round.delete", workshop_round, workshop_round.title)
    session.delete(workshop_round)
    commit_point(session)


@dataclass
class WorkshopData:
    title: str
    capacity: int
    hosts: str = ""
    description: str = ""


def add_workshop(session: Session, workshop_round: WorkshopRound, data: WorkshopData, actor) -> Workshop:
    workshop = Workshop(round=workshop_round, title=data.title, hosts=data.hosts, description=data.description,
                        capacity=data.capacity)
    session.add(workshop)
    session.flush()
    audit.record(session, actor, "workshop.create", workshop, data.title)
    commit_point(session)
    return workshop


def update_workshop(session: Session, workshop: Workshop, data: WorkshopData, actor) -> None:
    """Change a workshop; its capacity cannot drop below the places taken, a rise promotes waiting people."""
    lock_meeting(session, workshop.round.meeting_id)
    session.refresh(workshop, ["taken"])
    if data.capacity < workshop.taken:
        raise PlanningError("workshop_capacity_below_taken", taken=workshop.taken)
    old = {"title": workshop.title, "hosts": workshop.hosts, "description": workshop.description,
           "capacity": workshop.capacity}
    workshop.title, workshop.hosts, workshop.description = data.title, data.hosts, data.description
    grew = data.capacity > workshop.capacity
    workshop.capacity = data.capacity
    audit.record(session, actor, "workshop.update", workshop, audit.changes(old, data.__dict__))
    session.flush()
    if grew:
        signals.places_added.send(workshop.round.meeting, session=session)
    _commit_capacity(session, "workshop_capacity_below_taken", workshop.taken)


def delete_workshop(session: Session, workshop: Workshop, actor) -> None:
    """Only a workshop nobody chose can go."""
    if signals.held(signals.workshop_in_use, workshop, session=session):
        raise PlanningError("workshop_in_use")
    audit.record(session, actor, "workshop.delete", workshop, workshop.title)
    session.delete(workshop)
    commit_point(session)
