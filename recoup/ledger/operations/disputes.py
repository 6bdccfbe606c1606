"""Disputes from opening to their end.

A dispute holds the disputed part of one invoice (its ``amount_cents``); the rest of the
invoice stays collectable. Opening one names its owner from the policy and the day its
owner should have settled it. It ends one of three ways: credited (a credit memo lowers
the invoice), written off in the customer's favour, or rejected (the invoice stands and
collection resumes on it). A credit memo or a lowered invoice from the system of record
ends it too. A short payment opens a deduction: a dispute of the kind ``deduction``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from recoup.ledger import audit
from recoup.ledger.events import event
from recoup.ledger.models import (
    CreditMemo,
    Dispute,
    DisputeKind,
    DisputeOutcome,
    DisputeReason,
    DisputeStatus,
    Escalation,
    EscalationCategory,
    EscalationStatus,
    EventKind,
    Invoice,
    InvoiceStatus,
)
from recoup.ledger.operations.actor import SYSTEM, Actor
from recoup.ledger.operations.escalations import open_escalation
from recoup.ledger.operations.refused import OperationRefused
from recoup.ledger.state import Account
from recoup.money import format_money
from recoup.policy import Policy

DEDUCTION_REASON = "deduction"  # the owner key of a short payment in the policy


@dataclass(frozen=True)
class OpenedDispute:
    dispute: Dispute
    invoice: str
    already_open: bool = False
    escalation_id: int | None = None  # a person's case opened at once (a large dispute)


def open_dispute(
    session: Session,
    account: Account,
    *,
    now: datetime,
    actor: Actor,
    policy: Policy,
    invoice_number: str,
    reason: DisputeReason,
    detail: str = "",
    amount_cents: int | None = None,
    message_id: int | None = None,
    kind: DisputeKind = DisputeKind.DISPUTE,
) -> OpenedDispute:
    """One open dispute per invoice: a second one returns the first.
    ``amount_cents`` None means the invoice's open balance."""
    invoice = account.invoice(invoice_number)
    if invoice is None or invoice not in account.open_invoices:
        raise OperationRefused(f"invoice {invoice_number} is not open on this account")
    existing = next((d for d in account.open_disputes if d.invoice_id == invoice.id), None)
    if existing is not None:
        return OpenedDispute(existing, invoice.number, already_open=True)
    amount = min(
        amount_cents if amount_cents is not None else invoice.open_cents, invoice.open_cents
    )
    if amount <= 0:
        raise OperationRefused(f"nothing to dispute: {invoice.number} has no open balance")
    owner_key = DEDUCTION_REASON if kind is DisputeKind.DEDUCTION else reason.value
    dispute = Dispute(
        customer_id=account.customer_id,
        invoice_id=invoice.id or 0,
        amount_cents=amount,
        reason=reason.value,
        detail=detail,
        message_id=message_id,
        opened_at=now,
        kind=kind.value,
        owner=policy.disputes.owner_for(owner_key, amount).name,
        due_at=now + timedelta(days=policy.disputes.sla_days),
    )
    session.add(dispute)
    session.flush()
    account.open_disputes.append(dispute)
    money = format_money(amount, invoice.currency)
    audit.record(
        session,
        at=now,
        actor=actor.name,
        action="open_dispute",
        reason=f"{invoice.number} disputed: {reason.value}, {money} ({kind.value}); "
        f"owner {dispute.owner}",
        customer_id=account.customer_id,
        run_id=actor.run_id,
        detail={"dispute_id": dispute.id, "detail": detail[:300], "amount_cents": amount},
    )
    escalation = _to_a_person_at_once(session, account, dispute, invoice, now, actor, policy)
    return OpenedDispute(dispute, invoice.number, escalation_id=escalation)


def _to_a_person_at_once(
    session: Session,
    account: Account,
    dispute: Dispute,
    invoice: Invoice,
    now: datetime,
    actor: Actor,
    policy: Policy,
) -> int | None:
    """A dispute above the policy's threshold is a person's case from the start."""
    threshold = policy.disputes.person_threshold_cents
    if dispute.amount_cents <= threshold:
        return None
    money = format_money(dispute.amount_cents, invoice.currency)
    escalation = open_escalation(
        session,
        account,
        now=now,
        actor=actor,
        policy=policy,
        category=EscalationCategory.DISPUTE_REVIEW,
        reason=f"{invoice.number}: {money} disputed ({dispute.reason}), above the "
        f"{format_money(threshold, invoice.currency)} a dispute may be left to its owner's "
        f"queue: {dispute.detail[:300]}",
        recommendation=f"Review dispute #{dispute.id} now with {dispute.owner}: resolve it with "
        "a credit, in the customer's favour, or reject it with the reason "
        f"(recoup disputes resolve|reject {dispute.id}).",
        invoice_numbers=[invoice.number],
        message_id=dispute.message_id,
    )
    return escalation.id


