"""What the refusals of the registration rules say: code → Dutch text (translated when shown)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..core.rules import RuleError, word

#: To the participant, on the sign-up and manage pages.
WORDING = {
    "closed": _l("Aanmelden voor deze bijeenkomst is niet (meer) mogelijk."),
    "cancelled": _l("Deze aanmelding is al geannuleerd."),
    "erased": _l("De gegevens van deze aanmelding zijn verwijderd."),
    "choose_workshop": _l("Kies een workshop in elke ronde."),
    "workshop_full": _l("Deze workshop is inmiddels vol. Kies een andere workshop; uw aanmelding is niet gewijzigd."),
}

#: To the organiser, where it says something else than to the participant (or only the organiser meets it).
ORGANISER = {
    "workshop_full": _l("Die workshop is vol. Verhoog eerst het aantal plaatsen of kies een andere."),
    "cancelled": _l("Deze aanmelding is geannuleerd."),
    "closed": _l("Deze bijeenkomst is voorbij of geannuleerd."),
    "not_waitlisted": _l("Deze persoon staat niet (meer) op de wachtlijst."),
    "check_in_waitlisted": _l("Inchecken kan niet: deze persoon staat op de wachtlijst."),
    "check_in_cancelled": _l("Inchecken kan niet: deze aanmelding is geannuleerd."),
    "check_in_other_day": _l("De bijeenkomst is niet vandaag. Weet u zeker dat u wilt inchecken?"),
    "bad_audience": _l("Kies aan wie het bericht gaat."),
    "no_recipients": _l("Niemand ontvangt dit bericht: er is niemand in deze groep."),
}


def for_participant(error: RuleError) -> str:
    return word(WORDING, error, WORDING["closed"])


def for_organiser(error: RuleError) -> str:
    return word({**WORDING, **ORGANISER}, error)
