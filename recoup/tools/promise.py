"""log_promise: record a customer's promise to pay."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field

from recoup.ledger.operations import promises
from recoup.ledger.operations.refused import OperationRefused
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
    condition: str | None = Field(
        default=None,
        max_length=300,
        description='What the customer\'s offer hangs on ("if you waive the late fee"); an '
        "offer is checked against the concession policy before it counts as a promise.",
    )
    settles_in_full: bool = Field(
        default=False,
        description="The customer offers the amount to close the invoices in full: any "
        "shortfall is a discount.",
    )


class LogPromiseResult(BaseModel):
    promise_id: int
    amount_cents: int
    promised_date: date
    invoices: list[str]
    check_on: datetime


def log_promise(ctx: RunContext, args: LogPromiseArgs) -> LogPromiseResult:
    try:
        logged = promises.log_promise(
            ctx.session,
            ctx.account(),
            now=ctx.clock.now(),
            actor=ctx.acting,
            policy=ctx.policy,
            promised_date=args.promised_date,
            invoice_numbers=args.invoice_numbers,
            amount_cents=to_cents(args.amount) if args.amount is not None else None,
            message_id=args.source_message_id,
            note=args.note,
        )
    except OperationRefused as exc:
        raise ToolFailure(str(exc)) from exc
    return LogPromiseResult(
        promise_id=logged.promise.id or 0,
        amount_cents=logged.promise.amount_cents,
        promised_date=args.promised_date,
        invoices=logged.invoices,
        check_on=logged.check_on,
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
