"""Template filters (Dutch dates and times), shared context, and the security headers on every response."""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache, wraps
from urllib.parse import urlencode

from babel.dates import format_datetime as babel_format_datetime
from flask import make_response, render_template, request
from flask_babel import get_locale
from flask_htmx import make_response as htmx_response

from .tablecells import label_cells
from .timeutil import local

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


@lru_cache(maxsize=4096)
def _format(value: datetime, pattern: str, locale: str) -> str:
    """Dates repeat on every list and card: format each (moment, pattern, language) once."""
    return babel_format_datetime(local(value), pattern, locale=locale)


def format_datetime(value: datetime, pattern: str) -> str:
    return _format(value, pattern, str(get_locale() or "nl"))


def date_long(value: datetime) -> str:
    """14 februari 2027 / 14 February 2027, in Amsterdam time."""
    return format_datetime(value, "d MMMM y")


def weekday_date(value: datetime) -> str:
    return format_datetime(value, "EEEE d MMMM y")


def time_short(value: datetime) -> str:
    return format_datetime(value, "HH:mm")


def when(item) -> str:
    """A date with its time span: 14 februari 2027, 13:00–17:00."""
    locale = str(get_locale() or "nl")
    start, end = item.starts_at, item.ends_at
    return f"{_format(start, 'd MMMM y', locale)}, {_format(start, 'HH:mm', locale)}–{_format(end, 'HH:mm', locale)}"


def forbid_caching(response):
    """An answer with personal data is never kept in a shared or browser cache."""
    response.headers["Cache-Control"] = "no-store"
    return response


def no_store(view):
    """forbid_caching() for one view's answers."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        return forbid_caching(make_response(view(*args, **kwargs)))

    return wrapper


def this_page() -> str:
    """The path and query of this request, to come back to; a query that is not UTF-8 cannot break the page."""
    query = request.query_string.decode("utf-8", "replace")
    return f"{request.path}?{query}" if query else request.path


def list_fragment(template: str, **context):
    """The part of a filterable list that htmx swaps in, with the address to push into the history: the current
    one without its empty fields (`?q=&soort=&pagina=2` becomes `?pagina=2`), as a link someone would share."""
    kept = [(key, value) for key, value in request.args.items(multi=True) if value.strip()]
    address = request.script_root + request.path + (f"?{urlencode(kept)}" if kept else "")
    return htmx_response(render_template(template, **context), push_url=address)


def register(app) -> None:
    app.jinja_env.filters.update(date_long=date_long, weekday_date=weekday_date, time_short=time_short, when=when)
    app.jinja_env.filters["label_cells"] = label_cells
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    @app.context_processor
    def _context():
        return {"current_locale": str(get_locale() or "nl"), "this_page": this_page}

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
