"""Extra data for `make bench`, on top of `flask seed-demo`: a realistic number of meetings and registrations.

Run with DATABASE_URL pointing at a freshly migrated database. Adds 41 upcoming and 10 past meetings with rounds,
workshops and a few thousand registrations (with workshop choices and their sent mails), plus the meetings the
benchmark itself signs up for: one with room for everybody (the wrk sign-up POST) and five rush meetings of
100 seats. Prints one JSON line describing what the benchmark needs (slugs, round and workshop ids, counts).
"""

from __future__ import annotations

import json
import random
import sys
from datetime import timedelta

import sqlalchemy as sa

from sto_events import create_app
from sto_events.core.extensions import db
from sto_events.core.timeutil import utcnow
from sto_events.meetings import demo
from sto_events.meetings import services as meeting_services
from sto_events.meetings.models import Meeting, MeetingStatus, Workshop, WorkshopRound
from sto_events.notifications.models import OutboxMessage, OutboxStatus
from sto_events.registrations.models import ParticipantRole, Registration, RegistrationStatus, WorkshopChoice

CITIES = [
    "Amsterdam", "Rotterdam", "Den Haag", "Utrecht", "Eindhoven", "Groningen", "Tilburg", "Almere", "Breda",
    "Nijmegen", "Apeldoorn", "Haarlem", "Arnhem", "Enschede", "Amersfoort", "Zaanstad", "Den Bosch", "Zwolle",
    "Leiden", "Maastricht", "Dordrecht", "Zoetermeer", "Leeuwarden", "Emmen", "Venlo", "Deventer", "Delft",
    "Helmond", "Heerlen", "Hilversum", "Oss", "Sittard", "Roosendaal", "Purmerend", "Alkmaar", "Assen",
    "Middelburg", "Lelystad", "Hoorn", "Goes", "Terneuzen", "Den Helder", "Gouda", "Hengelo",
]
UPCOMING = 41
PAST = 10
RUSH_SEATS = 100


def _slug(text: str) -> str:
    return "".join(ch if ch.isalnum() else "-" for ch in text.lower()).strip("-")


def _meeting(rng: random.Random, slug: str, city: str, start, themes, capacity: int, rounds: int,
             workshop_capacity: int) -> Meeting:
    meeting = Meeting(
        slug=slug,
        title=f"Themabijeenkomst Sterk Techniekonderwijs {city}",
        description=(
            "Bijeenkomst voor vmbo- en mbo-scholen, bestuurders en bedrijven in de regio: samenwerking, "
            "financiering en een dekkend techniekaanbod, met workshops van collega's uit het land."
        ),
        city=city,
        venue=f"Techniekcampus {city}",
        address=f"Industrieweg {rng.randint(1, 200)}, {city}",
        starts_at=start,
        ends_at=start + timedelta(hours=4),
        capacity=capacity,
        status=MeetingStatus.PUBLISHED,
        themes=rng.sample(themes, rng.randint(1, len(themes))),
    )
    for number in range(1, rounds + 1):
        round_start = start + timedelta(minutes=30 + 90 * (number - 1))
        workshop_round = WorkshopRound(
            title=f"Workshopronde {number}", starts_at=round_start, ends_at=round_start + timedelta(hours=1)
        )
        workshop_round.workshops = [
            Workshop(title=title, hosts=hosts, description=text, capacity=workshop_capacity)
            for title, hosts, text in demo.SESSIONS
        ]
        meeting.rounds.append(workshop_round)
    return meeting


