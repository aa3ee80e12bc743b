"""One function per mail a participant receives; each queues text + HTML in the person's language."""

from __future__ import annotations

from flask import render_template
from flask_babel import force_locale, gettext
from sqlalchemy.orm import Session

from ..core.urls import absolute_url
from ..notifications import compose
from . import calendar
from .tokens import check_in_token, manage_token

#: Where this domain's mail templates live (text and HTML, same name).
TEMPLATES = "email/registrations"


def _subject(kind: str, title: str) -> str:
    subjects = {
        "registration_confirmed": gettext("Aanmelding bevestigd: %(title)s", title=title),
        "registration_waitlisted": gettext("U staat op de wachtlijst: %(title)s", title=title),
        "registration_promoted": gettext("U bent alsnog aangemeld: %(title)s", title=title),
        "registration_changed": gettext("Aanmelding gewijzigd: %(title)s", title=title),
        "registration_cancelled": gettext("Aanmelding geannuleerd: %(title)s", title=title),
        "meeting_changed": gettext("Gewijzigd: %(title)s", title=title),
        "registration_link": gettext("Uw aanmelding voor %(title)s", title=title),
        "meeting_cancelled": gettext("Gaat niet door: %(title)s", title=title),
    }
    return subjects[kind]


def invitation_description(registration, manage_url: str) -> str:
    """The text inside the calendar invitation: the meeting's details and the manage link."""
    return render_template(f"{TEMPLATES}/_invitation_description.txt", registration=registration,
                           meeting=registration.meeting, manage_url=manage_url)


def _queue(session: Session, registration, kind: str, ics_method: str | None, **extra) -> None:
    with force_locale(registration.locale):
        manage_url = absolute_url("registrations.manage", token=manage_token(registration, mailed=True))
        context = {
            "registration": registration,
            "meeting": registration.meeting,
            "manage_url": manage_url,
            "meeting_url": absolute_url("meetings.detail", slug=registration.meeting.slug),
            "with_invitation": ics_method is not None,
            "with_qr": ics_method == "REQUEST",
            "with_manage_link": True,
            **extra,
        }
        ics = None
        if ics_method:
            # The UID is fixed by the first invitation: later ones must replace that event, whatever the settings.
            registration.calendar_uid = calendar.registration_uid(registration)
            ics = calendar.invitation(registration, ics_method,
                                               invitation_description(registration, manage_url), manage_url)
        subject = _subject(kind, registration.meeting.title)
        qr_payload = (absolute_url("registrations_manage.check_in_scan", token=check_in_token(registration))
                      if ics_method == "REQUEST" else None)
    compose.queue(
        session,
        f"{TEMPLATES}/{kind}",
        context,
        recipient=registration.email,
        subject=subject,
        about=("registration", registration.id),
        person=registration.email,
        locale=registration.locale,
        ics=ics,
        ics_method=ics_method,
        qr_payload=qr_payload,
    )


def registration_confirmed(session: Session, registration) -> None:
    _queue(session, registration, "registration_confirmed", "REQUEST")


def registration_waitlisted(session: Session, registration, position: int | None = None) -> None:
    _queue(session, registration, "registration_waitlisted", None, waitlist_position=position)


def registration_promoted(session: Session, registration) -> None:
    _queue(session, registration, "registration_promoted", "REQUEST")


def registration_changed(session: Session, registration) -> None:
    """A confirmed person's calendar gets the new version; a wait-listed person only a note."""
    method = "REQUEST" if registration.status == "confirmed" else None
    _queue(session, registration, "registration_changed", method)


def registration_cancelled(session: Session, registration, held_seat: bool) -> None:
    """Only someone who received an invitation gets a CANCEL for it."""
    _queue(session, registration, "registration_cancelled", "CANCEL" if held_seat else None)


def meeting_changed(session: Session, registration, changes=()) -> None:
    """The organiser moved the meeting: confirmed people get the new invitation, waiting people a note.

    `changes` lists ("when" | "where", old, new), told in the mail as old → new.
    """
    method = "REQUEST" if registration.status == "confirmed" else None
    _queue(session, registration, "meeting_changed", method, changes=list(changes))


def meeting_cancelled(session: Session, registration, held_seat: bool, reason: str = "") -> None:
    """The organiser called the meeting off: a CANCEL for those who had an invitation, with the reason."""
    _queue(session, registration, "meeting_cancelled", "CANCEL" if held_seat else None,
           reason=reason, with_manage_link=False)


def registration_link(session: Session, registration) -> None:
    """The manage link again, after a second sign-up with the same address."""
    _queue(session, registration, "registration_link", None)


def _mailing_context(registration, subject: str, body: str) -> dict:
    return {"registration": registration, "meeting": registration.meeting, "body": body, "subject": subject}


def render_attendee_mailing(registration, subject: str, body: str) -> tuple[str, str]:
    """Text and HTML of an organiser's message as this person gets it (also the preview)."""
    return compose.render(f"{TEMPLATES}/attendee_mailing", _mailing_context(registration, subject, body),
                          registration.locale)


def attendee_mailing(session: Session, registration, mailing) -> None:
    context = _mailing_context(registration, mailing.subject, mailing.body)
    compose.queue(session, f"{TEMPLATES}/attendee_mailing", context,
                  recipient=registration.email, subject=mailing.subject, about=("registration", registration.id),
                  person=registration.email, mailing_id=mailing.id, locale=registration.locale)
