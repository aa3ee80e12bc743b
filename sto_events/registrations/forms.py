"""The sign-up and change forms; a meeting's rounds become one required choice each."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from ..core.formfields import drop_control_characters, email_field, no_control_characters, strip, visible_text
from ..meetings.models import Meeting
from .models import ParticipantRole

ROLE_CHOICES = [
    SelectChoice(ParticipantRole.VMBO.value, _l("vmbo")),
    SelectChoice(ParticipantRole.MBO.value, _l("mbo")),
    SelectChoice(ParticipantRole.PO.value, _l("primair onderwijs (po)")),
    SelectChoice(ParticipantRole.COMPANY.value, _l("bedrijf")),
    SelectChoice(ParticipantRole.BOARD.value, _l("bestuur / plannenschrijver")),
    SelectChoice(ParticipantRole.OTHER.value, _l("overig")),
]


def role_labels() -> dict[str, str]:
    """Where a participant works, as the form names it, in the current language."""
    return {choice.value: str(choice.label) for choice in ROLE_CHOICES}


def _name_field() -> StringField:
    """The person's name, the same on the sign-up form and when they correct it later."""
    return StringField(
        _l("Naam"),
        filters=[strip],
        validators=[
            InputRequired(message=_l("Vul uw naam in.")),
            Length(max=200, message=_l("Gebruik hoogstens %(max)d tekens.")),
            no_control_characters,
            visible_text,
        ],
        description=_l("Voor uw naambadge en de presentielijst."),
    )


def _organisation_field() -> StringField:
    """Where the person works, the same on the sign-up form and when they correct it later."""
    return StringField(
        _l("Organisatie"),
        filters=[strip],
        validators=[
            InputRequired(message=_l("Vul de naam van uw school of organisatie in.")),
            Length(max=200, message=_l("Gebruik hoogstens %(max)d tekens.")),
            no_control_characters,
            visible_text,
        ],
        description=_l("School, instelling of bedrijf waar u werkt."),
    )


def _region_id(value) -> int | None:
    """The chosen region's id; None for "none"; -1 for anything that is no id, so the check below refuses it
    with our own message (a coerce error would show WTForms' English text)."""
    if value is None or value == "":
        return None
    if isinstance(value, int):
        return value
    text = str(value)
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 18 else -1


def _known_region(form, field) -> None:
    if field.data is not None and field.data not in {value for value, _label in field.choices}:
        raise ValidationError(_l("Kies een regio uit de lijst, of 'Geen / weet ik niet'."))


def _region_field(label) -> SelectField:
    """An optional region from the directory; the route fills its choices with `set_region_choices`."""
    return SelectField(
        label,
        coerce=_region_id,
        choices=[],
        validate_choice=False,  # _known_region checks it, in Dutch
        validators=[_known_region],
        description=_l("De Sterk Techniekonderwijs-regio waarin u werkt, als u die weet."),
    )


def set_region_choices(field: SelectField, regions: list[tuple[int, str]]) -> None:
    """The directory's regions by name, after an empty choice for people who do not know theirs."""
    field.choices = [("", _l("Geen / weet ik niet")), *regions]


class WorkshopsForm(FlaskForm):
    """Only the workshop rounds; extended per meeting by `workshops_form_class`."""

    round_field_names: list[tuple[int, str]] = []

    def chosen_workshops(self) -> dict[int, int]:
        return {round_id: getattr(self, name).data for round_id, name in self.round_field_names}


class SignUpForm(WorkshopsForm):
    name = _name_field()
    email = email_field(
        _l("Hierheen sturen we de bevestiging, de agenda-uitnodiging en de link om te wijzigen.")
    )
    organisation = _organisation_field()
    role = RadioField(
        _l("Waar werkt u?"),
        choices=ROLE_CHOICES,
        validators=[InputRequired(message=_l("Kies waar u werkt."))],
        description=_l("Zo stemmen we het programma af op wie er komt."),
    )
    region_id = _region_field(_l("Regio (niet verplicht)"))
    questions = TextAreaField(
        _l("Vragen voor het panel (niet verplicht)"),
        filters=[strip],
        validators=[
            Optional(),
            Length(max=2000, message=_l("Gebruik hoogstens %(max)d tekens.")),
            no_control_characters,
        ],
        description=_l("Het ondersteuningsteam beantwoordt vragen tijdens de bijeenkomst en in het verslag."),
    )
    share_with_participants = BooleanField(
        _l("Toon mijn naam en organisatie aan andere deelnemers"),
        description=_l(
            "Niet verplicht. Alleen wie ook aan deze bijeenkomst deelneemt ziet het, op de eigen aanmeldpagina. "
            "U kunt dit altijd weer uitzetten."
        ),
    )


def workshops_form_class(meeting: Meeting, base: type[WorkshopsForm]) -> type[WorkshopsForm]:
    """A form class with one required radio group per workshop round of this meeting."""
    attrs: dict = {"round_field_names": []}
    for round_ in meeting.rounds:
        if not round_.workshops:
            continue
        name = f"round_{round_.id}"
        attrs[name] = RadioField(
            round_.title,
            coerce=int,
            choices=[SelectChoice(w.id, w.title) for w in round_.workshops],
            validators=[InputRequired(message=_l("Kies een workshop in deze ronde."))],
        )
        attrs["round_field_names"].append((round_.id, name))
    return type(f"{base.__name__}ForMeeting{meeting.id}", (base,), attrs)


class ConsentForm(FlaskForm):
    """Give or withdraw consent on the manage page (the app-wide CSRF check covers it: the manage page already has
    a form with its own token field, and ids must stay unique)."""

    class Meta:
        csrf = False

    share_with_participants = BooleanField(
        _l("Toon mijn naam en organisatie aan andere deelnemers"),
        description=_l("Niet verplicht. Zet het vinkje uit om uw toestemming in te trekken."),
    )


class DetailsForm(FlaskForm):
    """Correct name and organisation on the manage page, validated as on the sign-up form."""

    name = _name_field()
    organisation = _organisation_field()


class RegionForm(FlaskForm):
    """Correct the region on the manage page or in the back office."""

    region_id = _region_field(_l("Regio"))


def region_form(regions: list[tuple[int, str]], registration=None) -> RegionForm:
    """The region chooser with the directory's `regions`: showing `registration`'s region, or (without one) bound
    to what was sent."""
    form = RegionForm() if registration is None else RegionForm(formdata=None, region_id=registration.region_id)
    set_region_choices(form.region_id, regions)
    return form


class CancelForm(FlaskForm):
    """Confirmation step before a cancellation; carries only the CSRF token."""


class MailingForm(FlaskForm):
    """An organiser's message to a meeting's attendees."""

    audience = RadioField(_l("Aan wie"), validators=[InputRequired(message=_l("Kies aan wie het bericht gaat."))])
    subject = StringField(
        _l("Onderwerp"),
        filters=[drop_control_characters, lambda v: " ".join(v.split()) if isinstance(v, str) else v],
        validators=[InputRequired(message=_l("Vul een onderwerp in.")), Length(max=200)],
    )
    body = TextAreaField(
        _l("Bericht"),
        filters=[drop_control_characters, lambda v: v.strip() if isinstance(v, str) else v],
        validators=[InputRequired(message=_l("Schrijf een bericht.")), Length(max=10_000)],
        description=_l(
            "Platte tekst. Een lege regel begint een nieuwe alinea. De aanhef en groet komen er vanzelf bij."
        ),
    )
