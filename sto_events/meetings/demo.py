"""Demo meetings taken from the STO texts, always dated in the coming months and marked as examples."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..core.timeutil import from_local, utcnow
from .models import Meeting, MeetingStatus, Workshop, WorkshopRound
from .services import themes

SESSIONS = [
    (
        "Benut bestaande netwerken in de regio en vertel je verhaal!",
        "Regiocoördinatoren Jet-Net & TechNet en het Breuer Instituut (voorbeeld)",
        "Samenwerking met het bedrijfsleven: sluit aan bij netwerken die er al zijn, zoals PPS-en, "
        "Toptechniek in Bedrijf, Fieldlabs en Jet-Net & TechNet-kringen, en neem mensen mee in je verhaal.",
    ),
    (
        "Een visie verbindt, geld (verbindt) niet!",
        "Masterplan Techniek Amsterdam en Alfa College (voorbeeld)",
        "Financiën en transitie: van regio-analyse en gezamenlijke visie via doelen en activiteiten naar "
        "een begroting, met het spoorboekje voor samenwerking.",
    ),
    (
        "Benut je warme netwerk om mensen te betrekken",
        "Studio The Open Road (voorbeeld)",
        "Netwerk en draagvlak: werken met de Stakeholdermap en de Persona en Valuemap.",
    ),
]

CITIES = [
    ("capelle-aan-den-ijssel", "Capelle aan den IJssel", "Voorbeeldlocatie Capelle", 1),
    ("eindhoven", "Eindhoven", "Voorbeeldlocatie Eindhoven", 1),
    ("zwolle", "Zwolle", "Nieuwe Buiten Sociëteit", 2),
]


def _first_thursday_after(day: date) -> date:
    return day + timedelta(days=(3 - day.weekday()) % 7)


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return from_local(datetime.combine(day, time(hour, minute)))


def _summer_day(today: date) -> date:
    """The first Thursday of the first July at least six weeks away: a meeting in summer time (UTC+2)."""
    year = today.year if today + timedelta(days=42) <= date(today.year, 7, 1) else today.year + 1
    return _first_thursday_after(date(year, 7, 1))


def _summer_meeting(session: Session, today: date, all_themes) -> Meeting | None:
    day = _summer_day(today)
    slug = f"voorbeeld-zomer-utrecht-{day.isoformat()}"
    if session.scalar(sa.select(Meeting.id).where(Meeting.slug == slug)):
        return None
    return Meeting(
        slug=slug,
        title="Zomerbijeenkomst Sterk Techniekonderwijs Utrecht",
        description=(
            "Voorbeeldbijeenkomst. Innovatie in het techniekonderwijs: de leercarrousel en de regionale "
            "innovatieweek, met scholen en bedrijven die ze samen opzetten."
        ),
        city="Utrecht",
        venue="Voorbeeldlocatie Utrecht",
        address="",
        starts_at=_at(day, 13),
        ends_at=_at(day, 17),
        capacity=60,
        status=MeetingStatus.PUBLISHED,
        is_demo=True,
        themes=all_themes,
    )


def seed(session: Session, today: date | None = None) -> list[Meeting]:
    """Three published example meetings a week apart, starting about six weeks from today, and one in July (in
    summer time, so calendars show it at +02:00). The July one comes first in the list, Zwolle (with two workshop
    rounds) last."""
    today = today or utcnow().date()
    all_themes = themes(session)  # created by the migration that holds the reference data
    first = _first_thursday_after(today + timedelta(days=42))
    created = []
    summer = _summer_meeting(session, today, all_themes)
    if summer is not None:
        session.add(summer)
        created.append(summer)
    for index, (slug, city, venue, round_count) in enumerate(CITIES):
        day = first + timedelta(weeks=index)
        slug = f"voorbeeld-{slug}-{day.isoformat()}"
        if session.scalar(sa.select(Meeting.id).where(Meeting.slug == slug)):
            continue
        meeting = Meeting(
            slug=slug,
            title=f"Themabijeenkomst Sterk Techniekonderwijs {city}",
            description=(
                "Voorbeeldbijeenkomst. Voor vertegenwoordigers van vmbo- en mbo-scholen, bestuurders en "
                "plannenschrijvers: concrete handvatten voor het 'hoe' van Sterk Techniekonderwijs. "
                "Het ondersteuningsteam beantwoordt uw vragen."
            ),
            city=city,
            venue=venue,
            address="",
            starts_at=_at(day, 13),
            ends_at=_at(day, 17),
            capacity=80,
            status=MeetingStatus.PUBLISHED,
            is_demo=True,
            themes=all_themes,
        )
        for number in range(1, round_count + 1):
            start = _at(day, 13, 30) + timedelta(minutes=90 * (number - 1))
            workshop_round = WorkshopRound(
                title=f"Workshopronde {number}",
                starts_at=start,
                ends_at=start + timedelta(hours=1),
            )
            workshop_round.workshops = [
                Workshop(title=title, hosts=hosts, description=text, capacity=30)
                for title, hosts, text in SESSIONS
            ]
            meeting.rounds.append(workshop_round)
        session.add(meeting)
        created.append(meeting)
    session.commit()
    return created
