"""Account mails: invitation and password reset, through the outbox."""

from __future__ import annotations

from flask_babel import gettext
from sqlalchemy.orm import Session

from ..core.urls import absolute_url
from ..notifications import compose


def _queue(session: Session, user, kind: str, subject: str, **context) -> None:
    compose.queue(session, f"email/accounts/{kind}", {**context, "user": user}, recipient=user.email,
                  subject=subject, about=("user", user.id), person=user.email)


def invitation(session: Session, user, secret: str, invited_by, about: str | None = None) -> None:
    """The link to set a password; `about` names what the person is invited into (a region, an organisation)."""
    url = absolute_url("accounts.accept_invitation", secret=secret)
    subject = (gettext("Uitnodiging: %(about)s", about=about) if about
               else gettext("Uitnodiging voor STO-bijeenkomsten"))
    _queue(session, user, "account_invitation", subject, url=url, invited_by=invited_by, about=about)


def added(session: Session, user, invited_by, about: str) -> None:
    """Someone with an account was added to a region or an organisation: what, by whom, and where to log in."""
    url = absolute_url("accounts.login")
    _queue(session, user, "account_added", gettext("U bent toegevoegd: %(about)s", about=about), url=url,
           invited_by=invited_by, about=about)


def password_reset(session: Session, user, secret: str) -> None:
    url = absolute_url("accounts.reset_password", secret=secret)
    _queue(session, user, "password_reset", gettext("Nieuw wachtwoord instellen"), url=url)
