"""Reading the directory: what the public may see of an organisation."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from ..audit import services as audit
from .models import Organisation, OrganisationLeerweg, OrganisationOfferKind, OrganisationProfile
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


def by_id(session: Session, organisation_id: int) -> Organisation | None:
    """The organisation for a manage page's URL (public or not: the scope decides who gets in)."""
    return session.get(Organisation, organisation_id)


#: The lists an editor may change, with the row class and its column.
_LISTS = {
    "profiles": ("profile_rows", OrganisationProfile, "profile"),
    "leerwegen": ("leerweg_rows", OrganisationLeerweg, "leerweg"),
    "offer_kinds": ("offer_kind_rows", OrganisationOfferKind, "offer_kind"),
}


def update_organisation(session: Session, organisation: Organisation, by, values: dict) -> bool:
    """Change the fields named in `values` (only those the editor's form has: name, website, profiles, leerwegen,
    offer kinds) and note it in the audit log. Verification is untouched: an unverified company stays unpublished.
    Returns whether anything changed. Flushes; the caller commits."""
    old = {key: _plain(getattr(organisation, key)) for key in values}
    new = {key: _plain(value) for key, value in values.items()}
    if old == new:
        return False
    for key, value in values.items():
        if key in _LISTS:
            relation, row_class, column = _LISTS[key]
            rows = getattr(organisation, relation)
            wanted = list(dict.fromkeys(value))
            rows[:] = [row for row in rows if getattr(row, column) in wanted]
            present = {getattr(row, column) for row in rows}
            rows.extend(row_class(**{column: code}) for code in wanted if code not in present)
        else:
            setattr(organisation, key, value)
    audit.record(session, by, "organisation.update", organisation, audit.changes(old, new))
    session.flush()
    return True


def _plain(value) -> str:
    return ", ".join(sorted(value)) if isinstance(value, list | tuple) else str(value or "")
