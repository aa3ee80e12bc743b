"""Back-office forms that belong to no single domain model."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length


def _no_control_characters(value):
    """Keep line breaks and tabs; drop NUL and other control characters; one kind of line ending."""
    if not isinstance(value, str):
        return value
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return "".join(ch for ch in value if ch in "\n\t" or ord(ch) >= 32)


class MailingForm(FlaskForm):
    audience = RadioField(_l("Aan wie"), validators=[InputRequired(message=_l("Kies aan wie het bericht gaat."))])
    subject = StringField(
        _l("Onderwerp"),
        filters=[_no_control_characters, lambda v: " ".join(v.split()) if isinstance(v, str) else v],
        validators=[InputRequired(message=_l("Vul een onderwerp in.")), Length(max=200)],
    )
    body = TextAreaField(
        _l("Bericht"),
        filters=[_no_control_characters, lambda v: v.strip() if isinstance(v, str) else v],
        validators=[InputRequired(message=_l("Schrijf een bericht.")), Length(max=10_000)],
        description=_l(
            "Platte tekst. Een lege regel begint een nieuwe alinea. De aanhef en groet komen er vanzelf bij."
        ),
    )


class MeetingCancelForm(FlaskForm):
    """Calling a meeting off: the reason goes into the mail to everyone who signed up."""

    reason = TextAreaField(
        _l("Reden"),
        filters=[_no_control_characters, lambda v: v.strip() if isinstance(v, str) else v],
        validators=[DataRequired(message=_l("Schrijf waarom de bijeenkomst niet doorgaat.")), Length(max=2000)],
        description=_l("Deze tekst staat in de e-mail aan alle deelnemers en aan wie op de wachtlijst staat."),
    )
