"""Who may manage a region: organisers every one, a coordinator their own. One place decides it."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import object_session

from ..accounts.models import Role
from .models import Region, RegionCoordinator


def visible_to(user):
    """A filter on Region: the regions this user may manage (none for a visitor)."""
    if user is None or not user.is_authenticated:
        return sa.false()
    if user.has_role(Role.ORGANISER):
        return sa.true()
    return Region.id.in_(sa.select(RegionCoordinator.region_id).where(RegionCoordinator.user_id == user.id))


def can_manage(user, region: Region) -> bool:
    """May this user edit the region's profile and its coordinators?"""
    if user is None or not user.is_authenticated:
        return False
    if user.has_role(Role.ORGANISER):
        return True
    session = object_session(region)
    return session is not None and session.get(RegionCoordinator, (region.id, user.id)) is not None
