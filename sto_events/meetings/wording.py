"""What the refusals of the planning rules say to the organiser: code → Dutch text with its details."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..core.rules import RuleError, word

WORDING = {
    "capacity_below_taken": _l("Er zijn al %(taken)s plaatsen bezet: minder plaatsen kan niet."),
    "workshop_capacity_below_taken": _l("Er zijn al %(taken)s plaatsen in deze workshop bezet: minder kan niet."),
    "ends_before_start": _l("De eindtijd moet na de begintijd liggen."),
    "time_does_not_exist": _l("Die tijd bestaat niet op deze dag: de klok wordt dan een uur vooruitgezet."),
    "not_draft": _l("Alleen een concept kan worden gepubliceerd."),
    "already_cancelled": _l("Deze bijeenkomst is al geannuleerd."),
    "round_in_use": _l("In deze ronde hebben deelnemers al gekozen; verwijderen kan niet."),
    "workshop_in_use": _l("Deelnemers hebben deze workshop gekozen; verwijderen kan niet."),
    "round_outside_meeting": _l("Een ronde valt binnen de tijd van de bijeenkomst."),
    "rounds_outside_meeting": _l("Niet elke ronde valt dan nog binnen de bijeenkomst. Verschuif of verwijder eerst "
                                 "die rondes."),
    "rounds_overlap": _l("Deze tijd overlapt met %(other)s: een deelnemer kan niet in twee rondes tegelijk."),
}

#: Any other refusal of a change to a meeting.
DEFAULT = _l("Deze wijziging kan niet.")


def text(error: RuleError) -> str:
    return word(WORDING, error, DEFAULT)
