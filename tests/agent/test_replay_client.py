"""Recording a model's answers and replaying them through the same loop."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlmodel import col, select

from recoup.agent.clients.replay import RecordingModel, ReplayModel, exchange_key
from recoup.agent.clients.scripted import FunctionModel
from recoup.agent.loop import AgentDeps, RunResult, run_account
from recoup.chat import (
    ChatMessage,
    ModelClient,
    ModelError,
    ModelResponse,
    ToolCall,
    ToolSpec,
    Usage,
)
from recoup.clock import FixedClock
from recoup.ledger.db import session as open_session
from recoup.ledger.events import aging_event
from recoup.ledger.models import AgentRun, AuditEvent, Event, Message
from recoup.policy import Policy
from tests.support import factory
from tests.support.databases import postgres_engine, sqlite_engine

NUMBER = "INV-7001"


@contextmanager
def fresh_engine_like(engine: Engine, directory: Path) -> Iterator[Engine]:
    """A second, empty database on the same backend as ``engine``."""
    if engine.dialect.name == "postgresql":
        with postgres_engine() as other:
            yield other
    else:
        directory.mkdir()
        with sqlite_engine(directory) as other:
            yield other


def seed(
    engine: Engine, clock: FixedClock, *, amount_cents: int = 100_000
) -> tuple[int, list[Event]]:
    with open_session(engine) as session:
        owner = factory.customer(session, ref="C-REPLAY", email="ap@acme.example")
        inv = factory.invoice(
            session,
            owner,
            number=NUMBER,
            amount_cents=amount_cents,
            due=clock.now().date() - timedelta(days=12),
        )
        session.add(aging_event(inv, 1, now=clock.now()))
        session.commit()
        events = list(session.exec(select(Event).where(Event.customer_id == owner.id)))
        return owner.id or 0, events


def reminder_model() -> FunctionModel:
    def script(messages: list[ChatMessage], _tools: list[ToolSpec]) -> ModelResponse:
        turns = [m for m in messages if m["role"] == "assistant"]
        if not turns:
            return ModelResponse(
                tool_calls=[ToolCall(id="c1", name="get_account_state", arguments="{}")],
                usage=Usage(prompt_tokens=700, completion_tokens=9),
            )
        if len(turns) == 1:
            state = json.loads(messages[-1]["content"])
            open_cents = sum(i["open_cents"] for i in state["open_invoices"])
            args = {
                "to": ["ap@acme.example"],
                "subject": f"Invoice {NUMBER} is overdue",
                "body": f"Hello, {open_cents / 100:.2f} USD on {NUMBER} is 12 days overdue.",
                "tone": "friendly",
                "invoice_numbers": [NUMBER],
            }
            return ModelResponse(
                tool_calls=[ToolCall(id="c2", name="send_email", arguments=json.dumps(args))],
                usage=Usage(prompt_tokens=1500, completion_tokens=80),
            )
        return ModelResponse(
            content="Sent a friendly reminder.",
            usage=Usage(prompt_tokens=1700, completion_tokens=6),
        )

    return FunctionModel(script, name="scripted-reminder")


async def run_once(engine: Engine, clock: FixedClock, model: ModelClient) -> RunResult:
    customer_id, events = seed(engine, clock)
    deps = AgentDeps(engine=engine, clock=clock, policy=Policy(), model=model)
    return await run_account(deps, customer_id, events)


def ledger_effects(engine: Engine) -> dict[str, Any]:
    with open_session(engine) as session:
        outbox = list(session.exec(select(Message).order_by(col(Message.id))))
        actions = list(session.exec(select(AuditEvent.action).order_by(col(AuditEvent.id))))
        run = session.exec(select(AgentRun)).one()
    model_steps = [
        {key: step[key] for key in ("step", "content", "tool_calls", "usage")}
        for step in run.trace
        if step["type"] == "model"
    ]
    return {
        "outbox": [(m.to_addrs, m.subject, m.text, m.tone, m.status) for m in outbox],
        "actions": actions,
        "model_steps": model_steps,
        "outcome": run.outcome,
        "steps": run.steps,
        "tokens": (run.prompt_tokens, run.completion_tokens),
    }


async def test_a_recorded_run_replays_the_same_calls_on_a_fresh_ledger(
    engine: Engine, clock: FixedClock, tmp_path: Path
) -> None:
    record = tmp_path / "runs" / "reminder.jsonl"
    recorded = await run_once(engine, clock, RecordingModel(reminder_model(), record))
    assert recorded.outcome == "completed"
    lines = [json.loads(line) for line in record.read_text().splitlines()]
    assert [line["step"] for line in lines] == [1, 2, 3]
    assert {line["model"] for line in lines} == {"scripted-reminder"}

    with fresh_engine_like(engine, tmp_path / "fresh") as fresh:
        replayed = await run_once(fresh, FixedClock(clock.now()), ReplayModel(record))
        replayed_effects = ledger_effects(fresh)

    assert [(c.name, c.status, c.args) for c in replayed.calls] == [
        (c.name, c.status, c.args) for c in recorded.calls
    ]
    assert [c.name for c in replayed.calls] == ["get_account_state", "send_email"]
    assert (replayed.outcome, replayed.steps) == ("completed", 3)
    assert (replayed.prompt_tokens, replayed.completion_tokens) == (3900, 95)
    original = ledger_effects(engine)
    assert replayed_effects == original
    assert original["outbox"][0][1] == f"Invoice {NUMBER} is overdue"


async def test_a_run_that_diverges_is_stopped_with_the_step_named(
    engine: Engine, clock: FixedClock, tmp_path: Path
) -> None:
    record = tmp_path / "reminder.jsonl"
    await run_once(engine, clock, RecordingModel(reminder_model(), record))

    with fresh_engine_like(engine, tmp_path / "fresh") as fresh:
        # Same trigger, different ledger: step 1 is found, the account state differs.
        customer_id, events = seed(fresh, clock, amount_cents=250_000)
        deps = AgentDeps(engine=fresh, clock=clock, policy=Policy(), model=ReplayModel(record))
        result = await run_account(deps, customer_id, events)
        with open_session(fresh) as session:
            run = session.exec(select(AgentRun)).one()
            sent = list(session.exec(select(Message)))

    assert result.outcome == "model_error"
    assert [c.name for c in result.calls] == ["get_account_state"]
    assert sent == []
    errors = [step["error"] for step in run.trace if step["type"] == "model_error"]
    assert len(errors) == 1
    assert "replay miss at step 2" in errors[0]
    assert "tool result for call 'c1'" in errors[0]


async def test_repeated_requests_are_answered_in_recorded_order(tmp_path: Path) -> None:
    answers = iter(["first", "second"])
    inner = FunctionModel(lambda _m, _t: ModelResponse(content=next(answers)))
    record = tmp_path / "repeat.jsonl"
    recording = RecordingModel(inner, record)
    messages: list[ChatMessage] = [{"role": "user", "content": "same question"}]
    assert (await recording.complete(messages, [])).content == "first"
    assert (await recording.complete(messages, [])).content == "second"

    replay = ReplayModel(record)
    assert (await replay.complete(messages, [])).content == "first"
    assert (await replay.complete(messages, [])).content == "second"
    with pytest.raises(ModelError, match=r"step 1.*2 recorded answer\(s\) are used up"):
        await replay.complete(messages, [])


async def test_a_miss_is_reported_with_its_step(tmp_path: Path) -> None:
    record = tmp_path / "empty.jsonl"
    record.write_text("")
    messages: list[ChatMessage] = [
        {"role": "user", "content": "go"},
        {"role": "assistant", "content": None, "tool_calls": []},
        {"role": "tool", "tool_call_id": "c9", "content": "{}"},
        {"role": "assistant", "content": "thinking"},
        {"role": "user", "content": "and now?"},
    ]
    with pytest.raises(ModelError, match=r"replay miss at step 3: .*empty\.jsonl.*a user message"):
        await ReplayModel(record).complete(messages, [])


def test_the_key_ignores_dict_order_and_generated_ids_but_not_content() -> None:
    tools: list[ToolSpec] = [{"type": "function", "function": {"name": "f", "strict": True}}]
    same_tools: list[ToolSpec] = [{"function": {"strict": True, "name": "f"}, "type": "function"}]
    one: list[ChatMessage] = [
        {
            "role": "tool",
            "tool_call_id": "c1",
            "content": '{"message_id": "0a1b2c3d4e5f60718293a4b5c6d7e8f9@x"}',
        }
    ]
    other: list[ChatMessage] = [
        {
            "content": '{"message_id": "ffffeeeeddddccccbbbbaaaa99998888@x"}',
            "tool_call_id": "c1",
            "role": "tool",
        }
    ]
    assert exchange_key(one, tools) == exchange_key(other, same_tools)
    changed: list[ChatMessage] = [{**one[0], "tool_call_id": "c2"}]
    assert exchange_key(changed, tools) != exchange_key(one, tools)
    assert exchange_key(one, []) != exchange_key(one, tools)
    two = [{"role": "user", "content": "a"}, {"role": "user", "content": "b"}]
    assert exchange_key(two, []) != exchange_key(list(reversed(two)), [])


async def test_a_failed_call_is_not_recorded(tmp_path: Path) -> None:
    def failing(_m: list[ChatMessage], _t: list[ToolSpec]) -> ModelResponse:
        raise ModelError("server unavailable")

    record = tmp_path / "failed.jsonl"
    with pytest.raises(ModelError, match="server unavailable"):
        await RecordingModel(FunctionModel(failing), record).complete([], [])
    assert not record.exists() or record.read_text() == ""


def test_a_damaged_record_is_refused_with_its_line(tmp_path: Path) -> None:
    record = tmp_path / "damaged.jsonl"
    good = {"key": "k", "step": 1, "model": "m", "response": {"content": "hi"}}
    record.write_text(json.dumps(good) + "\n" + '{"key": "k2"\n')
    with pytest.raises(ValueError, match=r"damaged\.jsonl:2"):
        ReplayModel(record)
