"""What refusals on an organisation's manage pages say: code → Dutch text."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..core.rules import RuleError, word

WORDING = {
    "already": _l("Deze persoon is al contactpersoon van deze organisatie."),
    "inactive": _l("Het account bij dit e-mailadres is uitgeschakeld. Vraag het ondersteuningsteam om hulp."),
}


def text(error: RuleError) -> str:
    return word(WORDING, error)
