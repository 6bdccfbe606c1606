"""When an email may go out, as the policy's contact rules have it: quiet hours and
days in the customer's timezone, the gap between touches, the weekly cap.

The guardrails judge a call with these, and the offline model plans with the same
functions, so what it plans is what they allow.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta

from recoup.clock import local_time
from recoup.policy import ContactRules

WEEK = timedelta(days=7)
# A touch counts for seven days to the minute, its last one included.
AGED_OUT = WEEK + timedelta(minutes=1)


def quiet_at(rules: ContactRules, moment: datetime, timezone: str) -> bool:
    """Inside quiet hours or on a quiet weekday in ``timezone``; an unknown timezone
    raises ``ZoneInfoNotFoundError`` or ``ValueError``."""
    local = local_time(moment, timezone)
    return rules.is_quiet(local.time().replace(tzinfo=None), local.weekday())


def quiet_day(rules: ContactRules, day: date) -> bool:
    return day.weekday() in rules.quiet_weekdays


def interval_ends(rules: ContactRules, last_touch: datetime | None) -> datetime | None:
    """When the minimum gap after the last touch ends."""
    if last_touch is None:
        return None
    return last_touch + timedelta(days=rules.min_days_between_touches)


def touches_this_week(touches: Iterable[datetime], now: datetime) -> list[datetime]:
    return sorted(t for t in touches if t >= now - WEEK)


def week_is_full(rules: ContactRules, touches: Iterable[datetime], now: datetime) -> bool:
    return len(touches_this_week(touches, now)) >= rules.max_touches_per_week


def next_touch_allowed(
    rules: ContactRules, *, now: datetime, last_touch: datetime | None, touches: list[datetime]
) -> datetime:
    """The first moment the cadence (gap and weekly cap) allows an unsolicited email."""
    earliest = max(now, interval_ends(rules, last_touch) or now)
    week = touches_this_week(touches, now)
    if len(week) >= rules.max_touches_per_week:
        aging_out = week[len(week) - rules.max_touches_per_week]
        earliest = max(earliest, aging_out + AGED_OUT)
    return earliest


# Rules that refuse an email only for now: it may go out later, unchanged.
TIMING_RULES = frozenset({"contact.min_interval", "contact.weekly_cap", "contact.quiet_hours"})
_STEP = timedelta(minutes=30)
_LOOKAHEAD = timedelta(days=21)


def next_send_moment(
    rules: ContactRules,
    *,
    now: datetime,
    timezone: str,
    last_touch: datetime | None,
    touches: list[datetime],
) -> datetime:
    """The first moment the cadence allows an email outside quiet hours and days."""
    moment = next_touch_allowed(rules, now=now, last_touch=last_touch, touches=touches)
    limit = moment + _LOOKAHEAD
    while moment < limit and quiet_at(rules, moment, timezone):
        moment += _STEP
    return moment
