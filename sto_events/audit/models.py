"""One row per organiser action."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.extensions import db
from ..core.timeutil import utcnow
from ..core.types import UTCDateTime

if TYPE_CHECKING:  # accounts lies above audit: the relationship finds User by name in the model registry
    from ..accounts.models import User


class AuditEntry(db.Model):
    __tablename__ = "audit_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    #: Kept when the account is removed, so the log stays complete.
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    actor_email: Mapped[str] = mapped_column(sa.String(254))
    #: A short verb such as "meeting.update" or "registration.cancel".
    action: Mapped[str] = mapped_column(sa.String(60))
    target_type: Mapped[str] = mapped_column(sa.String(40))
    target_id: Mapped[int | None] = mapped_column()
    #: Human-readable summary of what changed (field: old → new).
    details: Mapped[str] = mapped_column(sa.Text, default="")

    actor: Mapped[User | None] = relationship()
