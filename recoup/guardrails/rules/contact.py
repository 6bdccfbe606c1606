"""Who may be written to, how often, and when."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfoNotFoundError

from sqlmodel import col, func, select

from recoup.clock import as_utc, local_time
from recoup.guardrails.facts import Facts
from recoup.guardrails.timing import (
    interval_ends,
    next_send_moment,
    quiet_at,
    touches_this_week,
    week_is_full,
)
from recoup.guardrails.verdict import Verdict, deny
from recoup.ledger.models import Direction, Message, MessageStatus
from recoup.tools.email import SendEmailArgs


def recipients(facts: Facts, args: SendEmailArgs) -> Verdict | None:
    contacts = {c.email.lower(): c for c in facts.account.contacts}
    for address in [*args.to, *args.cc]:
        contact = contacts.get(address.strip().lower())
        if contact is None:
            return deny(
                "contact.recipient_unknown",
                f"{address} is not a contact of this account; write only to its contacts",
            )
        if contact.do_not_contact:
            return deny("contact.do_not_contact", f"{address} is marked do-not-contact")
        if contact.undeliverable:
            return deny("contact.undeliverable", f"{address} bounced and is undeliverable")
    return None


def answers_customer(facts: Facts, args: SendEmailArgs) -> bool:
    """A reply to the customer's newest unanswered message is not a new touch."""
    if args.reply_to_message_id is None:
        return False
    last_touch, _ = cadence_touches(facts)
    for message in facts.account.recent_messages:
        if message.id == args.reply_to_message_id:
            return message.direction == Direction.INBOUND.value and (
                last_touch is None or as_utc(message.created_at) >= last_touch
            )
    return False


def cadence_touches(facts: Facts) -> tuple[datetime | None, list[datetime]]:
    """(the last touch, this week's touches) as the cadence counts them.

    For a held email a person approves, the agent's touches since it was held do not
    count: the decision is not a new touch by the agent, and the agent's own holding
    reply must not start a gap that refuses every approval."""
    last = facts.account.customer.last_touch_at
    touches = [as_utc(t) for t in facts.account.touches]
    held_since = facts.held_since
    if held_since is None:
        return (as_utc(last) if last is not None else None), touches
    earlier = facts.session.exec(
        select(func.max(Message.created_at)).where(
            Message.customer_id == facts.account.customer_id,
            Message.direction == Direction.OUTBOUND.value,
            col(Message.status).in_([MessageStatus.QUEUED.value, MessageStatus.SENT.value]),
            Message.created_at < held_since,
        )
    ).one()
    return (as_utc(earlier) if earlier is not None else None), [
        t for t in touches if t < held_since
    ]


def frequency(facts: Facts, args: SendEmailArgs) -> Verdict | None:
    if answers_customer(facts, args):
        return None
    rules = facts.policy.contact
    last_touch, touches = cadence_touches(facts)
    next_ok = interval_ends(rules, last_touch)
    if last_touch is not None and next_ok is not None and facts.now < next_ok:
        return deny(
            "contact.min_interval",
            f"last touch {last_touch:%Y-%m-%d %H:%M}; the policy allows the next one from "
            f"{next_ok:%Y-%m-%d %H:%M} UTC",
        )
    if week_is_full(rules, touches, facts.now):
        count = len(touches_this_week(touches, facts.now))
        return deny(
            "contact.weekly_cap",
            f"already {count} touches in the last 7 days (max {rules.max_touches_per_week})",
        )
    return None


def quiet_hours(facts: Facts, _args: SendEmailArgs) -> Verdict | None:
    timezone = facts.account.customer.timezone
    try:
        quiet = quiet_at(facts.policy.contact, facts.now, timezone)
    except (ZoneInfoNotFoundError, ValueError):
        # Without the customer's local time, quiet hours cannot be ruled out.
        return deny(
            "contact.timezone_unknown",
            f"the customer's timezone {timezone!r} is unknown, so quiet hours cannot be "
            "checked; escalate for a person to fix the customer's timezone",
        )
    if quiet:
        local = local_time(facts.now, timezone)
        return deny(
            "contact.quiet_hours",
            f"it is {local:%A %H:%M} in {timezone}, inside the policy's quiet hours/days; "
            "schedule a follow-up for the next business day instead",
        )
    return None


def send_ready_at(facts: Facts) -> datetime:
    """When an email refused now for its timing (quiet hours, cadence) may go out."""
    last_touch, touches = cadence_touches(facts)
    return next_send_moment(
        facts.policy.contact,
        now=facts.now,
        timezone=facts.account.customer.timezone,
        last_touch=last_touch,
        touches=touches,
    )
