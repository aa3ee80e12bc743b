"""Accounts in the back office: the list of accounts, inviting one by e-mail, switching one off. Organisers only."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..core.access import actor, organisers_only
from ..core.extensions import db
from ..core.loaders import by_id, load_args
from ..core.navigation import backoffice_link
from ..core.templating import forbid_caching
from . import services as account_services
from . import wording
from .forms import InviteForm, role_labels
from .models import Role, User

bp = Blueprint("accounts_manage", __name__, url_prefix="/beheer")
bp.before_request(organisers_only)
load_args(bp, user_id=("user", by_id(User)))
bp.after_request(forbid_caching)

backoffice_link("accounts_manage", "accounts_manage.users", _l("Gebruikers"), 40)


@bp.route("/gebruikers", methods=["GET", "POST"])
def users():
    """Accounts, and inviting a new one by e-mail."""
    form = InviteForm()
    status = 200
    if form.validate_on_submit():
        try:
            account_services.invite(
                db.session, form.email.data, form.name.data, Role(form.role.data), actor()
            )
        except account_services.AccountError as error:
            form.email.errors.append(wording.text(error))
            status = 409
        else:
            flash(_("De uitnodiging is verstuurd naar %(email)s.", email=form.email.data), "ok")
            return redirect(url_for(".users"), code=303)
    elif request.method == "POST":
        status = 422
    return render_template("accounts/manage/users.html", form=form, users=account_services.users(db.session),
                           role_labels=role_labels()), status


@bp.post("/gebruikers/<int:user_id>/actief")
def set_user_active(user: User):
    """Switch an account off or on again (from the accounts list)."""
    if request.form.get("active") not in ("0", "1"):
        abort(400)
    active = request.form.get("active") == "1"
    try:
        account_services.set_active(db.session, user, active, actor())
    except account_services.AccountError as error:
        flash(wording.text(error), "error")
    else:
        flash(_("Het account van %(name)s staat weer aan.", name=user.name) if active
              else _("Het account van %(name)s staat uit. Inloggen kan niet meer.", name=user.name), "ok")
    return redirect(url_for(".users"), code=303)
