"""The firmest tone allowed by aging, segment and strategic status."""

from __future__ import annotations

from recoup.guardrails.facts import Facts
from recoup.guardrails.verdict import Verdict, deny, needs_approval
from recoup.policy import Tone
from recoup.tools.email import SendEmailArgs


def allowed_tone(facts: Facts, args: SendEmailArgs) -> tuple[Tone, Tone | None]:
    """(tone the aging allows, cap for this customer or None)."""
    account = facts.account
    named = [account.invoice(n) for n in args.invoice_numbers]
    invoices = [inv for inv in named if inv is not None] or account.open_invoices
    oldest = max((account.days_past_due(inv, facts.today) for inv in invoices), default=0)
    by_age = facts.policy.tone.allowed_for_age(oldest)
    caps: list[Tone] = []
    segment_cap = facts.policy.tone.segment_caps.get(account.customer.segment)
    if segment_cap:
        caps.append(Tone.parse(segment_cap))
    if account.customer.strategic:
        caps.append(Tone.parse(facts.policy.tone.strategic_cap))
    return by_age, min(caps) if caps else None


def tone(facts: Facts, args: SendEmailArgs) -> Verdict | None:
    asked = Tone.parse(args.tone)
    by_age, cap = allowed_tone(facts, args)
    if asked > by_age:
        return deny(
            "tone.aging",
            f"tone {asked.label} is firmer than the aging allows ({by_age.label} at most)",
        )
    if cap is not None and asked > cap:
        who = "strategic account" if facts.account.customer.strategic else "segment"
        return needs_approval(
            "tone.cap",
            f"tone {asked.label} exceeds the {who} cap ({cap.label}); a person must approve",
        )
    return None
