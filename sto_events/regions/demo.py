"""Demo regions named after the areas in the STO texts, each with schools, an mbo, companies and a network.

Every name says it is an example; nothing here is a real school or company."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..core.timeutil import utcnow
from ..organisations.models import Organisation, OrganisationLeerweg, OrganisationProfile
from ..organisations.vocabulary import NetworkType, OrganisationKind
from ..places.services import by_label
from .models import PlanStatus, Region, RegionMember, RegionProvince

#: (slug, name, provinces, plan status, the places its members are in, the profiles its two schools offer)
REGIONS = [
    ("zwolle", "Zwolle", ["Overijssel"], PlanStatus.IN_PROGRESS, ["Zwolle", "Kampen", "Dalfsen"],
     (["BWI", "PIE", "MT"], ["PIE", "MVI", "DP"])),
    ("assen-beilen", "Assen-Beilen", ["Drenthe"], PlanStatus.IN_PROGRESS, ["Assen", "Beilen", "Hoogeveen"],
     (["PIE", "MT"], ["BWI", "DP"])),
    ("groningen-drenthe", "Groningen en Noord-Drenthe", ["Groningen", "Drenthe"], PlanStatus.APPROVED,
     ["Groningen", "Veendam", "Roden"], (["PIE", "MaT", "MVI"], ["BWI", "DP"])),
    ("friesland", "Friesland", ["Friesland"], PlanStatus.APPROVED, ["Leeuwarden", "Heerenveen", "Sneek"],
     (["MaT", "PIE"], ["BWI", "MT", "DP"])),
    ("amsterdam", "Amsterdam", ["Noord-Holland"], PlanStatus.IN_PROGRESS, ["Amsterdam", "Zaandam", "Diemen"],
     (["MVI", "PIE", "BWI"], ["MT", "DP"])),
    ("eindhoven", "Eindhoven", ["Noord-Brabant"], PlanStatus.IN_PROGRESS, ["Eindhoven", "Veldhoven", "Helmond"],
     (["PIE", "MVI"], ["MT", "BWI", "DP"])),
    ("rijnmond", "Rijnmond", ["Zuid-Holland"], PlanStatus.SUPPLEMENT_ASKED,
     ["Rotterdam", "Capelle aan den IJssel", "Schiedam"], (["MaT", "PIE", "MT"], ["BWI", "MVI"])),
    ("twente", "Twente", ["Overijssel"], PlanStatus.APPROVED, ["Enschede", "Almelo", "Oldenzaal"],
     (["PIE", "BWI"], ["MT", "DP"])),
    ("arnhem-nijmegen", "Arnhem-Nijmegen", ["Gelderland"], PlanStatus.SUBMITTED, ["Arnhem", "Nijmegen", "Wijchen"],
     (["BWI", "PIE"], ["MVI", "DP"])),
    ("utrecht", "Utrecht", ["Utrecht"], PlanStatus.SUBMITTED, ["Utrecht", "Nieuwegein", "Zeist"],
     (["MVI", "DP"], ["PIE", "BWI"])),
    ("zeeland", "Zeeland", ["Zeeland"], PlanStatus.SUPPLEMENT_ASKED, ["Middelburg", "Vlissingen", "Goes"],
     (["MaT", "PIE"], ["BWI", "DP"])),
    ("zuid-limburg", "Zuid-Limburg", ["Limburg"], PlanStatus.APPROVED, ["Maastricht", "Heerlen", "Sittard"],
     (["PIE", "MT", "BWI"], ["DP", "MVI"])),
]

NETWORKS = [NetworkType.JET_NET, NetworkType.PPS, NetworkType.TOPTECHNIEK, NetworkType.FIELDLAB]


def _organisation(session: Session, key: str, kind: OrganisationKind, name: str, place: str, **extra) -> Organisation:
    found = by_label(session, place)
    if found is None:
        raise LookupError(f"demo place {place!r} is not in the place list")
    organisation = Organisation(key=key, kind=kind, name=name, place=found, is_demo=True, **extra)
    session.add(organisation)
    return organisation


def seed(session: Session) -> list[Region]:
    """Add the demo regions and their members (once: regions whose slug exists are left alone)."""
    existing = set(session.scalars(sa.select(Region.slug)))
    made = []
    for number, (slug, name, provinces, status, places, school_profiles) in enumerate(REGIONS, start=1):
        if slug in existing:
            continue
        region = Region(slug=slug, name=f"{name} (voorbeeld)", plan_status=status, is_demo=True,
                        lead_board=f"Voorbeeld Onderwijsgroep {name}",
                        province_rows=[RegionProvince(province=p) for p in provinces])
        home, second, third = places
        members = []
        for index, (place, profiles) in enumerate(zip((home, second), school_profiles, strict=True), start=1):
            school = _organisation(session, f"DEMO-{number:02d}-VMBO{index}", OrganisationKind.VMBO_SCHOOL,
                                   f"Voorbeeld Techniekcollege {place}", place,
                                   verified_at=utcnow())
            school.profile_rows = [OrganisationProfile(profile=p) for p in profiles]
            leerwegen = ("basis", "kader", "gemengd")[: 2 + index % 2]
            school.leerweg_rows = [OrganisationLeerweg(leerweg=w) for w in leerwegen]
            members.append(school)
        members.append(_organisation(session, f"DEMO-{number:02d}-MBO", OrganisationKind.MBO_INSTITUTION,
                                     f"Voorbeeld ROC {name}", home, verified_at=utcnow()))
        members.append(_organisation(session, f"DEMO-{number:02d}-BEDRIJF1", OrganisationKind.COMPANY,
                                     f"Voorbeeld Installatietechniek {third}", third, verified_at=utcnow()))
        members.append(_organisation(session, f"DEMO-{number:02d}-BEDRIJF2", OrganisationKind.COMPANY,
                                     f"Voorbeeld Bouwbedrijf {second} (nog niet geverifieerd)", second))
        members.append(_organisation(session, f"DEMO-{number:02d}-NETWERK", OrganisationKind.NETWORK,
                                     f"Voorbeeld technieknetwerk {name}", home,
                                     network_type=NETWORKS[number % len(NETWORKS)], verified_at=utcnow()))
        session.add(region)
        session.flush()
        session.add_all(RegionMember(region_id=region.id, organisation_id=m.id) for m in members)
        made.append(region)
    session.commit()
    return made
