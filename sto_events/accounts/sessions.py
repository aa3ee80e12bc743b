"""Session lifetime for logged-in users: an idle timeout and an absolute limit."""

from __future__ import annotations

import time

from flask import current_app, flash, request, session
from flask_babel import gettext as _
from flask_login import current_user, logout_user

LOGIN_AT = "login_at"
SEEN_AT = "seen_at"


def start() -> None:
    """Called at login."""
    now = int(time.time())
    session[LOGIN_AT] = now
    session[SEEN_AT] = now


def check() -> None:
    """before_request: end a session that was idle too long or is simply too old.

    Not for static files: they need no user, and must load even while the database is away (the error page's
    style sheet)."""
    if request.endpoint == "static" or not current_user.is_authenticated:
        return
    config = current_app.config
    now = int(time.time())
    login_at, seen_at = session.get(LOGIN_AT, 0), session.get(SEEN_AT, 0)
    if now - seen_at > config["SESSION_IDLE_MINUTES"] * 60 or now - login_at > config["SESSION_ABSOLUTE_HOURS"] * 3600:
        language = session.get("lang")
        logout_user()
        session.clear()
        if language:
            session["lang"] = language
        flash(_("U was een tijd niet actief en bent daarom uitgelogd. Log opnieuw in."), "info")
        return
    if now - seen_at > 30:  # don't rewrite the cookie on every request
        session[SEEN_AT] = now
