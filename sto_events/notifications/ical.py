"""iCalendar files (RFC 5545/5546) built from neutral events: the builder knows no domain.

Each domain maps its own objects to `CalendarEvent` (meetings/calendar.py, registrations/calendar.py, and later
buddy and expert visits) and calls `calendar(events, method, name)`."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import lru_cache

from icalendar import Calendar, Event, Timezone, TimezoneDaylight, TimezoneStandard, vCalAddress, vText

from ..core.timeutil import local, utcnow
from . import sender

PRODID = "-//Sterk Techniekonderwijs//STO Events//NL"

#: The domain of the UIDs before they carried the sender's domain; invitations sent then keep their UID.
LEGACY_UID_DOMAIN = "sto-events"


@dataclass(frozen=True)
class Person:
    """An organizer or attendee. The attendee parameters (RFC 5545 3.2) are ignored for the organizer."""

    name: str
    email: str
    role: str = "REQ-PARTICIPANT"
    partstat: str = "NEEDS-ACTION"
    rsvp: bool = False


@dataclass(frozen=True)
class CalendarEvent:
    """One VEVENT, in plain values. Times are aware datetimes (stored UTC); files show them in Europe/Amsterdam.

    `uid` must stay the same for every version of the event, and `sequence` must rise with each change, so calendars
    replace the event instead of adding a second one. `organizer` defaults to our configured sender."""

    uid: str
    title: str
    start: datetime
    end: datetime
    sequence: int = 0
    description: str = ""
    location: str = ""
    url: str | None = None
    organizer: Person | None = None
    attendees: tuple[Person, ...] = field(default_factory=tuple)
    #: CONFIRMED, TENTATIVE or CANCELLED.
    status: str = "CONFIRMED"
    last_modified: datetime | None = None


def uid(local_part: str) -> str:
    """A new UID in our domain; store it with the object once an invitation has gone out."""
    return f"{local_part}@{sender.domain()}"


def _address(person: Person) -> vCalAddress:
    address = vCalAddress(f"mailto:{person.email}")
    address.params["cn"] = vText(person.name)
    return address


def _event(item: CalendarEvent) -> Event:
    event = Event()
    event.add("uid", item.uid)
    event.add("dtstamp", utcnow())
    event.add("dtstart", local(item.start))
    event.add("dtend", local(item.end))
    event.add("summary", item.title)
    if item.location:
        event.add("location", item.location)
    event.add("description", item.description)
    if item.url:
        event.add("url", item.url)
    event.add("organizer", _address(item.organizer or Person(sender.name(), sender.address())))
    event.add("sequence", item.sequence)
    if item.last_modified:
        event.add("last-modified", item.last_modified)
    event.add("status", item.status)
    for person in item.attendees:
        attendee = _address(person)
        attendee.params["role"] = vText(person.role)
        attendee.params["partstat"] = vText(person.partstat)
        attendee.params["rsvp"] = vText("TRUE" if person.rsvp else "FALSE")
        event.add("attendee", attendee)
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


def calendar(events: Iterable[CalendarEvent], method: str, name: str | None = None) -> bytes:
    """A calendar file: METHOD PUBLISH (a file or feed; `name` is its title in calendar apps), REQUEST or CANCEL.

    Every time in our files is in Europe/Amsterdam: one VTIMEZONE, before the events."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", method)
    if name is not None:
        cal.add("x-wr-calname", vText(name))
        cal.add("x-wr-timezone", "Europe/Amsterdam")
    for item in events:
        cal.add_component(_event(item))
    cal.subcomponents.insert(0, _amsterdam_vtimezone())
    return cal.to_ical()
