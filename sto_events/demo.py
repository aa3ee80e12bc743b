"""Demo accounts, one per kind of user, so a developer can try every page after `make run`.

Only in development: `seed_accounts` refuses in production mode, and the accounts act for demo regions and
organisations only (names that say "voorbeeld"). The password is printed by `flask seed-demo`, never used elsewhere.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from .accounts.models import Role, User
from .accounts.services import create_user, find_by_email
from .organisations.models import Organisation, OrganisationContact
from .regions.models import Region, RegionCoordinator, RegionMember

#: Shared by every demo account; long enough for the password rule, useless outside a developer's machine.
DEMO_PASSWORD = "voorbeeld-wachtwoord"
#: The region whose coordinator, company contact and school contact the demo accounts are.
DEMO_REGION = "zwolle"


@dataclass(frozen=True)
class DemoLogin:
    kind: str
    email: str
    acts_for: str


class ProductionRefused(RuntimeError):
    """Demo accounts exist only on a developer's machine."""


def _account(session: Session, email: str, name: str, role: Role) -> User:
    return find_by_email(session, email) or create_user(session, email, name, role, DEMO_PASSWORD)


def _demo_member(session: Session, region: Region, key_suffix: str) -> Organisation | None:
    """The region's demo organisation whose key ends in `key_suffix` (e.g. BEDRIJF1, the verified company)."""
    return session.scalar(
        sa.select(Organisation)
        .join(RegionMember, RegionMember.organisation_id == Organisation.id)
        .where(RegionMember.region_id == region.id, Organisation.is_demo.is_(True),
               Organisation.key.like(f"DEMO-%-{key_suffix}"))
        .order_by(Organisation.key)
        .limit(1)
    )


def seed_accounts(session: Session, env_name: str) -> list[DemoLogin]:
    """Create (once) an organiser, a coordinator of the demo region, a company contact and a school contact there."""
    if env_name == "production":
        raise ProductionRefused("demo accounts are never made in production mode")
    region = session.scalar(sa.select(Region).where(Region.slug == DEMO_REGION, Region.is_demo.is_(True)))
    if region is None:
        return []
    company = _demo_member(session, region, "BEDRIJF1")
    school = _demo_member(session, region, "VMBO1")
    logins = [DemoLogin("organisator", "organisator@voorbeeld.example.org", "het hele programma")]
    _account(session, logins[0].email, "Olga Organisator (voorbeeld)", Role.ORGANISER)

    coordinator = _account(session, "coordinator@voorbeeld.example.org", "Cor Coördinator (voorbeeld)",
                           Role.REGION_COORDINATOR)
    if session.get(RegionCoordinator, (region.id, coordinator.id)) is None:
        session.add(RegionCoordinator(region_id=region.id, user_id=coordinator.id))
    logins.append(DemoLogin("regiocoördinator", coordinator.email, region.name))
    for organisation, email, name, role, kind in (
        (company, "bedrijf@voorbeeld.example.org", "Bea Bedrijf (voorbeeld)", Role.COMPANY_CONTACT, "bedrijfscontact"),
        (school, "school@voorbeeld.example.org", "Sam School (voorbeeld)", Role.SCHOOL_CONTACT, "schoolcontact"),
    ):
        if organisation is None:
            continue
        user = _account(session, email, name, role)
        if session.get(OrganisationContact, (organisation.id, user.id)) is None:
            session.add(OrganisationContact(organisation_id=organisation.id, user_id=user.id))
        logins.append(DemoLogin(kind, email, organisation.name))
    session.commit()
    return logins
