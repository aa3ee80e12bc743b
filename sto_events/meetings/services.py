"""Reading meetings for the public pages and calendar feeds."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from ..core.timeutil import utcnow
from .models import Meeting, MeetingStatus, Theme, WorkshopRound


def upcoming(session: Session, limit: int | None = None) -> list[Meeting]:
    """Published meetings that have not ended, soonest first, with their themes."""
    return list(
        session.scalars(
            sa.select(Meeting)
            .where(Meeting.status == MeetingStatus.PUBLISHED, Meeting.ends_at > utcnow())
            .order_by(Meeting.starts_at)
            .limit(limit)
            .options(selectinload(Meeting.themes))
        )
    )


def published(session: Session, slug: str) -> Meeting | None:
    """A published (or cancelled, still shown with its status) meeting with its whole programme."""
    return session.scalar(
        sa.select(Meeting)
        .where(Meeting.slug == slug, Meeting.status != MeetingStatus.DRAFT)
        .options(
            selectinload(Meeting.themes),
            selectinload(Meeting.rounds).selectinload(WorkshopRound.workshops),
        )
    )


#: How long a meeting stays in the subscribable feed after it ended (or after the day it would have been held).
FEED_KEEPS_PAST = timedelta(days=365)


def feed(session: Session) -> list[Meeting]:
    """Published and cancelled meetings for the subscribable calendar, up to a year after they ended.

    A cancelled meeting stays (with STATUS:CANCELLED) so subscribed calendars mark it instead of keeping the old
    event; past meetings stay a year so calendars keep them, and then leave the feed."""
    return list(
        session.scalars(
            sa.select(Meeting)
            .where(Meeting.status.in_((MeetingStatus.PUBLISHED, MeetingStatus.CANCELLED)),
                   Meeting.ends_at > utcnow() - FEED_KEEPS_PAST)
            .order_by(Meeting.starts_at)
        )
    )


def themes(session: Session) -> list[Theme]:
    return list(session.scalars(sa.select(Theme).order_by(Theme.id)))


def all_meetings(session: Session) -> list[Meeting]:
    """Every meeting for the back office, newest first."""
    return list(session.scalars(sa.select(Meeting).order_by(Meeting.starts_at.desc())))


def lock_meeting(session: Session, meeting_id: int) -> None:
    """Serialise changes to one meeting's places (PostgreSQL row lock; SQLite already holds the write lock).

    Registrations take the same lock before a sign-up or a cancellation, so a change to the meeting and a seat
    taken at the same moment wait for each other.
    """
    session.execute(sa.select(Meeting.id).where(Meeting.id == meeting_id).with_for_update())
