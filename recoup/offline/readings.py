"""What the customer's emails say, one finding at a time.

Emails come from the trigger; an answer that had to wait (quiet hours, a full
week) comes back through the follow-up it left, which names the message.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

import structlog

from recoup.clock import as_utc, local_time
from recoup.ledger.models import Direction, EventKind
from recoup.ledger.state import AccountState, security_signals
from recoup.mail.autoreply import AutoKind, find_redirect
from recoup.reader import Finding, Intent, read_reply

log = structlog.get_logger(__name__)
_DEFERRED = re.compile(r"answer message #(\d+)")


def deferred_note(message_id: int) -> str:
    return f"answer message #{message_id}"


@dataclass(frozen=True)
class Item:
    """One finding in one customer email."""

    message_id: int
    sender: str
    subject: str
    finding: Finding
    injection_suspected: bool = False
    # The message's security signals (flag -> words): nothing it asks for is done.
    risk: dict[str, str] = field(default_factory=dict)
    # Why the reader was unsure of the message, when it was: a person reads it.
    unsure_why: str | None = None

    @property
    def intent(self) -> Intent:
        return self.finding.intent


def read_trigger_emails(emails: list[dict[str, Any]], state: AccountState) -> list[Item]:
    items: list[Item] = []
    for email in emails:
        received = email.get("received_at")
        read = _read(
            message_id=int(email.get("message_id") or 0),
            sender=str(email.get("from") or ""),
            subject=str(email.get("subject") or ""),
            text=str(email.get("text") or ""),
            auto_kind=email.get("auto_kind"),
            state=state,
            today=_local_day(datetime.fromisoformat(received), state) if received else state.today,
        )
        risk = security_signals(email.get("risk_flags"))
        items.extend(replace(item, risk=risk) for item in read)
    return items


def deferred_items(events: list[dict[str, Any]], state: AccountState) -> list[Item]:
    """Emails whose answer was put off to this follow-up, read again from the account state."""
    wanted = {
        int(found.group(1))
        for e in events
        if e.get("kind") == EventKind.FOLLOWUP_DUE.value
        for found in [_DEFERRED.search(str(e.get("detail") or ""))]
        if found
    }
    items: list[Item] = []
    for message in reversed(state.recent_messages):
        if message.id in wanted and message.direction == Direction.INBOUND.value:
            read = _read(
                message_id=message.id,
                sender=message.from_addr,
                subject=message.subject,
                text=message.text,
                auto_kind=None,
                state=state,
                # Read as of its arrival, so "Friday" means the Friday it meant then.
                today=_local_day(message.at, state),
            )
            risk = security_signals(message.risk_flags)
            items.extend(replace(item, risk=risk) for item in read)
    return items


def _read(
    *,
    message_id: int,
    sender: str,
    subject: str,
    text: str,
    auto_kind: object,
    state: AccountState,
    today: date,
) -> list[Item]:
    if auto_kind == AutoKind.BOUNCE.value:
        return [Item(message_id, sender, subject, _finding(Intent.BOUNCE, "delivery failure"))]
    known = {inv.number: inv.open_cents for inv in state.open_invoices}
    try:
        reading = read_reply(
            text, subject=subject, today=today, known_invoices=known, currency=state.currency
        )
    except Exception:  # one unreadable email must not stall the account: a person reads it
        log.warning("reply_unreadable", message_id=message_id, exc_info=True)
        return [Item(message_id, sender, subject, _finding(Intent.UNKNOWN, "unreadable"))]
    findings = list(reading.findings)
    if auto_kind == AutoKind.AUTO_REPLY.value:
        # An automatic reply promises nothing and disputes nothing: its return date counts,
        # and where it says invoices now go to another address, that redirect.
        away = reading.of(Intent.OUT_OF_OFFICE)
        findings = away[:1] or [_finding(Intent.OUT_OF_OFFICE, "automatic reply")]
        findings.extend(_auto_redirect(reading.of(Intent.WRONG_CONTACT), text))
    unsure = (reading.unsure_why or "the reader is not confident") if reading.unsure else None
    findings = _anger_that_matters(findings)
    return [
        Item(message_id, sender, subject, finding, reading.injection_suspected, unsure_why=unsure)
        for finding in findings
    ]


# What the agent acts on itself; plain anger beside it is answered by acting on it.
_BUSINESS = frozenset(
    {
        Intent.PROMISE,
        Intent.DISPUTE,
        Intent.ALREADY_PAID,
        Intent.COPY_REQUEST,
        Intent.PAYMENT_PLAN,
        Intent.OPT_OUT,
        Intent.WRONG_CONTACT,
        Intent.WRITE_OFF_CLAIM,
    }
)


def _anger_that_matters(findings: list[Finding]) -> list[Finding]:
    """An angry tone beside a dispute or a request to stop is no case for a person: the
    dispute is opened, the outreach stops. Abuse, threats and a broken relationship are,
    and so is anger that asks for nothing else."""
    if not any(f.intent in _BUSINESS for f in findings):
        return findings
    return [f for f in findings if f.intent is not Intent.HOSTILE or f.abusive]


def _auto_redirect(read: list[Finding], text: str) -> list[Finding]:
    """The redirect in an automatic reply: an address given for invoices, or by a sender
    who has left; a colleague for urgent matters while someone is away is not one."""
    address = find_redirect(text)
    if address is None:
        return []
    named = next((f for f in read if (f.redirect_email or "").lower() == address), None)
    evidence = named.evidence if named is not None else f"automatic reply: write to {address}"
    return [Finding(intent=Intent.WRONG_CONTACT, redirect_email=address, evidence=evidence)]


def _local_day(moment: datetime, state: AccountState) -> date:
    """The customer's date at ``moment``: what "tomorrow" in their email counts from."""
    return local_time(as_utc(moment), state.timezone).date()


def _finding(intent: Intent, evidence: str) -> Finding:
    return Finding(intent=intent, evidence=evidence)
