"""Back-office forms that belong to no single domain model."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length


class MailingForm(FlaskForm):
    audience = RadioField(_l("Aan wie"), validators=[InputRequired(message=_l("Kies aan wie het bericht gaat."))])
    subject = StringField(
        _l("Onderwerp"),
        filters=[lambda v: " ".join(v.split()) if isinstance(v, str) else v],
        validators=[InputRequired(message=_l("Vul een onderwerp in.")), Length(max=200)],
    )
    body = TextAreaField(
        _l("Bericht"),
        filters=[lambda v: v.strip() if isinstance(v, str) else v],
        validators=[InputRequired(message=_l("Schrijf een bericht.")), Length(max=10_000)],
        description=_l(
            "Platte tekst. Een lege regel begint een nieuwe alinea. De aanhef en groet komen er vanzelf bij."
        ),
    )
