"""Writing and reading the audit log; entries join the caller's transaction."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from .models import AuditEntry


def record(session: Session, actor, action: str, target, details: str = "") -> None:
    """Add an entry for `actor` doing `action` on `target`; committed with the change itself."""
    if actor is None:
        return
    session.add(
        AuditEntry(
            actor_id=actor.id,
            actor_email=actor.email,
            action=action,
            target_type=type(target).__name__.lower() if target is not None else "",
            target_id=getattr(target, "id", None),
            details=details[:4000],
        )
    )


def changes(old: dict, new: dict) -> str:
    """'field: old → new' for every value that differs."""
    return "; ".join(f"{key}: {old[key]} → {new[key]}" for key in new if old.get(key) != new[key])


def latest(session: Session, limit: int = 200) -> list[AuditEntry]:
    return list(session.scalars(sa.select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)))
