"""Numbers for the organisers' dashboard: sign-ups over time, by role and region, and workshop fill rates.

Every function aggregates in SQL (GROUP BY), so the dashboard costs a handful of queries however many people
signed up. Only active registrations count (confirmed and wait-listed, apart where it helps); cancelled ones
do not.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..core.timeutil import local
from ..meetings.models import Meeting, MeetingStatus, Workshop, WorkshopRound
from ..regions.models import Region
from ..registrations.models import ParticipantRole, Registration, RegistrationStatus, WorkshopChoice

ACTIVE = (RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED)


@dataclass
class MeetingSeries:
    """One meeting's line: values line up with `Timeline.days`."""

    meeting_id: int
    title: str
    city: str
    starts_at: datetime
    #: Active sign-ups at the end of each day (new ones minus cancellations so far).
    totals: list[int] = field(default_factory=list)
    new: list[int] = field(default_factory=list)
    cancelled: list[int] = field(default_factory=list)


@dataclass
class Timeline:
    """Days (Europe/Amsterdam) on which anything changed, and one series per meeting."""

    days: list[date]
    series: list[MeetingSeries]


@dataclass
class Count:
    """Active sign-ups in one group; `key` is None for the group of people who left it empty."""

    key: str | None
    confirmed: int
    waitlisted: int

    @property
    def total(self) -> int:
        return self.confirmed + self.waitlisted


@dataclass
class WorkshopFill:
    workshop_id: int
    meeting_id: int
    meeting_title: str
    city: str
    round_title: str
    title: str
    taken: int
    capacity: int
    #: Wait-listed people who chose this workshop.
    waitlisted: int

    @property
    def percentage(self) -> int:
        return round(100 * self.taken / self.capacity) if self.capacity else 0


def _utc_hour(session: Session, column) -> sa.ColumnElement[str]:
    """'YYYY-MM-DD HH' of a UTC timestamp. Amsterdam is a whole number of hours off UTC, so grouping by UTC hour
    and then taking the local date is exact on every database, also on SQLite, which has no time zones."""
    if session.get_bind().dialect.name == "postgresql":
        return sa.func.to_char(sa.func.timezone("UTC", column), "YYYY-MM-DD HH24")
    return sa.func.strftime("%Y-%m-%d %H", column)


def _local_day(hour: str) -> date:
    return local(datetime.strptime(hour, "%Y-%m-%d %H").replace(tzinfo=UTC)).date()


def _per_day(session: Session, column, *conditions) -> dict[tuple[int, date], int]:
    """Registrations per (meeting, local day) of the timestamp `column`."""
    hour = _utc_hour(session, column).label("hour")
    rows = session.execute(
        sa.select(Registration.meeting_id, hour, sa.func.count())
        .where(*conditions)
        .group_by(Registration.meeting_id, hour)
    )
    counts: dict[tuple[int, date], int] = defaultdict(int)
    for meeting_id, bucket, count in rows:
        counts[meeting_id, _local_day(bucket)] += count
    return counts


def signups_per_day(session: Session, meeting_id: int | None = None) -> Timeline:
    """Cumulative active sign-ups per local day for each meeting that has any (or for the one meeting asked for).

    A sign-up counts from the day it was made until the day it was cancelled.
    """
    scope = [Registration.meeting_id == meeting_id] if meeting_id is not None else []
    created = _per_day(session, Registration.created_at, *scope)
    ended = _per_day(
        session,
        sa.func.coalesce(Registration.cancelled_at, Registration.updated_at),
        Registration.status == RegistrationStatus.CANCELLED,
        *scope,
    )
    meeting_ids = {m for m, _ in created} | {m for m, _ in ended}
    if meeting_id is not None:
        meeting_ids.add(meeting_id)
    days = sorted({d for _, d in created} | {d for _, d in ended})
    meetings = session.execute(
        sa.select(Meeting.id, Meeting.title, Meeting.city, Meeting.starts_at)
        .where(Meeting.id.in_(meeting_ids))
        .order_by(Meeting.starts_at, Meeting.id)
    ).all()
    series = []
    for row in meetings:
        line = MeetingSeries(meeting_id=row.id, title=row.title, city=row.city, starts_at=row.starts_at)
        running = 0
        for day in days:
            new, gone = created.get((row.id, day), 0), ended.get((row.id, day), 0)
            running += new - gone
            line.new.append(new)
            line.cancelled.append(gone)
            line.totals.append(running)
        series.append(line)
    return Timeline(days=days, series=series)


def _confirmed_and_waitlisted():
    return (
        sa.func.count().filter(Registration.status == RegistrationStatus.CONFIRMED),
        sa.func.count().filter(Registration.status == RegistrationStatus.WAITLISTED),
    )


def by_role(session: Session) -> list[Count]:
    """Active sign-ups per role over all meetings; every role appears, in the order of the sign-up form."""
    rows = session.execute(
        sa.select(Registration.role, *_confirmed_and_waitlisted())
        .where(Registration.status.in_(ACTIVE))
        .group_by(Registration.role)
    )
    found = {role: (confirmed, waitlisted) for role, confirmed, waitlisted in rows}
    return [Count(role.value, *found.get(role, (0, 0))) for role in ParticipantRole]


def by_region(session: Session) -> list[Count]:
    """Active sign-ups per region, most first: the directory region a registration names, else the region it
    typed on the old form (ignoring case and spaces), so a typed name and the directory's count as one; people
    who named none come last with key None."""
    name = sa.func.coalesce(Region.name, sa.func.trim(Registration.region))
    rows = session.execute(
        sa.select(sa.func.coalesce(sa.func.min(Region.name), sa.func.min(name)), *_confirmed_and_waitlisted())
        .select_from(Registration)
        .outerjoin(Region, Region.id == Registration.region_id)
        .where(Registration.status.in_(ACTIVE))
        .group_by(sa.func.lower(name))
    )
    counts = [Count(key or None, confirmed, waitlisted) for key, confirmed, waitlisted in rows]
    return sorted(counts, key=lambda c: (c.key is None, -c.total, (c.key or "").lower()))


def workshop_fill(session: Session) -> list[WorkshopFill]:
    """Places taken per workshop of every meeting that is not cancelled, with the wait-listed people who want it."""
    waiting = sa.func.count(Registration.id)
    rows = session.execute(
        sa.select(
            Workshop.id, Meeting.id, Meeting.title, Meeting.city, WorkshopRound.title, Workshop.title,
            Workshop.taken, Workshop.capacity, waiting,
        )
        .join(WorkshopRound, Workshop.round_id == WorkshopRound.id)
        .join(Meeting, WorkshopRound.meeting_id == Meeting.id)
        .outerjoin(WorkshopChoice, WorkshopChoice.workshop_id == Workshop.id)
        .outerjoin(
            Registration,
            sa.and_(
                Registration.id == WorkshopChoice.registration_id,
                Registration.status == RegistrationStatus.WAITLISTED,
            ),
        )
        .where(Meeting.status != MeetingStatus.CANCELLED)
        .group_by(Workshop.id, Meeting.id, Meeting.title, Meeting.city, WorkshopRound.id, WorkshopRound.title,
                  WorkshopRound.starts_at, Meeting.starts_at, Workshop.title, Workshop.taken, Workshop.capacity)
        .order_by(Meeting.starts_at, Meeting.id, WorkshopRound.starts_at, WorkshopRound.id, Workshop.id)
    )
    return [WorkshopFill(*row) for row in rows]
