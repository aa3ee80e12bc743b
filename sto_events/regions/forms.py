"""Forms of a region's own manage pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from ..accounts.forms import InviteMemberForm, invitee_email_field, invitee_name_field
from ..core.formfields import drop_control_characters, no_control_characters, strip, text_line
from .models import plan_status_labels

_TOO_LONG = _l("Gebruik hoogstens %(max)d tekens.")


class RegionForm(FlaskForm):
    """A region's editable fields. Name and plan status are the support team's: `organiser=False` drops them."""

    name = text_line(_l("Naam van de regio"), _l("Vul de naam van de regio in."), max_length=160)
    plan_status = SelectField(_l("Status van het regioplan"),
                              validators=[DataRequired(message=_l("Kies de status van het regioplan."))],
                              description=_l("Het ondersteuningsteam houdt de status van het regioplan bij."))
    lead_board = StringField(_l("Penvoerder"), filters=[strip], validators=[
        Length(max=200, message=_TOO_LONG), no_control_characters],
        description=_l("Het schoolbestuur dat het regioplan indiende en de subsidie ontvangt."))
    description = TextAreaField(_l("Over de regio"), filters=[drop_control_characters, strip], validators=[
        Length(max=4000, message=_TOO_LONG)],
        description=_l("Een paar regels over uw regio: wat u samen doet en waar u naar zoekt. Iedereen kan dit "
                       "lezen op de pagina van de regio; zet er geen persoonsgegevens in."))

    def __init__(self, *args, organiser: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if organiser:
            self.plan_status.choices = [(status.value, label) for status, label in plan_status_labels().items()]
        else:
            del self.name
            del self.plan_status


def region_values(form: RegionForm) -> dict:
    """The submitted values, only of the fields this form has (a coordinator's has no name or plan status)."""
    names = ("name", "plan_status", "lead_board", "description")
    return {name: form[name].data for name in names if name in form}


class RegionChoiceInviteForm(InviteMemberForm):
    """The organisers' list: invite a coordinator into a region chosen from the directory."""

    region = SelectField(_l("Regio"), coerce=str, validate_choice=True,
                         validators=[DataRequired(message=_l("Kies een regio."))])
    # Declared again after the region, so the error summary lists the fields in the order the form shows them.
    name = invitee_name_field()
    email = invitee_email_field()
