"""schedule_followup: the decision to wait until a date, with a reason."""

from __future__ import annotations

from datetime import date, datetime, time

from pydantic import BaseModel, Field
from sqlmodel import col, select

from recoup.clock import local_moment_utc
from recoup.ledger import audit
from recoup.ledger.models import Customer, Event, EventKind
from recoup.tools.base import RunContext, Tool, ToolArgs

FOLLOWUP_LOCAL_TIME = time(10, 0)


class ScheduleFollowupArgs(ToolArgs):
    on: date = Field(description="The date to look at this account again (YYYY-MM-DD).")
    reason: str = Field(min_length=3, max_length=300, description="Why wait until then.")


class ScheduleFollowupResult(BaseModel):
    due_at: datetime
    replaced: int


def followup_moment(on: date, timezone: str) -> datetime:
    """10:00 in the customer's timezone on ``on``."""
    return local_moment_utc(on, FOLLOWUP_LOCAL_TIME, timezone)


def set_followup(ctx: RunContext, on: date, reason: str) -> ScheduleFollowupResult:
    """Keep exactly one pending follow-up per account: the newest decision wins."""
    customer = ctx.session.get(Customer, ctx.customer_id)
    assert customer is not None
    now = ctx.clock.now()
    pending = list(
        ctx.session.exec(
            select(Event).where(
                Event.customer_id == ctx.customer_id,
                Event.kind == EventKind.FOLLOWUP_DUE.value,
                col(Event.processed_at).is_(None),
            )
        )
    )
    for event in pending:
        event.processed_at = now
        event.run_id = ctx.run_id
    due_at = followup_moment(on, customer.timezone)
    ctx.session.add(
        Event(
            customer_id=ctx.customer_id,
            kind=EventKind.FOLLOWUP_DUE.value,
            due_at=due_at,
            detail=reason[:1000],
            created_at=now,
        )
    )
    audit.record(
        ctx.session,
        at=now,
        actor=ctx.actor,
        action="schedule_followup",
        reason=reason,
        customer_id=ctx.customer_id,
        run_id=ctx.run_id,
        detail={"on": on.isoformat(), "replaced": len(pending)},
    )
    return ScheduleFollowupResult(due_at=due_at, replaced=len(pending))


def schedule_followup(ctx: RunContext, args: ScheduleFollowupArgs) -> ScheduleFollowupResult:
    return set_followup(ctx, args.on, args.reason)


TOOL = Tool(
    name="schedule_followup",
    description=(
        "Decide to wait: look at this account again on a date, with the reason. Replaces any "
        "earlier follow-up. Use it when the right move is to do nothing until then."
    ),
    args_model=ScheduleFollowupArgs,
    result_model=ScheduleFollowupResult,
    run=schedule_followup,
)
