"""Counting attempts against limits, the same for every worker and process. No request, no templates.

Two places can hold the counts. The database (the embedded default): one `limit_event` row per attempt, counted
in a moving window while the key is locked, as django-axes counts failed logins. Or a `limits` storage, the one
Flask-Limiter builds from `RATELIMIT_STORAGE_URI` (Redis in production): one counter per key and window, raised
atomically and lowered again when it went over. Either way `take()` counts an attempt only while the limit has room,
so the limit holds exactly, however many requests arrive at once; `give_back()` removes an attempt that turned out
not to count (the right password, a sign-up that was not made).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa
from limits import RateLimitItem, parse_many
from limits.errors import StorageError
from limits.storage import Storage
from sqlalchemy.orm import Session

from ..core.timeutil import utcnow
from .models import LimitEvent

log = logging.getLogger(__name__)

#: Expired rows removed per take, so that one take never has much to do.
PURGE_BATCH = 500


@dataclass(frozen=True)
class Rule:
    """A limit on one key; `limits` is written as Flask-Limiter writes it: "10 per minute; 60 per hour"."""

    scope: str
    key: str
    limits: str


@dataclass
class Ticket:
    """What one take() counted, so that give_back() removes exactly that."""

    event_ids: list[int] = field(default_factory=list)
    storage_keys: list[tuple[str, int]] = field(default_factory=list)


def parse(limits: str) -> list[RateLimitItem]:
    """The windows of a limit string; a ValueError for a string that is not one (checked at start-up)."""
    items = parse_many(limits)
    if not items:
        raise ValueError(f"no rate limit in {limits!r}")
    return items


def key_hash(secret: str, scope: str, key: str) -> str:
    """Client and e-mail addresses are stored only as a keyed hash: nobody can test a list of addresses against it
    without the secret key."""
    return hmac.new(secret.encode(), f"{scope}\0{key}".encode(), hashlib.sha256).hexdigest()


def take(session: Session, rules: Sequence[Rule], *, secret: str, storage: Storage | None = None,
         now: datetime | None = None, commit: bool = True) -> Ticket | None:
    """Count one attempt against every rule, or against none when any of them is used up (then None).

    With the database this commits at once, so an attempt counts even when what follows fails (a wrong password
    writes nothing else). With `commit=False` the attempt is only flushed and counts once the caller commits the
    action it allowed, in the same transaction (a sign-up); until then the keys stay locked. When the storage
    cannot be reached the database counts instead, so the limit still holds and nobody gets an error page.
    """
    if storage is not None:
        try:
            return _take_in_storage(storage, rules, secret)
        except (StorageError, storage.base_exceptions) as error:
            log.warning("rate-limit storage unreachable, counting in the database: %s", error.__class__.__name__)
    return _take_in_database(session, rules, secret, now or utcnow(), commit)


def give_back(session: Session, ticket: Ticket, *, storage: Storage | None = None) -> None:
    """Remove the attempts of a take() that turned out not to count (and commits)."""
    if ticket.event_ids:
        session.execute(
            sa.delete(LimitEvent).where(LimitEvent.id.in_(ticket.event_ids))
            .execution_options(synchronize_session=False)
        )
        session.commit()
    if ticket.storage_keys and storage is not None:
        try:
            _lower(storage, ticket.storage_keys)
        except (StorageError, storage.base_exceptions) as error:
            log.warning("rate-limit storage unreachable, attempt not given back: %s", error.__class__.__name__)


def _take_in_database(session: Session, rules: Sequence[Rule], secret: str, now: datetime,
                      commit: bool) -> Ticket | None:
    # Sorted, so two requests that lock the same keys lock them in the same order and never wait on each other.
    keyed = sorted((rule.scope, key_hash(secret, rule.scope, rule.key), parse(rule.limits)) for rule in rules)
    _lock(session, [f"{scope}:{digest}" for scope, digest, _ in keyed])
    for scope, digest, items in keyed:
        for item in items:
            counted = session.scalar(
                sa.select(sa.func.count()).select_from(LimitEvent).where(
                    LimitEvent.scope == scope,
                    LimitEvent.key_hash == digest,
                    LimitEvent.at > now - timedelta(seconds=item.get_expiry()),
                )
            )
            if counted >= item.amount:
                if commit:
                    session.commit()  # nothing written; ends the transaction and with it the lock
                return None
    events = [
        LimitEvent(scope=scope, key_hash=digest, at=now,
                   expires_at=now + timedelta(seconds=max(item.get_expiry() for item in items)))
        for scope, digest, items in keyed
    ]
    session.add_all(events)
    session.flush()
    ticket = Ticket(event_ids=[event.id for event in events])
    purge_expired(session, now)
    if commit:
        session.commit()
    return ticket


def _lock(session: Session, names: list[str]) -> None:
    """Hold each key until the transaction ends. PostgreSQL: an advisory lock per key. SQLite: every writing
    transaction already starts with BEGIN IMMEDIATE, which holds the database's one write lock."""
    if session.get_bind().dialect.name != "postgresql":
        return
    for name in names:
        number = int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)
        session.execute(sa.text("SELECT pg_advisory_xact_lock(:number)"), {"number": number})


def purge_expired(session: Session, now: datetime | None = None) -> None:
    """Delete rows that no window can see any more; rows another transaction is deleting are skipped."""
    doomed = (
        sa.select(LimitEvent.id).where(LimitEvent.expires_at <= (now or utcnow()))
        .limit(PURGE_BATCH).with_for_update(skip_locked=True)
    )
    session.execute(
        sa.delete(LimitEvent).where(LimitEvent.id.in_(doomed)).execution_options(synchronize_session=False)
    )


def _take_in_storage(storage: Storage, rules: Sequence[Rule], secret: str) -> Ticket | None:
    taken: list[tuple[str, int]] = []
    for rule in rules:
        digest = key_hash(secret, rule.scope, rule.key)
        for item in parse(rule.limits):
            key, expiry = item.key_for("sto", rule.scope, digest), item.get_expiry()
            counted = storage.incr(key, expiry)
            taken.append((key, expiry))
            if counted > item.amount:
                _lower(storage, taken)
                return None
    return Ticket(storage_keys=taken)


def _lower(storage: Storage, keys: list[tuple[str, int]]) -> None:
    for key, expiry in keys:
        if storage.get(key) > 0:  # a window that ended meanwhile is not driven below zero
            storage.incr(key, expiry, amount=-1)
