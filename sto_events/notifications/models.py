"""The outbox: every mail is a row, written in the same transaction as the change that causes it."""

from __future__ import annotations

import enum
import secrets
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..core.extensions import db
from ..core.timeutil import utcnow
from ..core.types import UTCDateTime


class OutboxStatus(enum.StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"


class OutboxMessage(db.Model):
    """A mail waiting for, or done with, delivery by `flask outbox run`."""

    __tablename__ = "outbox_message"
    __table_args__ = (
        sa.Index("ix_outbox_due", "status", "next_attempt_at"),
        sa.Index("ix_outbox_subject", "subject_kind", "subject_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Message kind, such as "registration_confirmed"; for logs and the back office.
    kind: Mapped[str] = mapped_column(sa.String(50))
    #: What the mail is about, named generically so the outbox knows no domain: ("registration", 12), …
    subject_kind: Mapped[str | None] = mapped_column(sa.String(40))
    subject_id: Mapped[int | None] = mapped_column()
    #: The normalised e-mail address of the person the mail is about: erasure finds every mail about a person.
    person_key: Mapped[str | None] = mapped_column(sa.String(254), index=True)
    recipient: Mapped[str] = mapped_column(sa.String(254))
    #: Random, set when queued: the Message-ID's left part, the same for every retry of this mail and unlike any
    #: other mail's (a row id repeats after a database reset or in a second installation).
    message_key: Mapped[str] = mapped_column(sa.String(32), unique=True, default=lambda: secrets.token_hex(16))
    #: Language of the mail (nl, en): names its attachments.
    locale: Mapped[str] = mapped_column(sa.String(5), default="nl", server_default="nl")
    subject: Mapped[str] = mapped_column(sa.String(300))
    body_text: Mapped[str] = mapped_column(sa.Text)
    body_html: Mapped[str] = mapped_column(sa.Text)
    #: The organisers' mailing this message belongs to, if any (registrations.models.Mailing: named by its table, so
    #: the outbox imports no domain).
    mailing_id: Mapped[int | None] = mapped_column(sa.ForeignKey("mailing.id", ondelete="SET NULL"), index=True)
    #: Text encoded in a QR code shown inline in the mail (the check-in link); rendered when sent.
    qr_payload: Mapped[str | None] = mapped_column(sa.String(500))
    #: iCalendar attachment and its METHOD (REQUEST, CANCEL), when the mail carries one.
    ics: Mapped[str | None] = mapped_column(sa.Text)
    ics_method: Mapped[str | None] = mapped_column(sa.String(20))
    status: Mapped[OutboxStatus] = mapped_column(
        sa.Enum(OutboxStatus, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e]),
        default=OutboxStatus.PENDING,
    )
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    #: When a sender claimed the row; a claim older than the lease is taken over after a crash.
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: Which sender's claim this is: a sender whose claim ran out and was taken over neither sends nor records.
    claim_id: Mapped[str | None] = mapped_column(sa.String(32))
    last_error: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
