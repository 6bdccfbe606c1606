"""Open a dispute: put an invoice on hold because the customer contests it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from recoup.ledger import audit
from recoup.ledger.models import Dispute, DisputeReason
from recoup.ledger.operations.actor import Actor
from recoup.ledger.operations.refused import OperationRefused
from recoup.ledger.state import Account


@dataclass(frozen=True)
class OpenedDispute:
    dispute: Dispute
    invoice: str
    already_open: bool = False


def open_dispute(
    session: Session,
    account: Account,
    *,
    now: datetime,
    actor: Actor,
    invoice_number: str,
    reason: DisputeReason,
    detail: str = "",
    amount_cents: int | None = None,
    message_id: int | None = None,
) -> OpenedDispute:
    """One open dispute per invoice: a second one returns the first.
    ``amount_cents`` None means the invoice's open balance."""
    invoice = account.invoice(invoice_number)
    if invoice is None or invoice not in account.open_invoices:
        raise OperationRefused(f"invoice {invoice_number} is not open on this account")
    existing = next((d for d in account.open_disputes if d.invoice_id == invoice.id), None)
    if existing is not None:
        return OpenedDispute(existing, invoice.number, already_open=True)
    amount = amount_cents if amount_cents is not None else invoice.open_cents
    dispute = Dispute(
        customer_id=account.customer_id,
        invoice_id=invoice.id or 0,
        amount_cents=min(amount, invoice.open_cents),
        reason=reason.value,
        detail=detail,
        message_id=message_id,
        opened_at=now,
    )
    session.add(dispute)
    session.flush()
    audit.record(
        session,
        at=now,
        actor=actor.name,
        action="open_dispute",
        reason=f"{invoice.number} disputed: {reason.value}",
        customer_id=account.customer_id,
        run_id=actor.run_id,
        detail={"dispute_id": dispute.id, "detail": detail[:300]},
    )
    return OpenedDispute(dispute, invoice.number)
