"""The audit trail: every action, allowed or not, with its reason."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session

from recoup.ledger.models import AuditEvent


def record(
    session: Session,
    *,
    at: datetime,
    actor: str,
    action: str,
    reason: str,
    customer_id: int | None = None,
    run_id: int | None = None,
    verdict: str | None = None,
    rule_id: str | None = None,
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    event = AuditEvent(
        customer_id=customer_id,
        run_id=run_id,
        at=at,
        actor=actor,
        action=action,
        verdict=verdict,
        rule_id=rule_id,
        reason=reason,
        detail=detail or {},
    )
    session.add(event)
    return event
