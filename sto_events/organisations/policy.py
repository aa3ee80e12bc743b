"""Who may manage an organisation: organisers every one, a contact their own. One place decides it."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import object_session

from ..accounts.models import Role
from .models import Organisation, OrganisationContact


def visible_to(user):
    """A filter on Organisation: the organisations this user may manage (none for a visitor)."""
    if user is None or not user.is_authenticated:
        return sa.false()
    if user.has_role(Role.ORGANISER):
        return sa.true()
    return Organisation.id.in_(
        sa.select(OrganisationContact.organisation_id).where(OrganisationContact.user_id == user.id))


def can_manage(user, organisation: Organisation) -> bool:
    """May this user edit the organisation's public fields and its contacts?"""
    if user is None or not user.is_authenticated:
        return False
    if user.has_role(Role.ORGANISER):
        return True
    session = object_session(organisation)
    return session is not None and session.get(OrganisationContact, (organisation.id, user.id)) is not None
