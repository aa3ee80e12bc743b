"""A company registers itself: the form, the mailed link, and confirming it with a POST."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from wtforms.fields.choices import SelectChoice

from ..core.errors import render_error
from ..core.extensions import csrf, db
from ..core.templating import no_store
from . import companies, wording
from .forms import CompanyRegistrationForm, ConfirmCompanyForm
from .vocabulary import OFFER_KINDS

bp = Blueprint("company_signup", __name__, url_prefix="/bedrijven/aanmelden")


def _form() -> CompanyRegistrationForm:
    form = CompanyRegistrationForm()
    form.regions.choices = [SelectChoice(region_id, name) for directory in companies.region_directories
                            for region_id, name in directory.choices(db.session)]
    return form


@bp.route("", methods=["GET", "POST"])
@csrf.exempt  # the form checks its own token, and keeps what was typed when it has expired
@no_store  # a form sent back with errors holds what the person typed
def register():
    """The registration form; a valid POST mails a confirmation link and stores nothing yet."""
    form = _form()
    if form.validate_on_submit():
        application = companies.Application(
            name=form.name.data, place_id=form.place.place.id, website=form.website.data or "",
            region_ids=tuple(form.regions.data or ()), offer_kinds=tuple(form.offer_kinds.data or ()),
            contact_name=form.contact_name.data, email=form.email.data.strip().lower(),
            locale=str(get_locale() or "nl"))
        found = companies.problems(db.session, application)
        if not found:
            companies.request_confirmation(db.session, application)
            db.session.commit()
            return redirect(url_for(".sent"), code=303)
        for code in found:
            (form.email if code == "email_taken" else form.name).errors.append(wording.text(code))
    if form.csrf_token.errors:
        form.form_errors.append(_("Het formulier was verlopen. Controleer uw gegevens en verstuur het opnieuw."))
    status = 422 if request.method == "POST" else 200
    return render_template("organisations/register.html", form=form, has_regions=bool(form.regions.choices)), status


@bp.get("/verstuurd")
def sent():
    """After the form: look in your mail."""
    return render_template("organisations/register_sent.html")


@bp.route("/bevestigen/<string(maxlength=3000):token>", methods=["GET", "POST"])
@no_store
def confirm(token: str):
    """The mailed link: shows what will be registered; only the POST of its button creates anything."""
    try:
        application = companies.read_link(token)
    except companies.ExpiredLink:
        return render_error(410, _("Deze link is verlopen. Meld uw bedrijf opnieuw aan; er is nog niets "
                                   "opgeslagen."))
    except companies.InvalidLink:
        return render_error(404, _("Deze link is niet geldig. Gebruik de link uit de e-mail."))
    form = ConfirmCompanyForm()
    problem = None
    if form.validate_on_submit():
        try:
            _company, _user, secret = companies.confirm(db.session, application)
        except companies.CompanyError as error:
            db.session.rollback()
            problem = wording.text(error.code)
        else:
            db.session.commit()
            return redirect(url_for("accounts.accept_invitation", secret=secret), code=303)
    elif request.method == "GET":
        found = companies.problems(db.session, application)
        problem = wording.text(found[0]) if found else None
    status = 409 if problem and request.method == "POST" else 422 if request.method == "POST" else 200
    return render_template("organisations/register_confirm.html", form=form, application=application,
                           place=companies.place_of(db.session, application),
                           region_names=companies.region_names(db.session, application),
                           offer_labels=[OFFER_KINDS[k] for k in application.offer_kinds], problem=problem), status
