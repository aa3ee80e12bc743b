"""Public meeting pages and calendar files."""

from __future__ import annotations

from flask import Blueprint, abort, render_template
from flask_babel import gettext

from ..core.extensions import db, htmx
from ..core.pagecache import cached_page
from ..core.urls import absolute_url
from . import services
from .calendar import meetings_calendar

bp = Blueprint("meetings", __name__)


def _calendar_response(body: bytes, filename: str):
    return body, 200, {
        "Content-Type": "text/calendar; charset=utf-8",
        "Content-Disposition": f'attachment; filename="{filename}"',
    }


def _meeting_url(meeting) -> str:
    return absolute_url("meetings.detail", slug=meeting.slug)


@bp.get("/bijeenkomsten")
@cached_page
def index():
    """Upcoming published meetings with their themes and places left."""
    return render_template("meetings/index.html", meetings=services.upcoming(db.session))


@bp.get("/bijeenkomsten/<slug:slug>")
@cached_page
def detail(slug: str):
    """One meeting with its programme; the places-left box refreshes itself through htmx."""
    meeting = services.published(db.session, slug) or abort(404)
    if htmx and htmx.target == "places":
        return render_template("meetings/_places.html", meeting=meeting)
    return render_template("meetings/detail.html", meeting=meeting)


@bp.get("/bijeenkomsten/<slug:slug>/agenda.ics")
def meeting_ics(slug: str):
    """'Add to my calendar' for one meeting."""
    meeting = services.published(db.session, slug) or abort(404)
    body = meetings_calendar([meeting], _meeting_url, meeting.title)
    return _calendar_response(body, f"{meeting.slug}.ics")


@bp.get("/agenda.ics")
def feed():
    """Subscribable calendar of all published meetings."""
    body = meetings_calendar(services.feed(db.session), _meeting_url, gettext("STO-bijeenkomsten"))
    return _calendar_response(body, "sto-bijeenkomsten.ics")
