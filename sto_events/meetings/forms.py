"""Organiser forms for meetings, rounds and workshops."""

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SelectMultipleField, StringField, TextAreaField, TimeField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from ..core.formfields import drop_control_characters, no_control_characters, strip, visible_text


def _text(label, max_length=200, required=True, description=None):
    validators = [InputRequired(message=_l("Dit veld is verplicht."))] if required else [Optional()]
    validators += [Length(max=max_length, message=_l("Gebruik hoogstens %(max)d tekens.")), no_control_characters,
                   visible_text]
    return StringField(label, filters=[strip], validators=validators, description=description)


def _time(label):
    return TimeField(label, validators=[InputRequired(message=_l("Vul een tijd in, zoals 13:30."))])


def _capacity(label, description=None):
    return SafeIntegerField(
        label,
        validators=[
            InputRequired(message=_l("Vul een aantal in.")),
            NumberRange(min=1, max=100_000, message=_l("Kies een aantal tussen %(min)s en %(max)s.")),
        ],
        description=description,
    )


class SafeIntegerField(IntegerField):
    """An integer of at most nine digits: anything longer is a field error, never an overflow further on."""

    def process_formdata(self, valuelist):
        if valuelist and len(valuelist[0].strip()) > 9:
            self.data = None
            raise ValueError(_l("Vul een kleiner getal in."))
        super().process_formdata(valuelist)


class SensibleDate:
    """Between last year and five years ahead: typing errors such as year 0001 are caught here."""

    def __call__(self, form, field):
        if field.data and not (date.today().year - 1 <= field.data.year <= date.today().year + 5):
            raise ValidationError(_l("Kies een datum tussen vorig jaar en vijf jaar vooruit."))


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
        _l("Beschrijving (niet verplicht)"), filters=[strip], validators=[Optional(), Length(max=5000)]
    )
    date = DateField(_l("Datum"), validators=[InputRequired(message=_l("Vul een datum in.")), SensibleDate()])
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
        _l("Beschrijving (niet verplicht)"), filters=[strip], validators=[Optional(), Length(max=5000)]
    )
    capacity = _capacity(_l("Aantal plaatsen"))


class MeetingCancelForm(FlaskForm):
    """Calling a meeting off: the reason goes into the mail to everyone who signed up."""

    reason = TextAreaField(
        _l("Reden"),
        filters=[drop_control_characters, lambda v: v.strip() if isinstance(v, str) else v],
        validators=[DataRequired(message=_l("Schrijf waarom de bijeenkomst niet doorgaat.")), Length(max=2000)],
        description=_l("Deze tekst staat in de e-mail aan alle deelnemers en aan wie op de wachtlijst staat."),
    )
