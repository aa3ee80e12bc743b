"""Time helpers: store UTC, show Europe/Amsterdam."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def utcnow() -> datetime:
    return datetime.now(UTC)


def local(value: datetime) -> datetime:
    return value.astimezone(AMSTERDAM)


def from_local(naive: datetime) -> datetime:
    """Interpret a wall-clock time in Amsterdam and return it in UTC."""
    return naive.replace(tzinfo=AMSTERDAM).astimezone(UTC)
