"""Reading regions for the public pages: a fixed number of statements, however many members they have."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from ..audit import services as audit
from ..core.rules import RuleError
from ..organisations.models import Organisation, OrganisationProfile
from ..organisations.services import public_filter
from ..organisations.vocabulary import PROFILES, OrganisationKind
from .models import PlanStatus, Region, RegionMember, RegionProvince


@dataclass
class RegionSummary:
    """A region as the list shows it: how many members of each kind, and the vmbo profiles its schools offer."""

    region: Region
    counts: dict[OrganisationKind, int] = field(default_factory=dict)
    profiles: list[str] = field(default_factory=list)


def _member_profiles(*columns):
    """(columns of) every public member's profiles: region_member joined to its organisation's profile rows."""
    return (sa.select(*columns)
            .join(Organisation, Organisation.id == RegionMember.organisation_id)
            .join(OrganisationProfile, OrganisationProfile.organisation_id == Organisation.id)
            .where(public_filter()))


def _offered_profiles(session: Session, region_ids) -> dict[int, list[str]]:
    """Per region, the profiles its public vmbo member schools offer, in the programme's order."""
    rows = session.execute(
        _member_profiles(RegionMember.region_id, OrganisationProfile.profile).distinct()
        .where(RegionMember.region_id.in_(region_ids))
    )
    found: dict[int, set[str]] = defaultdict(set)
    for region_id, profile in rows:
        found[region_id].add(profile)
    return {region_id: [p for p in PROFILES if p in codes] for region_id, codes in found.items()}


def public_list(session: Session, province: str | None = None, profile: str | None = None) -> list[RegionSummary]:
    """Every region (or those in `province` / whose schools offer `profile`), by name: four statements."""
    query = sa.select(Region).options(selectinload(Region.province_rows)).order_by(Region.name)
    if province:
        in_province = sa.select(RegionProvince.region_id).where(RegionProvince.province == province)
        query = query.where(Region.id.in_(in_province))
    if profile:
        query = query.where(Region.id.in_(
            _member_profiles(RegionMember.region_id).where(OrganisationProfile.profile == profile)))
    regions = list(session.scalars(query))
    ids = [region.id for region in regions]
    summaries = {region.id: RegionSummary(region) for region in regions}
    counts = session.execute(
        sa.select(RegionMember.region_id, Organisation.kind, sa.func.count())
        .join(Organisation, Organisation.id == RegionMember.organisation_id)
        .where(RegionMember.region_id.in_(ids), public_filter())
        .group_by(RegionMember.region_id, Organisation.kind)
    )
    for region_id, kind, count in counts:
        summaries[region_id].counts[kind] = count
    order = list(OrganisationKind)
    for summary in summaries.values():
        summary.counts = dict(sorted(summary.counts.items(), key=lambda item: order.index(item[0])))
    for region_id, profiles in _offered_profiles(session, ids).items():
        summaries[region_id].profiles = profiles
    return list(summaries.values())


def public_region(
    session: Session, slug: str
) -> tuple[Region, dict[OrganisationKind, list[Organisation]], list[str]] | None:
    """A region's page: the region, its public members grouped by kind, and the profiles its schools offer."""
    region = session.scalar(sa.select(Region).where(Region.slug == slug)
                            .options(selectinload(Region.province_rows)))
    if region is None:
        return None
    members = session.scalars(
        sa.select(Organisation)
        .join(RegionMember, RegionMember.organisation_id == Organisation.id)
        .where(RegionMember.region_id == region.id, public_filter())
        .options(selectinload(Organisation.profile_rows))
        .order_by(Organisation.name)
    )
    grouped: dict[OrganisationKind, list[Organisation]] = {kind: [] for kind in OrganisationKind}
    for member in members:
        grouped[member.kind].append(member)
    return region, {kind: rows for kind, rows in grouped.items() if rows}, _offered_profiles(session, [region.id]).get(
        region.id, [])


def regions_of(session: Session, organisation: Organisation) -> list[Region]:
    """The regions an organisation takes part in, by name."""
    return list(session.scalars(
        sa.select(Region).join(RegionMember, RegionMember.region_id == Region.id)
        .where(RegionMember.organisation_id == organisation.id).order_by(Region.name)
    ))


class RegionError(RuleError):
    """A refused change of a region: "name_taken" (another region has this name); regions/wording.py words it."""


def by_slug(session: Session, slug: str) -> Region | None:
    """The region for a manage page's URL (every region, public or not: the scope decides who gets in)."""
    return session.scalar(sa.select(Region).where(Region.slug == slug))


def update_region(session: Session, region: Region, by, values: dict) -> bool:
    """Change the region's fields named in `values` (only those the editor's form has) and note it in the audit
    log. Returns whether anything changed. Flushes; the caller commits, so change and audit entry land together."""
    if "plan_status" in values:
        values = {**values, "plan_status": PlanStatus(values["plan_status"])}
    name = values.get("name")
    if name is not None and name != region.name and session.scalar(
            sa.select(Region.id).where(sa.func.lower(Region.name) == name.lower(), Region.id != region.id)):
        raise RegionError("name_taken")
    old = {key: _plain(getattr(region, key)) for key in values}
    new = {key: _plain(value) for key, value in values.items()}
    if old == new:
        return False
    for key, value in values.items():
        setattr(region, key, value)
    audit.record(session, by, "region.update", region, audit.changes(old, new))
    session.flush()
    return True


def _plain(value) -> str:
    return value.value if isinstance(value, PlanStatus) else str(value or "")


def choices(session: Session) -> list[tuple[int, str]]:
    """Every region as (id, name), by name: what a form offers where a person names their region."""
    return [(region_id, name) for region_id, name in
            session.execute(sa.select(Region.id, Region.name).order_by(Region.name, Region.id))]


def exists(session: Session, region_id: int) -> bool:
    return session.get(Region, region_id) is not None
