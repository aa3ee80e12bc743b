"""Companies that register themselves, confirm by a mailed link, and wait for an organiser to verify them.

Nothing is stored until the contact opens the mailed link and confirms: the link itself carries what was typed,
signed and expiring (like a registration's manage link). So a registration nobody confirms leaves no personal data
behind and needs no clean-up, and a mistyped address stores nothing about a stranger. Duplicates are checked when the
form is sent and again at confirmation (the same link confirmed twice, or two registrations for one company).

A refused company is deleted, with its memberships; the audit entry keeps name, place and reason. Keeping it as a
refused row would block the company from registering again with corrected details, and would keep a contact's
personal data that no longer serves a purpose (AVG).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy.orm import Session, selectinload

from ..accounts import services as accounts
from ..accounts.models import Role, User
from ..audit.services import record
from ..core.rules import RuleError
from ..core.timeutil import utcnow
from ..places.models import Place
from . import mails
from .models import Organisation, OrganisationContact, OrganisationOfferKind
from .services import public_filter
from .vocabulary import OFFER_KINDS, OrganisationKind

SALT = "company-registration"
#: How long the confirmation link works.
LINK_MAX_AGE = timedelta(days=3)


class CompanyError(RuleError):
    """A rule refused the registration or the verification; organisations/wording.py words its code."""


class InvalidLink(Exception):
    """The confirmation link was altered, made for something else, or is not ours."""


class ExpiredLink(Exception):
    """The confirmation link is genuine but too old."""


@dataclass(frozen=True)
class Application:
    """What a company typed into the registration form; travels in the signed link until it is confirmed."""

    name: str
    place_id: int
    website: str
    region_ids: tuple[int, ...]
    offer_kinds: tuple[str, ...]
    contact_name: str
    email: str
    locale: str = "nl"


@dataclass(frozen=True)
class RegionDirectory:
    """How a registration offers and joins regions. The regions domain lies above this one and registers it."""

    choices: Callable[[Session], list[tuple[int, str]]]
    join: Callable[[Session, Organisation, Sequence[int]], None]
    names: Callable[[Session, Sequence[int]], list[str]]
    #: Organisation id → the names of the regions it takes part in, for the given organisations (one query).
    member_of: Callable[[Session, Sequence[int]], dict[int, list[str]]]


#: Filled by the regions domain when it is part of the app (empty: the form asks for no regions).
region_directories: list[RegionDirectory] = []


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def link_token(application: Application) -> str:
    data = asdict(application)
    data["region_ids"], data["offer_kinds"] = list(application.region_ids), list(application.offer_kinds)
    return _serializer().dumps(data)


def read_link(token: str) -> Application:
    """The application a confirmation link carries; InvalidLink or ExpiredLink otherwise."""
    try:
        data = _serializer().loads(token, max_age=LINK_MAX_AGE.total_seconds())
    except SignatureExpired as exc:
        raise ExpiredLink from exc
    except BadSignature as exc:
        raise InvalidLink from exc
    try:
        application = Application(**{**data, "region_ids": tuple(data["region_ids"]),
                                     "offer_kinds": tuple(data["offer_kinds"])})
    except (TypeError, KeyError) as exc:
        raise InvalidLink from exc
    if not isinstance(application.place_id, int) or not all(k in OFFER_KINDS for k in application.offer_kinds):
        raise InvalidLink
    return application


def _normal(text: str) -> str:
    return " ".join(text.split()).casefold()


def company_exists(session: Session, name: str, place_id: int) -> bool:
    """Whether a company of this name (case and spaces ignored) is already in the directory in this place."""
    names = session.scalars(sa.select(Organisation.name).where(
        Organisation.kind == OrganisationKind.COMPANY, Organisation.place_id == place_id))
    return any(_normal(existing) == _normal(name) for existing in names)


def problems(session: Session, application: Application) -> list[str]:
    """Why this application cannot become a company: 'email_taken' and/or 'company_exists'."""
    found = []
    if accounts.find_by_email(session, application.email) is not None:
        found.append("email_taken")
    if company_exists(session, application.name, application.place_id):
        found.append("company_exists")
    return found


def request_confirmation(session: Session, application: Application) -> None:
    """Mail the contact a link to confirm the registration. Stores nothing but the mail in the outbox."""
    found = problems(session, application)
    if found:
        raise CompanyError(found[0])
    mails.confirm_registration(session, application, link_token(application))


def place_of(session: Session, application: Application) -> Place | None:
    return session.get(Place, application.place_id)


def region_names(session: Session, application: Application) -> list[str]:
    return [name for directory in region_directories for name in directory.names(session, application.region_ids)]


def confirm(session: Session, application: Application) -> tuple[Organisation, User, str]:
    """Create the unverified company, the contact's account (no password yet) and the membership; mail the link to
    choose a password. Returns the company, the account and that link's secret. Flushes; the caller commits."""
    found = problems(session, application)
    if found:
        raise CompanyError(found[0])
    if place_of(session, application) is None:
        raise CompanyError("unknown_place")
    company = Organisation(
        key=f"aanmelding-{secrets.token_hex(8)}",
        kind=OrganisationKind.COMPANY,
        name=application.name,
        place_id=application.place_id,
        website=application.website,
        verified_at=None,
        offer_kind_rows=[OrganisationOfferKind(offer_kind=kind) for kind in dict.fromkeys(application.offer_kinds)],
    )
    session.add(company)
    session.flush()
    for directory in region_directories:
        directory.join(session, company, application.region_ids)
    user, secret = accounts.open_account(session, application.email, application.contact_name, Role.COMPANY_CONTACT)
    user.locale = application.locale  # later mails (verified, refused) in the language the company registered in
    session.add(OrganisationContact(organisation_id=company.id, user_id=user.id))
    record(session, user, "company.register", company, f"{company.name} ({application.email})")
    mails.registration_confirmed(session, user, company, secret, application.locale)
    session.flush()
    return company, user, secret


