"""Mails about a company's registration and verification, through the outbox."""

from __future__ import annotations

from flask_babel import force_locale, gettext
from sqlalchemy.orm import Session

from ..core.urls import absolute_url
from ..notifications import compose


def _queue(session: Session, recipient: str, kind: str, subject: str, locale: str = "nl", about=None,
           **context) -> None:
    compose.queue(session, f"email/organisations/{kind}", context, recipient=recipient, subject=subject,
                  about=about, person=recipient, locale=locale)


def confirm_registration(session: Session, application, token: str) -> None:
    """The link that confirms a company's registration, to the address the contact typed."""
    with force_locale(application.locale):
        _queue(session, application.email, "company_confirm", gettext("Bevestig de aanmelding van %(name)s",
                                                                      name=application.name),
               locale=application.locale, application=application,
               url=absolute_url("company_signup.confirm", token=token))


def registration_confirmed(session: Session, user, company, secret: str, locale: str) -> None:
    """After confirming: what happens next, and the single-use link to choose a password, in the language the
    company registered in (subject and body alike)."""
    with force_locale(locale):
        _queue(session, user.email, "company_registered", gettext("Uw bedrijf is aangemeld: kies een wachtwoord"),
               locale=locale, about=("organisation", company.id), user=user, company=company,
               url=absolute_url("accounts.accept_invitation", secret=secret))


def company_verified(session: Session, user, company) -> None:
    """To each contact, in the contact's own language (an organiser's action causes it)."""
    with force_locale(user.locale):
        _queue(session, user.email, "company_verified", gettext("%(name)s staat nu in het overzicht",
                                                                name=company.name), locale=user.locale,
               about=("organisation", company.id), user=user, company=company,
               url=absolute_url("organisations.detail", organisation_id=company.id),
               login_url=absolute_url("accounts.login"))


def company_refused(session: Session, user, company, reason: str) -> None:
    """To each contact, in the contact's own language; the reason as the organiser wrote it."""
    with force_locale(user.locale):
        _queue(session, user.email, "company_refused", gettext("Aanmelding van %(name)s niet goedgekeurd",
                                                               name=company.name), locale=user.locale,
               about=("organisation", company.id), user=user, company=company, reason=reason,
               url=absolute_url("company_signup.register"))
