"""Demo regions named after the areas in the STO texts, each with schools, an mbo, companies and a network.

Every name says it is an example; nothing here is a real school or company."""

from __future__ import annotations

import secrets

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..accounts import services as accounts
from ..accounts.models import Role, User
from ..core.timeutil import utcnow
from ..organisations.models import Organisation, OrganisationContact, OrganisationLeerweg, OrganisationProfile
from ..organisations.vocabulary import NetworkType, OrganisationKind
from ..places.services import by_label
from .models import PlanStatus, Region, RegionCoordinator, RegionMember, RegionProvince

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


#: One demo login per kind of user: (what it shows, e-mail, name, role, the key of what it acts for or None).
DEMO_ACCOUNTS = [
    ("organisator", "organisator@demo.example.com", "Voorbeeld Organisator", Role.ORGANISER, None),
    ("coördinator van Zwolle (voorbeeld)", "coordinator@demo.example.com", "Voorbeeld Coördinator",
     Role.REGION_COORDINATOR, "zwolle"),
    ("contactpersoon van een bedrijf", "bedrijf@demo.example.com", "Voorbeeld Bedrijfscontact", Role.COMPANY_CONTACT,
     "DEMO-01-BEDRIJF1"),
    ("contactpersoon van een school", "school@demo.example.com", "Voorbeeld Schoolcontact", Role.SCHOOL_CONTACT,
     "DEMO-01-VMBO1"),
]


def demo_accounts(session: Session) -> list[tuple[str, str, str]]:
    """Development only: an account per kind of user, with a fresh random password each time (so the printed
    logins are always the right ones) and the membership that makes it that kind. Returns (kind, e-mail, password).

    The caller must never call this in production mode."""
    logins = []
    for kind, email, name, role, key in DEMO_ACCOUNTS:
        user = accounts.find_by_email(session, email)
        if user is None:
            user = User(email=email, name=name, role=role)
            session.add(user)
        password = secrets.token_urlsafe(12)
        user.password_hash = accounts.hash_password(password)
        user.active = True
        session.flush()
        if role == Role.REGION_COORDINATOR:
            region_id = session.scalar(sa.select(Region.id).where(Region.slug == key))
            if region_id is not None and session.get(RegionCoordinator, (region_id, user.id)) is None:
                session.add(RegionCoordinator(region_id=region_id, user_id=user.id))
        elif key is not None:
            organisation_id = session.scalar(sa.select(Organisation.id).where(Organisation.key == key))
            if organisation_id is not None and session.get(OrganisationContact, (organisation_id, user.id)) is None:
                session.add(OrganisationContact(organisation_id=organisation_id, user_id=user.id))
        logins.append((kind, email, password))
    session.commit()
    return logins
