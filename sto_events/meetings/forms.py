"""Organiser forms for meetings, rounds and workshops."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SelectMultipleField, StringField, TextAreaField, TimeField
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _text(label, max_length=200, required=True, description=None):
    validators = [InputRequired(message=_l("Dit veld is verplicht."))] if required else [Optional()]
    validators.append(Length(max=max_length, message=_l("Gebruik hoogstens %(max)d tekens.")))
    return StringField(label, filters=[_strip], validators=validators, description=description)


def _time(label):
    return TimeField(label, validators=[InputRequired(message=_l("Vul een tijd in, zoals 13:30."))])


def _capacity(label, description=None):
    return IntegerField(
        label,
        validators=[
            InputRequired(message=_l("Vul een aantal in.")),
            NumberRange(min=1, max=100_000, message=_l("Kies een aantal tussen %(min)s en %(max)s.")),
        ],
        description=description,
    )


class EndsAfterStart:
    """The end time lies after the start time."""

    def __call__(self, form, field):
        start = form.start_time.data
        if start and field.data and field.data <= start:
            raise ValidationError(_l("De eindtijd moet na de begintijd liggen."))


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class MeetingForm(FlaskForm):
    title = _text(_l("Titel"))
    city = _text(_l("Plaats"), 100)
    venue = _text(_l("Locatie"), description=_l("Naam van het gebouw of de zaal."))
    address = _text(_l("Adres (niet verplicht)"), 300, required=False)
    description = TextAreaField(
        _l("Beschrijving (niet verplicht)"), filters=[_strip], validators=[Optional(), Length(max=5000)]
    )
    date = DateField(_l("Datum"), validators=[InputRequired(message=_l("Vul een datum in."))])
    start_time = _time(_l("Begintijd"))
    end_time = TimeField(
        _l("Eindtijd"), validators=[InputRequired(message=_l("Vul een tijd in, zoals 13:30.")), EndsAfterStart()]
    )
    capacity = _capacity(_l("Aantal plaatsen"))
    themes = MultiCheckboxField(_l("Thema's"), coerce=int, validate_choice=True)


class RoundForm(FlaskForm):
    title = _text(_l("Naam van de ronde"), description=_l("Bijvoorbeeld: Workshopronde 1."))
    start_time = _time(_l("Begintijd"))
    end_time = TimeField(
        _l("Eindtijd"), validators=[InputRequired(message=_l("Vul een tijd in, zoals 13:30.")), EndsAfterStart()]
    )


class WorkshopForm(FlaskForm):
    title = _text(_l("Titel"), 300)
    hosts = _text(_l("Verzorgd door (niet verplicht)"), 500, required=False)
    description = TextAreaField(
        _l("Beschrijving (niet verplicht)"), filters=[_strip], validators=[Optional(), Length(max=5000)]
    )
    capacity = _capacity(_l("Aantal plaatsen"))
