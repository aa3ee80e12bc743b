"""What the refusals of the region rules say: code → Dutch text (translated when shown)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..accounts import member_pages
from ..accounts.member_pages import Texts
from ..core.rules import RuleError, word

WORDING = {
    "name_taken": _l("Er is al een regio met deze naam."),
}

#: The coordinators' pages (accounts.member_pages); "inactive" and other refusals are worded by accounts.
COORDINATORS = Texts(
    already=_l("Deze persoon is al coördinator van deze regio."),
    invited=_l("%(name)s is uitgenodigd als coördinator en krijgt een e-mail."),
    end_title=_l("%(name)s verwijderen als coördinator"),
    end_question=_l("Weet u zeker dat %(name)s geen coördinator van %(scope)s meer moet zijn? Deze persoon kan de "
                    "pagina's van de regio daarna niet meer bijhouden."),
    end_yourself_title=_l("Geen coördinator meer zijn"),
    end_yourself=_l("Weet u zeker dat u geen coördinator van %(scope)s meer wilt zijn? U kunt de pagina's van de "
                    "regio daarna niet meer openen; een andere coördinator of het ondersteuningsteam kan u opnieuw "
                    "uitnodigen."),
    ended=_l("%(name)s is geen coördinator van deze regio meer."),
    left=_l("U bent geen coördinator van %(scope)s meer."),
)


def text(error: RuleError | str) -> str:
    return word(WORDING, error)


def membership_text(error: RuleError) -> str:
    """A refused invitation of a coordinator (also on the organisers' list of regions)."""
    return member_pages.membership_text(error, COORDINATORS.already)
