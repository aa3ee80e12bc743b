"""Mijn omgeving: what a person acts for, collected from the domains that keep those memberships.

Accounts sit below regions and organisations and never import them; each of those domains connects a receiver to
`home_sections` that returns (order, template, context) for its part of the page, or None when it has nothing to show.
"""

from __future__ import annotations

from blinker import Namespace

#: Sent with the logged-in user when their Mijn omgeving is shown.
home_sections = Namespace().signal("account-home-sections")


def sections_for(user) -> list[tuple[str, dict]]:
    """(template, context) of every domain's section for this person, in the domains' order."""
    found = [section for _receiver, section in home_sections.send(user) if section]
    return [(template, context) for _order, template, context in sorted(found, key=lambda s: (s[0], s[1]))]
