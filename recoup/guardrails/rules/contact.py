"""Who may be written to, how often, and when."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfoNotFoundError

from recoup.clock import local_time
from recoup.guardrails.facts import Facts
from recoup.guardrails.verdict import Verdict, deny
from recoup.ledger.models import Direction
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
    last_touch = facts.account.customer.last_touch_at
    for message in facts.account.recent_messages:
        if message.id == args.reply_to_message_id:
            return message.direction == Direction.INBOUND.value and (
                last_touch is None or message.created_at >= last_touch
            )
    return False


def frequency(facts: Facts, args: SendEmailArgs) -> Verdict | None:
    if answers_customer(facts, args):
        return None
    rules = facts.policy.contact
    last_touch = facts.account.customer.last_touch_at
    if last_touch is not None and facts.now - last_touch < timedelta(
        days=rules.min_days_between_touches
    ):
        next_ok = last_touch + timedelta(days=rules.min_days_between_touches)
        return deny(
            "contact.min_interval",
            f"last touch {last_touch:%Y-%m-%d %H:%M}; the policy allows the next one from "
            f"{next_ok:%Y-%m-%d %H:%M} UTC",
        )
    if len(facts.account.touches) >= rules.max_touches_per_week:
        return deny(
            "contact.weekly_cap",
            f"already {len(facts.account.touches)} touches in the last 7 days "
            f"(max {rules.max_touches_per_week})",
        )
    return None


def quiet_hours(facts: Facts, _args: SendEmailArgs) -> Verdict | None:
    timezone = facts.account.customer.timezone
    try:
        local = local_time(facts.now, timezone)
    except (ZoneInfoNotFoundError, ValueError):
        # Without the customer's local time, quiet hours cannot be ruled out.
        return deny(
            "contact.timezone_unknown",
            f"the customer's timezone {timezone!r} is unknown, so quiet hours cannot be "
            "checked; escalate for a person to fix the customer's timezone",
        )
    if facts.policy.contact.is_quiet(local.time().replace(tzinfo=None), local.weekday()):
        return deny(
            "contact.quiet_hours",
            f"it is {local:%A %H:%M} in {timezone}, inside the policy's quiet hours/days; "
            "schedule a follow-up for the next business day instead",
        )
    return None
