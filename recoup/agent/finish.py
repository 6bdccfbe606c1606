"""Leave the account with a next step on record, whatever the model did."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from recoup.guardrails.facts import Facts
from recoup.guardrails.rules.escalation import required_escalation
from recoup.ledger.models import EscalationCategory
from recoup.ledger.operations.actor import Actor
from recoup.ledger.operations.escalations import open_escalation
from recoup.ledger.operations.followups import schedule_followup
from recoup.tools.base import RunContext

UNFINISHED = frozenset({"step_budget", "model_error"})


def finish_account(ctx: RunContext, outcome: str) -> list[dict[str, Any]]:
    """Escalate what the run left unfinished or what must go to a person, and
    schedule a follow-up when nothing else will wake the account. Returns trace notes."""
    session, now, policy = ctx.session, ctx.clock.now(), ctx.policy
    actor = Actor("system", ctx.run_id)
    account = ctx.current()
    if outcome in UNFINISHED:
        escalation = open_escalation(
            session,
            account,
            now=now,
            actor=actor,
            policy=policy,
            category=EscalationCategory.STEP_BUDGET,
            reason=f"the agent run ended with {outcome}; the account needs a look",
            recommendation="Review the run's trace and decide the next step.",
        )
        return [{"type": "finish", "escalated": escalation.id, "why": outcome}]
    notes: list[dict[str, Any]] = []
    needed = required_escalation(Facts(account=account, policy=policy, now=now, session=session))
    if needed is not None:
        escalation = open_escalation(
            session,
            account,
            now=now,
            actor=actor,
            policy=policy,
            category=needed.category,
            reason=needed.reason,
            recommendation="Decide whether collection continues, and how.",
            message_id=needed.message_id,
        )
        notes.append({"type": "finish", "escalated": escalation.id, "why": needed.reason})
        ctx.take_stock()
    if account.customer.taken_over or not account.open_invoices:
        return notes
    if not account.pending_wakeups:
        days = policy.cadence.default_followup_days
        on = (now + timedelta(days=days)).date()
        why = f"no next step was set; look again in {days} days"
        schedule_followup(session, account, on, why, now=now, actor=actor)
        notes.append({"type": "finish", "followup": on.isoformat()})
    return notes
