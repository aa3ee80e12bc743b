"""Objects named in the URL are loaded before the view runs, so no view ever sees (or loads by) a bare id.

A blueprint registers, per URL argument, under which name and how its object is found:

    bp.before_request(organisers_only)
    load_args(bp, meeting_id=("meeting", by_id(Meeting)),
              round_id=("workshop_round", child_of(WorkshopRound, "meeting_id"), "meeting"))

The loading runs as a before_request hook registered after the blueprint's guard, so the guard decides first (an
anonymous visitor goes to the login page and learns nothing about which ids exist); then the id is taken out of the
view arguments and the object put in its place: `def meeting(meeting: Meeting)`. An id that finds nothing is a 404.
A third element names the parent object (its `name`): when the URL carries both, the child is looked up through
that parent, so a foreign child id is a 404 too. (Flask runs url_value_preprocessors before before_request, which is
why this is not one.)
"""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from flask import Blueprint, abort, request

from .extensions import db

Loader = Callable[..., object]


def by_id(model) -> Loader:
    """Load `model` by its primary key."""

    def load(value):
        return db.session.get(model, value)

    return load


def child_of(model, parent_column: str) -> Loader:
    """Load `model` by id, only when its `parent_column` points at the parent object loaded from the same URL."""

    def load(value, parent=None):
        if parent is None:
            # The URL names the child alone (`/rondes/<round_id>`): its own id decides.
            return db.session.get(model, value)
        return db.session.scalar(sa.select(model).where(model.id == value,
                                                        getattr(model, parent_column) == parent.id))

    return load


def load_args(bp: Blueprint, **specs: tuple) -> None:
    """Replace each URL argument in `specs` by its object: `arg=(name, loader)` or `arg=(name, loader, parent)`.

    `loader(value)` returns the object or None; when the URL also carries the parent, `loader(value, parent)`.
    Parents come first in `specs`.
    Call this after `bp.before_request(guard)`: the hooks run in the order they were registered."""
    if not bp.before_request_funcs.get(None):
        raise RuntimeError(f"{bp.name}: register the blueprint's guard (before_request) before load_args")
    earlier: set[str] = set()
    for arg, spec in specs.items():
        if len(spec) == 3 and spec[2] not in earlier:
            raise RuntimeError(f"{bp.name}: {arg} names parent {spec[2]!r}, which must be loaded before it")
        earlier.add(spec[0])

    def load_objects():
        values = request.view_args
        if not values:
            return
        loaded = {}
        for arg in [arg for arg in specs if arg in values]:
            name, loader = specs[arg][:2]
            parent = specs[arg][2] if len(specs[arg]) == 3 else None
            obj = loader(values[arg], loaded[parent]) if parent in loaded else loader(values[arg])
            if obj is None:
                abort(404)
            loaded[name] = obj
        for arg in [arg for arg in specs if arg in values]:
            del values[arg]
            values[specs[arg][0]] = loaded[specs[arg][0]]

    bp.before_request(load_objects)
