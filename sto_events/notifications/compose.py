"""The one generic way a domain turns a mail template into an outbox row; it knows no domain."""

from __future__ import annotations

from flask import render_template
from flask_babel import force_locale, get_locale
from sqlalchemy.orm import Session

from . import outbox
from .models import OutboxMessage


def render(template: str, context: dict, locale: str | None = None) -> tuple[str, str]:
    """Text and HTML of `template` (a name under templates/ without its .txt/.html) in `locale`, or in the current
    one when None (the caller's subject is then in the same language)."""
    if locale is None:
        return render_template(f"{template}.txt", **context), render_template(f"{template}.html", **context)
    with force_locale(locale):
        return render(template, context)


def current_locale() -> str:
    """The language now in force (the request's, or one forced by the caller); Dutch outside a request."""
    locale = get_locale()
    return locale.language if locale else "nl"


def queue(
    session: Session,
    template: str,
    context: dict,
    *,
    recipient: str,
    subject: str,
    about: tuple[str, int] | None = None,
    person: str | None = None,
    locale: str | None = None,
    kind: str | None = None,
    ics: bytes | None = None,
    ics_method: str | None = None,
    qr_payload: str | None = None,
    mailing_id: int | None = None,
) -> OutboxMessage:
    """Render `template` with `context` in `locale` and queue it in the caller's transaction.

    `kind` defaults to the template's last name part ("email/registrations/registration_confirmed" →
    "registration_confirmed"); `about` (kind, id) and `person` let erasure and the back office find the mail
    without the outbox knowing the domain it came from. The subject is the caller's, already in `locale` (None: the
    current language, which the outbox row then records)."""
    body_text, body_html = render(template, context, locale)
    return outbox.queue(
        session,
        kind=kind or template.rsplit("/", 1)[-1],
        recipient=recipient,
        subject=subject,
        body_text=body_text,
        body_html=body_html,
        about=about,
        person=person,
        ics=ics,
        ics_method=ics_method,
        qr_payload=qr_payload,
        mailing_id=mailing_id,
        locale=locale or current_locale(),
    )
