"""Field helpers shared by the forms of every domain."""

from __future__ import annotations

import unicodedata

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Email, InputRequired, Length, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget


def strip(value):
    return value.strip() if isinstance(value, str) else value


def drop_control_characters(value):
    """A filter: keep line breaks and tabs, drop NUL and other control characters, one kind of line ending."""
    if not isinstance(value, str):
        return value
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return "".join(ch for ch in value if ch in "\n\t" or ord(ch) >= 32)


def no_control_characters(form, field):
    """Refuse NUL and other control characters (tabs and line breaks in free text are fine)."""
    if isinstance(field.data, str) and any(ord(ch) < 32 and ch not in "\r\n\t" for ch in field.data):
        raise ValidationError(_l("Deze tekst bevat tekens die niet zijn toegestaan."))


def visible_text(form, field):
    """Refuse text made only of invisible characters (zero-width spaces, direction marks): it would look empty."""
    if isinstance(field.data, str) and field.data and not any(
        not unicodedata.category(ch).startswith(("C", "Z")) for ch in field.data
    ):
        raise ValidationError(_l("Vul zichtbare tekst in."))


def email_field(description=None, required_message=None, example="naam@school.nl") -> EmailField:
    """A required e-mail address that our SMTP path can deliver (ASCII, so no SMTPUTF8 needed); `required_message`
    words the empty field when the address is somebody else's, `example` shows a valid address of the kind asked
    (a school's, a company's)."""
    return EmailField(
        _l("E-mailadres"),
        filters=[strip],
        validators=[
            InputRequired(message=required_message or _l("Vul uw e-mailadres in.")),
            Length(max=254, message=_l("Gebruik hoogstens %(max)d tekens.")),
            Email(message=_l("Vul een geldig e-mailadres in, zoals %(example)s.", example=example),
                  check_deliverability=False, allow_smtputf8=False),
        ],
        description=description,
    )


def text_line(label, required_message, max_length=200, description=None) -> StringField:
    """A required line of visible text (a name): stripped, at most `max_length` characters, no control characters."""
    return StringField(label, filters=[strip], description=description, validators=[
        DataRequired(message=required_message),  # after strip: blanks alone are empty
        Length(max=max_length, message=_l("Gebruik hoogstens %(max)d tekens.")),
        no_control_characters,
        visible_text,
    ])


class CheckboxesField(SelectMultipleField):
    """Several choices as a group of checkboxes (the form macro renders it as a fieldset). A value that is not one
    of them (only a crafted request sends one) is refused in Dutch, not in WTForms' English."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def __init__(self, *args, **kwargs):
        unknown = _l("Kies alleen uit de mogelijkheden die hier staan.")
        kwargs.setdefault("invalid_value_message", unknown)
        kwargs.setdefault("invalid_choice_message", unknown)
        super().__init__(*args, **kwargs)


def web_address(form, field):
    """An optional website: an http(s) address without spaces (never a javascript: or data: link)."""
    value = field.data or ""
    if value and (not value.startswith(("https://", "http://")) or any(ch.isspace() for ch in value)
                  or len(value.split("//", 1)[1]) < 4):
        raise ValidationError(_l("Vul een webadres in dat begint met https://, zoals https://www.bedrijf.nl."))
