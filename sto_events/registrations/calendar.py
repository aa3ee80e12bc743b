"""A participant's place at a meeting as a neutral calendar event: the invitation, its updates and its CANCEL."""

from __future__ import annotations

from ..meetings.calendar import location
from ..notifications import ical


def registration_uid(registration) -> str:
    """Stable per (meeting, registration), so calendars update the same event.

    The UID is fixed when the first invitation goes out (`calendar_uid`), so a later change of the sender's
    domain, or of this format, never turns an update into a second event. Invitations sent before UIDs carried a
    domain had `@sto-events`; the migration stored that for them."""
    if registration.calendar_uid:
        return registration.calendar_uid
    return ical.uid(f"meeting-{registration.meeting_id}-registration-{registration.public_id}")


def invitation_event(registration, method: str, description: str, url: str) -> ical.CalendarEvent:
    meeting = registration.meeting
    cancelled = method == "CANCEL"
    return ical.CalendarEvent(
        uid=registration_uid(registration), title=meeting.title, start=meeting.starts_at, end=meeting.ends_at,
        sequence=registration.sequence, description=description, location=location(meeting), url=url,
        status="CANCELLED" if cancelled else "CONFIRMED",
        attendees=(ical.Person(registration.name, registration.email,
                               partstat="DECLINED" if cancelled else "ACCEPTED"),),
    )


def invitation(registration, method: str, description: str, url: str) -> bytes:
    """A REQUEST (new or changed) or CANCEL for one participant's place at a meeting."""
    return ical.calendar([invitation_event(registration, method, description, url)], method)
