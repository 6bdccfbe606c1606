"""Leave the account with a next step on record, whatever the model did."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session, col, select

from recoup.guardrails.facts import Facts
from recoup.guardrails.rules.escalation import required_escalation
from recoup.ledger.models import EscalationCategory, Event, EventKind
from recoup.ledger.operations.actor import Actor
from recoup.ledger.operations.escalations import open_escalation
from recoup.ledger.operations.followups import schedule_followup
from recoup.ledger.state import load_account
from recoup.policy import Policy

UNFINISHED = frozenset({"step_budget", "model_error"})


def finish_account(
    session: Session,
    customer_id: int,
    outcome: str,
    *,
    now: datetime,
    policy: Policy,
    actor: Actor,
) -> list[dict[str, Any]]:
    """Escalate what the run left unfinished or what must go to a person, and
    schedule a follow-up when nothing else will wake the account. Returns trace notes."""
    account = load_account(session, customer_id, now=now)
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
        account = load_account(session, customer_id, now=now)
    if account.customer.taken_over or not account.open_invoices:
        return notes
    if not _next_step_pending(session, customer_id):
        days = policy.cadence.default_followup_days
        on = (now + timedelta(days=days)).date()
        why = f"no next step was set; look again in {days} days"
        schedule_followup(session, account, on, why, now=now, actor=actor)
        notes.append({"type": "finish", "followup": on.isoformat()})
    return notes


def _next_step_pending(session: Session, customer_id: int) -> bool:
    pending = session.exec(
        select(Event.id).where(
            Event.customer_id == customer_id,
            col(Event.processed_at).is_(None),
            col(Event.kind).in_([EventKind.FOLLOWUP_DUE.value, EventKind.PROMISE_DUE.value]),
        )
    ).first()
    return pending is not None
