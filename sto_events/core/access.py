"""Guards every blueprint uses: one check per blueprint, so a new route is protected without remembering to.

The core knows no account model: a role is compared by its value (`Role` is a string enum in accounts).
"""

from __future__ import annotations

from flask import abort
from flask_login import current_user

from .extensions import login_manager

ORGANISER = "organiser"


def require_role(*roles: str):
    """A before_request hook: anonymous → login page, logged in without the role → 403."""

    def check():
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        if not current_user.has_role(*roles):
            abort(403)
        return None

    return check


#: The back office's guard: `bp.before_request(organisers_only)`.
organisers_only = require_role(ORGANISER)


def actor():
    """The person making the current request (for audit entries)."""
    return current_user._get_current_object()
