"""Signed, expiring manage links: no account needed to view, change or cancel a registration."""

from __future__ import annotations

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

#: One salt per purpose: a token made for one use cannot be replayed for another.
MANAGE_SALT = "registration-manage"
CHECK_IN_SALT = "registration-check-in"


class InvalidToken(Exception):
    """The link was altered or does not belong to us."""


class ExpiredToken(Exception):
    """The link was genuine but is too old."""


def _serializer(salt: str = MANAGE_SALT) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt)


def manage_token(registration, mailed: bool = False) -> str:
    """The manage link. `mailed` marks the links we send by mail: opening one shows that the person reads mail
    at this address, which a link shown right after the sign-up does not."""
    return _serializer().dumps({"r": registration.public_id, "m": 1} if mailed else {"r": registration.public_id})


def _manage_claims(token: str) -> dict:
    max_age = current_app.config["MANAGE_LINK_MAX_AGE_DAYS"] * 24 * 3600
    try:
        data = _serializer().loads(token, max_age=max_age)
    except SignatureExpired as exc:
        raise ExpiredToken from exc
    except BadSignature as exc:
        raise InvalidToken from exc
    if not isinstance(data, dict) or not isinstance(data.get("r"), str):
        raise InvalidToken
    return data


def read_manage_token(token: str) -> str:
    """Return the registration's public id the token was made for."""
    return _manage_claims(token)["r"]


def was_mailed(token: str) -> bool:
    """Whether this (valid) manage link is one we mailed to the registration's address."""
    return _manage_claims(token).get("m") == 1


def check_in_token(registration) -> str:
    """What the QR code in the confirmation carries; only an organiser's scan can use it."""
    return _serializer(CHECK_IN_SALT).dumps(registration.public_id)


def read_check_in_token(token: str) -> str:
    try:
        data = _serializer(CHECK_IN_SALT).loads(token)
    except BadSignature as exc:
        raise InvalidToken from exc
    if not isinstance(data, str):
        raise InvalidToken
    return data
