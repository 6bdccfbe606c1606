"""schedule_followup: the decision to wait until a date, with a reason."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field

from recoup.ledger.operations import followups
from recoup.tools.base import RunContext, Tool, ToolArgs


class ScheduleFollowupArgs(ToolArgs):
    on: date = Field(description="The date to look at this account again (YYYY-MM-DD).")
    reason: str = Field(min_length=3, max_length=300, description="Why wait until then.")


class ScheduleFollowupResult(BaseModel):
    due_at: datetime
    replaced: int


def schedule_followup(ctx: RunContext, args: ScheduleFollowupArgs) -> ScheduleFollowupResult:
    scheduled = followups.schedule_followup(
        ctx.session, ctx.account(), args.on, args.reason, now=ctx.clock.now(), actor=ctx.acting
    )
    return ScheduleFollowupResult(due_at=scheduled.due_at, replaced=scheduled.replaced)


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
