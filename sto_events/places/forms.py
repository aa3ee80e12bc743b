"""A form field for a Dutch place: typed as text, resolved to exactly one place from the reference list."""

from __future__ import annotations

from babel.lists import format_list
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from wtforms import StringField
from wtforms.validators import ValidationError

from ..core.extensions import db
from ..core.formfields import no_control_characters, strip
from . import services


class PlaceField(StringField):
    """Text that must name one place: `field.place` holds it after validation.

    An unknown name is an error, never a guess; a name shared by places in several provinces asks which one."""

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators=[no_control_characters, *(validators or [])], filters=[strip], **kwargs)
        self.place = None

    def pre_validate(self, form):
        self.place = None

    def post_validate(self, form, validation_stopped):
        """After the plain checks (required, no control characters): look the text up."""
        if validation_stopped or self.errors or not self.data:
            return
        found = services.matches(db.session, self.data)
        if not found:
            raise ValidationError(_l(
                "Deze plaats kennen we niet. Controleer de spelling en gebruik de naam van de plaats, zoals Zwolle."))
        if len(found) > 1:
            choices = format_list([p.label for p in found], style="or", locale=get_locale())
            raise ValidationError(_l("Er zijn meerdere plaatsen met deze naam: kies %(choices)s.", choices=choices))
        self.place = found[0]
        self.data = self.place.label
