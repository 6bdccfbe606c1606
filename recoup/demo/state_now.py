"""Where each demo account stands at the end, and the cases that need a person: read
from the ledger as it is now, never from the last plan the agent made."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel
from sqlalchemy import func
from sqlmodel import Session, col, select

from recoup.clock import as_utc
from recoup.ledger.models import (
    Customer,
    Dispute,
    DisputeStatus,
    Escalation,
    EscalationStatus,
    Event,
    Invoice,
    InvoiceStatus,
    Promise,
    PromiseStatus,
)
from recoup.money import format_money


class NeedsYou(BaseModel):
    case_id: int
    ref: str
    name: str
    at_stake_cents: int
    currency: str
    category: str
    why: str
    opened_at: datetime | None = None
    # The case's answer time passed: a case that stops all outreach stays open for a
    # person beyond it (it never expires on its own); the others are expired by then.
    overdue: bool = False

    @property
    def waiting(self) -> str:
        since = f"since {self.opened_at:%b %d}" if self.opened_at else ""
        return f"{since}, answer overdue" if self.overdue else since


def case_status(case: Escalation, *, now: datetime) -> str:
    """``open``, ``open, answer overdue`` (past its expiry, never expired because it stops
    outreach), or the closed status."""
    if case.status == EscalationStatus.OPEN.value and _past(case.expires_at, now):
        return "open, answer overdue"
    return case.status


def _past(moment: datetime | None, now: datetime) -> bool:
    return moment is not None and as_utc(moment) <= as_utc(now)


def current_state(session: Session, customer: Customer, *, now: datetime) -> str:
    """One line: what the account is waiting for now."""
    customer_id = customer.id or 0
    balance = session.exec(
        select(func.coalesce(func.sum(Invoice.open_cents), 0)).where(
            Invoice.customer_id == customer_id, Invoice.status == InvoiceStatus.OPEN.value
        )
    ).one()
    if not balance:
        return "paid in full"
    cases = session.exec(
        select(Escalation).where(
            Escalation.customer_id == customer_id,
            Escalation.status == EscalationStatus.OPEN.value,
        )
    ).all()
    if cases:
        return f"waits for a person: {', '.join(sorted({c.category for c in cases}))} case"
    if customer.taken_over:
        return "handled by a person (taken over)"
    disputes = session.exec(
        select(Dispute).where(
            Dispute.customer_id == customer_id, Dispute.status == DisputeStatus.OPEN.value
        )
    ).all()
    promise = session.exec(
        select(Promise)
        .where(Promise.customer_id == customer_id, Promise.status == PromiseStatus.PENDING.value)
        .order_by(col(Promise.promised_date))
    ).first()
    parts = []
    if promise is not None:
        parts.append(
            f"promised {format_money(promise.amount_cents, customer.currency)} "
            f"by {promise.promised_date:%d %b}"
        )
    if disputes:
        parts.append(f"{len(disputes)} invoice(s) in dispute")
    following = session.exec(
        select(Event.due_at)
        .where(Event.customer_id == customer_id, col(Event.processed_at).is_(None))
        .order_by(col(Event.due_at))
    ).first()
    if following is not None:
        parts.append(f"next look {following:%d %b}" if following > now else "due a look now")
    return "; ".join(parts) or "nothing scheduled"


def needs_you(session: Session, *, now: datetime) -> list[NeedsYou]:
    """The open cases, the most money at stake first."""
    balances: dict[int, int] = dict(
        session.exec(
            select(col(Invoice.customer_id), func.sum(col(Invoice.open_cents)))
            .where(Invoice.status == InvoiceStatus.OPEN.value)
            .group_by(col(Invoice.customer_id))
        ).all()
    )
    rows = session.exec(
        select(Escalation, Customer)
        .join(Customer, col(Customer.id) == col(Escalation.customer_id))
        .where(Escalation.status == EscalationStatus.OPEN.value)
    ).all()
    cases = [
        NeedsYou(
            case_id=case.id or 0,
            ref=customer.ref,
            name=customer.name,
            at_stake_cents=int(balances.get(customer.id or 0, 0) or 0),
            currency=customer.currency,
            category=case.category,
            why=" ".join(case.reason.split())[:110],
            opened_at=case.created_at,
            overdue=_past(case.expires_at, now),
        )
        for case, customer in rows
    ]
    return sorted(cases, key=lambda c: (-c.at_stake_cents, c.case_id))
