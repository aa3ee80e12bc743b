"""The reporting back office: the dashboard with sign-ups over time, by role and region, and workshop fill rates."""

from __future__ import annotations

import re
from datetime import datetime, time

from flask import Blueprint, abort, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..core.access import organisers_only
from ..core.extensions import db
from ..core.navigation import backoffice_link
from ..core.templating import forbid_caching
from ..core.timeutil import from_local
from ..meetings import services as meeting_services
from ..meetings.models import Meeting
from ..registrations.forms import role_labels as participant_role_labels
from . import charts, stats

bp = Blueprint("reporting_manage", __name__, url_prefix="/beheer")
bp.before_request(organisers_only)
bp.after_request(forbid_caching)

backoffice_link("reporting_manage", "reporting_manage.dashboard", _l("Dashboard"), 20)

#: Workshop labels longer than this are cut short in the chart; the table beside it has them in full.
LABEL_LIMIT = 80


def _shorten(text: str, limit: int = LABEL_LIMIT) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _meeting_filter() -> int | None:
    """The `bijeenkomst` query parameter: absent or empty means all meetings; not a number → 400; unknown → 404."""
    value = request.args.get("bijeenkomst", "").strip()
    if not value:
        return None
    if not re.fullmatch(r"[0-9]+", value):
        abort(400)
    meeting_id = int(value)
    # An id beyond the database's integer range cannot exist (and would overflow the driver).
    if meeting_id >= 2**63 or db.session.get(Meeting, meeting_id) is None:
        abort(404)
    return meeting_id


@bp.get("/dashboard")
def dashboard():
    """Charts with a table of the same numbers beside each, for organisers; `?bijeenkomst=<id>` narrows the
    over-time chart to one meeting."""
    meeting_id = _meeting_filter()
    timeline = stats.signups_per_day(db.session, meeting_id)
    roles = stats.by_role(db.session)
    regions = stats.by_region(db.session)
    workshops = stats.workshop_fill(db.session)

    names = participant_role_labels()
    role_labels = [names.get(row.key, row.key) for row in roles]
    region_labels = [row.key if row.key is not None else _("Onbekend") for row in regions]

    return render_template(
        "reporting/manage/dashboard.html",
        meetings=meeting_services.all_meetings(db.session),
        meeting_id=meeting_id,
        timeline=timeline,
        # Noon in Amsterdam stands for the whole day, so the date filters show the right local date.
        moments=[from_local(datetime.combine(day, time(12))) for day in timeline.days],
        time_chart=charts.line_chart([day.toordinal() for day in timeline.days],
                                     [line.totals for line in timeline.series]),
        roles=roles,
        role_labels=role_labels,
        role_chart=charts.bar_chart(role_labels, [(r.confirmed, r.waitlisted) for r in roles]),
        regions=regions,
        region_labels=region_labels,
        region_chart=charts.bar_chart(region_labels, [(r.confirmed, r.waitlisted) for r in regions]),
        workshops=workshops,
        workshop_chart=charts.bar_chart(
            [_shorten(f"{w.city} · {w.round_title} · {w.title}") for w in workshops],
            [(min(w.percentage, 100),) for w in workshops],
            top=100, step=25, value_margin=150,
        ),
    )
