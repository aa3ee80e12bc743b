"""Place suggestions for the place fields of every form (htmx; the field works as plain text without it)."""

from __future__ import annotations

from flask import Blueprint, render_template, request

from ..core.extensions import db
from . import services

bp = Blueprint("places", __name__)


@bp.get("/plaatsen/suggesties")
def suggestions():
    """The places whose name starts with the typed text, as the options of the field's <datalist>.

    `field` names the form field whose value htmx sends along (and whose datalist is replaced)."""
    field = request.args.get("field", "place")[:60]
    places = services.suggest(db.session, request.args.get(field, "")[:120])
    return render_template("places/_suggestions.html", field_id=field, places=places)
