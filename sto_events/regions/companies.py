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


DIRECTORY = RegionDirectory(choices=choices, join=_join, names=_names)


def register() -> None:
    """Offer the regions once (create_app may run many times in one process)."""
    if DIRECTORY not in region_directories:
        region_directories.append(DIRECTORY)
