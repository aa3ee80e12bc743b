"""What refusals on a region's manage pages say: code → Dutch text."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..core.rules import RuleError, word

WORDING = {
    "name_taken": _l("Er is al een regio met deze naam."),
    "already": _l("Deze persoon is al coördinator van deze regio."),
    "inactive": _l("Het account bij dit e-mailadres is uitgeschakeld. Vraag het ondersteuningsteam om hulp."),
}


def text(error: RuleError) -> str:
    return word(WORDING, error)
