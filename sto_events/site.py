"""Pages that belong to no single domain: home, language choice, privacy statement."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, redirect, render_template, request, session, url_for

from .core.extensions import db
from .core.pagecache import cached_page
from .meetings import services as meeting_services

bp = Blueprint("site", __name__)


def safe_next(target: str | None, fallback: str) -> str:
    """Only a path on this site; anything with a scheme or host falls back (no open redirect).

    Browsers read a backslash as a slash (`/\\evil.example` is `//evil.example`) and drop tabs and line breaks, so
    those are refused too."""
    if not target or "\\" in target or any(ord(char) < 33 for char in target):
        return fallback
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return fallback
    return target


@bp.get("/")
@cached_page
def home():
    """The home page: what STO Events is, and the next meetings."""
    meetings = meeting_services.upcoming(db.session, limit=3)
    return render_template("site/home.html", meetings=meetings)


@bp.post("/taal")
def set_language():
    """Remember the chosen language (nl or en) and return to the page the person was on."""
    lang = request.form.get("lang")
    if lang in ("nl", "en"):
        session["lang"] = lang
    return redirect(safe_next(request.form.get("next"), url_for("site.home")), code=303)


@bp.get("/privacy")
def privacy():
    """What we store about participants, why, and for how long."""
    return render_template("site/privacy.html")
