"""One tool call, start to end: validate, check against the guardrails, run,
audit. The agent loop and a person's approval both go through here."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pydantic import BaseModel

from recoup.agent import spans
from recoup.guardrails.check import check
from recoup.guardrails.verdict import Verdict, VerdictKind
from recoup.ledger import audit
from recoup.ledger.models import Escalation, EscalationCategory
from recoup.ledger.operations.escalations import open_escalation
from recoup.tools.base import RunContext, ToolFailure, dump
from recoup.tools.registry import ToolCallError, ToolRegistry

APPROVAL_CATEGORY = {
    "tone.cap": EscalationCategory.TONE_APPROVAL,
    "concession.payment_plan": EscalationCategory.PAYMENT_PLAN,
    "promise.horizon": EscalationCategory.PAYMENT_PLAN,
    "contact.new_domain": EscalationCategory.CONTACT_CHANGE,
    "contact.opt_out_by_other": EscalationCategory.CONTACT_CHANGE,
}


@dataclass
class CallOutcome:
    """What happened to one call, and what the model is told."""

    name: str
    status: str  # ok | denied | held | invalid | failed
    result: dict[str, Any]
    verdict: Verdict | None = None
    args: dict[str, Any] = field(default_factory=dict)

    @property
    def executed(self) -> bool:
        return self.status == "ok"


def execute_call(
    ctx: RunContext,
    registry: ToolRegistry,
    name: str,
    arguments: str | dict[str, Any],
    *,
    approved: bool = False,
    held_since: datetime | None = None,
    call_id: str | None = None,
) -> CallOutcome:
    """Run one call inside ``ctx.session``'s transaction; the caller commits.

    A call that may act is checked against the account as it stands (``ctx.current``);
    a read-only call reads the run's snapshot. The guardrails and the tool see the same
    snapshot; after the call the parts it wrote are forgotten, so the next call reads
    what this one wrote. ``held_since``: for a person's approval, when the call was held for them.
    ``call_id`` is the model's id for the call, when a model made it."""
    traced_name = name if name in registry else "(unknown)"
    with spans.tool_span(traced_name, call_id=call_id) as span:
        if may_write(registry, name, arguments):
            ctx.current()
        try:
            outcome = _execute(
                ctx, registry, name, arguments, approved=approved, held_since=held_since
            )
        finally:
            ctx.take_stock()
        verdict = outcome.verdict
        spans.tool_done(
            span,
            status=outcome.status,
            verdict=verdict.kind.value if verdict else None,
            rule_id=verdict.rule_id if verdict else None,
        )
    return outcome


def may_write(registry: ToolRegistry, name: str, arguments: str | dict[str, Any]) -> bool:
    """Whether a call can change the ledger: a tool that writes, or a call refused as
    unknown or invalid (the refusal is audited)."""
    if name not in registry or registry.get(name).writes:
        return True
    try:
        registry.parse(name, arguments)
    except ToolCallError:
        return True
    return False


def _execute(
    ctx: RunContext,
    registry: ToolRegistry,
    name: str,
    arguments: str | dict[str, Any],
    *,
    approved: bool,
    held_since: datetime | None,
) -> CallOutcome:
    now = ctx.clock.now()
    try:
        args = registry.parse(name, arguments)
    except ToolCallError as exc:
        audit.record(
            ctx.session,
            at=now,
            actor=ctx.actor,
            action=name[:64],
            verdict="invalid",
            reason=str(exc),
            customer_id=ctx.customer_id,
            run_id=ctx.run_id,
        )
        return CallOutcome(name, "invalid", {"error": str(exc)})
    shown = args.model_dump(mode="json")
    verdict = check(ctx, name, args, approved=approved, held_since=held_since)
    if verdict.kind is VerdictKind.DENY:
        _audit_verdict(ctx, name, verdict, shown)
        return CallOutcome(
            name,
            "denied",
            {"denied": True, "rule": verdict.rule_id, "reason": verdict.reason},
            verdict,
            shown,
        )
    if verdict.kind is VerdictKind.NEEDS_APPROVAL:
        _audit_verdict(ctx, name, verdict, shown)
        escalation = hold_for_approval(ctx, name, args, verdict)
        return CallOutcome(
            name,
            "held",
            {
                "held_for_approval": True,
                "escalation_id": escalation.id,
                "rule": verdict.rule_id,
                "reason": verdict.reason,
            },
            verdict,
            shown,
        )
    tool = registry.get(name)
    if not tool.writes:
        return CallOutcome(name, "ok", dump(tool(ctx, args)), verdict, shown)
    try:
        with ctx.session.begin_nested():
            result = tool(ctx, args)
    except ToolFailure as exc:
        audit.record(
            ctx.session,
            at=now,
            actor=ctx.actor,
            action=name,
            verdict="failed",
            reason=str(exc),
            customer_id=ctx.customer_id,
            run_id=ctx.run_id,
        )
        return CallOutcome(name, "failed", {"error": str(exc)}, verdict, shown)
    return CallOutcome(name, "ok", dump(result), verdict, shown)


def hold_for_approval(ctx: RunContext, name: str, args: BaseModel, verdict: Verdict) -> Escalation:
    category = APPROVAL_CATEGORY.get(verdict.rule_id or "", EscalationCategory.CONCESSION)
    invoices = list(getattr(args, "invoice_numbers", []) or [])
    return open_escalation(
        ctx.session,
        ctx.account(),
        now=ctx.clock.now(),
        actor=ctx.acting,
        policy=ctx.policy,
        category=category,
        reason=verdict.reason,
        recommendation=held_recommendation(name, category),
        invoice_numbers=invoices,
        held_action={"tool": name, "args": args.model_dump(mode="json")},
        rule_id=verdict.rule_id,
    )


def held_recommendation(name: str, category: EscalationCategory) -> str:
    """What the case recommends, in the words of the person who decides it."""
    plan = category is EscalationCategory.PAYMENT_PLAN
    if name == "send_email":
        if plan:
            return "Accept the plan and send the email below, if its terms are acceptable."
        return "Send the email below, if the exception is acceptable."
    if name == "log_promise":
        return "Accept the plan, if its dates are acceptable."
    return "Let it go ahead, if the exception is acceptable."


def _audit_verdict(ctx: RunContext, name: str, verdict: Verdict, shown: dict[str, Any]) -> None:
    audit.record(
        ctx.session,
        at=ctx.clock.now(),
        actor=ctx.actor,
        action=name,
        verdict=verdict.kind.value,
        rule_id=verdict.rule_id,
        reason=verdict.reason,
        customer_id=ctx.customer_id,
        run_id=ctx.run_id,
        detail={"args": _brief(shown)},
    )


def _brief(shown: dict[str, Any]) -> dict[str, Any]:
    return {
        key: (value[:300] + "…" if isinstance(value, str) and len(value) > 300 else value)
        for key, value in shown.items()
    }
