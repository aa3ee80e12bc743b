"""Back-office pages. Every route here requires the organiser role (checked once, before each request)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..accounts import services as account_services
from ..accounts.access import require_role
from ..accounts.forms import InviteForm, role_labels
from ..accounts.models import Role, User
from ..core.extensions import db
from ..meetings import services as meeting_services
from ..notifications import outbox
from ..core.templating import forbid_caching

bp = Blueprint("admin", __name__, url_prefix="/beheer")
bp.before_request(require_role(Role.ORGANISER))


def actor():
    """The organiser making the current request (for audit entries)."""
    return current_user._get_current_object()


# Back-office pages are full of personal data.
bp.after_request(forbid_caching)


@bp.get("/")
def index():
    """The organiser's start page: all meetings with their fill rate."""
    return render_template("admin/index.html", meetings=meeting_services.all_meetings(db.session),
                           failed_mails=outbox.failed(db.session))


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
        except account_services.AccountError:
            form.email.errors.append(_("Er is al een account met dit e-mailadres."))
            status = 409
        else:
            flash(_("De uitnodiging is verstuurd naar %(email)s.", email=form.email.data), "ok")
            return redirect(url_for(".users"), code=303)
    elif request.method == "POST":
        status = 422
    return render_template("admin/users.html", form=form, users=account_services.users(db.session),
                           role_labels=role_labels()), status


@bp.post("/gebruikers/<int:user_id>/actief")
def set_user_active(user_id: int):
    """Switch an account off or on again (from the accounts list)."""
    user = db.get_or_404(User, user_id)
    if request.form.get("active") not in ("0", "1"):
        abort(400)
    active = request.form.get("active") == "1"
    try:
        account_services.set_active(db.session, user, active, actor())
    except account_services.AccountError:
        flash(_("U kunt uw eigen account niet uitzetten."), "error")
    else:
        flash(_("Het account van %(name)s staat weer aan.", name=user.name) if active
              else _("Het account van %(name)s staat uit. Inloggen kan niet meer.", name=user.name), "ok")
    return redirect(url_for(".users"), code=303)


from . import meeting_routes  # noqa: E402,F401  (routes on the same blueprint)
from . import attendee_routes  # noqa: E402,F401
from . import export_routes  # noqa: E402,F401
from . import dashboard_routes  # noqa: E402,F401
from . import audit_routes  # noqa: E402,F401
