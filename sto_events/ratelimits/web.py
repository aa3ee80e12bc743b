"""The request side of the limits: who the client is, and which storage this app counts in."""

from __future__ import annotations

from flask import Flask, current_app, request

from ..core.extensions import db, limiter
from . import services
from .services import Rule, Ticket

__all__ = ["Rule", "Ticket", "client", "give_back", "init_app", "take"]

#: Settings holding a limit string; each is checked at start-up.
LIMIT_SETTINGS = ("LOGIN_RATE_LIMIT_CLIENT", "LOGIN_RATE_LIMIT_ACCOUNT", "SIGNUP_RATE_LIMIT")
STORAGE = "sto_ratelimit_storage"


def init_app(app: Flask) -> None:
    """Count in the storage of RATELIMIT_STORAGE_URI when one is set (through Flask-Limiter), else in the database.
    A limit setting that cannot be read stops the start."""
    for name in LIMIT_SETTINGS:
        services.parse(app.config[name])
    app.config["RATELIMIT_ENABLED"] = bool(app.config.get("RATELIMIT_STORAGE_URI"))
    limiter.init_app(app)
    app.extensions[STORAGE] = limiter.storage if app.config["RATELIMIT_ENABLED"] else None


def client() -> str:
    """The client's address (after ProxyFix when PROXY_COUNT is set)."""
    return request.remote_addr or "unknown"


def take(*rules: Rule, commit: bool = True) -> Ticket | None:
    """Count one attempt against each rule; None when one of them is used up. See services.take for `commit`."""
    return services.take(db.session, rules, secret=current_app.config["SECRET_KEY"],
                         storage=current_app.extensions[STORAGE], commit=commit)


def give_back(ticket: Ticket) -> None:
    """The attempt did not count after all."""
    services.give_back(db.session, ticket, storage=current_app.extensions[STORAGE])
