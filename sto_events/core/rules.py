"""One error type for a refused rule: a code plus details. Each domain words its codes in its `wording.py`.

Services raise `RuleError("workshop_full", workshop_id=3)` (or a domain's subclass of it, so a route can catch
only its own domain's refusals); routes turn it into text with `word(WORDING, error)`, never by writing the text
themselves. tests/core/test_wording.py checks that every code raised in the sources is worded.
"""

from __future__ import annotations

from collections.abc import Mapping

from flask_babel import lazy_gettext as _l

#: What a refusal says when its domain has no words for the code.
NOT_POSSIBLE = _l("Dit kan niet.")


class RuleError(Exception):
    """A rule refused the request; `code` names the rule, `details` the values its wording may show."""

    def __init__(self, code: str, **details):
        super().__init__(code)
        self.code = code
        self.details = details


class _Details(dict):
    def __missing__(self, key):
        return ""


def word(wording: Mapping[str, object], error: RuleError | str, default: object | None = None) -> str:
    """The text for `error` (or a bare code) from a domain's wording (lazy texts with %(name)s for details), in the
    current locale.

    An unknown code gets `default` (or a plain "not possible"), never an exception: a refusal must always show."""
    code, details = (error.code, error.details) if isinstance(error, RuleError) else (error, {})
    text = str(wording.get(code, default if default is not None else NOT_POSSIBLE))
    return text % _Details(details) if "%(" in text else text
