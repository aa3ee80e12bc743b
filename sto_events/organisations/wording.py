"""What the refusals of the organisation rules say (company registration and verification, memberships)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..accounts.member_pages import Texts
from ..core.rules import RuleError, word

WORDING = {
    "email_taken": _l("Er is al een account met dit e-mailadres. Log in, of kies 'Wachtwoord vergeten' als u "
                      "uw wachtwoord niet meer weet."),
    "company_exists": _l("Dit bedrijf is in deze plaats al aangemeld. Vraag de contactpersoon van uw bedrijf "
                         "om u uit te nodigen, of mail het ondersteuningsteam."),
    "unknown_place": _l("Deze plaats kennen we niet meer. Meld uw bedrijf opnieuw aan."),
    "already_verified": _l("Dit bedrijf is al geverifieerd."),
}

#: The contacts' pages (accounts.member_pages); "inactive" and other refusals are worded by accounts.
CONTACTS = Texts(
    already=_l("Deze persoon is al contactpersoon van deze organisatie."),
    invited=_l("%(name)s is uitgenodigd als contactpersoon en krijgt een e-mail."),
    end_title=_l("%(name)s verwijderen als contactpersoon"),
    end_question=_l("Weet u zeker dat %(name)s geen contactpersoon van %(scope)s meer moet zijn? Deze persoon kan de "
                    "gegevens van de organisatie daarna niet meer bijhouden."),
    end_yourself_title=_l("Geen contactpersoon meer zijn"),
    end_yourself=_l("Weet u zeker dat u geen contactpersoon van %(scope)s meer wilt zijn? U kunt de gegevens van de "
                    "organisatie daarna niet meer bijhouden; een collega of het ondersteuningsteam kan u opnieuw "
                    "uitnodigen."),
    ended=_l("%(name)s is geen contactpersoon van deze organisatie meer."),
    left=_l("U bent geen contactpersoon van %(scope)s meer."),
)


def text(error: RuleError | str) -> str:
    return word(WORDING, error)
