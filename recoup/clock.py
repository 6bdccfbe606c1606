"""The one place that reads time. Everything else receives a Clock.

All datetimes in recoup are timezone-aware UTC; customer-local time is
derived with ``local_time`` only where it matters (quiet hours, follow-ups).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo


class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class FixedClock:
    """A clock that only moves when told to: tests and simulations."""

    def __init__(self, start: datetime) -> None:
        self._now = as_utc(start)

    def now(self) -> datetime:
        return self._now

    def advance(self, delta: timedelta) -> datetime:
        self._now += delta
        return self._now

    def set(self, moment: datetime) -> None:
        self._now = as_utc(moment)


def as_utc(moment: datetime) -> datetime:
    """Naive datetimes are taken to be UTC already."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def at_utc(day: date, moment: time = time(0, 0)) -> datetime:
    return datetime.combine(day, moment, tzinfo=UTC)


def local_time(moment: datetime, timezone: str) -> datetime:
    return as_utc(moment).astimezone(ZoneInfo(timezone))


def local_moment_utc(day: date, moment: time, timezone: str) -> datetime:
    """``moment`` on ``day`` in ``timezone``, expressed in UTC."""
    return datetime.combine(day, moment, tzinfo=ZoneInfo(timezone)).astimezone(UTC)
