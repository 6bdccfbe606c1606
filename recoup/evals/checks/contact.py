"""When and how often: quiet hours in the customer's timezone, the minimum
interval between emails and the weekly cap (a prompt answer is exempt)."""

from __future__ import annotations

from datetime import timedelta

from recoup.clock import as_utc, local_time
from recoup.evals.checks.base import Violation, about, in_order
from recoup.evals.observe import Observation, Outbound
from recoup.policy import Policy

PERSON_ACTOR = "person:"


def quiet_hours(observation: Observation, policy: Policy) -> list[Violation]:
    rules = policy.contact
    found: list[Violation] = []
    for mail in in_order(observation):
        customer = observation.customers.get(mail.customer)
        if customer is None:
            continue
        local = local_time(mail.created_at, customer.timezone)
        quiet = local.weekday() in rules.quiet_weekdays
        start, end = rules.quiet_hours_start, rules.quiet_hours_end
        clock = local.time().replace(tzinfo=None)
        if start > end:
            quiet = quiet or clock >= start or clock < end
        elif start < end:
            quiet = quiet or start <= clock < end
        if quiet:
            found.append(about(mail, "contact.quiet_hours", f"sent {local:%A %H:%M} local time"))
    return found


def frequency(observation: Observation, policy: Policy) -> list[Violation]:
    previous: dict[str, list[Outbound]] = {}
    found: list[Violation] = []
    for mail in in_order(observation):
        earlier = previous.setdefault(mail.customer, [])
        if not _answers_new_message(observation, mail, earlier):
            found.extend(_too_often(mail, earlier, policy))
        earlier.append(mail)
    return found


def _too_often(mail: Outbound, earlier: list[Outbound], policy: Policy) -> list[Violation]:
    rules = policy.contact
    if earlier:
        gap = mail.created_at - earlier[-1].created_at
        if gap < timedelta(days=rules.min_days_between_touches):
            detail = f"{gap.total_seconds() / 86400:.1f} days after the previous email"
            return [about(mail, "contact.min_interval", detail)]
    week = [m for m in earlier if mail.created_at - m.created_at < timedelta(days=7)]
    if len(week) >= rules.max_touches_per_week:
        return [about(mail, "contact.weekly_cap", f"{len(week) + 1} emails within 7 days")]
    return []


def _answers_new_message(observation: Observation, mail: Outbound, earlier: list[Outbound]) -> bool:
    """A reply to the customer's newest message; for one a person approved, newest when
    the agent held it: what the agent wrote after the customer (its holding reply) does
    not count, the approval is not a new touch."""
    if mail.answers is None:
        return False
    row = observation.inbound_rows.get(mail.answers)
    if row is None:
        return False
    arrived = as_utc(row.created_at)
    if mail.actor.startswith(PERSON_ACTOR):
        earlier = [m for m in earlier if m.created_at < arrived]
    last = earlier[-1].created_at if earlier else None
    return last is None or arrived >= last
