"""Forms of the directory's back office, and the words for what an import refuses."""

from __future__ import annotations

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import BooleanField, HiddenField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from ..core.formfields import (
    CheckboxesField,
    email_field,
    no_control_characters,
    strip,
    text_line,
    visible_text,
    web_address,
)
from ..places.forms import PlaceField
from .importing import ImportFileError, Rejection
from .models import Organisation
from .vocabulary import LEERWEGEN, OFFER_KINDS, PROFILES, OrganisationKind


def _coded(label, code) -> LazyString:
    """'label (code)', worded when shown: an f-string would fix the label in the language of the first import."""
    return LazyString(lambda: f"{label} ({code})")


class CompanyRegistrationForm(FlaskForm):
    """A company and its first contact; `regions` gets its choices from the directory in the route."""

    name = text_line(_l("Naam van het bedrijf"), _l("Vul de naam van uw bedrijf in."),
                     description=_l("Zoals scholen het bedrijf kennen."))
    place = PlaceField(_l("Plaats"), validators=[DataRequired(message=_l("Vul de plaats van uw bedrijf in."))],
                       description=_l("De plaats van de vestiging die met scholen samenwerkt, zoals Zwolle."))
    website = StringField(_l("Website (niet verplicht)"), filters=[strip], validators=[
        Optional(), Length(max=300, message=_l("Gebruik hoogstens %(max)d tekens.")), no_control_characters,
        web_address])
    regions = CheckboxesField(_l("Regio's waarin uw bedrijf werkt (niet verplicht)"), coerce=int, choices=[],
                              validate_choice=True,
                              description=_l("De Sterk Techniekonderwijs-regio's waarvan de scholen bij u "
                                             "terechtkunnen."))
    offer_kinds = CheckboxesField(_l("Wat u scholen wilt aanbieden (niet verplicht)"),
                                  choices=[SelectChoice(code, label) for code, label in OFFER_KINDS.items()],
                                  validate_choice=True,
                                  description=_l("U kunt dit later aanvullen."))
    contact_name = text_line(_l("Uw naam"), _l("Vul uw naam in."),
                             description=_l("U wordt de eerste contactpersoon van het bedrijf."))
    email = email_field(_l("Hierheen sturen we de link om de aanmelding te bevestigen. Dit wordt ook uw "
                           "inlognaam."), example="naam@bedrijf.nl")
    consent = BooleanField(
        _l("Ik ga akkoord met het bewaren van deze gegevens"),
        validators=[DataRequired(message=_l("Geef toestemming, anders kunnen we uw aanmelding niet verwerken."))],
        description=_l("We bewaren de bedrijfsgegevens en uw naam en e-mailadres zolang u contactpersoon bent. "
                       "Naam, plaats, website, regio's en aanbod van het bedrijf zijn openbaar zodra het "
                       "ondersteuningsteam het bedrijf heeft gecontroleerd; uw naam en e-mailadres niet."),
    )


class OrganisationForm(FlaskForm):
    """What may be edited of an organisation: its contacts keep the website and what it offers (a company) or the
    profiles and leerwegen (a vmbo school); organisers also the name. `__init__` drops what does not apply."""

    name = text_line(_l("Naam"), _l("Vul de naam van de organisatie in."))
    website = StringField(_l("Website (niet verplicht)"), filters=[strip], validators=[
        Optional(), Length(max=300, message=_l("Gebruik hoogstens %(max)d tekens.")), no_control_characters,
        web_address])
    offer_kinds = CheckboxesField(_l("Wat u scholen aanbiedt"),
                                  choices=[SelectChoice(code, label) for code, label in OFFER_KINDS.items()],
                                  validate_choice=True)
    profiles = CheckboxesField(_l("vmbo-profielen"),
                               choices=[SelectChoice(code, _coded(label, code)) for code, label in PROFILES.items()],
                               validate_choice=True)
    leerwegen = CheckboxesField(_l("Leerwegen"),
                                choices=[SelectChoice(code, label) for code, label in LEERWEGEN.items()],
                                validate_choice=True)

    def __init__(self, *args, organisation: Organisation, organiser: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not organiser:
            del self.name
        if organisation.kind != OrganisationKind.COMPANY:
            del self.offer_kinds
        if organisation.kind != OrganisationKind.VMBO_SCHOOL:
            del self.profiles
            del self.leerwegen
        if not self.is_submitted():
            for name in ("offer_kinds", "profiles", "leerwegen"):
                if name in self:
                    self[name].data = getattr(organisation, name)


def organisation_values(form: OrganisationForm) -> dict:
    """The submitted values of the fields this form has."""
    names = ("name", "website", "offer_kinds", "profiles", "leerwegen")
    return {name: form[name].data or ([] if name not in ("name", "website") else "") for name in names if name in form}


class ConfirmCompanyForm(FlaskForm):
    """The button on the confirmation page: a POST, because mail scanners open the link (a GET) by themselves."""


class VerifyForm(FlaskForm):
    """Verify a company: only the CSRF token."""


class RefuseForm(FlaskForm):
    reason = TextAreaField(_l("Reden van afwijzing"), filters=[strip], validators=[
        DataRequired(message=_l("Schrijf waarom u dit bedrijf afwijst; de contactpersoon krijgt dit te lezen.")),
        Length(max=2000, message=_l("Gebruik hoogstens %(max)d tekens.")), no_control_characters, visible_text],
        description=_l("Wordt naar de contactpersoon gemaild."))


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
        "formula": _l("in de kolom '%(value)s' staat een formule zonder uitkomst: open het bestand in Excel of "
                      "LibreOffice, sla het op en probeer het opnieuw, of vul de waarde zelf in"),
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
