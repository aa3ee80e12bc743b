"""A region's own manage pages, at /regios/<slug>/beheer: shared by its coordinators and the organisers.

The region is loaded and authorised once, before any view (core.scope): views get `g.region`, never the slug. Its
coordinators' pages are accounts.member_pages: a coordinator is found only within the region, so somebody else's
coordinator is a 404.
"""

from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _

from ..accounts.home import home_sections
from ..accounts.member_pages import Members, add_member_pages
from ..accounts.models import Role
from ..core.access import actor
from ..core.extensions import db
from ..core.scope import scope_to
from ..core.transaction import unit_of_work
from . import memberships, policy, services, wording
from .forms import RegionForm, region_values
from .models import plan_status_labels

bp = Blueprint("region_scope", __name__, url_prefix="/regios/<slug:slug>/beheer")
scope_to(bp, arg="slug", name="region", load=lambda slug: services.by_slug(db.session, slug),
         can_manage=policy.can_manage, key=lambda region: region.slug)


def _is_organiser() -> bool:
    return actor().has_role(Role.ORGANISER)


def _edit_page(form, status=200):
    return render_template("regions/manage/edit.html", region=g.region, form=form,
                           plan_status_labels=plan_status_labels), status


@bp.route("/", methods=["GET", "POST"])
def edit():
    """The region's own page: its coordinators edit the penvoerder and the text about the region; organisers also
    the name and the plan status."""
    region = g.region
    organiser = _is_organiser()
    form = RegionForm(obj=region, organiser=organiser)
    if organiser and not form.is_submitted():
        form.plan_status.data = region.plan_status.value
    if not form.validate_on_submit():
        return _edit_page(form, 422 if form.is_submitted() else 200)
    try:
        with unit_of_work():
            changed = services.update_region(db.session, region, actor(), region_values(form))
    except services.RegionError as error:
        form.name.errors.append(wording.text(error))
        return _edit_page(form, 422)
    flash(_("De gegevens van de regio zijn opgeslagen.") if changed else _("Er was niets veranderd."), "ok")
    return redirect(url_for(".edit"), code=303)


add_member_pages(bp, Members(
    scope="region", path="coordinatoren", endpoint="coordinators", member="coordinator",
    template="regions/manage/coordinators.html", nav="regions/manage/_nav.html",
    list=memberships.coordinators_of, find=memberships.coordinator_in, add=memberships.add_coordinator,
    end=memberships.end_coordinator, texts=wording.COORDINATORS))


@home_sections.connect
def _my_regions(user):
    """On Mijn omgeving: the regions this person coordinates, with links to their manage pages."""
    return 20, "regions/_my_regions.html", {"regions": memberships.regions_of(db.session, user)}
