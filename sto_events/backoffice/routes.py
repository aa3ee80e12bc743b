"""The back office's start page, and the navigation every back-office page shows. Organisers only."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_babel import lazy_gettext as _l

from ..core.access import organisers_only
from ..core.extensions import db
from ..core.navigation import backoffice_link, backoffice_links
from ..core.templating import forbid_caching
from ..meetings import services as meeting_services
from ..notifications import outbox

bp = Blueprint("backoffice", __name__, url_prefix="/beheer")
bp.before_request(organisers_only)
# Back-office pages are full of personal data.
bp.after_request(forbid_caching)

backoffice_link("backoffice", "backoffice.index", _l("Bijeenkomsten"), 10)


@bp.app_context_processor
def _navigation():
    return {"backoffice_links": backoffice_links}


@bp.get("/")
def index():
    """The organiser's start page: all meetings with their fill rate."""
    return render_template("backoffice/index.html", meetings=meeting_services.all_meetings(db.session),
                           failed_mails=outbox.failed(db.session))
