"""The loop that works one account for one trigger: model ⇄ tools, until the
model stops or the step budget runs out. Every step lands in the run's trace.

No database transaction is held while the model thinks: each tool call is
checked, run and committed on its own, so concurrent runs never wait on each
other's locks and a crash loses at most the call in flight.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Any

import structlog
from sqlalchemy import Engine
from sqlmodel import Session

from recoup.agent import spans
from recoup.agent.execute import CallOutcome, execute_call
from recoup.agent.finish import finish_account
from recoup.agent.trigger import build_trigger, describe
from recoup.chat import ChatMessage, ModelClient, ModelError, ModelResponse, ToolSpec, Usage
from recoup.clock import Clock
from recoup.ledger.db import session as open_session
from recoup.ledger.models import AgentRun, Customer, Event
from recoup.ledger.operations.actor import Actor
from recoup.policy import Policy
from recoup.prompts import system_prompt, trigger_message
from recoup.tools.base import RunContext
from recoup.tools.registry import ToolRegistry, default_registry

log = structlog.get_logger(__name__)
TRACE_TEXT_CHARS = 2000


@dataclass
class AgentDeps:
    engine: Engine
    clock: Clock
    policy: Policy
    model: ModelClient
    registry: ToolRegistry = field(default_factory=default_registry)
    mail_from: str = "ar@recoup.example"

    def context(self, session: Session, customer_id: int, run_id: int | None) -> RunContext:
        return RunContext(
            session=session,
            customer_id=customer_id,
            clock=self.clock,
            policy=self.policy,
            run_id=run_id,
            mail_from=self.mail_from,
        )


@dataclass
class RunResult:
    run_id: int
    customer_id: int
    outcome: str
    steps: int
    calls: list[CallOutcome]
    prompt_tokens: int = 0
    completion_tokens: int = 0


@dataclass
class _Conversation:
    """What one run has said, done and spent so far."""

    messages: list[ChatMessage]
    trace: list[dict[str, Any]]
    calls: list[CallOutcome] = field(default_factory=list)
    usage: Usage = field(default_factory=Usage)
    outcome: str = "completed"
    steps: int = 0


async def run_account(deps: AgentDeps, customer_id: int, events: list[Event]) -> RunResult:
    started = time.perf_counter()
    run_id, trigger, account_ref = _open_run(deps, customer_id, events)
    talk = _Conversation(
        messages=[
            {"role": "system", "content": system_prompt(deps.policy)},
            {"role": "user", "content": trigger_message(trigger)},
        ],
        trace=[{"type": "trigger", "trigger": trigger}],
    )
    with spans.run_span(deps.model, account_ref=account_ref, run_id=run_id) as span:
        await _converse(deps, customer_id, run_id, talk)
        _close_run(deps, customer_id, run_id, talk, started)
        spans.end_run(span, outcome=talk.outcome, steps=talk.steps, usage=talk.usage)
    log.info(
        "agent_run",
        run_id=run_id,
        customer_id=customer_id,
        outcome=talk.outcome,
        steps=talk.steps,
        calls=[f"{c.name}:{c.status}" for c in talk.calls],
    )
    return RunResult(
        run_id,
        customer_id,
        talk.outcome,
        talk.steps,
        talk.calls,
        talk.usage.prompt_tokens,
        talk.usage.completion_tokens,
    )


def _open_run(
    deps: AgentDeps, customer_id: int, events: list[Event]
) -> tuple[int, dict[str, Any], str]:
    """Record the run and build its trigger: the run id, the trigger, the account's ref."""
    with open_session(deps.engine) as session:
        run = AgentRun(
            customer_id=customer_id,
            trigger=describe(events)[:200],
            model=deps.model.name[:120],
            started_at=deps.clock.now(),
        )
        session.add(run)
        trigger = build_trigger(session, events, deps.clock.now())
        customer = session.get(Customer, customer_id)
        session.commit()
        return run.id or 0, trigger, customer.ref if customer is not None else ""


async def _converse(deps: AgentDeps, customer_id: int, run_id: int, talk: _Conversation) -> None:
    """Model ⇄ tools until the model stops asking, fails, or the step budget runs out."""
    tools = deps.registry.specs()
    while True:
        if talk.steps >= deps.policy.cadence.max_agent_steps:
            talk.outcome = "step_budget"
            return
        talk.steps += 1
        response = await _ask_model(deps, talk, tools)
        if response is None:
            talk.outcome = "model_error"
            return
        if not response.tool_calls:
            return
        _run_calls(deps, customer_id, run_id, talk, response)


async def _ask_model(
    deps: AgentDeps, talk: _Conversation, tools: list[ToolSpec]
) -> ModelResponse | None:
    """One model call, traced; None when the model could not answer."""
    started = time.perf_counter()
    with spans.model_span(deps.model, step=talk.steps) as span:
        try:
            response = await deps.model.complete(talk.messages, tools)
        except ModelError as exc:
            spans.model_failed(span, exc)
            talk.trace.append({"type": "model_error", "step": talk.steps, "error": str(exc)[:500]})
            return None
        spans.model_answered(span, response.usage, tool_calls=len(response.tool_calls))
    talk.usage.prompt_tokens += response.usage.prompt_tokens
    talk.usage.completion_tokens += response.usage.completion_tokens
    talk.trace.append(
        {
            "type": "model",
            "step": talk.steps,
            "content": (response.content or "")[:TRACE_TEXT_CHARS],
            "tool_calls": [c.model_dump() for c in response.tool_calls],
            "latency_ms": round((time.perf_counter() - started) * 1000),
            "usage": response.usage.model_dump(),
        }
    )
    talk.messages.append(response.as_message())
    return response


def _run_calls(
    deps: AgentDeps, customer_id: int, run_id: int, talk: _Conversation, response: ModelResponse
) -> None:
    """Check, run and commit each call the model made, one transaction a call."""
    with open_session(deps.engine) as session:
        ctx = deps.context(session, customer_id, run_id)
        for call in response.tool_calls:
            result = execute_call(ctx, deps.registry, call.name, call.arguments, call_id=call.id)
            session.commit()
            talk.calls.append(result)
            talk.trace.append(
                {
                    "type": "tool",
                    "step": talk.steps,
                    "name": call.name,
                    "status": result.status,
                    "rule": result.verdict.rule_id if result.verdict else None,
                    "result": result.result if call.name != "get_account_state" else "…",
                }
            )
            talk.messages.append(
                {"role": "tool", "tool_call_id": call.id, "content": _tool_content(result)}
            )


def _close_run(
    deps: AgentDeps, customer_id: int, run_id: int, talk: _Conversation, started: float
) -> None:
    """Leave the account with a next step and store the run's trace and figures."""
    with open_session(deps.engine) as session:
        finishing = finish_account(
            session,
            customer_id,
            talk.outcome,
            now=deps.clock.now(),
            policy=deps.policy,
            actor=Actor("system", run_id),
        )
        talk.trace.extend(finishing)
        run = session.get(AgentRun, run_id)
        assert run is not None
        run.finished_at = deps.clock.now()
        run.steps = talk.steps
        run.prompt_tokens = talk.usage.prompt_tokens
        run.completion_tokens = talk.usage.completion_tokens
        run.latency_ms = round((time.perf_counter() - started) * 1000)
        run.outcome = talk.outcome
        run.trace = talk.trace
        session.commit()


def _tool_content(result: CallOutcome) -> str:
    return json.dumps(result.result, ensure_ascii=False, default=str)
