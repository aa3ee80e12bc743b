"""iCalendar files (RFC 5545/5546): invitations per registration, and meeting files and feeds."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from functools import lru_cache

from icalendar import Calendar, Event, Timezone, TimezoneDaylight, TimezoneStandard, vCalAddress, vText

from ..core.timeutil import local, utcnow
from ..meetings.models import Meeting, MeetingStatus
from . import sender

PRODID = "-//Sterk Techniekonderwijs//STO Events//NL"

#: The domain of the UIDs before they carried the sender's domain; invitations sent then keep their UID.
LEGACY_UID_DOMAIN = "sto-events"


def _calendar(method: str) -> Calendar:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", method)
    return cal


def _organizer() -> vCalAddress:
    organizer = vCalAddress(f"mailto:{sender.address()}")
    organizer.params["cn"] = vText(sender.name())
    return organizer


def _meeting_event(meeting: Meeting, uid: str, description: str, url: str | None = None) -> Event:
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", utcnow())
    event.add("dtstart", local(meeting.starts_at))
    event.add("dtend", local(meeting.ends_at))
    event.add("summary", meeting.title)
    event.add("location", ", ".join(p for p in (meeting.venue, meeting.address, meeting.city) if p))
    event.add("description", description)
    if url:
        event.add("url", url)
    event.add("organizer", _organizer())
    return event


def _rule_part(name: str, dtstart: datetime, offset_from: str, offset_to: str, month: int):
    part = TimezoneDaylight() if name == "CEST" else TimezoneStandard()
    part.add("tzname", name)
    part.add("dtstart", dtstart)
    part.add("tzoffsetfrom", _offset(offset_from))
    part.add("tzoffsetto", _offset(offset_to))
    part.add("rrule", {"freq": "yearly", "bymonth": month, "byday": "-1su"})
    return part


def _offset(text: str) -> timedelta:
    return timedelta(hours=int(text[1:3])) * (-1 if text[0] == "-" else 1)


@lru_cache(maxsize=1)
def _amsterdam_vtimezone() -> Timezone:
    """Europe/Amsterdam as the EU rule (summer time from the last Sunday of March, 02:00, to the last Sunday of
    October, 03:00; the rule since 1996): one STANDARD and one DAYLIGHT with an RRULE, valid for any year ahead.

    A list of RDATEs, as icalendar generates, stops in 2038 and is mishandled in summer by Outlook."""
    zone = Timezone()
    zone.add("tzid", "Europe/Amsterdam")
    zone.add("x-lic-location", "Europe/Amsterdam")
    zone.add_component(_rule_part("CEST", datetime(1996, 3, 31, 2, 0), "+0100", "+0200", 3))
    zone.add_component(_rule_part("CET", datetime(1996, 10, 27, 3, 0), "+0200", "+0100", 10))
    return zone


def _finish(cal: Calendar) -> bytes:
    """Every time in our files is in Europe/Amsterdam: one VTIMEZONE, before the events."""
    cal.subcomponents.insert(0, _amsterdam_vtimezone())
    return cal.to_ical()


def registration_uid(registration) -> str:
    """Stable per (meeting, registration), so calendars update the same event.

    The UID is fixed when the first invitation goes out (`calendar_uid`), so a later change of the sender's
    domain, or of this format, never turns an update into a second event. Invitations sent before UIDs carried a
    domain had `@sto-events`; the migration stored that for them."""
    if registration.calendar_uid:
        return registration.calendar_uid
    return f"meeting-{registration.meeting_id}-registration-{registration.public_id}@{sender.domain()}"


def meeting_uid(meeting: Meeting) -> str:
    """Stable per meeting for the published files; meetings published before keep their `@sto-events` UID."""
    return meeting.calendar_uid or f"meeting-{meeting.id}@{sender.domain()}"


def registration_invitation(registration, method: str, description: str, url: str) -> bytes:
    """A REQUEST (new or changed) or CANCEL for one participant's place at a meeting."""
    meeting = registration.meeting
    cal = _calendar(method)
    event = _meeting_event(meeting, registration_uid(registration), description, url)
    event.add("sequence", registration.sequence)
    event.add("status", "CANCELLED" if method == "CANCEL" else "CONFIRMED")
    attendee = vCalAddress(f"mailto:{registration.email}")
    attendee.params["cn"] = vText(registration.name)
    attendee.params["role"] = vText("REQ-PARTICIPANT")
    attendee.params["partstat"] = vText("DECLINED" if method == "CANCEL" else "ACCEPTED")
    attendee.params["rsvp"] = vText("FALSE")
    event.add("attendee", attendee)
    cal.add_component(event)
    return _finish(cal)


def meetings_calendar(meetings: Iterable[Meeting], url_for_meeting, name: str) -> bytes:
    """A PUBLISH calendar of meetings: the 'add to my calendar' file and the subscribable feed.

    SEQUENCE rises when a meeting moves or is called off, and a cancelled meeting stays with STATUS:CANCELLED, so a
    calendar that imported or subscribed to it updates the event instead of keeping the old one."""
    cal = _calendar("PUBLISH")
    cal.add("x-wr-calname", vText(name))
    cal.add("x-wr-timezone", "Europe/Amsterdam")
    for meeting in meetings:
        url = url_for_meeting(meeting)
        event = _meeting_event(meeting, meeting_uid(meeting), url, url)
        event.add("sequence", meeting.sequence)
        event.add("last-modified", meeting.updated_at or meeting.created_at)
        event.add("status", "CANCELLED" if meeting.status == MeetingStatus.CANCELLED else "CONFIRMED")
        cal.add_component(event)
    return _finish(cal)
