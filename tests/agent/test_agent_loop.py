from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import Engine
from sqlmodel import select

from recoup.agent.clients.scripted import FunctionModel
from recoup.agent.loop import AgentDeps
from recoup.agent.runner import Runner
from recoup.chat import ChatMessage, ModelResponse, ToolCall, ToolSpec
from recoup.clock import FixedClock
from recoup.ledger.db import session as open_session
from recoup.ledger.events import aging_event
from recoup.ledger.models import AgentRun, AuditEvent, Escalation, Event, Message
from recoup.policy import Policy
from tests.support import factory


def _seed(engine: Engine, clock: FixedClock) -> tuple[int, str]:
    with open_session(engine) as session:
        owner = factory.customer(session, email="ap@acme.example")
        inv = factory.invoice(session, owner, due=clock.now().date() - timedelta(days=12))
        session.add(aging_event(inv, 1, now=clock.now()))
        session.commit()
        return owner.id or 0, inv.number


def _reminder_script(number: str) -> FunctionModel:
    def script(messages: list[ChatMessage], _tools: list[ToolSpec]) -> ModelResponse:
        turns = [m for m in messages if m["role"] == "assistant"]
        if not turns:
            return ModelResponse(
                tool_calls=[ToolCall(id="c1", name="get_account_state", arguments="{}")]
            )
        if len(turns) == 1:
            args = {
                "to": ["ap@acme.example"],
                "subject": f"Invoice {number} is overdue",
                "body": f"Hello, invoice {number} for $1,000.00 is 12 days overdue.",
                "tone": "friendly",
                "invoice_numbers": [number],
            }
            return ModelResponse(
                tool_calls=[ToolCall(id="c2", name="send_email", arguments=json.dumps(args))]
            )
        return ModelResponse(content="Sent a friendly reminder.")

    return FunctionModel(script)


async def test_a_run_queues_a_checked_email_and_sets_a_next_step(
    engine: Engine, clock: FixedClock
) -> None:
    customer_id, number = _seed(engine, clock)
    deps = AgentDeps(engine=engine, clock=clock, policy=Policy(), model=_reminder_script(number))
    report = await Runner(deps).tick()
    assert report.leased == 1 and not report.errors
    with open_session(engine) as session:
        outbox = list(session.exec(select(Message).where(Message.customer_id == customer_id)))
        assert [m.subject for m in outbox] == [f"Invoice {number} is overdue"]
        assert outbox[0].status == "queued"
        run = session.exec(select(AgentRun)).one()
        assert run.outcome == "completed" and run.steps == 3
        pending = list(session.exec(select(Event).where(Event.processed_at.is_(None))))  # type: ignore[union-attr]
        kinds = sorted(e.kind for e in pending)
        assert kinds == ["aging", "followup_due"]
        assert session.exec(select(AuditEvent).where(AuditEvent.action == "send_email")).one()
    # Nothing is due any more: a second tick does nothing.
    again = await Runner(deps).tick()
    assert again.due == 0


async def test_step_budget_escalates(engine: Engine, clock: FixedClock) -> None:
    _seed(engine, clock)

    def looping(_m: list[ChatMessage], _t: list[ToolSpec]) -> ModelResponse:
        return ModelResponse(
            tool_calls=[ToolCall(id="x", name="get_account_state", arguments="{}")]
        )

    deps = AgentDeps(engine=engine, clock=clock, policy=Policy(), model=FunctionModel(looping))
    report = await Runner(deps).tick()
    assert report.results[0].outcome == "step_budget"
    with open_session(engine) as session:
        escalation = session.exec(select(Escalation)).one()
        assert escalation.category == "step_budget"
