"""The back office's list of every organisation: search on name or key, filter on kind and verification, by page."""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..core.paging import Window
from . import companies
from .models import Organisation
from .services import public_filter
from .vocabulary import OrganisationKind

PER_PAGE = 50

#: The verification filter's values in the query string.
VERIFIED = "ja"
WAITING = "nee"


@dataclass
class Listing:
    organisations: list[Organisation]
    window: Window
    regions: dict[int, list[str]] = field(default_factory=dict)


def search(session: Session, text: str = "", kind: OrganisationKind | None = None, verified: str | None = None,
           page: int = 1, per_page: int = PER_PAGE) -> Listing:
    """One page of organisations by name, with their regions; a page past the end shows the last one.

    Three statements whatever the number of rows: the count, the page (place joined), the regions of the page."""
    conditions = []
    if text:
        needle = text.lower()
        conditions.append(sa.or_(sa.func.lower(Organisation.name).contains(needle, autoescape=True),
                                 sa.func.lower(Organisation.key).contains(needle, autoescape=True)))
    if kind is not None:
        conditions.append(Organisation.kind == kind)
    if verified == VERIFIED:
        conditions.append(public_filter())
    elif verified == WAITING:
        conditions.append(companies.waiting_filter())
    total = session.scalar(sa.select(sa.func.count()).select_from(Organisation).where(*conditions)) or 0
    window = Window.of(total, page, per_page)
    organisations = list(session.scalars(
        sa.select(Organisation).where(*conditions)
        .order_by(sa.func.lower(Organisation.name), Organisation.id)
        .limit(per_page).offset(window.start)
    ))
    regions = companies.region_names_of(session, [o.id for o in organisations]) if organisations else {}
    return Listing(organisations, window, regions)
