"""Public region pages: the list with filters, and one region with its members."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from flask_login import current_user

from ..core.extensions import db, htmx
from ..core.templating import list_fragment
from ..organisations.routes import page_sections
from ..organisations.vocabulary import PROFILES, count_label, kind_plural_labels
from ..places.reference import PROVINCES
from . import companies, importing, policy, services
from .models import plan_status_labels

bp = Blueprint("regions", __name__)
# The directory import gets a "regio's" column once the regions domain is part of the app.
bp.record_once(lambda _state: importing.register())
# A company registering itself names the regions it works in.
bp.record_once(lambda _state: companies.register())


@bp.context_processor
def _vocabulary():
    return {"kind_plural_labels": kind_plural_labels, "count_label": count_label,
            "plan_status_labels": plan_status_labels, "profile_labels": PROFILES}


def _choice(name: str, allowed) -> str | None:
    """A filter from the query string: empty is 'all'; anything not on offer is a 400, not an empty list."""
    value = request.args.get(name, "")
    if value and value not in allowed:
        abort(400)
    return value or None


@bp.get("/regios")
def index():
    """All STO regions, filtered by province and by the vmbo profiles their schools offer (htmx or a plain form)."""
    province = _choice("provincie", PROVINCES.values())
    profile = _choice("profiel", PROFILES)
    summaries = services.public_list(db.session, province, profile)
    context = {"summaries": summaries, "province": province, "profile": profile,
               "provinces": sorted(PROVINCES.values()), "profiles": PROFILES}
    if htmx and htmx.target == "region-list":
        return list_fragment("regions/_region_list.html", **context)
    return render_template("regions/index.html", **context)


@bp.get("/regios/<slug:slug>")
def detail(slug: str):
    """One region: plan status, penvoerder, provinces, profiles offered, and its member organisations."""
    found = services.public_region(db.session, slug) or abort(404)
    region, members, profiles = found
    return render_template("regions/detail.html", region=region, members=members, profiles=profiles,
                           can_manage=policy.can_manage(current_user, region))


@page_sections.connect
def _organisation_regions(organisation):
    """The regions an organisation takes part in, on its public page."""
    return "regions/_organisation_regions.html", {"regions": services.regions_of(db.session, organisation)}
