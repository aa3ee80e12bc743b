"""The regions a company names when it registers itself (the registration lives in organisations, below us)."""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..organisations.companies import RegionDirectory, region_directories
from ..organisations.models import Organisation
from .models import Region, RegionMember
from .services import choices


def _known(session: Session, region_ids: Sequence[int]) -> list[Region]:
    if not region_ids:
        return []
    return list(session.scalars(sa.select(Region).where(Region.id.in_(region_ids)).order_by(Region.name)))


def _join(session: Session, organisation: Organisation, region_ids: Sequence[int]) -> None:
    """The company takes part in each named region that (still) exists."""
    session.add_all(RegionMember(region_id=region.id, organisation_id=organisation.id)
                    for region in _known(session, region_ids))


def _names(session: Session, region_ids: Sequence[int]) -> list[str]:
    return [region.name for region in _known(session, region_ids)]


def _member_of(session: Session, organisation_ids: Sequence[int]) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    if organisation_ids:
        for organisation_id, name in session.execute(
            sa.select(RegionMember.organisation_id, Region.name).join(Region, Region.id == RegionMember.region_id)
            .where(RegionMember.organisation_id.in_(organisation_ids)).order_by(Region.name)
        ):
            found.setdefault(organisation_id, []).append(name)
    return found


DIRECTORY = RegionDirectory(choices=choices, join=_join, names=_names, member_of=_member_of)


def register() -> None:
    """Offer the regions once (create_app may run many times in one process)."""
    if DIRECTORY not in region_directories:
        region_directories.append(DIRECTORY)
