"""The fixed-schedule dunning baseline: its schedule, its blindness, and that it
goes around recoup's guardrails (and gets audited all the same)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlmodel import select

from recoup.evals.baseline import step_days
from recoup.evals.calibration import load_calibration
from recoup.evals.scenario import Scenario
from recoup.evals.scoring import score
from recoup.evals.simulator import Contender, simulate
from recoup.ledger.db import session as open_session
from recoup.ledger.models import AuditEvent, Direction, Message
from recoup.policy import Policy
from tests.evals.eval_support import START, TOKYO, dispute_reply, scenario_data


def test_the_schedule_is_3_10_20_then_weekly() -> None:
    assert step_days(2) == []
    assert step_days(3) == [3]
    assert step_days(19) == [3, 10]
    assert step_days(41) == [3, 10, 20, 27, 34, 41]


async def test_it_reminds_on_schedule_blind_to_the_dispute(tmp_path: Path) -> None:
    today = START.date()
    invoices = [
        {
            "number": "INV-8001",
            "issued": (today - timedelta(days=31)).isoformat(),
            "due": (today - timedelta(days=1)).isoformat(),
            "amount_cents": 250_000,
        }
    ]
    data = scenario_data(
        "dunning",
        invoices=invoices,
        mailbox=[{**dispute_reply("INV-8001"), "when": {"after": "outbound", "delay_hours": 2}}],
        expectations=[{"type": "no_outreach", "invoice": "INV-8001", "after": "m1"}],
        persona={"profile": "late", "withholds": ["INV-8001"]},
        horizon_days=35,
    )
    simulation = await simulate(
        Scenario.model_validate(data),
        Contender.dunning(),
        seed=0,
        calibration=load_calibration(),
        policy=Policy(),
        directory=tmp_path,
    )
    try:
        with open_session(simulation.engine) as session:
            sent = list(
                session.exec(select(Message).where(Message.direction == Direction.OUTBOUND.value))
            )
            verdicts = session.exec(select(AuditEvent.verdict).where(AuditEvent.actor == "dunning"))
            assert set(verdicts) == {None}  # never asked the guardrails
        result = score(simulation)
    finally:
        simulation.engine.dispose()
    zone = ZoneInfo(TOKYO)
    local = [m.created_at.replace(tzinfo=ZoneInfo("UTC")).astimezone(zone) for m in sent]
    days_past_due = [(moment.date() - (today - timedelta(days=1))).days for moment in local]
    # Due on a Sunday: steps 3 and 10 fall on Wednesdays; 20, 27 and 34 on Saturdays,
    # so they go out on the Mondays after. Always at 10:00 local, on weekdays.
    assert days_past_due == [3, 10, 22, 29, 36]
    assert all(moment.hour == 10 and moment.weekday() < 5 for moment in local)
    assert {m.subject for m in sent} == {"Payment reminder: INV-8001"}
    assert result.disputed_reminders == 4  # every reminder after the dispute
    assert not result.expectations[0].met
