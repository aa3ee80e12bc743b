"""Absolute URLs for mail and calendar files, built from BASE_URL rather than from a request; safe redirects."""

from urllib.parse import urlsplit

from flask import current_app


def absolute_url(endpoint: str, **values) -> str:
    base = urlsplit(current_app.config["BASE_URL"])
    adapter = current_app.url_map.bind(base.netloc, script_name=base.path or "/", url_scheme=base.scheme)
    return adapter.build(endpoint, values, force_external=True)


def safe_next(target: str | None, fallback: str) -> str:
    """Only a path on this site; anything with a scheme or host falls back (no open redirect).

    Browsers read a backslash as a slash (`/\\evil.example` is `//evil.example`) and drop tabs and line breaks, so
    those are refused too."""
    if not target or "\\" in target or any(ord(char) < 33 for char in target):
        return fallback
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return fallback
    return target
