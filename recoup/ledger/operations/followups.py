"""Schedule a follow-up: the decision to look at an account again on a date."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from sqlmodel import Session, col, select

from recoup.clock import local_moment_utc
from recoup.ledger import audit
from recoup.ledger.models import Event, EventKind
from recoup.ledger.operations.actor import Actor
from recoup.ledger.state import Account

FOLLOWUP_LOCAL_TIME = time(10, 0)


@dataclass(frozen=True)
class ScheduledFollowup:
    due_at: datetime
    replaced: int


def followup_moment(on: date, timezone: str) -> datetime:
    """10:00 in the customer's timezone on ``on``."""
    return local_moment_utc(on, FOLLOWUP_LOCAL_TIME, timezone)


def schedule_followup(
    session: Session, account: Account, on: date, reason: str, *, now: datetime, actor: Actor
) -> ScheduledFollowup:
    """Keep exactly one pending follow-up per account: the newest decision wins."""
    pending = list(
        session.exec(
            select(Event).where(
                Event.customer_id == account.customer_id,
                Event.kind == EventKind.FOLLOWUP_DUE.value,
                col(Event.processed_at).is_(None),
            )
        )
    )
    for event in pending:
        event.processed_at = now
        event.run_id = actor.run_id
    due_at = followup_moment(on, account.customer.timezone)
    session.add(
        Event(
            customer_id=account.customer_id,
            kind=EventKind.FOLLOWUP_DUE.value,
            due_at=due_at,
            detail=reason[:1000],
            created_at=now,
        )
    )
    audit.record(
        session,
        at=now,
        actor=actor.name,
        action="schedule_followup",
        reason=reason,
        customer_id=account.customer_id,
        run_id=actor.run_id,
        detail={"on": on.isoformat(), "replaced": len(pending)},
    )
    return ScheduledFollowup(due_at=due_at, replaced=len(pending))
