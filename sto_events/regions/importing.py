"""The "regio's" column of the directory import: which regions an organisation takes part in."""

from __future__ import annotations

from collections import defaultdict

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..organisations.importing import ExtraColumn, Rejection, extra_columns
from .models import Region, RegionMember


def _parse(session: Session, text: str | None, cache: dict) -> tuple[tuple[int, ...] | None, list[Rejection]]:
    """Region names or slugs, separated by ';' or ','; None when the file has no such column."""
    if text is None:
        return None, []
    if "regions" not in cache:
        cache["regions"] = {}
        for region in session.scalars(sa.select(Region)):
            cache["regions"][region.name.casefold()] = region.id
            cache["regions"][region.slug] = region.id
    ids, problems = set(), []
    for part in (p.strip() for p in text.replace(";", ",").split(",")):
        if not part:
            continue
        region_id = cache["regions"].get(part.casefold())
        if region_id is None:
            problems.append(Rejection("unknown_region", part))
        else:
            ids.add(region_id)
    return tuple(sorted(ids)), problems


def _current(session: Session, organisation_ids: list[int]) -> dict[int, tuple[int, ...]]:
    """Every asked organisation's regions; () for one in none (an empty column in the file reads the same)."""
    found = defaultdict(list)
    for organisation_id, region_id in session.execute(
        sa.select(RegionMember.organisation_id, RegionMember.region_id)
        .where(RegionMember.organisation_id.in_(organisation_ids))
    ):
        found[organisation_id].append(region_id)
    return {organisation_id: tuple(sorted(found[organisation_id])) for organisation_id in organisation_ids}


def _apply(session: Session, pairs: list[tuple[object, tuple[int, ...]]]) -> None:
    """Each organisation takes part in exactly its regions: two statements for the whole import."""
    if not pairs:
        return
    session.execute(sa.delete(RegionMember).where(RegionMember.organisation_id.in_([o.id for o, _ in pairs])))
    rows = [{"region_id": r, "organisation_id": o.id} for o, region_ids in pairs for r in region_ids]
    if rows:
        session.execute(sa.insert(RegionMember), rows)


def _export(session: Session) -> dict[int, str]:
    names = defaultdict(list)
    for organisation_id, name in session.execute(
        sa.select(RegionMember.organisation_id, Region.name).join(Region, Region.id == RegionMember.region_id)
        .order_by(Region.name)
    ):
        names[organisation_id].append(name)
    return {organisation_id: "; ".join(n) for organisation_id, n in names.items()}


def register() -> None:
    """Add the column once (create_app may run many times in one process)."""
    if not any(extra.name == "regio's" for extra in extra_columns):
        extra_columns.append(ExtraColumn("regio's", _parse, _current, _apply, _export))
