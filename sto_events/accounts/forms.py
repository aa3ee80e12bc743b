"""Login, password and invitation forms."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, RadioField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import EqualTo, InputRequired, Length

from ..core.formfields import email_field, strip, text_line
from .models import Role
from .services import MIN_PASSWORD_LENGTH


class LoginForm(FlaskForm):
    email = email_field()
    password = PasswordField(
        _l("Wachtwoord"),
        validators=[InputRequired(message=_l("Vul uw wachtwoord in.")), Length(max=1000)],
    )


class ForgotPasswordForm(FlaskForm):
    email = email_field(_l("We sturen een link om een nieuw wachtwoord in te stellen, als er een account is."))


def _new_password() -> PasswordField:
    return PasswordField(
        _l("Nieuw wachtwoord"),
        validators=[
            InputRequired(message=_l("Kies een wachtwoord.")),
            Length(min=MIN_PASSWORD_LENGTH, max=1000, message=_l("Gebruik minstens %(min)d tekens.")),
        ],
        description=_l("Minstens %(min)d tekens. Een zin van een paar woorden is sterk en goed te onthouden.",
                       min=MIN_PASSWORD_LENGTH),
    )


def _repeat_password() -> PasswordField:
    return PasswordField(
        _l("Herhaal het wachtwoord"),
        validators=[
            InputRequired(message=_l("Herhaal het wachtwoord.")),
            EqualTo("password", message=_l("De twee wachtwoorden zijn niet gelijk.")),
        ],
    )


class SetPasswordForm(FlaskForm):
    password = _new_password()
    confirm = _repeat_password()


class ChangePasswordForm(FlaskForm):
    current = PasswordField(
        _l("Huidig wachtwoord"),
        validators=[InputRequired(message=_l("Vul uw huidige wachtwoord in.")), Length(max=1000)],
    )
    password = _new_password()
    confirm = _repeat_password()


ROLE_CHOICES = [
    SelectChoice(Role.ORGANISER.value, _l("Organisator (ondersteuningsteam)")),
    SelectChoice(Role.REGION_COORDINATOR.value, _l("Regiocoördinator (projectleider / penvoerder)")),
    SelectChoice(Role.COMPANY_CONTACT.value, _l("Contactpersoon bedrijf")),
    SelectChoice(Role.SCHOOL_CONTACT.value, _l("Contactpersoon school")),
]


def role_labels() -> dict[str, str]:
    """An account's role as the invitation form names it, in the current language."""
    return {choice.value: str(choice.label) for choice in ROLE_CHOICES}


class InviteForm(FlaskForm):
    name = StringField(
        _l("Naam"),
        filters=[strip],
        validators=[InputRequired(message=_l("Vul een naam in.")), Length(max=200)],
    )
    email = email_field()
    role = RadioField(_l("Rol"), choices=ROLE_CHOICES, validators=[InputRequired(message=_l("Kies een rol."))])


def invitee_name_field():
    return text_line(_l("Naam"), _l("Vul de naam in van wie u uitnodigt."),
                     description=_l("Zo spreken we deze persoon aan in de uitnodiging."))


def invitee_email_field():
    return email_field(_l("Hierheen sturen we de uitnodiging. Dit wordt ook de inlognaam."),
                       required_message=_l("Vul het e-mailadres in van wie u uitnodigt."),
                       example="naam@organisatie.nl")


class InviteMemberForm(FlaskForm):
    """Invite a person into a region or an organisation: a name for the mail, and the address it goes to."""

    name = invitee_name_field()
    email = invitee_email_field()


class EndMembershipForm(FlaskForm):
    """The button that ends somebody's membership, on its confirmation page: only the CSRF token."""
