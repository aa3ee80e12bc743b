"""What the refusals of the region rules say: code → Dutch text (translated when shown)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..core.rules import RuleError, word

WORDING = {
    "name_taken": _l("Er is al een regio met deze naam."),
}

#: An invitation into a region (a MembershipError, whose codes organisations/wording.py words for organisations).
MEMBERSHIP = {
    "already": _l("Deze persoon is al coördinator van deze regio."),
    "inactive": _l("Het account bij dit e-mailadres is uitgeschakeld. Vraag het ondersteuningsteam om hulp."),
}


def text(error: RuleError | str) -> str:
    return word(WORDING, error)


def membership_text(error: RuleError | str) -> str:
    return word(MEMBERSHIP, error, MEMBERSHIP["inactive"])
