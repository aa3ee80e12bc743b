"""The calendar builder takes a neutral event: a visit that is no meeting (a buddy visit) reads back in vobject."""

from __future__ import annotations

from datetime import UTC, datetime

import vobject

from sto_events.notifications import ical


def buddy_visit(**changes) -> ical.CalendarEvent:
    values = {
        "uid": "buddy-visit-7@sto.test",
        "title": "Buddybezoek Zwolle ↔ Assen-Beilen",
        # 10:00–12:30 in Amsterdam, summer time: stored in UTC.
        "start": datetime(2027, 6, 15, 8, 0, tzinfo=UTC),
        "end": datetime(2027, 6, 15, 10, 30, tzinfo=UTC),
        "sequence": 2,
        "description": "Rondleiding door het techniekpaviljoen; daarna samen de leerlijn BWI bespreken.",
        "location": "Dr. Nassau College, Assen",
        "url": "https://sto.test/regios/3/buddies/7",
        "organizer": ical.Person("Coördinator Zwolle", "zwolle@example.org"),
        "attendees": (ical.Person("Coördinator Assen-Beilen", "assen@example.org", partstat="NEEDS-ACTION",
                                  rsvp=True),
                      ical.Person("Docent, BWI; techniek", "docent@example.org", role="OPT-PARTICIPANT")),
    }
    return ical.CalendarEvent(**{**values, **changes})


def test_a_buddy_visit_request_reads_back_with_every_field():
    text = ical.calendar([buddy_visit()], "REQUEST").decode()
    calendar = vobject.readOne(text)

    assert calendar.method.value == "REQUEST"
    [event] = calendar.vevent_list
    assert event.uid.value == "buddy-visit-7@sto.test"
    assert event.summary.value == "Buddybezoek Zwolle ↔ Assen-Beilen"
    assert event.sequence.value == "2"
    assert event.status.value == "CONFIRMED"
    assert event.location.value == "Dr. Nassau College, Assen"
    assert event.url.value == "https://sto.test/regios/3/buddies/7"
    assert event.description.value.startswith("Rondleiding door het techniekpaviljoen;")
    assert event.organizer.value == "mailto:zwolle@example.org"
    assert event.organizer.params["CN"] == ["Coördinator Zwolle"]
    # Local wall-clock time in Europe/Amsterdam, with its VTIMEZONE of yearly rules before the event.
    assert event.dtstart.value == datetime(2027, 6, 15, 8, 0, tzinfo=UTC)
    assert event.dtstart.value.tzinfo is not None and event.dtstart.value.hour == 10
    assert "DTSTART;TZID=Europe/Amsterdam:20270615T100000" in text
    assert text.index("BEGIN:VTIMEZONE") < text.index("BEGIN:VEVENT")
    assert text.count("RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=") == 2
    attendees = {a.value: a.params for a in event.attendee_list}
    assert set(attendees) == {"mailto:assen@example.org", "mailto:docent@example.org"}
    assert attendees["mailto:assen@example.org"]["RSVP"] == ["TRUE"]
    assert attendees["mailto:assen@example.org"]["PARTSTAT"] == ["NEEDS-ACTION"]
    assert attendees["mailto:docent@example.org"]["ROLE"] == ["OPT-PARTICIPANT"]
    # Text from users is quoted by the library: the comma and semicolon come back as typed.
    assert attendees["mailto:docent@example.org"]["CN"] == ["Docent, BWI; techniek"]


def test_a_cancelled_visit_and_a_published_list_of_visits():
    cancel = vobject.readOne(ical.calendar([buddy_visit(sequence=3, status="CANCELLED")], "CANCEL").decode())
    assert cancel.method.value == "CANCEL"
    assert cancel.vevent.status.value == "CANCELLED"
    assert cancel.vevent.sequence.value == "3"

    second = buddy_visit(uid="buddy-visit-8@sto.test", title="Tegenbezoek", attendees=(), location="")
    feed_text = ical.calendar([buddy_visit(), second], "PUBLISH", "Buddybezoeken").decode()
    feed = vobject.readOne(feed_text)
    assert feed.x_wr_calname.value == "Buddybezoeken"
    assert [e.uid.value for e in feed.vevent_list] == ["buddy-visit-7@sto.test", "buddy-visit-8@sto.test"]
    assert not hasattr(feed.vevent_list[1], "location")
    assert feed_text.count("BEGIN:VTIMEZONE") == 1
