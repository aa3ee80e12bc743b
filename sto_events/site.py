"""Pages that belong to no single domain: home, language choice, privacy statement."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, session, url_for
from flask_login import current_user

from .accounts import language
from .core.extensions import db
from .core.pagecache import cached_page
from .core.urls import safe_next
from .meetings import services as meeting_services

bp = Blueprint("site", __name__)


@bp.get("/")
@cached_page
def home():
    """The home page: what STO Events is, and the next meetings."""
    meetings = meeting_services.upcoming(db.session, limit=3)
    return render_template("site/home.html", meetings=meetings)


@bp.post("/taal")
def set_language():
    """Remember the chosen language (nl or en; on the account too when logged in) and return to the page the person
    was on."""
    lang = request.form.get("lang")
    if lang in language.LANGUAGES:
        session["lang"] = lang
        if current_user.is_authenticated:  # mails that others' actions cause follow it too
            language.remember(db.session, current_user._get_current_object(), lang)
        else:  # the next login keeps it for that account
            session[language.CHOSEN_LOGGED_OUT] = True
    return redirect(safe_next(request.form.get("next"), url_for("site.home")), code=303)


@bp.get("/privacy")
def privacy():
    """What we store about participants, why, and for how long."""
    return render_template("site/privacy.html")
