"""The loop that works one account for one trigger: model ⇄ tools, until the
model stops or the step budget runs out. Every step lands in the run's trace.

No database transaction is held while the model thinks: each tool call is
checked, run and committed on its own, so concurrent runs never wait on each
other's locks and a crash loses at most the call in flight. The run keeps one
session and one snapshot of the account (``RunContext``) from start to finish:
calls that only read cost no statement, and a call that acts re-reads only what
changed. The run's row is written with its first write, and closed in the last
transaction, together with the caller's own last writes (``on_finish``).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import structlog
from sqlalchemy import Engine
from sqlmodel import Session

from recoup.agent import spans
from recoup.agent.execute import CallOutcome, execute_call, may_write
from recoup.agent.finish import finish_account
from recoup.agent.trigger import build_trigger, describe
from recoup.chat import ChatMessage, ModelClient, ModelError, ModelResponse, ToolSpec, Usage
from recoup.clock import Clock
from recoup.ledger.db import session as open_session
from recoup.ledger.models import AgentRun, Event
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


OnFinish = Callable[[Session, int], None]


async def run_account(
    deps: AgentDeps,
    customer_id: int,
    events: list[Event],
    *,
    on_finish: OnFinish | None = None,
) -> RunResult:
    """Work one account for ``events``. ``on_finish(session, run_id)``: the caller's
    last writes, committed with the run's close."""
    started = time.perf_counter()
    with open_session(deps.engine) as session:
        run = AgentRun(
            customer_id=customer_id,
            trigger=describe(events)[:200],
            model=deps.model.name[:120],
            started_at=deps.clock.now(),
        )
        ctx = deps.context(session, customer_id, None)
        trigger = build_trigger(session, events, deps.clock.now())
        account_ref = ctx.account().customer.ref
        session.commit()  # reads only: ends the read transaction (PostgreSQL)
        talk = _Conversation(
            messages=[
                {"role": "system", "content": system_prompt(deps.policy)},
                {"role": "user", "content": trigger_message(trigger)},
            ],
            trace=[{"type": "trigger", "trigger": trigger}],
        )
        with spans.run_span(deps.model, account_ref=account_ref) as span:
            await _converse(deps, ctx, run, talk)
            _close_run(deps, ctx, run, talk, started, on_finish)
            spans.end_run(
                span, run_id=run.id or 0, outcome=talk.outcome, steps=talk.steps, usage=talk.usage
            )
    log.info(
        "agent_run",
        run_id=run.id,
        customer_id=customer_id,
        outcome=talk.outcome,
        steps=talk.steps,
        calls=[f"{c.name}:{c.status}" for c in talk.calls],
    )
    return RunResult(
        run.id or 0,
        customer_id,
        talk.outcome,
        talk.steps,
        talk.calls,
        talk.usage.prompt_tokens,
        talk.usage.completion_tokens,
    )


def _record_run(ctx: RunContext, run: AgentRun) -> None:
    """Write the run's row in the current transaction, once: what follows is audited
    under its id."""
    if run.id is None:
        ctx.session.add(run)
        ctx.session.flush()
        ctx.run_id = run.id


async def _converse(deps: AgentDeps, ctx: RunContext, run: AgentRun, talk: _Conversation) -> None:
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
        _run_calls(deps, ctx, run, talk, response)


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
    deps: AgentDeps, ctx: RunContext, run: AgentRun, talk: _Conversation, response: ModelResponse
) -> None:
    """Check, run and commit each call the model made, one transaction a call."""
    for call in response.tool_calls:
        if may_write(deps.registry, call.name, call.arguments):
            _record_run(ctx, run)
        result = execute_call(ctx, deps.registry, call.name, call.arguments, call_id=call.id)
        ctx.session.commit()
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
    deps: AgentDeps,
    ctx: RunContext,
    run: AgentRun,
    talk: _Conversation,
    started: float,
    on_finish: OnFinish | None,
) -> None:
    """Leave the account with a next step and store the run's trace and figures, with
    the caller's last writes, in one transaction."""
    _record_run(ctx, run)
    talk.trace.extend(finish_account(ctx, talk.outcome))
    run.finished_at = deps.clock.now()
    run.steps = talk.steps
    run.prompt_tokens = talk.usage.prompt_tokens
    run.completion_tokens = talk.usage.completion_tokens
    run.latency_ms = round((time.perf_counter() - started) * 1000)
    run.outcome = talk.outcome
    run.trace = talk.trace
    if on_finish is not None:
        on_finish(ctx.session, run.id or 0)
    ctx.session.commit()


def _tool_content(result: CallOutcome) -> str:
    return json.dumps(result.result, ensure_ascii=False, default=str)
