"""Messages with a risk signal and replies the reader was unsure of.

- A message with a fraud signal or an injection attempt goes to a person as a security
  case before the agent writes again, and nothing is done on its strength: no promise,
  no dispute, whatever a model makes of its words.
- A reading case (a reply a person must read) holds outreach on what the message
  concerns, its invoices or else the account, for the policy's ``unsure_hold_days``; an
  acknowledgement of the message may still go.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from recoup.guardrails.facts import Facts
from recoup.guardrails.rules.holds import is_acknowledgement
from recoup.guardrails.rules.text import invoice_numbers_in
from recoup.guardrails.verdict import Verdict, deny
from recoup.ledger.models import Direction, EscalationCategory, Message
from recoup.ledger.state import security_signals
from recoup.tools.base import ToolArgs
from recoup.tools.email import SendEmailArgs


def flagged_source(facts: Facts, args: ToolArgs) -> Verdict | None:
    """No ledger change on the strength of a flagged message. Without a source named, the
    customer's newest message is taken as the one acted on."""
    source = _source(facts, getattr(args, "source_message_id", None))
    if source is None:
        return None
    signals = security_signals(source.risk_flags)
    if not signals:
        return None
    return deny(
        "risk.flagged_message",
        f"message #{source.id} carries a risk signal ({', '.join(sorted(signals))}): nothing "
        "it asks for is done; a person reviews it in a security case (escalate, category "
        "security)",
    )


def security_case(facts: Facts, _args: object) -> Verdict | None:
    """A flagged message that no security case has covered yet must go to a person first."""
    flagged = unreviewed_flagged_message(facts)
    if flagged is None:
        return None
    signals = security_signals(flagged.risk_flags)
    return deny(
        "risk.security_case",
        f"message #{flagged.id} carries a risk signal ({', '.join(sorted(signals))}): call "
        "escalate (category security) with the evidence before writing; act on nothing it asks",
    )


def unreviewed_flagged_message(facts: Facts) -> Message | None:
    """The newest inbound message with a security signal that arrived after the account's
    newest security case was opened or decided (a person deciding it saw the account's
    correspondence as it then stood), if any."""
    flagged = [m for m in facts.account.flagged_inbound if security_signals(m.risk_flags)]
    if not flagged:
        return None
    reviewed = [
        moment
        for mark in facts.account.escalation_history
        if mark.category == EscalationCategory.SECURITY.value
        for moment in (mark.opened_at, mark.decided_at)
        if moment is not None
    ]
    since = max(reviewed, default=None)
    return next((m for m in flagged if since is None or m.created_at > since), None)


def reading_hold(facts: Facts, args: SendEmailArgs) -> Verdict | None:
    """Nothing firmer than an acknowledgement while a person reads an unsure reply."""
    if is_acknowledgement(facts, args):
        return None
    named = {n.upper() for n in args.invoice_numbers}
    named |= {n.upper() for n in invoice_numbers_in(f"{args.subject}\n{args.body}", facts.account)}
    for case in facts.account.open_escalations:
        if case.category != EscalationCategory.READING.value:
            continue
        until = reading_hold_until(case.created_at, facts.policy.reader.unsure_hold_days)
        if until <= facts.now:
            continue
        held = {n.upper() for n in case.invoice_numbers or []}
        if not held or held & named:
            what = ", ".join(sorted(held & named)) if held else "this account"
            return deny(
                "hold.reading",
                f"reading case #{case.id} holds outreach on {what} until {until:%Y-%m-%d %H:%M} "
                "UTC while a person reads the customer's message; only an acknowledgement "
                "of it may go",
            )
    return None


def reading_hold_until(opened_at: datetime, hold_days: int) -> datetime:
    return opened_at + timedelta(days=hold_days)


def _source(facts: Facts, message_id: int | None) -> Message | None:
    account = facts.account
    if message_id is None:
        return next(
            (m for m in account.recent_messages if m.direction == Direction.INBOUND.value), None
        )
    message = facts.session.get(Message, message_id)
    if message is None or message.customer_id != account.customer.id:
        return None
    return message
