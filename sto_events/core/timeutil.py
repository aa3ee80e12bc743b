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


def exists_locally(naive: datetime) -> bool:
    """False for wall-clock times skipped when the clocks go forward (such as 02:30 on the last Sunday of March)."""
    return local(from_local(naive)).replace(tzinfo=None) == naive
