"""Global and per-account pauses, take-overs and blocking escalations stop outreach."""

from __future__ import annotations

from recoup.guardrails.facts import Facts
from recoup.guardrails.rules.holds import is_acknowledgement
from recoup.guardrails.rules.text import invoice_numbers_in
from recoup.guardrails.verdict import Verdict, deny
from recoup.ledger.models import EscalationCategory
from recoup.tools.email import SendEmailArgs

BLOCKING_CATEGORIES = {
    EscalationCategory.LEGAL.value,
    EscalationCategory.INSOLVENCY.value,
    EscalationCategory.CREDIT_HOLD.value,
    EscalationCategory.HOSTILE.value,
    EscalationCategory.LARGE_SILENT.value,
    EscalationCategory.SECURITY.value,
}


def global_pause(facts: Facts, _args: object) -> Verdict | None:
    if facts.policy.paused:
        why = facts.policy.pause_reason or "no reason given"
        return deny("pause.global", f"all outreach is paused by policy ({why})")
    return None


def account_pause(facts: Facts, _args: object) -> Verdict | None:
    customer = facts.account.customer
    if customer.taken_over:
        return deny("pause.taken_over", "a person has taken this account over; no outreach")
    if customer.paused_until is not None and customer.paused_until > facts.now:
        why = customer.pause_reason or "no reason given"
        return deny(
            "pause.account",
            f"outreach on this account is paused until {customer.paused_until:%Y-%m-%d} ({why})",
        )
    return None


def blocking_escalation(facts: Facts, args: SendEmailArgs) -> Verdict | None:
    for escalation in facts.account.open_escalations:
        if escalation.category == EscalationCategory.SECURITY.value and bare_acknowledgement(
            facts, args
        ):
            continue
        if escalation.category in BLOCKING_CATEGORIES:
            return deny(
                "pause.escalated",
                f"escalation #{escalation.id} ({escalation.category}) awaits a person; "
                "no outreach until it is decided",
            )
    return None


def bare_acknowledgement(facts: Facts, args: SendEmailArgs) -> bool:
    """A courtesy answer to the customer's message that names no invoice in its body,
    attaches nothing and offers nothing: all a security case lets through (it says a person
    will reply, and acts on nothing). Its subject is the thread's ("Re: …"), whatever the
    customer's subject named."""
    return (
        is_acknowledgement(facts, args)
        and not args.invoice_numbers
        and not args.attach_invoice_copies
        and not args.attach_statement
        and args.concession is None
        and args.subject.lower().startswith("re:")
        and not invoice_numbers_in(args.body, facts.account)
    )
