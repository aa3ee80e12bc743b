"""Account mails: invitation and password reset, through the outbox."""

from __future__ import annotations

from flask import render_template
from flask_babel import gettext
from sqlalchemy.orm import Session

from ..core.urls import absolute_url
from ..notifications import outbox


def _queue(session: Session, user, kind: str, subject: str, **context) -> None:
    context["user"] = user
    outbox.queue(
        session,
        kind=kind,
        recipient=user.email,
        subject=subject,
        body_text=render_template(f"email/{kind}.txt", **context),
        body_html=render_template(f"email/{kind}.html", **context),
        about=("user", user.id),
        person=user.email,
    )


def invitation(session: Session, user, secret: str, invited_by) -> None:
    url = absolute_url("accounts.accept_invitation", secret=secret)
    _queue(session, user, "account_invitation", gettext("Uitnodiging voor STO-bijeenkomsten"), url=url,
           invited_by=invited_by)


def password_reset(session: Session, user, secret: str) -> None:
    url = absolute_url("accounts.reset_password", secret=secret)
    _queue(session, user, "password_reset", gettext("Nieuw wachtwoord instellen"), url=url)
