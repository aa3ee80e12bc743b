"""A few seconds of memory for the busiest public pages (home, meeting list, meeting detail), per process.

When a meeting opens, many visitors ask for the same pages at once; for a short while (`PAGE_CACHE_SECONDS`) they
get the page as rendered for the first of them, with their own CSRF token put in. Only anonymous page views without
a query string or a pending message are served from it. A successful sign-up, change or cancellation, or any change
in the back office, made in this process empties it; other processes see a change after at most
`PAGE_CACHE_SECONDS`. The sign-up form and every personal page are never cached.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from dataclasses import dataclass
from functools import wraps
from threading import Lock

from flask import current_app, g, make_response, request, session
from flask_babel import get_locale
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

#: Stands in for the visitor's CSRF token in a stored page; no form field can produce it.
PLACEHOLDER = "\x00csrf\x00"
MAX_PAGES = 512


@dataclass
class _Page:
    body: str
    headers: list[tuple[str, str]]
    expires: float


_pages: OrderedDict[tuple, _Page] = OrderedDict()
_lock = Lock()
#: Raised by every clear(): a page rendered before a change is not stored after it.
_generation = 0
#: The htmx fragments a cached page may be asked for.
FRAGMENTS = {None, "places"}
#: Blueprints whose changes show on the cached pages (a sign-up changes the places left, an organiser a meeting).
CHANGES_PUBLIC_PAGES = {"registrations", "registrations_manage", "meetings_manage"}
#: Requests of those blueprints that change nothing a public page shows.
CHANGES_NOTHING_PUBLIC = {"registrations.validate_field"}


def clear() -> None:
    global _generation
    with _lock:
        _pages.clear()
        _generation += 1


def csrf_token() -> str:
    """The `csrf_token()` of templates: the placeholder while a page is rendered for the cache."""
    return PLACEHOLDER if g.get("rendering_for_cache") else generate_csrf()


def _cacheable() -> bool:
    return (
        current_app.config["PAGE_CACHE_SECONDS"] > 0
        and request.method == "GET"
        and not request.query_string  # these pages read no query arguments: one page per path, not per URL
        and request.headers.get("HX-Target") in FRAGMENTS
        and not current_user.is_authenticated
        and not session.get("_flashes")
    )


def _personal(page: _Page, status: int):
    """The stored page for this visitor: their own CSRF token in every place the placeholder stands."""
    headers = [(name, value) for name, value in page.headers if name.lower() != "content-length"]
    return current_app.response_class(page.body.replace(PLACEHOLDER, generate_csrf()), status, headers)


def cached_page(view):
    """Serve this view's page from the cache when the visitor is anonymous and has no pending message."""

    @wraps(view)
    def wrapper(**kwargs):
        if not _cacheable():
            return view(**kwargs)
        key = (request.path, str(get_locale()), bool(request.headers.get("HX-Request")),
               request.headers.get("HX-Target"))
        now = time.monotonic()
        with _lock:
            page, generation = _pages.get(key), _generation
        if page is None or page.expires <= now:
            g.rendering_for_cache = True
            try:
                response = make_response(view(**kwargs))
            finally:
                g.rendering_for_cache = False
            if response.mimetype != "text/html":
                return response
            page = _Page(response.get_data(as_text=True),
                         [(k, v) for k, v in response.headers.items() if k.lower() != "set-cookie"],
                         now + current_app.config["PAGE_CACHE_SECONDS"])
            # Only a plain page is kept: not an error, not one with a form that used a real token, and not one
            # rendered while something changed.
            if response.status_code != 200 or "csrf_token" in g:
                return _personal(page, response.status_code)
            with _lock:
                if generation == _generation:
                    _pages[key] = page
                    _pages.move_to_end(key)
                    while len(_pages) > MAX_PAGES:
                        _pages.popitem(last=False)
        return _personal(page, 200)

    return wrapper


def register(app) -> None:
    # Flask-WTF offers `csrf_token` both ways; ours, registered later, wins in both.
    app.jinja_env.globals["csrf_token"] = csrf_token
    app.context_processor(lambda: {"csrf_token": csrf_token})

    @app.after_request
    def _forget_after_changes(response):
        if (
            request.method not in ("GET", "HEAD", "OPTIONS")
            and response.status_code < 400
            and request.blueprint in CHANGES_PUBLIC_PAGES
            and request.endpoint not in CHANGES_NOTHING_PUBLIC
        ):
            clear()
        return response