def _register(rng: random.Random, meeting: Meeting, count: int, now) -> list[Registration]:
    """`count` people: confirmed while seats and workshop places last, then wait-listed; a few cancelled."""
    registrations = []
    for index in range(count):
        email = f"deelnemer{index}.{meeting.slug}@school{index % 37}.example.nl"
        choices = []
        fits = meeting.taken < meeting.capacity
        for workshop_round in meeting.rounds:
            workshop = min(workshop_round.workshops, key=lambda w: (w.taken, rng.random()))
            fits = fits and workshop.taken < workshop.capacity
            choices.append((workshop_round, workshop))
        cancelled = rng.random() < 0.05
        if cancelled:
            status = RegistrationStatus.CANCELLED
        elif fits:
            status = RegistrationStatus.CONFIRMED
            meeting.taken += 1
            for _, workshop in choices:
                workshop.taken += 1
        else:
            status = RegistrationStatus.WAITLISTED
        created = min(meeting.starts_at - timedelta(days=1), now) - timedelta(minutes=rng.randint(60, 60 * 24 * 40))
        registration = Registration(
            meeting=meeting,
            name=f"Deelnemer {index} {meeting.city}",
            email=email,
            email_normalized=email,
            organisation=f"{rng.choice(['Vmbo', 'Mbo-college', 'Techniekbedrijf', 'Scholengroep'])} {meeting.city}",
            role=rng.choice(list(ParticipantRole)),
            region=f"Regio {meeting.city}",
            share_with_participants=rng.random() < 0.3,
            status=status,
            created_at=created,
            updated_at=created,
            waitlisted_at=created if status == RegistrationStatus.WAITLISTED else None,
            cancelled_at=created + timedelta(days=1) if cancelled else None,
            choices=[WorkshopChoice(round_id=r.id, workshop_id=w.id) for r, w in choices],
        )
        registrations.append(registration)
    return registrations


def main() -> None:
    rng = random.Random(4)
    app = create_app()
    with app.app_context():
        session = db.session
        themes = meeting_services.themes(session)  # the reference data the migrations hold
        if not themes:
            raise SystemExit("no themes in the database: were the migrations run?")
        now = utcnow()
        today = now.replace(hour=11, minute=0, second=0, microsecond=0)
        meetings = []
        for index, city in enumerate(CITIES[:UPCOMING]):
            start = today + timedelta(days=14 + 6 * index)
            meetings.append(_meeting(rng, f"{_slug(city)}-{start.date().isoformat()}", city, start, themes,
                                     capacity=rng.choice([60, 80, 100, 120, 150]), rounds=1 + index % 2,
                                     workshop_capacity=50))
        for index, city in enumerate(CITIES[:PAST]):
            start = today - timedelta(days=30 + 21 * index)
            meetings.append(_meeting(rng, f"{_slug(city)}-{start.date().isoformat()}", city, start, themes,
                                     capacity=100, rounds=2, workshop_capacity=50))
        signup = _meeting(rng, "bench-aanmelden", "Benchmarkstad", today + timedelta(days=400), themes,
                          capacity=10_000_000, rounds=1, workshop_capacity=10_000_000)
        rushes = [
            _meeting(rng, f"bench-rush-{n}", f"Rushstad {n}", today + timedelta(days=410 + n), themes,
                     capacity=RUSH_SEATS, rounds=1, workshop_capacity=RUSH_SEATS)
            for n in range(5)
        ]
        session.add_all([*meetings, signup, *rushes])
        session.flush()
        registrations = []
        for meeting in meetings:
            registrations += _register(rng, meeting, rng.randint(40, 100), now)
        session.add_all(registrations)
        session.flush()
        session.add_all(
            OutboxMessage(
                kind="registration_waitlisted" if r.status == RegistrationStatus.WAITLISTED
                else "registration_confirmed",
                registration_id=r.id,
                recipient=r.email,
                subject=f"Aanmelding {r.meeting.title}",
                body_text="Bedankt voor uw aanmelding.\n" * 20,
                body_html="<p>Bedankt voor uw aanmelding.</p>\n" * 20,
                status=OutboxStatus.SENT,
                attempts=1,
                next_attempt_at=r.created_at,
                created_at=r.created_at,
                sent_at=r.created_at,
            )
            for r in registrations
        )
        session.commit()

        def count(query):
            return session.scalar(query)

        info = {
            "meetings": count(sa.select(sa.func.count(Meeting.id))),
            "upcoming_published": count(
                sa.select(sa.func.count(Meeting.id)).where(
                    Meeting.status == MeetingStatus.PUBLISHED, Meeting.ends_at > utcnow()
                )
            ),
            "registrations": count(sa.select(sa.func.count(Registration.id))),
            "outbox_messages": count(sa.select(sa.func.count(OutboxMessage.id))),
            # A detail page with two rounds and registrations behind it.
            "detail_slug": meetings[1].slug,
            "signup": _describe(signup),
            "rush": [_describe(m) for m in rushes],
        }
    json.dump(info, sys.stdout)
    sys.stdout.write("\n")


def _describe(meeting: Meeting) -> dict:
    return {
        "id": meeting.id,
        "slug": meeting.slug,
        "capacity": meeting.capacity,
        "rounds": {str(r.id): [w.id for w in r.workshops] for r in meeting.rounds},
    }


if __name__ == "__main__":
    main()
