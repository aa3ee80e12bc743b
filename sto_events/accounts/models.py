"""People who log in, and the single-use tokens that let them set a password."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.extensions import db
from ..core.timeutil import utcnow
from ..core.types import UTCDateTime


class Role(enum.StrEnum):
    """What an account may do. Only organisers have pages today; the other roles get theirs next."""

    ORGANISER = "organiser"
    REGION_COORDINATOR = "region_coordinator"
    COMPANY_CONTACT = "company_contact"
    SCHOOL_CONTACT = "school_contact"


class TokenPurpose(enum.StrEnum):
    INVITATION = "invitation"
    PASSWORD_RESET = "password_reset"


def _enum(cls) -> sa.Enum:
    return sa.Enum(cls, native_enum=False, length=30, values_callable=lambda e: [m.value for m in e])


class User(UserMixin, db.Model):
    """An account. The password hash is empty until the invitation is accepted."""

    __tablename__ = "user_account"
    __table_args__ = (sa.CheckConstraint("locale IN ('nl', 'en')", name="known_locale"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Stored trimmed and lower-cased; the login key.
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    role: Mapped[Role] = mapped_column(_enum(Role))
    password_hash: Mapped[str | None] = mapped_column(sa.String(255))
    active: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
    #: Part of the session identifier; raising it logs out every session of this account.
    auth_version: Mapped[int] = mapped_column(default=1, server_default="1")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: The language the person reads the site and their mails in ("nl" or "en"): the one they last chose while
    #: logged in, or registered in. Mails the actions of others cause (verified, added) follow it.
    locale: Mapped[str] = mapped_column(sa.String(5), default="nl", server_default="nl")

    @property
    def is_active(self) -> bool:
        return self.active and self.password_hash is not None

    def get_id(self) -> str:
        return f"{self.id}:{self.auth_version}"

    def has_role(self, *roles: Role) -> bool:
        return self.role in roles


class AccountToken(db.Model):
    """A single-use, expiring secret mailed to a person: accept an invitation or reset a password."""

    __tablename__ = "account_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[TokenPurpose] = mapped_column(_enum(TokenPurpose))
    #: SHA-256 of the secret; the secret itself is only in the mail.
    secret_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))

    user: Mapped[User] = relationship(foreign_keys=[user_id])
