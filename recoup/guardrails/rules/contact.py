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
from recoup.guardrails.verdict import Verdict, deny, needs_approval
from recoup.ledger.models import Direction, Message, MessageStatus
from recoup.ledger.operations.contacts import (
    best_contact,
    contact_of,
    customer_domains,
    domain_of,
    role_rank,
)
from recoup.tools.contact import ADD, UpdateContactArgs
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


def reminder_role(facts: Facts, args: SendEmailArgs) -> Verdict | None:
    """Reminders go to the best role there is (billing/AP before the owner, the owner
    before the purchaser); an answer goes to whoever wrote."""
    if answers_customer(facts, args) or not args.to:
        return None
    best = best_contact(facts.account)
    first = contact_of(facts.account, args.to[0])
    if best is None or first is None or role_rank(first.role) <= role_rank(best.role):
        return None
    return deny(
        "contact.role",
        f"{first.email} is the {first.role} contact; reminders go to {best.email} "
        f"({best.role}) first",
    )


def contact_change(facts: Facts, args: UpdateContactArgs) -> Verdict | None:
    """A contact on another domain than the customer's is a person's decision; an opt-out
    is taken from the contact who wrote it, anyone else's word for it is checked."""
    account = facts.account
    existing = contact_of(account, args.email)
    if args.action == ADD:
        if existing is not None and existing.do_not_contact:
            return deny("contact.do_not_contact", f"{args.email} asked not to be contacted")
        if existing is None and domain_of(args.email) not in customer_domains(account):
            known = ", ".join(sorted(customer_domains(account))) or "none"
            return needs_approval(
                "contact.new_domain",
                f"{args.email} is not on the customer's domain ({known}); a new payee address "
                "elsewhere is how invoice fraud starts, so a person confirms it first",
            )
        return None
    if existing is None:
        return deny("contact.unknown", f"{args.email} is not a contact of this account")
    sender = _sender(facts, args.source_message_id)
    if sender != existing.email.lower():
        return needs_approval(
            "contact.opt_out_by_other",
            f"{args.email} is to be marked do-not-contact, but not on its own request "
            f"({sender or 'no message'})",
        )
    return None


def _sender(facts: Facts, message_id: int | None) -> str | None:
    if message_id is None:
        return None
    message = facts.session.get(Message, message_id)
    if message is None or message.customer_id != facts.account.customer_id:
        return None
    return message.from_addr.strip().lower()


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
