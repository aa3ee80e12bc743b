"""Lists shown a page at a time: which page a query string asks for, and where that page lies."""

from __future__ import annotations

from dataclasses import dataclass

from flask import request


def requested_page(name: str = "pagina") -> int:
    """The page number in the query string; anything that is not a plain number of sensible length is page 1."""
    raw = request.args.get(name, "")
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 7 else 1


@dataclass(frozen=True)
class Window:
    """Page `page` of `pages` over `total` rows; a page past the end is the last one, one before the first the
    first. `start` and `stop` slice (or offset and limit) the rows it shows."""

    total: int
    page: int
    pages: int
    start: int
    stop: int

    @classmethod
    def of(cls, total: int, page: int, per_page: int) -> Window:
        pages = max(1, -(-total // per_page))
        page = min(max(page, 1), pages)
        return cls(total, page, pages, (page - 1) * per_page, page * per_page)

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages
