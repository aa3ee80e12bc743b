"""Sign-up without an account, and the manage pages reached by a signed link."""

from __future__ import annotations

import json
import secrets

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from ..core.errors import render_error
from ..core.extensions import csrf, db, htmx
from ..core.templating import no_store
from ..core.urls import absolute_url
from ..meetings import services as meeting_services
from ..ratelimits import web as ratelimits
from ..regions import services as regions
from . import calendar, forms, mails, privacy, services, wording
from .forms import (
    CancelForm,
    ConsentForm,
    DetailsForm,
    SignUpForm,
    WorkshopsForm,
    set_region_choices,
    workshops_form_class,
)
from .models import ParticipantRole, RegistrationStatus
from .tokens import ExpiredToken, InvalidToken, manage_token, read_manage_token, was_mailed

bp = Blueprint("registrations", __name__)


def _signup_rule() -> ratelimits.Rule:
    """Sign-ups made per client address; staff of one school share their school's address."""
    return ratelimits.Rule("sign-up", ratelimits.client(), current_app.config["SIGNUP_RATE_LIMIT"])


def _open_meeting(slug: str):
    return meeting_services.published(db.session, slug) or abort(404)


def _sign_up_form(meeting):
    """The meeting's sign-up form (bound to what was sent), with the directory's regions to choose from."""
    form = workshops_form_class(meeting, SignUpForm)()
    set_region_choices(form.region_id, regions.choices(db.session))
    return form


def _error_message(error: services.RegistrationError) -> str:
    return wording.for_participant(error)


@bp.route("/bijeenkomsten/<slug:slug>/aanmelden", methods=["GET", "POST"])
@csrf.exempt  # the form checks its own token, and keeps what was typed when it fails
@no_store  # a form sent back with errors holds what the person typed
def sign_up(slug: str):
    """The sign-up form; a valid POST registers (or wait-lists) and redirects to the registration.

    Only sign-ups that were made count towards the limit per client address; when it is used up the form comes
    back (429) with everything that was typed and a message at the top."""
    meeting = _open_meeting(slug)
    form = _sign_up_form(meeting)
    browser_key = _browser_key()
    if not meeting.is_open:
        return render_template("registrations/closed.html", meeting=meeting), 409
    if form.validate_on_submit():
        # Counted in the sign-up's own transaction: a sign-up that is not made is not counted.
        ticket = ratelimits.take(_signup_rule(), commit=False)
        if ticket is None:
            form.form_errors.append(_(
                "Vanaf uw netwerk zijn in korte tijd veel aanmeldingen gedaan. Uw aanmelding is nog niet verstuurd, "
                "maar uw gegevens staan er nog: wacht een paar minuten en klik dan opnieuw op Aanmelden."
            ))
            return render_template("registrations/sign_up.html", meeting=meeting, form=form), 429
        data = services.SignUp(
            name=form.name.data,
            email=form.email.data,
            organisation=form.organisation.data,
            role=ParticipantRole(form.role.data),
            region_id=form.region_id.data,
            questions=form.questions.data or "",
            share_with_participants=form.share_with_participants.data,
            locale=str(get_locale() or "nl"),
            browser_key=browser_key,
            workshops=form.chosen_workshops(),
        )
        try:
            registration, created = services.sign_up(db.session, meeting, data)
        except services.RegistrationError as error:
            ratelimits.give_back(ticket)
            form.form_errors.append(_error_message(error))
        else:
            mine = registration.public_id in session.get(MY_REGISTRATIONS, []) or services.same_browser(
                registration, browser_key
            )
            if not created and not mine:
                # Someone typed an address that is already registered: send the link to that address, never
                # show the registration to whoever typed it. It counts towards the limit: it sends a mail.
                services.resend_link(db.session, registration)
                return redirect(url_for(".already_registered", slug=meeting.slug), code=303)
            _remember(registration)
            if not created:
                ratelimits.give_back(ticket)  # the same browser sent the form again
                flash(_("U was al aangemeld voor deze bijeenkomst. Hieronder ziet u uw aanmelding."), "info")
            elif registration.status == RegistrationStatus.CONFIRMED:
                flash(_("U bent aangemeld. U ontvangt een bevestiging per e-mail met een agenda-uitnodiging."), "ok")
            else:
                flash(_("De bijeenkomst of een gekozen workshop is vol: u staat op de wachtlijst. "
                        "We mailen u zodra er een plaats vrijkomt."), "warning")
            return redirect(url_for(".manage", token=manage_token(registration)), code=303)
    if form.csrf_token.errors:
        form.form_errors.append(_("Het formulier was verlopen. Controleer uw gegevens en verstuur het opnieuw."))
    status = 422 if request.method == "POST" else 200
    return render_template("registrations/sign_up.html", meeting=meeting, form=form), status


MY_REGISTRATIONS = "my_registrations"
BROWSER_KEY = "browser_key"


def _browser_key() -> str:
    """A random key this browser keeps in its (signed) session from the moment it sees the sign-up form."""
    key = session.get(BROWSER_KEY)
    if not isinstance(key, str) or len(key) != 24:
        key = session[BROWSER_KEY] = secrets.token_urlsafe(18)
    return key


def _remember(registration) -> None:
    """This browser made the registration: a double submit from it may show the registration again."""
    mine = [p for p in session.get(MY_REGISTRATIONS, []) if p != registration.public_id][-19:]
    session[MY_REGISTRATIONS] = [*mine, registration.public_id]


@bp.get("/bijeenkomsten/<slug:slug>/aanmelden/al-aangemeld")
def already_registered(slug: str):
    """Told after signing up with an address that was registered already; the link went to that address."""
    meeting = _open_meeting(slug)
    return render_template("registrations/already_registered.html", meeting=meeting)


@bp.post("/bijeenkomsten/<slug:slug>/aanmelden/controle/<field>")
def validate_field(slug: str, field: str):
    """Inline validation (htmx): checks one field of the sign-up form and returns it with its message."""
    meeting = _open_meeting(slug)
    form = _sign_up_form(meeting)
    bound = form._fields.get(field)
    if bound is None or field == "csrf_token":
        abort(404)
    bound.validate(form)
    return render_template("registrations/_field.html", field=bound, meeting=meeting)


@bp.get("/bijeenkomsten/<slug:slug>/aanmelden/workshops")
def workshop_picker(slug: str):
    """The places left in each workshop, for the picker to refresh (htmx). Only these texts are swapped, never
    the radio buttons, so a refresh can never undo what the person ticked meanwhile."""
    meeting = _open_meeting(slug)
    if not htmx:
        return redirect(url_for(".sign_up", slug=slug), code=303)  # only a fragment lives here
    return _places_update(meeting, None)


def _places_update(meeting, registration):
    """Every workshop's places-left text, each marked for an out-of-band swap into the picker."""
    workshops = [w for r in meeting.rounds for w in r.workshops]
    return render_template(
        "registrations/_places_left.html", workshops=workshops, registration=registration, oob=True
    )


def _registration_from_token(token: str):
    try:
        public_id = read_manage_token(token)
    except ExpiredToken:
        return None, render_error(
            410, _("Deze link is verlopen. Gebruik de link uit uw meest recente e-mail of meld u opnieuw aan.")
        )
    except InvalidToken:
        return None, render_error(404)
    registration = services.get_by_public_id(db.session, public_id)
    if registration is None:
        return None, render_error(404)
    return registration, None


@bp.route("/aanmelding/<token:token>", methods=["GET", "POST"])
@no_store
def manage(token: str):
    """A participant's own registration: status, workshops (changeable), name and organisation, calendar file,
    cancel."""
    registration, error = _registration_from_token(token)
    if error:
        return error
    meeting = registration.meeting
    form, status = None, 200
    if request.method == "POST":
        form = workshops_form_class(meeting, WorkshopsForm)()
        if form.validate_on_submit():
            try:
                changed = services.change_workshops(db.session, registration, form.chosen_workshops())
            except services.RegistrationError as err:
                _attach_error(form, meeting, err)
                status = 409
            else:
                if not changed:
                    flash(_("Er is niets gewijzigd."), "info")
                elif registration.status == RegistrationStatus.CONFIRMED:
                    flash(_("Uw workshopkeuze is gewijzigd. U ontvangt een bijgewerkte agenda-uitnodiging."), "ok")
                else:
                    flash(_("Uw workshopkeuze is gewijzigd. U staat nog op de wachtlijst."), "ok")
                return redirect(url_for(".manage", token=token), code=303)
        else:
            status = 422
    return _manage_page(registration, token, form=form), status


def _manage_page(registration, token: str, form=None, details_form=None, region_form=None) -> str:
    """The manage page, with the forms given (bound to what was sent) or fresh ones from the registration."""
    meeting = registration.meeting
    if form is None:
        form_class = workshops_form_class(meeting, WorkshopsForm)
        form = form_class(data={name: _choice(registration, r) for r, name in form_class.round_field_names})
    if details_form is None:
        details_form = DetailsForm(formdata=None, name=registration.name, organisation=registration.organisation)
    if region_form is None:
        region_form = forms.region_form(regions.choices(db.session), registration)
    address_proven = was_mailed(token)
    return render_template(
        "registrations/manage.html", registration=registration, meeting=meeting, form=form, token=token,
        details_form=details_form, region_form=region_form,
        fellows=privacy.fellow_participants(db.session, registration, address_proven), address_proven=address_proven,
        consent_form=ConsentForm(formdata=None, share_with_participants=registration.share_with_participants),
        waitlist_position=services.waitlist_position(db.session, registration),
    )


@bp.post("/aanmelding/<token:token>/gegevens")
@no_store
def details(token: str):
    """Correct name and organisation, checked as on the sign-up form; the organisers' lists show the new values."""
    registration, error = _registration_from_token(token)
    if error:
        return error
    form = DetailsForm()
    if not form.validate_on_submit():
        return _manage_page(registration, token, details_form=form), 422
    try:
        changed = services.update_details(db.session, registration, form.name.data, form.organisation.data)
    except services.RegistrationError as err:
        form.form_errors.append(_error_message(err))
        return _manage_page(registration, token, details_form=form), 409
    flash(_("Uw naam en organisatie zijn opgeslagen.") if changed else _("Er is niets gewijzigd."),
          "ok" if changed else "info")
    return redirect(url_for(".manage", token=token), code=303)


@bp.post("/aanmelding/<token:token>/regio")
@no_store
def region(token: str):
    """Choose or correct the region from the directory (or clear it); the dashboard counts the new one."""
    registration, error = _registration_from_token(token)
    if error:
        return error
    form = forms.region_form(regions.choices(db.session))
    if not form.validate_on_submit():
        return _manage_page(registration, token, region_form=form), 422
    try:
        changed = services.update_region(db.session, registration, form.region_id.data)
    except services.RegistrationError as err:
        db.session.rollback()
        form.form_errors.append(_error_message(err))
        return _manage_page(registration, token, region_form=form), 409
    db.session.commit()
    flash(_("Uw regio is opgeslagen.") if changed else _("Er is niets gewijzigd."), "ok" if changed else "info")
    return redirect(url_for(".manage", token=token), code=303)


@bp.get("/aanmelding/<token:token>/workshops")
@no_store
def manage_places(token: str):
    """The places left in each workshop as this participant sees them (htmx refresh of the change form)."""
    registration, error = _registration_from_token(token)
    if error:
        return error
    if not htmx:
        return redirect(url_for(".manage", token=token), code=303)
    return _places_update(registration.meeting, registration)


