"""The public page of an organisation."""

from __future__ import annotations

from blinker import Namespace
from flask import Blueprint, abort, render_template
from flask_login import current_user

from ..core.extensions import db
from . import policy, services
from .vocabulary import LEERWEGEN, OFFER_KINDS, PROFILES, kind_labels, kind_plural_labels, network_labels

bp = Blueprint("organisations", __name__)

#: Sent with the organisation whose public page is being shown; a receiver (a domain above this one, such as
#: regions) returns (template, context) for a section of its own on that page.
page_sections = Namespace().signal("organisation-page-sections")


@bp.context_processor
def _vocabulary():
    return {"kind_labels": kind_labels, "kind_plural_labels": kind_plural_labels, "network_labels": network_labels,
            "profile_labels": PROFILES, "leerweg_labels": LEERWEGEN, "offer_labels": OFFER_KINDS}


@bp.get("/organisaties/<int:organisation_id>")
def detail(organisation_id: int):
    """An organisation's public page: kind, place, profiles and leerwegen, and what other domains add."""
    organisation = services.public(db.session, organisation_id) or abort(404)
    sections = [section for _receiver, section in page_sections.send(organisation) if section]
    return render_template("organisations/detail.html", organisation=organisation, sections=sections,
                           can_manage=policy.can_manage(current_user, organisation))
