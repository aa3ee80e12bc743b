"""Who may see what: one check per blueprint, so a new route is protected without remembering to."""

from __future__ import annotations

from flask import abort
from flask_login import current_user

from ..core.extensions import login_manager
from .models import Role


def require_role(*roles: Role):
    """A before_request hook: anonymous → login page, logged in without the role → 403."""

    def check():
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        if not current_user.has_role(*roles):
            abort(403)
        return None

    return check
