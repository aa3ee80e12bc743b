"""What the refusals of the organisation rules say (company registration and verification, memberships)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..core.rules import RuleError, word

WORDING = {
    "email_taken": _l("Er is al een account met dit e-mailadres. Log in, of kies 'Wachtwoord vergeten' als u "
                      "uw wachtwoord niet meer weet."),
    "company_exists": _l("Dit bedrijf is in deze plaats al aangemeld. Vraag de contactpersoon van uw bedrijf "
                         "om u uit te nodigen, of mail het ondersteuningsteam."),
    "unknown_place": _l("Deze plaats kennen we niet meer. Meld uw bedrijf opnieuw aan."),
    "already_verified": _l("Dit bedrijf is al geverifieerd."),
    # Memberships: an invitation into an organisation (regions/wording.py words the same codes for a region).
    "already": _l("Deze persoon is al contactpersoon van deze organisatie."),
    "inactive": _l("Het account bij dit e-mailadres is uitgeschakeld. Vraag het ondersteuningsteam om hulp."),
}


def text(error: RuleError | str) -> str:
    return word(WORDING, error, WORDING["inactive"])
