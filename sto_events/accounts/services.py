"""Account rules: invitations, passwords, login checks. No request, no templates."""

from __future__ import annotations

import hashlib
import os
import re
import secrets
from datetime import timedelta

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.orm import Session

from ..audit import services as audit
from ..core.rules import RuleError
from ..core.timeutil import utcnow
from ..core.transaction import commit_point
from . import emails
from .models import AccountToken, Role, TokenPurpose, User

MIN_PASSWORD_LENGTH = 12
#: Argon2id with its recommended cost unless the environment lowers or raises it (a small server may need less
#: memory); the test suite swaps in a cheap hasher, see tests/conftest.py.
_hasher = PasswordHasher(
    time_cost=int(os.environ.get("PASSWORD_HASH_TIME_COST", 3)),
    memory_cost=int(os.environ.get("PASSWORD_HASH_MEMORY_KIB", 65536)),
)
# Verified when the e-mail is unknown, so both answers take as long as a real check.
_DUMMY_HASH = _hasher.hash("not-a-real-password-" + secrets.token_hex(8))

TOKEN_LIFETIME = {TokenPurpose.INVITATION: timedelta(days=7), TokenPurpose.PASSWORD_RESET: timedelta(hours=2)}


class AccountError(RuleError):
    """An account rule refused the request; accounts/wording.py words its code."""


def normalize_email(email: str) -> str:
    return email.strip().lower()


def find_by_email(session: Session, email: str) -> User | None:
    return session.scalar(sa.select(User).where(User.email == normalize_email(email)))


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError("password_too_short", min=MIN_PASSWORD_LENGTH)
    return _hasher.hash(password)


def authenticate(session: Session, email: str, password: str) -> User | None:
    """The user for this e-mail and password, or None — the same answer, in the same time, for any failure."""
    user = find_by_email(session, email)
    stored = user.password_hash if user is not None and user.password_hash else _DUMMY_HASH
    try:
        _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return None
    if user is None or not user.is_active:
        return None
    if _hasher.check_needs_rehash(stored):
        user.password_hash = _hasher.hash(password)
    user.last_login_at = utcnow()
    commit_point(session)
    return user


def create_user(session: Session, email: str, name: str, role: Role, password: str | None = None) -> User:
    """Create an account; with a password it can log in at once (used by the CLI for the first organiser)."""
    if find_by_email(session, email) is not None:
        raise AccountError("exists")
    user = User(email=normalize_email(email), name=name.strip(), role=role)
    if password is not None:
        user.password_hash = hash_password(password)
    session.add(user)
    commit_point(session)
    return user


def _issue_token(session: Session, user: User, purpose: TokenPurpose, created_by: User | None = None) -> str:
    secret = secrets.token_urlsafe(32)
    session.add(
        AccountToken(
            user_id=user.id,
            purpose=purpose,
            secret_hash=hashlib.sha256(secret.encode()).hexdigest(),
            expires_at=utcnow() + TOKEN_LIFETIME[purpose],
            created_by_id=created_by.id if created_by else None,
        )
    )
    return secret


def invite(session: Session, email: str, name: str, role: Role, invited_by: User) -> User:
    """Create an account without a password and mail a single-use link to set one.

    Inviting someone who never accepted sends a fresh link (the old one may have expired).
    """
    user = find_by_email(session, email)
    if user is not None and user.password_hash is not None:
        raise AccountError("exists")
    user = invite_to(session, email, name, role, invited_by)
    audit.record(session, invited_by, "user.invite", user, f"{user.email} as {user.role.value}")
    commit_point(session)
    return user


def open_account(session: Session, email: str, name: str, role: Role) -> tuple[User, str]:
    """A new account without a password, and the secret of a single-use link to choose one (the invitation
    flow). Flushes only: the caller mails the link and commits with whatever made the account."""
    if find_by_email(session, email) is not None:
        raise AccountError("exists")
    user = User(email=normalize_email(email), name=name.strip(), role=role)
    session.add(user)
    session.flush()
    return user, _issue_token(session, user, TokenPurpose.INVITATION)


