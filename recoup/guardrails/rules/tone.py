"""The firmest tone allowed by aging, by the reminders already sent, by segment and
strategic status. The offline model plans its tone with the same functions."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from recoup.clock import as_utc
from recoup.guardrails.facts import Facts
from recoup.guardrails.verdict import Verdict, deny, needs_approval
from recoup.ledger.models import Direction
from recoup.policy import Tone, ToneRules
from recoup.tools.email import SendEmailArgs


def ladder_step(sent: Iterable[Tone]) -> Tone:
    """The firmest tone the reminders already sent allow next: a final notice only after a
    firm reminder went out, however old the invoice, so a first contact is at most firm."""
    return Tone.FINAL if any(tone >= Tone.FIRM for tone in sent) else Tone.FIRM


def tones_sent(messages: Iterable[tuple[str, datetime, str | None]], since: date) -> list[Tone]:
    """The tones of the emails sent since ``since``, from (direction, at, tone) triples."""
    return [
        Tone.parse(tone)
        for direction, at, tone in messages
        if direction == Direction.OUTBOUND.value and tone and as_utc(at).date() >= since
    ]


def customer_cap(rules: ToneRules, segment: str, strategic: bool) -> Tone | None:
    caps = [Tone.parse(rules.segment_caps[segment])] if segment in rules.segment_caps else []
    if strategic:
        caps.append(Tone.parse(rules.strategic_cap))
    return min(caps) if caps else None


def allowed_tone(facts: Facts, args: SendEmailArgs) -> tuple[Tone, Tone | None]:
    """(tone the aging and the reminders sent allow, cap for this customer or None)."""
    account = facts.account
    named = [account.invoice(n) for n in args.invoice_numbers]
    invoices = [inv for inv in named if inv is not None] or account.open_invoices
    oldest = max((account.days_past_due(inv, facts.today) for inv in invoices), default=0)
    overdue_since = min((inv.due_date for inv in invoices), default=facts.today)
    sent = tones_sent(
        ((m.direction, m.created_at, m.tone) for m in account.recent_messages), overdue_since
    )
    by_age = min(facts.policy.tone.allowed_for_age(oldest), ladder_step(sent))
    customer = account.customer
    return by_age, customer_cap(facts.policy.tone, customer.segment, customer.strategic)


def tone(facts: Facts, args: SendEmailArgs) -> Verdict | None:
    asked = Tone.parse(args.tone)
    by_age, cap = allowed_tone(facts, args)
    if asked > by_age:
        return deny(
            "tone.aging",
            f"tone {asked.label} is firmer than the aging and the reminders already sent allow "
            f"({by_age.label} at most); a final notice goes only after a firm reminder",
        )
    if cap is not None and asked > cap:
        who = "strategic account" if facts.account.customer.strategic else "segment"
        return needs_approval(
            "tone.cap",
            f"tone {asked.label} exceeds the {who} cap ({cap.label}); a person must approve",
        )
    return None
