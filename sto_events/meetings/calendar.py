"""A meeting as a neutral calendar event: the "add to my calendar" file and the subscribable feed."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from ..notifications import ical
from .models import Meeting, MeetingStatus


def meeting_uid(meeting: Meeting) -> str:
    """Stable per meeting for the published files; meetings published before keep their `@sto-events` UID."""
    return meeting.calendar_uid or ical.uid(f"meeting-{meeting.id}")


def location(meeting: Meeting) -> str:
    return ", ".join(p for p in (meeting.venue, meeting.address, meeting.city) if p)


def meeting_event(meeting: Meeting, url: str) -> ical.CalendarEvent:
    """SEQUENCE rises when a meeting moves or is called off, and a cancelled meeting stays with STATUS:CANCELLED, so
    a calendar that imported or subscribed to it updates the event instead of keeping the old one."""
    return ical.CalendarEvent(
        uid=meeting_uid(meeting), title=meeting.title, start=meeting.starts_at, end=meeting.ends_at,
        sequence=meeting.sequence, description=url, location=location(meeting), url=url,
        status="CANCELLED" if meeting.status == MeetingStatus.CANCELLED else "CONFIRMED",
        last_modified=meeting.updated_at or meeting.created_at,
    )


def meetings_calendar(meetings: Iterable[Meeting], url_for_meeting: Callable[[Meeting], str], name: str) -> bytes:
    """A PUBLISH calendar of meetings: the 'add to my calendar' file and the subscribable feed."""
    return ical.calendar((meeting_event(m, url_for_meeting(m)) for m in meetings), "PUBLISH", name)
