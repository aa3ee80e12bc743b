"""Forms of the directory's back office, and the words for what an import refuses."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import HiddenField

from .importing import ImportFileError, Rejection


class ImportForm(FlaskForm):
    file = FileField(
        _l("Bestand (CSV of XLSX)"),
        validators=[FileRequired(_l("Kies een bestand.")),
                    FileAllowed(["csv", "xlsx"], _l("Kies een CSV- of XLSX-bestand."))],
        description=_l("De eerste regel noemt de kolommen: sleutel, soort, naam en plaats zijn verplicht; "
                       "profielen, leerwegen, netwerk, website en regio's mogen."),
    )


class ConfirmImportForm(FlaskForm):
    """The checked file again, so the import needs no storage between the dry run and the real run."""

    content = HiddenField()
    filename = HiddenField()


def file_error_text(error: ImportFileError) -> str:
    texts = {
        "type": _l("Kies een CSV- of XLSX-bestand."),
        "encoding": _l("Dit CSV-bestand is niet in UTF-8 opgeslagen. Sla het op als 'CSV UTF-8' en probeer het "
                       "opnieuw."),
        "unreadable": _l("Dit bestand kunnen we niet lezen. Is het een echt CSV- of XLSX-bestand?"),
        "empty": _l("Dit bestand is leeg."),
        "columns": _l("Deze kolommen ontbreken: %(missing)s. Mogelijke kolommen: %(known)s."),
        "too_many": _l("Dit bestand heeft te veel regels (hoogstens %(max)s)."),
    }
    return str(texts[error.code]) % error.details if error.details else str(texts[error.code])


def rejection_text(rejection: Rejection) -> str:
    """One reason a row was refused, in the reader's language."""
    texts = {
        "missing_key": _l("sleutel ontbreekt"),
        "missing_name": _l("naam ontbreekt"),
        "missing_place": _l("plaats ontbreekt"),
        "long": _l("%(value)s is te lang"),
        "unknown_kind": _l("onbekende soort '%(value)s' (kies vmbo-school, mbo-instelling, bedrijf, netwerk, "
                           "basisschool of gemeente)"),
        "unknown_place": _l("onbekende plaats '%(value)s'"),
        "ambiguous_place": _l("meerdere plaatsen heten '%(value)s': noem de provincie erbij, zoals 'Hengelo "
                              "(Overijssel)'"),
        "unknown_profile": _l("onbekend profiel '%(value)s' (kies uit BWI, PIE, MT, MaT, MVI, DP)"),
        "unknown_leerweg": _l("onbekende leerweg '%(value)s' (kies uit basis, kader, gemengd, theoretisch)"),
        "unknown_network": _l("onbekend netwerk '%(value)s'"),
        "network_needs_type": _l("een netwerk heeft een soort netwerk nodig"),
        "type_only_for_networks": _l("alleen een netwerk heeft een soort netwerk"),
        "profiles_only_for_vmbo": _l("alleen een vmbo-school heeft profielen en leerwegen"),
        "bad_website": _l("website '%(value)s' begint niet met https://"),
        "duplicate_key": _l("dezelfde sleutel staat al op regel %(value)s"),
        "unknown_region": _l("onbekende regio '%(value)s'"),
    }
    return str(texts[rejection.code]) % {"value": rejection.value}
