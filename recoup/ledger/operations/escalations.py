"""Open an escalation: hand a case to a person, with the context and a recommendation."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session

from recoup.ledger import audit
from recoup.ledger.models import Escalation, EscalationCategory, EscalationStatus
from recoup.ledger.operations.actor import Actor
from recoup.ledger.state import Account
from recoup.policy import Policy


def open_escalation(
    session: Session,
    account: Account,
    *,
    now: datetime,
    actor: Actor,
    policy: Policy,
    category: EscalationCategory,
    reason: str,
    recommendation: str,
    invoice_numbers: list[str] | None = None,
    held_action: dict[str, object] | None = None,
    rule_id: str | None = None,
    message_id: int | None = None,
) -> Escalation:
    escalation = Escalation(
        customer_id=account.customer_id,
        category=category.value,
        status=EscalationStatus.OPEN.value,
        reason=reason,
        recommendation=recommendation,
        invoice_numbers=list(invoice_numbers or []),
        held_action=held_action,
        rule_id=rule_id,
        message_id=message_id,
        run_id=actor.run_id,
        created_at=now,
        expires_at=now + timedelta(hours=policy.escalation.open_case_expiry_hours),
    )
    session.add(escalation)
    session.flush()
    audit.record(
        session,
        at=now,
        actor=actor.name,
        action="escalate",
        reason=reason,
        customer_id=account.customer_id,
        run_id=actor.run_id,
        rule_id=rule_id,
        detail={
            "escalation_id": escalation.id,
            "category": category.value,
            "held": bool(held_action),
        },
    )
    return escalation


def pending_escalation(account: Account, category: EscalationCategory) -> Escalation | None:
    """An open escalation of this category that holds no action, if there is one."""
    return next(
        (
            e
            for e in account.open_escalations
            if e.category == category.value and e.held_action is None
        ),
        None,
    )
