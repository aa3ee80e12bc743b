"""Login, logout, forgotten password and accepting an invitation."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from ..core.errors import render_error
from ..core.extensions import csrf, db
from ..core.templating import no_store
from ..core.urls import safe_next
from ..ratelimits import web as ratelimits
from . import language as accounts_language
from . import services, sessions, wording
from .forms import ChangePasswordForm, ForgotPasswordForm, LoginForm, SetPasswordForm, role_labels
from .home import sections_for
from .models import Role, TokenPurpose

bp = Blueprint("accounts", __name__)


def _password_rules(email: str) -> tuple[ratelimits.Rule, ratelimits.Rule]:
    """Wrong passwords count per client and per account; at login and when changing a password they count
    together, so logging out and in again gives no fresh budget."""
    config = current_app.config
    return (
        ratelimits.Rule("password-client", ratelimits.client(), config["LOGIN_RATE_LIMIT_CLIENT"]),
        ratelimits.Rule("password-account", services.normalize_email(email)[:254], config["LOGIN_RATE_LIMIT_ACCOUNT"]),
    )


def _home_for(_user) -> str:
    """Where a login lands unless `next` says otherwise: everyone's own Mijn omgeving."""
    return url_for("accounts.home")


@bp.get("/mijn-omgeving")
@login_required
@no_store
def home():
    """Mijn omgeving: the regions and organisations this person acts for, with what they can do there; organisers
    also find the back office here."""
    user = current_user._get_current_object()
    return render_template("accounts/home.html", sections=sections_for(user),
                           organiser=user.has_role(Role.ORGANISER))


@bp.route("/inloggen", methods=["GET", "POST"])
@csrf.exempt  # the form checks its token itself, and says so on the page when it has expired
def login():
    """Log in; unknown e-mail and wrong password get the same answer.

    Only a wrong password counts towards the limits, so a request without a valid form (no CSRF token, say) cannot
    be used to lock someone out; once a limit is used up even the right password waits (429)."""
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        ticket = ratelimits.take(*_password_rules(form.email.data))
        if ticket is None:
            return render_error(429)
        user = services.authenticate(db.session, form.email.data, form.password.data)
        if user is not None:
            ratelimits.give_back(ticket)
            # Chosen by hand before logging in: the account keeps it. A language an earlier login (perhaps someone
            # else's, on a shared computer) left in the session is not a choice.
            chosen = session.get("lang") if session.get(accounts_language.CHOSEN_LOGGED_OUT) else None
            session.clear()  # a new session at login: nothing from before carries over
            if chosen:
                accounts_language.remember(db.session, user, chosen)
            session["lang"] = user.locale
            login_user(user)
            sessions.start()
            return redirect(safe_next(request.args.get("next"), _home_for(user)), code=303)
        form.form_errors.append(_("Deze combinatie van e-mailadres en wachtwoord kennen we niet."))
    if request.method == "POST":
        status = 422
        if form.csrf_token.errors:
            form.form_errors.append(_("Het formulier was verlopen. Probeer het opnieuw."))
    return render_template("accounts/login.html", form=form), status


@bp.post("/uitloggen")
def logout():
    """Log out and invalidate every copy of the session cookie."""
    if current_user.is_authenticated:
        services.end_sessions(db.session, current_user._get_current_object())
    logout_user()
    session.clear()
    flash(_("U bent uitgelogd."), "ok")
    return redirect(url_for("site.home"), code=303)


@bp.route("/account", methods=["GET", "POST"])
@login_required
@no_store
def account():
    """Every logged-in user's own page: who they are, and changing their password (guesses at the current one
    count towards the same limits as wrong passwords at login)."""
    form = ChangePasswordForm()
    status = 200
    if form.validate_on_submit():
        user = current_user._get_current_object()
        ticket = ratelimits.take(*_password_rules(user.email))
        if ticket is None:
            return render_error(429)
        try:
            services.change_password(db.session, user, form.current.data, form.password.data)
        except services.AccountError as error:
            form.current.errors.append(wording.text(error))
        else:
            ratelimits.give_back(ticket)
            login_user(user)  # this session goes on; every other one has ended
            sessions.start()
            flash(_("Uw wachtwoord is gewijzigd. Op andere apparaten bent u uitgelogd."), "ok")
            return redirect(url_for(".account"), code=303)
    if request.method == "POST":
        status = 422
    return render_template("accounts/account.html", form=form, role_labels=role_labels()), status


@bp.route("/wachtwoord-vergeten", methods=["GET", "POST"])
def forgot_password():
    """Ask for a reset link; the answer does not tell whether the account exists. Every request counts, per client."""
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        if ratelimits.take(ratelimits.Rule("password-reset", ratelimits.client(),
                                           current_app.config["LOGIN_RATE_LIMIT_CLIENT"])) is None:
            return render_error(429)
        services.request_password_reset(db.session, form.email.data)
        flash(_("Als er een account bij dit e-mailadres hoort, ontvangt u binnen enkele minuten een link."), "info")
        return redirect(url_for(".login"), code=303)
    status = 422 if request.method == "POST" else 200
    return render_template("accounts/forgot_password.html", form=form), status


def _link_refused(code: int, error: services.AccountError):
    """A used or expired link: the error page, with the ways on (log in, ask for a new link)."""
    return render_error(code, wording.text(error), template="accounts/link_refused.html")


def _set_password(secret: str, purpose: TokenPurpose, template: str, done_message: str):
    try:
        token = services.token_user(db.session, secret, purpose)
    except services.AccountError as error:
        return _link_refused(410 if error.code == "expired_token" else 404, error)
    form = SetPasswordForm()
    if form.validate_on_submit():
        try:
            services.redeem(db.session, secret, purpose, form.password.data)
        except services.AccountError as error:
            return _link_refused(404, error)
        flash(done_message, "ok")
        return redirect(url_for(".login"), code=303)
    status = 422 if request.method == "POST" else 200
    return render_template(template, form=form, user=token.user), status


@bp.route("/uitnodiging/<token:secret>", methods=["GET", "POST"])
def accept_invitation(secret: str):
    """Accept an invitation by choosing a password (single-use, expiring link)."""
    return _set_password(secret, TokenPurpose.INVITATION, "accounts/accept_invitation.html",
                         _("Uw account is klaar. Log in met uw e-mailadres en nieuwe wachtwoord."))


@bp.route("/wachtwoord-instellen/<token:secret>", methods=["GET", "POST"])
def reset_password(secret: str):
    """Choose a new password through a mailed reset link (single-use, expiring)."""
    return _set_password(secret, TokenPurpose.PASSWORD_RESET, "accounts/reset_password.html",
                         _("Uw wachtwoord is gewijzigd. Log in met uw nieuwe wachtwoord."))
