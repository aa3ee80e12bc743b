"""Blueprints scoped to one object: the object is loaded and authorised once, before any view runs.

A domain makes a blueprint whose URL prefix carries the object's key (`/regios/<slug:slug>/beheer`) and calls
`scope_to(...)`: the key is popped from the view arguments, so no view ever sees a bare id. Anonymous visitors go to
the login page, an unknown key is a 404, somebody who may not manage the object gets a 403; otherwise the object is
on `g` under `name`. Views load children only through it (`WHERE parent_id = :scope`), so a foreign child id is a 404.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, abort, g
from flask_login import current_user

from .extensions import login_manager
from .templating import forbid_caching


def scope_to(bp: Blueprint, *, arg: str, name: str, load: Callable, can_manage: Callable[[object, object], bool],
             key: Callable[[object], object]) -> None:
    """Guard every view of `bp`: `load(value)` finds the object (or None), `can_manage(user, obj)` decides.

    `key(obj)` gives the URL value back, so `url_for` inside the scope needs no argument for it."""

    @bp.url_value_preprocessor
    def _load_and_authorise(_endpoint, values):
        value = values.pop(arg)
        if not current_user.is_authenticated:
            abort(login_manager.unauthorized())
        obj = load(value)
        if obj is None:
            abort(404)
        if not can_manage(current_user, obj):
            abort(403)
        setattr(g, name, obj)

    @bp.url_defaults
    def _this_object(endpoint, values):
        if endpoint.startswith(f"{bp.name}.") and arg not in values and name in g:
            values[arg] = key(getattr(g, name))

    # Manage pages show contacts' names and e-mail addresses.
    bp.after_request(forbid_caching)
