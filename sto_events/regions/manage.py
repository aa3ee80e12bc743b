"""The organisers' list of regions in the back office: each region's manage page, and inviting a coordinator."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..core.access import actor, organisers_only
from ..core.extensions import db
from ..core.navigation import backoffice_link
from ..core.templating import forbid_caching
from ..core.transaction import unit_of_work
from . import memberships, wording
from .forms import RegionChoiceInviteForm
from .models import Region, RegionCoordinator, plan_status_labels

bp = Blueprint("regions_manage", __name__, url_prefix="/beheer/regios")
bp.before_request(organisers_only)
bp.after_request(forbid_caching)

backoffice_link("regions_manage", "regions_manage.index", _l("Regio's"), 35)


def _rows():
    """(region, number of coordinators) for every region, by name: two statements however many regions."""
    counts = (sa.select(RegionCoordinator.region_id, sa.func.count().label("coordinators"))
              .group_by(RegionCoordinator.region_id).subquery())
    return db.session.execute(
        sa.select(Region, sa.func.coalesce(counts.c.coordinators, 0))
        .outerjoin(counts, counts.c.region_id == Region.id).order_by(Region.name)).all()


def _page(form, rows, status=200):
    return render_template("regions/manage/index.html", rows=rows, form=form,
                           plan_status_labels=plan_status_labels), status


@bp.route("/", methods=["GET", "POST"])
def index():
    """Every region with its plan status and number of coordinators, a link to its manage page, and a form to
    invite a coordinator into one of them."""
    rows = _rows()
    form = RegionChoiceInviteForm()
    form.region.choices = [("", _("Kies een regio"))] + [(region.slug, region.name) for region, _count in rows]
    if not form.validate_on_submit():
        return _page(form, rows, 422 if form.is_submitted() else 200)
    region = next(region for region, _count in rows if region.slug == form.region.data)
    try:
        with unit_of_work():
            coordinator = memberships.add_coordinator(db.session, region, form.email.data, form.name.data, actor())
    except memberships.MembershipError as error:
        form.email.errors.append(wording.membership_text(error))
        return _page(form, rows, 422)
    flash(_("%(name)s is uitgenodigd als coördinator van %(region)s en krijgt een e-mail.",
            name=coordinator.user.name, region=region.name), "ok")
    return redirect(url_for(".index"), code=303)
