"""escalate: hand a case to a person, with the context and a recommendation."""

from __future__ import annotations

from datetime import timedelta

from pydantic import BaseModel, Field

from recoup.ledger import audit
from recoup.ledger.models import Escalation, EscalationCategory, EscalationStatus
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


def open_escalation(
    ctx: RunContext,
    *,
    category: EscalationCategory,
    reason: str,
    recommendation: str,
    invoice_numbers: list[str] | None = None,
    held_action: dict[str, object] | None = None,
    rule_id: str | None = None,
    message_id: int | None = None,
) -> Escalation:
    now = ctx.clock.now()
    escalation = Escalation(
        customer_id=ctx.customer_id,
        category=category.value,
        status=EscalationStatus.OPEN.value,
        reason=reason,
        recommendation=recommendation,
        invoice_numbers=list(invoice_numbers or []),
        held_action=held_action,
        rule_id=rule_id,
        message_id=message_id,
        run_id=ctx.run_id,
        created_at=now,
        expires_at=now + timedelta(hours=ctx.policy.escalation.open_case_expiry_hours),
    )
    ctx.session.add(escalation)
    ctx.session.flush()
    audit.record(
        ctx.session,
        at=now,
        actor=ctx.actor,
        action="escalate",
        reason=reason,
        customer_id=ctx.customer_id,
        run_id=ctx.run_id,
        rule_id=rule_id,
        detail={
            "escalation_id": escalation.id,
            "category": category.value,
            "held": bool(held_action),
        },
    )
    return escalation


def escalate(ctx: RunContext, args: EscalateArgs) -> EscalateResult:
    account = ctx.account()
    same = next(
        (
            e
            for e in account.open_escalations
            if e.category == args.category.value and e.held_action is None
        ),
        None,
    )
    if same is not None:
        return EscalateResult(escalation_id=same.id or 0, status=same.status, already_open=True)
    escalation = open_escalation(
        ctx,
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