def invite_to(session: Session, email: str, name: str, role: Role, invited_by: User, about: str | None = None) -> User:
    """The account for this e-mail, invited into something (`about` names it in the mail: "coördinator van ...").

    A new person gets an account without a password and a single-use link to set one; someone invited before who
    never accepted gets a fresh link; someone who already has an account is told by mail what they were added to.
    The role is only set on a new account: what a person acts for is the membership row its domain keeps. A switched
    off account is refused ("inactive"). Flushes; the caller commits.
    """
    user = find_by_email(session, email)
    if user is not None and not user.active:
        raise AccountError("inactive")
    if user is None:
        user = User(email=normalize_email(email), name=" ".join(name.split()), role=role)
        session.add(user)
        session.flush()
    if user.password_hash is None:
        secret = _issue_token(session, user, TokenPurpose.INVITATION, invited_by)
        emails.invitation(session, user, secret, invited_by, about)
    elif about:
        emails.added(session, user, invited_by, about)
    session.flush()
    return user


def request_password_reset(session: Session, email: str) -> None:
    """Mail a reset link when the account exists and is active; say nothing either way."""
    user = find_by_email(session, email)
    if user is not None and user.is_active:
        secret = _issue_token(session, user, TokenPurpose.PASSWORD_RESET)
        emails.password_reset(session, user, secret)
    commit_point(session)


def token_user(session: Session, secret: str, purpose: TokenPurpose) -> AccountToken:
    """The unused, unexpired token for this secret, or AccountError('invalid_token' / 'expired_token')."""
    token = session.scalar(
        sa.select(AccountToken).where(
            AccountToken.secret_hash == hashlib.sha256(secret.encode()).hexdigest(),
            AccountToken.purpose == purpose,
        )
    )
    if token is None or token.used_at is not None:
        raise AccountError("invalid_token")
    if token.expires_at < utcnow():
        raise AccountError("expired_token")
    return token


def redeem(session: Session, secret: str, purpose: TokenPurpose, password: str) -> User:
    """Set the password through a token, once; other sessions of the account end."""
    token = token_user(session, secret, purpose)
    used = session.execute(
        sa.update(AccountToken)
        .where(AccountToken.id == token.id, AccountToken.used_at.is_(None))
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if used.rowcount != 1:
        session.rollback()
        raise AccountError("invalid_token")
    user = token.user
    user.password_hash = hash_password(password)
    _lock_out(session, user)
    commit_point(session)
    return user


def change_password(session: Session, user: User, current: str, new: str) -> None:
    """Change a password knowing the current one. Every other session of the account ends, and so do open reset
    and invitation links; the caller logs the current session in again."""
    try:
        _hasher.verify(user.password_hash or _DUMMY_HASH, current)
    except (VerificationError, InvalidHashError):
        raise AccountError("wrong_password") from None
    user.password_hash = hash_password(new)
    _lock_out(session, user)
    audit.record(session, user, "user.change_password", user)
    commit_point(session)


def set_active(session: Session, user: User, active: bool, by: User) -> None:
    """Switch an account off (someone left the team) or on again. Switching off ends every session of the account
    and kills its open invitation and reset links; nobody can switch off their own account."""
    if not active and user.id == by.id:
        raise AccountError("self")
    if user.active == active:
        return
    user.active = active
    if not active:
        _lock_out(session, user)
    audit.record(session, by, "user.activate" if active else "user.deactivate", user, user.email)
    commit_point(session)


def _end_sessions(user: User) -> None:
    """Every cookie issued for this account stops working: the session id carries the version. Raised in SQL, so
    two at once both count."""
    user.auth_version = User.auth_version + 1


def _lock_out(session: Session, user: User) -> None:
    """After a password change or when the account is switched off: every session ends and every open invitation
    or reset link dies."""
    _end_sessions(user)
    session.execute(
        sa.update(AccountToken)
        .where(AccountToken.user_id == user.id, AccountToken.used_at.is_(None))
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    )


def end_sessions(session: Session, user: User) -> None:
    """Invalidate every cookie issued for this account (logout)."""
    _end_sessions(user)
    commit_point(session)


#: "<user id>:<auth version>", ASCII digits only (str.isdigit would also take "１" and "²").
_SESSION_ID = re.compile(r"(?P<user>[0-9]{1,18}):(?P<version>[0-9]{1,18})")


def load_user(session: Session, user_id: str) -> User | None:
    """Flask-Login's loader: the id carries the auth version, so an old cookie no longer matches."""
    found = _SESSION_ID.fullmatch(user_id)
    if found is None:
        return None
    user = session.get(User, int(found["user"]))
    if user is None or user.auth_version != int(found["version"]) or not user.is_active:
        return None
    return user


def users(session: Session) -> list[User]:
    return list(session.scalars(sa.select(User).order_by(User.role, User.name)))
