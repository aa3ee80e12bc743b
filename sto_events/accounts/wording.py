"""What the refusals of the account rules say: code → Dutch text (translated when shown)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..core.rules import RuleError, word

WORDING = {
    "password_too_short": _l("Gebruik minstens %(min)d tekens."),
    "exists": _l("Er is al een account met dit e-mailadres."),
    "inactive": _l("Het account bij dit e-mailadres is uitgeschakeld. Vraag het ondersteuningsteam om hulp."),
    "invalid_token": _l("Deze link is niet (meer) geldig. Een link werkt maar één keer."),
    "expired_token": _l("Deze link is verlopen. Vraag een nieuwe aan."),
    "wrong_password": _l("Dit is niet uw huidige wachtwoord."),
    "self": _l("U kunt uw eigen account niet uitzetten."),
    # A membership refused (MembershipError); the domain of the membership words "already" for what it is.
    "already": _l("Deze persoon hoort hier al bij."),
}


def text(error: RuleError | str) -> str:
    return word(WORDING, error)
