"""Dates in expectations that depend on when a message actually arrived.

A customer who writes "next Friday" in reply to a reminder means a date that
depends on when the reminder went out, so expectations name dates relative to
the message's arrival. A spec is a base and optional offsets:

- base ``2026-12-04``: that date (offsets still apply);
- base ``mon`` … ``sun``: the first such weekday after the arrival date;
- base ``eom``: the last day of the arrival month;
- base ``day15``: the first 15th after the arrival date;
- no base: the arrival date itself;
- offsets ``+3d``, ``-2d``, ``+1w``, ``+1m`` (a bare ``+7`` means days). A month
  offset on ``eom`` lands on the last day of that month.

Examples: ``+10d``, ``fri``, ``fri+7``, ``eom-3d``, ``eom+1m``, ``day15``.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta

from recoup.errors import InputError

_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_SPEC = re.compile(
    r"^(?P<base>\d{4}-\d{2}-\d{2}|mon|tue|wed|thu|fri|sat|sun|eom|day\d{1,2})?"
    r"(?P<offsets>(?:[+-]\d{1,3}[dwm]?)*)$"
)
_OFFSET = re.compile(r"([+-])(\d{1,3})([dwm]?)")


class DateSpecError(InputError):
    pass


def check_date_spec(spec: str) -> str:
    cleaned = spec.strip().lower()
    match = _SPEC.match(cleaned)
    if match is None or not cleaned:
        raise DateSpecError(
            f"{spec!r} is not a date spec (a YYYY-MM-DD, mon..sun, eom or dayNN base, "
            "then offsets like +3d, -2d, +1w, +1m)"
        )
    base = match.group("base") or ""
    if base[:1].isdigit():
        try:
            date.fromisoformat(base)
        except ValueError as exc:
            raise DateSpecError(f"{spec!r}: {exc}") from exc
    if base.startswith("day") and not 1 <= int(base[3:]) <= 31:
        raise DateSpecError(f"{spec!r}: day of month must be 1..31")
    return cleaned


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _add_months(day: date, months: int, *, to_end: bool) -> date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    end = _month_end(year, month + 1)
    return end if to_end else end.replace(day=min(day.day, end.day))


def _base(base: str, arrival: date) -> date:
    if not base:
        return arrival
    if base[:1].isdigit():
        return date.fromisoformat(base)
    if base in _WEEKDAYS:
        ahead = (_WEEKDAYS.index(base) - arrival.weekday() - 1) % 7 + 1
        return arrival + timedelta(days=ahead)
    if base == "eom":
        return _month_end(arrival.year, arrival.month)
    wanted = int(base[3:])
    candidate = arrival
    for _ in range(13):
        end = _month_end(candidate.year, candidate.month)
        on = end.replace(day=min(wanted, end.day))
        if on > arrival:
            return on
        candidate = end + timedelta(days=1)
    raise DateSpecError(f"cannot resolve day{wanted}")


def resolve_date_spec(spec: str, arrival: date) -> date:
    match = _SPEC.match(check_date_spec(spec))
    assert match is not None
    base = match.group("base") or ""
    result = _base(base, arrival)
    for sign, amount, unit in _OFFSET.findall(match.group("offsets")):
        count = int(amount) * (-1 if sign == "-" else 1)
        if unit == "m":
            result = _add_months(result, count, to_end=base == "eom")
        else:
            result += timedelta(days=count * (7 if unit == "w" else 1))
    return result
