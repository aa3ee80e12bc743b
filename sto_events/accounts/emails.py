"""Account mails: invitation, added to something, password reset; through the outbox."""

from __future__ import annotations

from flask_babel import LazyString, force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from ..core.urls import absolute_url
from ..notifications import compose


def _queue(session: Session, user, kind: str, subject, locale: str | None = None, **context) -> None:
    """In `locale`, or else the account's language, subject and body alike. `subject` and `about` are lazy texts,
    worded here: an invitation is caused by somebody else, who may read another language than its recipient."""
    locale = locale or user.locale or "nl"
    with force_locale(locale):
        # Worded now, as plain text: a lazy text counts as safe markup to Jinja, and `about` carries a name that
        # somebody typed (a company's), which must be escaped like any other.
        context = {key: str(value) if isinstance(value, LazyString) else value for key, value in context.items()}
        compose.queue(session, f"email/accounts/{kind}", {**context, "user": user}, recipient=user.email,
                      subject=str(subject), about=("user", user.id), person=user.email, locale=locale)


def invitation(session: Session, user, secret: str, invited_by, about: str | None = None) -> None:
    """The link to set a password; `about` names what the person is invited into (a region, an organisation)."""
    url = absolute_url("accounts.accept_invitation", secret=secret)
    subject = (_l("Uitnodiging: %(about)s", about=about) if about
               else _l("Uitnodiging voor STO-bijeenkomsten"))
    _queue(session, user, "account_invitation", subject, url=url, invited_by=invited_by, about=about)


def added(session: Session, user, invited_by, about: str) -> None:
    """Someone with an account was added to a region or an organisation: what, by whom, and where to log in."""
    url = absolute_url("accounts.login")
    _queue(session, user, "account_added", _l("U bent toegevoegd: %(about)s", about=about), url=url,
           invited_by=invited_by, about=about)


def password_reset(session: Session, user, secret: str) -> None:
    """Asked for on a page: in that page's language."""
    url = absolute_url("accounts.reset_password", secret=secret)
    _queue(session, user, "password_reset", _l("Nieuw wachtwoord instellen"), locale=compose.current_locale(), url=url)