def undisputed_cents(account: Account, invoice: Invoice) -> int:
    """What of an open invoice is not under an open dispute: still collectable."""
    held = sum(d.amount_cents for d in account.open_disputes if d.invoice_id == invoice.id)
    return max(invoice.open_cents - held, 0)


def ended_dispute_amounts(session: Session, customer_id: int) -> set[int]:
    """What ended disputes and credit memos took off this customer's invoices: amounts a
    letter about a dispute's end may state."""
    disputed = session.exec(
        select(Dispute.amount_cents).where(
            Dispute.customer_id == customer_id, Dispute.status != DisputeStatus.OPEN.value
        )
    )
    credited = session.exec(
        select(CreditMemo.amount_cents).where(CreditMemo.customer_id == customer_id)
    )
    return {*disputed, *credited}


def ended_dispute_raised_in(session: Session, customer_id: int, message_id: int) -> bool:
    """Whether the customer's message raised a dispute that has ended since."""
    return (
        session.exec(
            select(Dispute.id).where(
                Dispute.customer_id == customer_id,
                Dispute.message_id == message_id,
                Dispute.status != DisputeStatus.OPEN.value,
            )
        ).first()
        is not None
    )


def fully_disputed_invoice_ids(account: Account) -> set[int]:
    """Open invoices with nothing left to collect outside their dispute."""
    return {
        inv.id or 0
        for inv in account.open_invoices
        if inv.id in account.disputed_invoice_ids() and undisputed_cents(account, inv) == 0
    }


@dataclass(frozen=True)
class Ending:
    dispute: Dispute
    invoice: Invoice
    outcome: DisputeOutcome
    changed_cents: int  # what left the invoice's balance (credit or write-off)


def resolve_with_credit(
    session: Session,
    dispute_id: int,
    *,
    now: datetime,
    actor: Actor,
    amount_cents: int | None = None,
    note: str = "",
) -> Ending:
    """Issue a credit memo on the invoice (by default for the disputed amount)."""
    dispute, invoice = _open(session, dispute_id)
    amount = amount_cents if amount_cents is not None else dispute.amount_cents
    if amount <= 0 or amount > invoice.open_cents:
        raise OperationRefused(
            f"a credit must be more than 0 and at most the open balance of {invoice.number} "
            f"({format_money(invoice.open_cents, invoice.currency)})"
        )
    memo = CreditMemo(
        customer_id=invoice.customer_id,
        number=f"CM-D{dispute.id}",
        invoice_id=invoice.id,
        amount_cents=amount,
        issued_on=now.date(),
        reason=f"dispute #{dispute.id}: {dispute.reason}"[:500],
    )
    session.add(memo)
    session.flush()
    _lower(invoice, amount, now)
    dispute.credit_memo_id = memo.id
    return _end(session, dispute, invoice, DisputeOutcome.CREDITED, amount, now, actor, note)


def write_off(
    session: Session, dispute_id: int, *, now: datetime, actor: Actor, approved_by: str, note: str
) -> Ending:
    """The customer is right: the disputed part leaves the invoice. A person approves it."""
    if not approved_by.strip():
        raise OperationRefused("a write-off needs the name of the person who approves it")
    dispute, invoice = _open(session, dispute_id)
    amount = min(dispute.amount_cents, invoice.open_cents)
    _lower(invoice, amount, now)
    note = f"write-off approved by {approved_by.strip()}" + (f": {note}" if note else "")
    return _end(session, dispute, invoice, DisputeOutcome.WRITTEN_OFF, amount, now, actor, note)


def reject(
    session: Session, dispute_id: int, *, now: datetime, actor: Actor, reason: str
) -> Ending:
    """The invoice stands: the customer is told why and collection resumes on it."""
    if not reason.strip():
        raise OperationRefused("a rejection needs the reason the customer will be given")
    dispute, invoice = _open(session, dispute_id)
    return _end(session, dispute, invoice, DisputeOutcome.REJECTED, 0, now, actor, reason.strip())


def settle_from_source(
    session: Session,
    invoice: Invoice,
    *,
    now: datetime,
    what: str,
    memo: CreditMemo | None = None,
    changed_cents: int = 0,
) -> Ending | None:
    """The system of record lowered an invoice under dispute (a credit memo, an adjusted
    amount): that is the dispute's answer. The balance is already changed."""
    dispute = session.exec(
        select(Dispute).where(
            Dispute.invoice_id == invoice.id, Dispute.status == DisputeStatus.OPEN.value
        )
    ).first()
    if dispute is None:
        return None
    if memo is not None:
        session.flush()
        dispute.credit_memo_id = memo.id
        changed_cents = memo.amount_cents
    outcome = DisputeOutcome.CREDITED
    return _end(session, dispute, invoice, outcome, changed_cents, now, SYSTEM, what)


