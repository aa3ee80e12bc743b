"""One row per attempt that counts towards a limit (a wrong password, a sign-up made)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..core.extensions import db
from ..core.types import UTCDateTime


class LimitEvent(db.Model):
    """An attempt counted by a limit; removed once no window of its limit can see it any more."""

    __tablename__ = "limit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Which limit counts it, such as "password-account" or "sign-up".
    scope: Mapped[str] = mapped_column(sa.String(40))
    #: HMAC-SHA256 (keyed with SECRET_KEY) of the client address or e-mail address: no personal data in clear.
    key_hash: Mapped[str] = mapped_column(sa.String(64))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    #: When the longest window of its limit has passed; from then on the row may be deleted.
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)

    __table_args__ = (sa.Index("ix_limit_event_scope_key_at", "scope", "key_hash", "at"),)
