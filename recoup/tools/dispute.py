"""open_dispute: put an invoice on hold because the customer contests it."""

from __future__ import annotations

from pydantic import BaseModel, Field

from recoup.ledger import audit
from recoup.ledger.models import Dispute, DisputeReason
from recoup.money import to_cents
from recoup.tools.base import RunContext, Tool, ToolArgs, ToolFailure


class OpenDisputeArgs(ToolArgs):
    invoice_number: str
    reason: DisputeReason
    detail: str = Field(default="", max_length=1000, description="What the customer says.")
    amount: float | None = Field(
        default=None, gt=0, description="Disputed amount; null means the invoice's open balance."
    )
    source_message_id: int | None = None


class OpenDisputeResult(BaseModel):
    dispute_id: int
    invoice: str
    amount_cents: int
    already_open: bool = False


def open_dispute(ctx: RunContext, args: OpenDisputeArgs) -> OpenDisputeResult:
    account = ctx.account()
    invoice = account.invoice(args.invoice_number)
    if invoice is None or invoice not in account.open_invoices:
        raise ToolFailure(f"invoice {args.invoice_number} is not open on this account")
    existing = next((d for d in account.open_disputes if d.invoice_id == invoice.id), None)
    if existing is not None:
        return OpenDisputeResult(
            dispute_id=existing.id or 0,
            invoice=invoice.number,
            amount_cents=existing.amount_cents,
            already_open=True,
        )
    now = ctx.clock.now()
    amount_cents = to_cents(args.amount) if args.amount is not None else invoice.open_cents
    dispute = Dispute(
        customer_id=ctx.customer_id,
        invoice_id=invoice.id or 0,
        amount_cents=min(amount_cents, invoice.open_cents),
        reason=args.reason.value,
        detail=args.detail,
        message_id=args.source_message_id,
        opened_at=now,
    )
    ctx.session.add(dispute)
    ctx.session.flush()
    audit.record(
        ctx.session,
        at=now,
        actor=ctx.actor,
        action="open_dispute",
        reason=f"{invoice.number} disputed: {args.reason.value}",
        customer_id=ctx.customer_id,
        run_id=ctx.run_id,
        detail={"dispute_id": dispute.id, "detail": args.detail[:300]},
    )
    return OpenDisputeResult(
        dispute_id=dispute.id or 0, invoice=invoice.number, amount_cents=dispute.amount_cents
    )


TOOL = Tool(
    name="open_dispute",
    description=(
        "Open a dispute on an invoice the customer contests (price, quantity, damaged, "
        "not_received, duplicate, missing_po, quality, other). The invoice goes on hold: no "
        "reminders about it until the dispute is resolved."
    ),
    args_model=OpenDisputeArgs,
    result_model=OpenDisputeResult,
    run=open_dispute,
)
