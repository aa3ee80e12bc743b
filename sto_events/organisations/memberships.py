"""Contacts of an organisation: people who act for a company or a school. The rows are this domain's; the account
table knows nothing of them."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from ..accounts import services as accounts
from ..accounts.memberships import MembershipError, invite_member
from ..accounts.models import Role, User
from ..audit import services as audit
from .models import Organisation, OrganisationContact
from .vocabulary import OrganisationKind


def contact_role(organisation: Organisation) -> Role:
    """The role a new account gets when its first invitation is into this organisation."""
    return Role.COMPANY_CONTACT if organisation.kind == OrganisationKind.COMPANY else Role.SCHOOL_CONTACT


def add_contact(session: Session, organisation: Organisation, email: str, name: str, by: User) -> OrganisationContact:
    """Make the person with this e-mail a contact of the organisation (inviting them when they have no account).

    Inviting again someone who never accepted sends a fresh link; an accepted contact is refused ("already").
    Flushes; the caller commits, so the row, the mail and the audit entry land together."""
    existing = session.scalar(
        sa.select(OrganisationContact).join(User, User.id == OrganisationContact.user_id)
        .where(OrganisationContact.organisation_id == organisation.id,
               User.email == accounts.normalize_email(email)))
    if existing is not None and existing.user.password_hash is not None:
        raise MembershipError("already")
    user = invite_member(session, email, name, contact_role(organisation), by,
                         _l("contactpersoon van %(name)s", name=organisation.name))
    if existing is None:
        existing = OrganisationContact(organisation_id=organisation.id, user_id=user.id, invited_by_id=by.id)
        session.add(existing)
    audit.record(session, by, "organisation.contact.add", organisation, user.email)
    session.flush()
    return existing


def contact_in(session: Session, organisation: Organisation, user_id: int) -> OrganisationContact | None:
    """One contact of this organisation, found only within it: someone else's contact id is None (a 404)."""
    return session.scalar(sa.select(OrganisationContact).where(
        OrganisationContact.organisation_id == organisation.id, OrganisationContact.user_id == user_id))


def end_contact(session: Session, contact: OrganisationContact, by: User) -> None:
    """End a contact's membership (the account stays: it may act for other things). Flushes."""
    audit.record(session, by, "organisation.contact.end", contact.organisation, contact.user.email)
    session.delete(contact)
    session.flush()


def contacts_of(session: Session, organisation: Organisation) -> list[OrganisationContact]:
    """The organisation's contacts, by name."""
    return list(session.scalars(
        sa.select(OrganisationContact).join(User, User.id == OrganisationContact.user_id)
        .where(OrganisationContact.organisation_id == organisation.id).order_by(User.name, User.email)))


def organisations_of(session: Session, user: User) -> list[Organisation]:
    """The organisations this person is a contact of, by name."""
    return list(session.scalars(
        sa.select(Organisation).join(OrganisationContact, OrganisationContact.organisation_id == Organisation.id)
        .where(OrganisationContact.user_id == user.id).order_by(Organisation.name)))
