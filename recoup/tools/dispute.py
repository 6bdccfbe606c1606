"""open_dispute: put an invoice on hold because the customer contests it."""

from __future__ import annotations

from pydantic import BaseModel, Field

from recoup.ledger.models import DisputeReason
from recoup.ledger.operations import disputes
from recoup.ledger.operations.refused import OperationRefused
from recoup.money import to_cents
from recoup.tools.base import RunContext, Tool, ToolArgs, ToolFailure


class OpenDisputeArgs(ToolArgs):
    invoice_number: str
    reason: DisputeReason
    detail: str = Field(default="", max_length=1000, description="What the customer says.")
    amount: float | None = Field(
        default=None,
        gt=0,
        description="The disputed part of the invoice; null means its whole open balance. "
        "The rest stays collectable and can carry a promise.",
    )
    source_message_id: int | None = None


class OpenDisputeResult(BaseModel):
    dispute_id: int
    invoice: str
    amount_cents: int
    undisputed_cents: int
    owner: str | None
    escalation_id: int | None = None
    already_open: bool = False


def open_dispute(ctx: RunContext, args: OpenDisputeArgs) -> OpenDisputeResult:
    try:
        account = ctx.account()
        opened = disputes.open_dispute(
            ctx.session,
            account,
            now=ctx.clock.now(),
            actor=ctx.acting,
            policy=ctx.policy,
            invoice_number=args.invoice_number,
            reason=args.reason,
            detail=args.detail,
            amount_cents=to_cents(args.amount) if args.amount is not None else None,
            message_id=args.source_message_id,
        )
    except OperationRefused as exc:
        raise ToolFailure(str(exc)) from exc
    invoice = account.invoice(opened.invoice)
    assert invoice is not None
    return OpenDisputeResult(
        dispute_id=opened.dispute.id or 0,
        invoice=opened.invoice,
        amount_cents=opened.dispute.amount_cents,
        undisputed_cents=disputes.undisputed_cents(account, invoice),
        owner=opened.dispute.owner,
        escalation_id=opened.escalation_id,
        already_open=opened.already_open,
    )


TOOL = Tool(
    name="open_dispute",
    description=(
        "Open a dispute on an invoice the customer contests (price, quantity, damaged, "
        "not_received, duplicate, missing_po, quality, other). The invoice goes on hold: no "
        "reminders about it until the dispute is resolved. Give `amount` when only part of the "
        "invoice is disputed: the rest stays collectable and can carry a promise. A dispute "
        "above the policy's threshold goes to a person at once (escalation_id)."
    ),
    args_model=OpenDisputeArgs,
    result_model=OpenDisputeResult,
    run=open_dispute,
)