def waiting_filter():
    """A company an organiser has not verified yet: exactly what the public filter leaves out."""
    return sa.not_(public_filter())


def waiting_count(session: Session) -> int:
    """How many companies wait for an organiser to verify them (one count, for the back office's navigation)."""
    return session.scalar(sa.select(sa.func.count()).select_from(Organisation).where(waiting_filter()))


def region_names_of(session: Session, organisation_ids: Sequence[int]) -> dict[int, list[str]]:
    """Organisation id → the names of the regions it named (when the regions domain is part of the app)."""
    found: dict[int, list[str]] = {}
    for directory in region_directories:
        for organisation_id, names in directory.member_of(session, organisation_ids).items():
            found.setdefault(organisation_id, []).extend(names)
    return found


def awaiting_verification(session: Session) -> list[tuple[Organisation, list[User]]]:
    """Companies nobody has verified yet, oldest first, each with its contacts."""
    companies = list(session.scalars(
        sa.select(Organisation)
        .where(waiting_filter())
        .options(selectinload(Organisation.offer_kind_rows))
        .order_by(Organisation.created_at, Organisation.id)
    ))
    contacts: dict[int, list[User]] = {company.id: [] for company in companies}
    if companies:
        for organisation_id, user in session.execute(
            sa.select(OrganisationContact.organisation_id, User)
            .join(User, User.id == OrganisationContact.user_id)
            .where(OrganisationContact.organisation_id.in_(contacts)).order_by(User.name)
        ):
            contacts[organisation_id].append(user)
    return [(company, contacts[company.id]) for company in companies]


def unverified(session: Session, organisation_id: int) -> Organisation | None:
    """A company that waits for verification (None for any other organisation)."""
    return session.scalar(sa.select(Organisation).where(Organisation.id == organisation_id, waiting_filter()))


def _contacts(session: Session, company: Organisation) -> list[User]:
    return list(session.scalars(sa.select(User).join(OrganisationContact, OrganisationContact.user_id == User.id)
                                .where(OrganisationContact.organisation_id == company.id)))


def verify(session: Session, company: Organisation, by: User) -> None:
    """Make a company public, tell its contacts, and log it. Flushes; the caller commits."""
    if company.verified_at is not None:
        raise CompanyError("already_verified")
    company.verified_at = utcnow()
    for contact in _contacts(session, company):
        mails.company_verified(session, contact, company)
    record(session, by, "company.verify", company, f"{company.name}, {company.place.label}")
    session.flush()


def refuse(session: Session, company: Organisation, by: User, reason: str) -> None:
    """Refuse a company: mail the reason to its contacts, log it, and delete the company with its memberships.

    A contact's account goes too when this registration made it and it acts for nothing else (it cannot log in to
    anything); an account that also acts for another organisation, or has another role, stays."""
    if company.verified_at is not None:
        raise CompanyError("already_verified")
    contacts = _contacts(session, company)
    for contact in contacts:
        mails.company_refused(session, contact, company, reason)
    record(session, by, "company.refuse", company, f"{company.name}, {company.place.label}: {reason}")
    session.delete(company)
    session.flush()
    for contact in contacts:
        others = session.scalar(sa.select(sa.func.count()).select_from(OrganisationContact)
                                .where(OrganisationContact.user_id == contact.id))
        if contact.role == Role.COMPANY_CONTACT and not others:
            session.delete(contact)
    session.flush()
