"""iCalendar files (RFC 5545/5546): invitations per registration, and meeting files and feeds."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from flask import current_app
from icalendar import Calendar, Event, vCalAddress, vText

from ..meetings.models import Meeting
from ..timeutil import local, utcnow

PRODID = "-//Sterk Techniekonderwijs//STO Events//NL"


def _calendar(method: str) -> Calendar:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", method)
    return cal


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
    return event


@lru_cache(maxsize=1)
def _amsterdam_vtimezone():
    """The Europe/Amsterdam VTIMEZONE, built once: generating it costs more than the rest of a calendar."""
    sample = Calendar()
    event = Event()
    event.add("dtstart", local(utcnow()))
    sample.add_component(event)
    sample.add_missing_timezones()
    return next(c for c in sample.subcomponents if c.name == "VTIMEZONE")


def _finish(cal: Calendar) -> bytes:
    """Every time in our files is in Europe/Amsterdam: one VTIMEZONE, before the events."""
    cal.subcomponents.insert(0, _amsterdam_vtimezone())
    return cal.to_ical()


def registration_uid(registration) -> str:
    """Stable per (meeting, registration), so calendars update the same event."""
    return f"meeting-{registration.meeting_id}-registration-{registration.public_id}@sto-events"


def registration_invitation(registration, method: str, description: str, url: str) -> bytes:
    """A REQUEST (new or changed) or CANCEL for one participant's place at a meeting."""
    meeting = registration.meeting
    cal = _calendar(method)
    event = _meeting_event(meeting, registration_uid(registration), description, url)
    event.add("sequence", registration.sequence)
    event.add("status", "CANCELLED" if method == "CANCEL" else "CONFIRMED")
    organizer = vCalAddress(f"mailto:{current_app.config['MAIL_DEFAULT_SENDER']}")
    organizer.params["cn"] = vText("Sterk Techniekonderwijs")
    event.add("organizer", organizer)
    attendee = vCalAddress(f"mailto:{registration.email}")
    attendee.params["cn"] = vText(registration.name)
    attendee.params["role"] = vText("REQ-PARTICIPANT")
    attendee.params["partstat"] = vText("DECLINED" if method == "CANCEL" else "ACCEPTED")
    attendee.params["rsvp"] = vText("FALSE")
    event.add("attendee", attendee)
    cal.add_component(event)
    return _finish(cal)


def meetings_calendar(meetings: Iterable[Meeting], url_for_meeting, name: str) -> bytes:
    """A PUBLISH calendar of meetings: the 'add to my calendar' file and the subscribable feed."""
    cal = _calendar("PUBLISH")
    cal.add("x-wr-calname", vText(name))
    cal.add("x-wr-timezone", "Europe/Amsterdam")
    for meeting in meetings:
        url = url_for_meeting(meeting)
        cal.add_component(_meeting_event(meeting, f"meeting-{meeting.id}@sto-events", url, url))
    return _finish(cal)
