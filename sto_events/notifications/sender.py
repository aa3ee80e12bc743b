"""Who our mail and calendar files come from: the configured sender, its display name and its domain."""

from __future__ import annotations

from email.utils import formataddr
from urllib.parse import urlsplit

from flask import current_app


def address() -> str:
    return current_app.config["MAIL_DEFAULT_SENDER"]


def name() -> str:
    return current_app.config["MAIL_SENDER_NAME"]


def from_header() -> str:
    """`Sterk Techniekonderwijs <bijeenkomsten@…>`: mail programs show the name, not the bare address."""
    return formataddr((name(), address()))


def domain() -> str:
    """The domain of our Message-IDs and calendar UIDs: the sender's, else the host of BASE_URL."""
    return (address().rpartition("@")[2] or urlsplit(current_app.config["BASE_URL"]).hostname or "localhost").lower()
