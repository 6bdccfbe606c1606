"""One way to write a date and a moment on every screen of the command line."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo


def day(value: date) -> str:
    """``30 Nov 2026``."""
    return f"{value:%d %b %Y}"


def moment(value: datetime) -> str:
    """``30 Nov 2026 14:05`` (the ledger keeps UTC)."""
    return f"{value:%d %b %Y %H:%M}"


def local_moment(value: datetime, zone_name: str) -> str:
    """``value`` (UTC, naive or aware) in ``zone_name``: ``30 Nov 2026 09:05 America/New_York``."""
    try:
        zone = ZoneInfo(zone_name)
    except (KeyError, ValueError):
        zone, zone_name = ZoneInfo("UTC"), "UTC"
    aware = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    return f"{moment(aware.astimezone(zone))} {zone_name}"
