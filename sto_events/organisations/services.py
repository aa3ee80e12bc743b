"""Reading the directory: what the public may see of an organisation."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from .models import Organisation
from .vocabulary import OrganisationKind


def public_filter():
    """What anyone may see: every organisation, except companies an organiser has not verified yet.

    The one filter every public list, page, count and filter of organisations goes through."""
    return sa.or_(Organisation.kind != OrganisationKind.COMPANY, Organisation.verified_at.is_not(None))


def public(session: Session, organisation_id: int) -> Organisation | None:
    """One organisation as the public page shows it (None when it does not exist or is not public)."""
    return session.scalar(
        sa.select(Organisation).where(Organisation.id == organisation_id, public_filter())
        .options(selectinload(Organisation.profile_rows), selectinload(Organisation.leerweg_rows),
                 selectinload(Organisation.offer_kind_rows))
    )