def disputes_of(
    session: Session, *, status: DisputeStatus | None = DisputeStatus.OPEN
) -> list[Dispute]:
    query = select(Dispute).order_by(col(Dispute.opened_at), col(Dispute.id))
    if status is not None:
        query = query.where(Dispute.status == status.value)
    return list(session.exec(query))


def due_for_reminder(session: Session, *, now: datetime) -> list[Dispute]:
    """Open disputes past their SLA whose owner was not reminded in the last day."""
    return [
        d
        for d in disputes_of(session)
        if d.due_at is not None
        and d.due_at <= now
        and (d.reminded_at is None or d.reminded_at <= now - timedelta(days=1))
    ]


def _open(session: Session, dispute_id: int) -> tuple[Dispute, Invoice]:
    dispute = session.get(Dispute, dispute_id)
    if dispute is None:
        raise OperationRefused(f"no dispute #{dispute_id}")
    if dispute.status != DisputeStatus.OPEN.value:
        raise OperationRefused(
            f"dispute #{dispute_id} is already {dispute.outcome or dispute.status}"
        )
    invoice = session.get(Invoice, dispute.invoice_id)
    assert invoice is not None
    return dispute, invoice


def _lower(invoice: Invoice, amount: int, now: datetime) -> None:
    invoice.open_cents = max(invoice.open_cents - amount, 0)
    if invoice.open_cents == 0 and invoice.status == InvoiceStatus.OPEN.value:
        invoice.status = InvoiceStatus.PAID.value
        invoice.paid_on = now.date()


def _end(
    session: Session,
    dispute: Dispute,
    invoice: Invoice,
    outcome: DisputeOutcome,
    changed: int,
    now: datetime,
    actor: Actor,
    note: str,
) -> Ending:
    dispute.status = (
        DisputeStatus.REJECTED if outcome is DisputeOutcome.REJECTED else DisputeStatus.RESOLVED
    ).value
    dispute.outcome = outcome.value
    dispute.outcome_note = note
    dispute.resolved_at = now
    dispute.resolved_by = actor.name
    session.add(dispute)
    told = describe_outcome(dispute, invoice, changed)
    audit.record(
        session,
        at=now,
        actor=actor.name,
        action=f"dispute_{outcome.value}",
        reason=told + (f"; note: {note}" if note else ""),
        customer_id=dispute.customer_id,
        run_id=actor.run_id,
        detail={"dispute_id": dispute.id, "invoice": invoice.number, "changed_cents": changed},
    )
    _close_review_cases(session, dispute, invoice, now, actor, told)
    # The account's agent hears of it and tells the customer; a rejected dispute puts the
    # invoice back in collection.
    detail = told + (f"; reason: {note}" if outcome is DisputeOutcome.REJECTED else "")
    if dispute.message_id:
        detail += f"; raised in message #{dispute.message_id}"
    session.add(event(dispute.customer_id, EventKind.DECISION, now=now, detail=detail))
    session.flush()
    return Ending(dispute, invoice, outcome, changed)


def _close_review_cases(
    session: Session, dispute: Dispute, invoice: Invoice, now: datetime, actor: Actor, told: str
) -> None:
    """A person's review case about this invoice's dispute is answered by its end."""
    cases = session.exec(
        select(Escalation).where(
            Escalation.customer_id == dispute.customer_id,
            Escalation.category == EscalationCategory.DISPUTE_REVIEW.value,
            Escalation.status == EscalationStatus.OPEN.value,
        )
    )
    for case in cases:
        if invoice.number in (case.invoice_numbers or []):
            case.status = EscalationStatus.RESOLVED.value
            case.decided_at = now
            case.decided_by = actor.name
            case.decision_note = told
            session.add(case)


def describe_outcome(dispute: Dispute, invoice: Invoice, changed: int) -> str:
    money = format_money(changed, invoice.currency)
    left = f"{format_money(invoice.open_cents, invoice.currency)} open"
    about = f"dispute #{dispute.id} on {invoice.number}"
    if dispute.outcome == DisputeOutcome.CREDITED.value:
        return f"{about} resolved with a credit of {money}; {left}"
    if dispute.outcome == DisputeOutcome.WRITTEN_OFF.value:
        return f"{about} resolved in the customer's favour: {money} written off; {left}"
    return f"{about} rejected: collection resumes on it ({left})"