def _attach_error(form, meeting, error: services.RegistrationError) -> None:
    """A full workshop is reported next to its round; anything else above the form."""
    workshop_id = error.details.get("workshop_id")
    round_id = next((r.id for r in meeting.rounds for w in r.workshops if w.id == workshop_id), None)
    field = form._fields.get(f"round_{round_id}") if round_id else None
    (field.errors if field is not None else form.form_errors).append(_error_message(error))


def _choice(registration, round_id: int) -> int | None:
    return next((c.workshop_id for c in registration.choices if c.round_id == round_id), None)


@bp.route("/aanmelding/<token:token>/afmelden", methods=["GET", "POST"])
@no_store
def cancel(token: str):
    """Ask for confirmation (GET) and cancel (POST); a GET never changes anything."""
    registration, error = _registration_from_token(token)
    if error:
        return error
    form = CancelForm()
    if form.validate_on_submit():
        if services.cancel(db.session, registration):
            flash(_("Uw aanmelding is geannuleerd. U ontvangt een bevestiging per e-mail."), "ok")
        else:
            flash(_("Deze aanmelding was al geannuleerd."), "info")
        return redirect(url_for(".manage", token=token), code=303)
    return render_template("registrations/cancel.html", registration=registration, form=form, token=token)


@bp.get("/aanmelding/<token:token>/uitnodiging.ics")
@no_store
def invitation(token: str):
    """The participant's own calendar invitation (or its cancellation)."""
    registration, error = _registration_from_token(token)
    if error:
        return error
    if registration.status == RegistrationStatus.WAITLISTED:
        return render_error(409, _("U staat op de wachtlijst: de agenda-uitnodiging volgt zodra u een plaats heeft."))
    method = "CANCEL" if registration.status == RegistrationStatus.CANCELLED else "REQUEST"
    manage_url = absolute_url("registrations.manage", token=token)
    description = mails.invitation_description(registration, manage_url)
    body = calendar.invitation(registration, method, description, manage_url)
    return body, 200, {
        "Content-Type": f"text/calendar; method={method}; charset=utf-8",
        "Content-Disposition": 'attachment; filename="uitnodiging.ics"',
    }


@bp.get("/aanmelding/<token:token>/gegevens.json")
@no_store
def export_data(token: str):
    """Download everything stored about this registration (AVG: right of access and portability)."""
    registration, error = _registration_from_token(token)
    if error:
        return error
    body = json.dumps(privacy.export(db.session, registration), ensure_ascii=False, indent=2)
    return body, 200, {
        "Content-Type": "application/json; charset=utf-8",
        "Content-Disposition": 'attachment; filename="mijn-aanmelding.json"',
    }


@bp.post("/aanmelding/<token:token>/toestemming")
def consent(token: str):
    """Give or withdraw consent to show name and organisation to other participants."""
    registration, error = _registration_from_token(token)
    if error:
        return error
    share = ConsentForm().share_with_participants.data
    privacy.set_sharing(db.session, registration, share)
    flash(_("Uw keuze is opgeslagen: andere deelnemers zien uw naam en organisatie.") if share
          else _("Uw keuze is opgeslagen: andere deelnemers zien uw naam en organisatie niet."), "ok")
    return redirect(url_for(".manage", token=token), code=303)


@bp.route("/aanmelding/<token:token>/verwijderen", methods=["GET", "POST"])
@no_store
def erase(token: str):
    """Ask for confirmation, then cancel and erase the personal data (AVG: right to erasure)."""
    registration, error = _registration_from_token(token)
    if error:
        return error
    form = CancelForm()
    if registration.anonymised_at is None and form.validate_on_submit():
        privacy.erase(db.session, registration)
        return redirect(url_for(".erased"), code=303)
    return render_template("registrations/erase.html", registration=registration, form=form, token=token)


@bp.get("/aanmelding-verwijderd")
def erased():
    """Confirmation after erasing: nothing personal is left to show."""
    return render_template("registrations/erased.html")
