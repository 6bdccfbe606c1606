"""Dates the model picks: business days, and when a denial says it may write again."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from recoup.clock import as_utc, local_time
from recoup.guardrails.timing import quiet_at, quiet_day
from recoup.ledger.operations.followups import followup_moment
from recoup.offline.prior import policy

_ALLOWED_FROM = re.compile(r"from (\d{4}-\d{2}-\d{2} \d{2}:\d{2}) UTC")
_WEEKLY_CAP = re.compile(r"already (\d+) touches .*\(max (\d+)\)")
MAX_LOOKAHEAD_DAYS = 14


def business_day(day: date) -> date:
    """``day``, or the first working day after it."""
    for _ in range(MAX_LOOKAHEAD_DAYS):
        if not quiet_day(policy().contact, day):
            return day
        day += timedelta(days=1)
    return day


def in_days(today: date, days: int) -> date:
    return business_day(today + timedelta(days=days))


def first_followup_day(not_before: datetime, timezone: str) -> date:
    """The first working day whose follow-up moment (morning, customer time) is not earlier
    than ``not_before``."""
    day = local_time(not_before, timezone).date()
    for _ in range(MAX_LOOKAHEAD_DAYS):
        day = business_day(day)
        if followup_moment(day, timezone) >= not_before:
            return day
        day += timedelta(days=1)
    return day


def quiet_now(now: datetime, timezone: str) -> bool:
    """Outside business hours in the customer's timezone, as the policy has them."""
    return quiet_at(policy().contact, now, timezone)


def allowed_again(
    rule: str, reason: str, *, now: datetime, timezone: str, touches: list[datetime]
) -> date:
    """The first day a denied email may go out, read from the denial."""
    if rule == "contact.min_interval" and (found := _ALLOWED_FROM.search(reason)):
        moment = as_utc(datetime.strptime(found.group(1), "%Y-%m-%d %H:%M"))
        return first_followup_day(moment, timezone)
    if rule == "contact.weekly_cap" and (found := _WEEKLY_CAP.search(reason)):
        count, cap = int(found.group(1)), int(found.group(2))
        recent = sorted(t for t in touches if t > now - timedelta(days=7))
        # The touch that must age out of the 7-day window; the oldest may not be visible.
        index = min(len(recent) - 1, max(0, (count - cap) - max(0, count - len(recent))))
        if recent and count >= cap:
            return first_followup_day(recent[index] + timedelta(days=7), timezone)
        return first_followup_day(now + timedelta(days=7), timezone)
    return first_followup_day(now + timedelta(minutes=1), timezone)
