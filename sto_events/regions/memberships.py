"""Coordinators of a region (projectleider, penvoerder): membership rows this domain keeps, not an account column."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from ..accounts import services as accounts
from ..accounts.memberships import MembershipError, invite_member
from ..accounts.models import Role, User
from ..audit import services as audit
from .models import Region, RegionCoordinator

__all__ = ["MembershipError", "add_coordinator", "coordinator_in", "coordinators_of", "end_coordinator",
           "regions_of"]


def add_coordinator(session: Session, region: Region, email: str, name: str, by: User) -> RegionCoordinator:
    """Make the person with this e-mail a coordinator of the region (inviting them when they have no account).

    Inviting again someone who never accepted sends a fresh link; an accepted coordinator is refused ("already").
    Flushes; the caller commits, so the row, the mail and the audit entry land together."""
    existing = session.scalar(
        sa.select(RegionCoordinator).join(User, User.id == RegionCoordinator.user_id)
        .where(RegionCoordinator.region_id == region.id, User.email == accounts.normalize_email(email)))
    if existing is not None and existing.user.password_hash is not None:
        raise MembershipError("already")
    user = invite_member(session, email, name, Role.REGION_COORDINATOR, by,
                         _l("coördinator van de regio %(name)s", name=region.name))
    if existing is None:
        existing = RegionCoordinator(region_id=region.id, user_id=user.id, invited_by_id=by.id)
        session.add(existing)
    audit.record(session, by, "region.coordinator.add", region, user.email)
    session.flush()
    return existing


def coordinator_in(session: Session, region: Region, user_id: int) -> RegionCoordinator | None:
    """One coordinator of this region, found only within it: someone else's coordinator id is None (a 404)."""
    return session.scalar(sa.select(RegionCoordinator).where(
        RegionCoordinator.region_id == region.id, RegionCoordinator.user_id == user_id))


def end_coordinator(session: Session, coordinator: RegionCoordinator, by: User) -> None:
    """End a coordinatorship (the account stays: it may act for other things). Flushes."""
    audit.record(session, by, "region.coordinator.end", coordinator.region, coordinator.user.email)
    session.delete(coordinator)
    session.flush()


def coordinators_of(session: Session, region: Region) -> list[RegionCoordinator]:
    """The region's coordinators, by name."""
    return list(session.scalars(
        sa.select(RegionCoordinator).join(User, User.id == RegionCoordinator.user_id)
        .where(RegionCoordinator.region_id == region.id).order_by(User.name, User.email)))


def regions_of(session: Session, user: User) -> list[Region]:
    """The regions this person coordinates, by name."""
    return list(session.scalars(
        sa.select(Region).join(RegionCoordinator, RegionCoordinator.region_id == Region.id)
        .where(RegionCoordinator.user_id == user.id).order_by(Region.name)))
