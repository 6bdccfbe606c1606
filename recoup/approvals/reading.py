"""Reading cases: a person says what a customer's message means, in one click.

The answers are those a collector gives: a promise (date and amount, prefilled from what
the reader found), a dispute (with a reason), already paid, a redirect (an address), a
question, or nothing to do. Each becomes a ``Finding`` exactly as the reader would have
produced it; the agent acts on it, and it is kept as a labelled example.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from pydantic import BaseModel, ValidationError
from sqlmodel import Session

from recoup.ledger.models import DisputeReason, Escalation, Message
from recoup.ledger.state import Account
from recoup.money import to_cents
from recoup.reader import Finding, Intent, read_reply
from recoup.reader.intents import EVIDENCE_MAX

MAX_INVOICES = 20


class Answer(StrEnum):
    PROMISE = "promise"
    DISPUTE = "dispute"
    ALREADY_PAID = "already_paid"
    REDIRECT = "redirect"
    QUESTION = "question"
    NOTHING = "nothing"

    @property
    def label(self) -> str:
        return ANSWER_LABELS[self]


ANSWER_LABELS = {
    Answer.PROMISE: "Promise to pay",
    Answer.DISPUTE: "Dispute",
    Answer.ALREADY_PAID: "Already paid",
    Answer.REDIRECT: "Redirect",
    Answer.QUESTION: "Question",
    Answer.NOTHING: "Nothing to do",
}
INTENT_OF = {
    Answer.PROMISE: Intent.PROMISE,
    Answer.DISPUTE: Intent.DISPUTE,
    Answer.ALREADY_PAID: Intent.ALREADY_PAID,
    Answer.REDIRECT: Intent.WRONG_CONTACT,
    Answer.QUESTION: Intent.QUESTION,
    # "Received, forwarded to AP": no reply, the cadence goes on, nothing promised.
    Answer.NOTHING: Intent.ACKNOWLEDGEMENT,
}


class Suggestion(BaseModel):
    """What the reader found in the message, to prefill the answers with."""

    message_id: int
    invoices: list[str]
    promised_date: date | None = None
    amount_cents: int | None = None
    dispute_reason: DisputeReason | None = None
    redirect_email: str | None = None
    evidence: str = ""


def suggestion(session: Session, escalation: Escalation, account: Account) -> Suggestion | None:
    """The reader's best guesses for a reading case's message; None for other cases."""
    if escalation.message_id is None:
        return None
    message = session.get(Message, escalation.message_id)
    if message is None:
        return None
    known = {inv.number: inv.open_cents for inv in account.open_invoices}
    reading = read_reply(
        message.text,
        subject=message.subject,
        today=message.created_at.date(),
        known_invoices=known,
        currency=account.customer.currency,
    )
    promise = next(iter(reading.of(Intent.PROMISE)), None)
    dispute = next(iter(reading.of(Intent.DISPUTE)), None)
    redirect = next((f.redirect_email for f in reading.findings if f.redirect_email), None)
    named = list(escalation.invoice_numbers or []) or list(
        dict.fromkeys(n for f in reading.findings for n in f.invoice_numbers)
    )
    return Suggestion(
        message_id=message.id or 0,
        invoices=named[:MAX_INVOICES],
        promised_date=promise.date if promise else None,
        amount_cents=promise.amount_cents if promise else None,
        dispute_reason=dispute.dispute_reason if dispute else None,
        redirect_email=redirect,
        evidence=" ".join(message.text.split())[:EVIDENCE_MAX] or "(empty message)",
    )


def answer_finding(
    answer: str,
    suggested: Suggestion,
    *,
    promised_date: str = "",
    amount: str = "",
    reason: str = "",
    address: str = "",
) -> Finding:
    """The finding a person's answer stands for; ValueError names what is missing."""
    try:
        chosen = Answer(answer)
    except ValueError:
        raise ValueError(f"unknown answer {answer!r}") from None
    fields: dict[str, object] = {
        "intent": INTENT_OF[chosen],
        "invoice_numbers": suggested.invoices,
        "evidence": suggested.evidence,
    }
    if chosen is Answer.PROMISE:
        fields["date"] = _date(promised_date) or suggested.promised_date
        if fields["date"] is None:
            raise ValueError("a promise needs the date the customer will pay by")
        cents = _cents(amount) if amount.strip() else suggested.amount_cents
        fields["amount_cents"] = cents
    elif chosen is Answer.DISPUTE:
        fields["dispute_reason"] = _reason(reason) or suggested.dispute_reason or "other"
    elif chosen is Answer.REDIRECT:
        fields["redirect_email"] = address.strip() or suggested.redirect_email
        if not fields["redirect_email"]:
            raise ValueError("a redirect needs the address to write to")
    try:
        return Finding.model_validate(fields)
    except ValidationError as exc:
        raise ValueError(str(exc.errors()[0]["msg"])) from None


def _date(raw: str) -> date | None:
    if not raw.strip():
        return None
    try:
        return date.fromisoformat(raw.strip())
    except ValueError:
        raise ValueError(f"{raw!r} is not a date (YYYY-MM-DD)") from None


def _cents(raw: str) -> int:
    try:
        value = float(raw.replace(",", "").strip())
    except ValueError:
        raise ValueError(f"{raw!r} is not an amount") from None
    if value <= 0:
        raise ValueError("the amount must be more than zero")
    return to_cents(value)


def _reason(raw: str) -> DisputeReason | None:
    if not raw.strip():
        return None
    try:
        return DisputeReason(raw.strip())
    except ValueError:
        reasons = ", ".join(r.value for r in DisputeReason)
        raise ValueError(f"unknown dispute reason {raw!r}; one of {reasons}") from None
