"""Registrations for meetings and the workshops chosen in each round."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.extensions import db
from ..core.timeutil import utcnow
from ..core.types import UTCDateTime
from ..meetings.models import Meeting, Workshop, WorkshopRound
from ..notifications.models import OutboxMessage
from ..regions.models import Region


class RegistrationStatus(enum.StrEnum):
    CONFIRMED = "confirmed"
    WAITLISTED = "waitlisted"
    CANCELLED = "cancelled"


class ParticipantRole(enum.StrEnum):
    """What kind of organisation a participant comes from (asked on the sign-up form)."""

    VMBO = "vmbo"
    MBO = "mbo"
    PO = "po"
    COMPANY = "bedrijf"
    BOARD = "bestuur"
    OTHER = "overig"


def _enum(enum_cls: type[enum.Enum], length: int = 20) -> sa.Enum:
    return sa.Enum(enum_cls, native_enum=False, length=length, values_callable=lambda e: [m.value for m in e])


class Registration(db.Model):
    """One person's sign-up for one meeting: confirmed (holds a seat), wait-listed, or cancelled."""

    __table_args__ = (
        # One active registration per meeting and e-mail address: a resubmit finds the same row.
        sa.Index(
            "uq_registration_active_email",
            "meeting_id",
            "email_normalized",
            unique=True,
            sqlite_where=sa.text("status != 'cancelled'"),
            postgresql_where=sa.text("status != 'cancelled'"),
        ),
        sa.Index("ix_registration_waitlist", "meeting_id", "status", "waitlisted_at"),
        # The waiting list's order is waitlisted_at: every waiting row has one, no other row keeps one.
        sa.CheckConstraint("(status = 'waitlisted') = (waitlisted_at IS NOT NULL)", name="waitlisted_has_time"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Random public identifier: the iCal UID and the subject of manage-link tokens.
    public_id: Mapped[str] = mapped_column(sa.String(36), unique=True, default=lambda: str(uuid.uuid4()))
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("meeting.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    email: Mapped[str] = mapped_column(sa.String(254))
    #: Trimmed and lower-cased e-mail address, the key of the uniqueness rule.
    email_normalized: Mapped[str] = mapped_column(sa.String(254))
    organisation: Mapped[str] = mapped_column(sa.String(200))
    role: Mapped[ParticipantRole] = mapped_column(_enum(ParticipantRole))
    #: The region as typed on the old sign-up form; kept for registrations no directory region was matched to.
    region: Mapped[str] = mapped_column(sa.String(200), default="")
    #: The region chosen from the directory (empty: none chosen, or the region was removed since).
    region_id: Mapped[int | None] = mapped_column(sa.ForeignKey("region.id", ondelete="SET NULL"), index=True)
    questions: Mapped[str] = mapped_column(sa.Text, default="")
    #: Explicit opt-in to show name and organisation to other participants.
    share_with_participants: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    #: Language of the person's mails ("nl" or "en").
    locale: Mapped[str] = mapped_column(sa.String(5), default="nl")
    status: Mapped[RegistrationStatus] = mapped_column(_enum(RegistrationStatus))
    #: Rises with every change the person's calendar must pick up (iCal SEQUENCE).
    sequence: Mapped[int] = mapped_column(default=0, server_default="0")
    #: iCal UID of the person's invitation, fixed when the first one is mailed (see notifications.ical).
    calendar_uid: Mapped[str | None] = mapped_column(sa.String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    #: Position on the waiting list: first come, first promoted.
    waitlisted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: When the person was checked in at the door (back office or QR scan).
    checked_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: Set when the personal data was removed after the retention period.
    anonymised_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: SHA-256 of the random key the signing-up browser holds in its session: the same form sent again from that
    #: browser (a double click, ten at once) is recognised as the same person, even before any answer arrived.
    browser_hash: Mapped[str | None] = mapped_column(sa.String(64))

    meeting: Mapped[Meeting] = relationship()
    directory_region: Mapped[Region | None] = relationship()
    choices: Mapped[list[WorkshopChoice]] = relationship(
        back_populates="registration", cascade="all, delete-orphan", order_by="WorkshopChoice.round_id"
    )

    @property
    def is_active(self) -> bool:
        return self.status != RegistrationStatus.CANCELLED

    @property
    def region_name(self) -> str:
        """The region to show: the directory's name when one is linked, else the text typed long ago."""
        return self.directory_region.name if self.directory_region is not None else self.region


class WorkshopChoice(db.Model):
    """The workshop a registration chose in one round."""

    __tablename__ = "workshop_choice"
    __table_args__ = (
        # Nobody holds two workshops in one round.
        sa.UniqueConstraint("registration_id", "round_id", name="uq_workshop_choice_one_per_round"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(sa.ForeignKey("registration.id", ondelete="CASCADE"))
    round_id: Mapped[int] = mapped_column(sa.ForeignKey("workshop_round.id", ondelete="CASCADE"))
    workshop_id: Mapped[int] = mapped_column(sa.ForeignKey("workshop.id", ondelete="CASCADE"), index=True)

    registration: Mapped[Registration] = relationship(back_populates="choices")
    round: Mapped[WorkshopRound] = relationship()
    workshop: Mapped[Workshop] = relationship()


class Mailing(db.Model):
    """A message organisers sent to (part of) a meeting's attendees; its outbox rows say who got it."""

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("meeting.id", ondelete="CASCADE"), index=True)
    #: Who it went to: "all", "confirmed", "waitlisted" or "workshop:<id>".
    audience: Mapped[str] = mapped_column(sa.String(40))
    subject: Mapped[str] = mapped_column(sa.String(300))
    body: Mapped[str] = mapped_column(sa.Text)
    sent_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    sent_by_email: Mapped[str] = mapped_column(sa.String(254))
    recipient_count: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    messages: Mapped[list[OutboxMessage]] = relationship(order_by=OutboxMessage.recipient)
