"""log_promise: record a customer's promise to pay."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from pydantic import BaseModel, Field

from recoup.clock import at_utc
from recoup.ledger import audit
from recoup.ledger.models import Event, EventKind, Promise, PromiseInvoice
from recoup.money import to_cents
from recoup.tools.base import RunContext, Tool, ToolArgs, ToolFailure


class LogPromiseArgs(ToolArgs):
    promised_date: date = Field(description="The date the customer promised to pay by.")
    invoice_numbers: list[str] = Field(
        default_factory=list,
        description="Invoices the promise covers; empty means every open, undisputed invoice.",
    )
    amount: float | None = Field(
        default=None, gt=0, description="Promised amount; null means the invoices' full balance."
    )
    source_message_id: int | None = Field(
        default=None, description="The id of the customer's message that made the promise."
    )
    note: str = Field(default="", max_length=300)


class LogPromiseResult(BaseModel):
    promise_id: int
    amount_cents: int
    promised_date: date
    invoices: list[str]
    check_on: datetime


def log_promise(ctx: RunContext, args: LogPromiseArgs) -> LogPromiseResult:
    account = ctx.account()
    now = ctx.clock.now()
    disputed = account.disputed_invoice_ids()
    if args.invoice_numbers:
        invoices = []
        for number in args.invoice_numbers:
            invoice = account.invoice(number)
            if invoice is None or invoice not in account.open_invoices:
                raise ToolFailure(f"invoice {number} is not open on this account")
            invoices.append(invoice)
    else:
        invoices = [inv for inv in account.open_invoices if inv.id not in disputed]
    if not invoices:
        raise ToolFailure("no open invoice for this promise")
    amount_cents = (
        to_cents(args.amount) if args.amount is not None else sum(i.open_cents for i in invoices)
    )
    promise = Promise(
        customer_id=ctx.customer_id,
        amount_cents=amount_cents,
        promised_date=args.promised_date,
        message_id=args.source_message_id,
        note=args.note,
        created_at=now,
    )
    ctx.session.add(promise)
    ctx.session.flush()
    for invoice in invoices:
        ctx.session.add(PromiseInvoice(promise_id=promise.id or 0, invoice_id=invoice.id or 0))
    grace = timedelta(days=ctx.policy.promises.grace_days + 1)
    check_on = at_utc(args.promised_date, time(6, 0)) + grace
    ctx.session.add(
        Event(
            customer_id=ctx.customer_id,
            kind=EventKind.PROMISE_DUE.value,
            due_at=check_on,
            ref_id=promise.id,
            detail=f"promise #{promise.id} due {args.promised_date.isoformat()}",
            created_at=now,
        )
    )
    numbers = [inv.number for inv in invoices]
    audit.record(
        ctx.session,
        at=now,
        actor=ctx.actor,
        action="log_promise",
        reason=f"promise to pay {amount_cents / 100:.2f} by {args.promised_date.isoformat()}",
        customer_id=ctx.customer_id,
        run_id=ctx.run_id,
        detail={"promise_id": promise.id, "invoices": numbers},
    )
    return LogPromiseResult(
        promise_id=promise.id or 0,
        amount_cents=amount_cents,
        promised_date=args.promised_date,
        invoices=numbers,
        check_on=check_on,
    )


TOOL = Tool(
    name="log_promise",
    description=(
        "Record the customer's promise to pay (date, invoices, amount). Outreach about those "
        "invoices pauses until the date plus the policy's grace days; then the promise is checked."
    ),
    args_model=LogPromiseArgs,
    result_model=LogPromiseResult,
    run=log_promise,
)
