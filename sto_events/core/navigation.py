"""The back office's navigation, filled by the domains: each `manage.py` registers its start page here.

The shell (`backoffice/`) shows the links of every registered blueprint in `order`; it knows no domain itself.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import current_app


@dataclass(frozen=True)
class BackofficeLink:
    blueprint: str
    endpoint: str
    label: object  # a lazy string: translated when the page is rendered, in the reader's language
    order: int
    #: How many things wait behind the link (shown beside it when there are any); one cheap query per page.
    count: Callable[[], int] | None = None


_links: dict[str, BackofficeLink] = {}


def backoffice_link(blueprint: str, endpoint: str, label, order: int,
                    count: Callable[[], int] | None = None) -> None:
    """Add (or replace) a link to `endpoint` in the back office's navigation; lower `order` comes first.
    `count`, when given, tells how many things wait there (a number beside the link)."""
    _links[endpoint] = BackofficeLink(blueprint, endpoint, label, order, count)


def backoffice_links() -> list[BackofficeLink]:
    """The links whose blueprint this app registered, in order."""
    registered = current_app.blueprints
    return sorted((link for link in _links.values() if link.blueprint in registered),
                  key=lambda link: (link.order, link.endpoint))
