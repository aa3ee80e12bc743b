"""Finding places by what people type, and the distance between them."""

from __future__ import annotations

import math

import sqlalchemy as sa
from sqlalchemy.orm import Session

from .models import Place
from .reference import fold

EARTH_RADIUS_KM = 6371.0088


def distance_km(a: Place, b: Place) -> float:
    """Great-circle distance (haversine) in kilometres: as the crow flies, which is what 'within 25 km' means."""
    lat1, lon1, lat2, lon2 = map(math.radians, (a.latitude, a.longitude, b.latitude, b.longitude))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def suggest(session: Session, text: str, limit: int = 8) -> list[Place]:
    """Places whose name starts with what was typed, largest first (for the suggestions under a place field)."""
    key = fold(text or "")
    if not key:
        return []
    return list(session.scalars(
        sa.select(Place).where(Place.search_name.startswith(key, autoescape=True))
        .order_by(Place.population.desc(), Place.label).limit(limit)
    ))


def matches(session: Session, text: str) -> list[Place]:
    """The places a typed name can mean: the one whose label it is, or else every place of that name.

    Never a guess: no match is an empty list, and a name shared by several provinces gives them all."""
    text = " ".join((text or "").split())
    if not text:
        return []
    exact = session.scalar(sa.select(Place).where(sa.func.lower(Place.label) == text.lower()))
    if exact is not None:
        return [exact]
    return list(session.scalars(
        sa.select(Place).where(Place.search_name == fold(text)).order_by(Place.label)
    ))


def by_label(session: Session, label: str) -> Place | None:
    """The place with exactly this label (as stored by a form that resolved it)."""
    return session.scalar(sa.select(Place).where(Place.label == label))
