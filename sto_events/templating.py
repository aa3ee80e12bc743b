"""Template filters (Dutch dates and times), shared context, and the security headers on every response."""

from __future__ import annotations

from datetime import datetime

from flask import request
from flask_babel import format_datetime, get_locale

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


def date_long(value: datetime) -> str:
    """14 februari 2027 / 14 February 2027, in Amsterdam time."""
    return format_datetime(value, "d MMMM y")


def weekday_date(value: datetime) -> str:
    return format_datetime(value, "EEEE d MMMM y")


def time_short(value: datetime) -> str:
    return format_datetime(value, "HH:mm")


def when(item) -> str:
    """A date with its time span: 14 februari 2027, 13:00–17:00."""
    return f"{date_long(item.starts_at)}, {time_short(item.starts_at)}–{time_short(item.ends_at)}"


def register(app) -> None:
    app.jinja_env.filters.update(date_long=date_long, weekday_date=weekday_date, time_short=time_short, when=when)
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    @app.context_processor
    def _context():
        return {"current_locale": str(get_locale() or "nl")}

    @app.after_request
    def _security_headers(response):
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CSP)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("X-Frame-Options", "DENY")
        # Manage links carry a token in the path: never send it to another site.
        headers.setdefault("Referrer-Policy", "same-origin")
        if app.config["ENV_NAME"] == "production":
            headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        if request.headers.get("HX-Request"):
            headers.add("Vary", "HX-Request")
        return response
