"""Meetings, their themes, workshop rounds and workshops."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.extensions import db
from ..core.timeutil import utcnow
from ..core.types import UTCDateTime


class MeetingStatus(enum.StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    CANCELLED = "cancelled"


meeting_theme = sa.Table(
    "meeting_theme",
    db.metadata,
    sa.Column("meeting_id", sa.ForeignKey("meeting.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("theme_id", sa.ForeignKey("theme.id", ondelete="CASCADE"), primary_key=True),
)


class Theme(db.Model):
    """A subject a meeting treats, such as 'duurzaam en dekkend techniekaanbod'."""

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(80), unique=True)
    name_nl: Mapped[str] = mapped_column(sa.String(200))
    name_en: Mapped[str] = mapped_column(sa.String(200))

    def name(self, locale: str) -> str:
        return self.name_en if locale == "en" else self.name_nl


class Meeting(db.Model):
    """A theme meeting in one place on one day, with a number of seats."""

    __table_args__ = (
        sa.CheckConstraint("taken >= 0 AND taken <= capacity", name="seats_within_capacity"),
        sa.CheckConstraint("ends_at > starts_at", name="ends_after_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(120), unique=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    city: Mapped[str] = mapped_column(sa.String(100))
    venue: Mapped[str] = mapped_column(sa.String(200))
    address: Mapped[str] = mapped_column(sa.String(300), default="")
    #: Stored in UTC, shown in Europe/Amsterdam.
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    capacity: Mapped[int] = mapped_column()
    #: Seats held by confirmed registrations; changed only by conditional UPDATEs.
    taken: Mapped[int] = mapped_column(default=0, server_default="0")
    status: Mapped[MeetingStatus] = mapped_column(
        sa.Enum(MeetingStatus, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e]),
        default=MeetingStatus.DRAFT,
    )
    #: Marks demo data so nobody mistakes it for a real meeting.
    is_demo: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    #: Last change by an organiser (LAST-MODIFIED in the published calendar files).
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: SEQUENCE of the published calendar files: rises when the meeting moves, is renamed or is called off.
    sequence: Mapped[int] = mapped_column(default=0, server_default="0")
    #: UID in the published calendar files when it differs from the default (meetings published before UIDs
    #: carried our domain keep theirs).
    calendar_uid: Mapped[str | None] = mapped_column(sa.String(255))

    themes: Mapped[list[Theme]] = relationship(secondary=meeting_theme, order_by=Theme.id)
    rounds: Mapped[list[WorkshopRound]] = relationship(
        back_populates="meeting", order_by="WorkshopRound.starts_at", cascade="all, delete-orphan"
    )

    @property
    def places_left(self) -> int:
        return max(self.capacity - self.taken, 0)

    @property
    def is_open(self) -> bool:
        return self.status == MeetingStatus.PUBLISHED and self.ends_at > utcnow()


class WorkshopRound(db.Model):
    """A time slot in a meeting's programme; a participant picks one workshop per round."""

    __tablename__ = "workshop_round"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("meeting.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())

    meeting: Mapped[Meeting] = relationship(back_populates="rounds")
    workshops: Mapped[list[Workshop]] = relationship(
        back_populates="round", order_by="Workshop.id", cascade="all, delete-orphan"
    )


class Workshop(db.Model):
    """One session in a round, with hosts and its own number of places."""

    __table_args__ = (
        sa.CheckConstraint("taken >= 0 AND taken <= capacity", name="places_within_capacity"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(sa.ForeignKey("workshop_round.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(sa.String(300))
    hosts: Mapped[str] = mapped_column(sa.String(500), default="")
    description: Mapped[str] = mapped_column(sa.Text, default="")
    capacity: Mapped[int] = mapped_column()
    #: Places held by confirmed registrations; changed only by conditional UPDATEs.
    taken: Mapped[int] = mapped_column(default=0, server_default="0")

    round: Mapped[WorkshopRound] = relationship(back_populates="workshops")

    @property
    def places_left(self) -> int:
        return max(self.capacity - self.taken, 0)
