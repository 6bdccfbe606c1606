"""escalate: hand a case to a person, with the context and a recommendation."""

from __future__ import annotations

from pydantic import BaseModel, Field

from recoup.ledger.models import EscalationCategory
from recoup.ledger.operations import escalations
from recoup.tools.base import RunContext, Tool, ToolArgs


class EscalateArgs(ToolArgs):
    category: EscalationCategory
    reason: str = Field(min_length=3, max_length=1000, description="Why a person must decide.")
    recommendation: str = Field(
        min_length=3, max_length=1000, description="The next step you recommend, and why."
    )
    invoice_numbers: list[str] = Field(default_factory=list)
    source_message_id: int | None = None


class EscalateResult(BaseModel):
    escalation_id: int
    status: str
    already_open: bool = False


def escalate(ctx: RunContext, args: EscalateArgs) -> EscalateResult:
    account = ctx.account()
    same = escalations.pending_escalation(account, args.category)
    if same is not None:
        return EscalateResult(escalation_id=same.id or 0, status=same.status, already_open=True)
    escalation = escalations.open_escalation(
        ctx.session,
        account,
        now=ctx.clock.now(),
        actor=ctx.acting,
        policy=ctx.policy,
        category=args.category,
        reason=args.reason,
        recommendation=args.recommendation,
        invoice_numbers=args.invoice_numbers,
        message_id=args.source_message_id,
    )
    return EscalateResult(escalation_id=escalation.id or 0, status=escalation.status)


TOOL = Tool(
    name="escalate",
    description=(
        "Hand this account to a person when it needs human judgment (legal or insolvency "
        "signals, a payment plan or concession outside policy, a credit hold, a large balance "
        "gone silent, a hostile customer, a contact change). Give the reason and your "
        "recommended next step."
    ),
    args_model=EscalateArgs,
    result_model=EscalateResult,
    run=escalate,
)
