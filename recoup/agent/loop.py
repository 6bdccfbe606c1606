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

from recoup.agent.execute import CallOutcome, execute_call
from recoup.agent.finish import finish_account
from recoup.agent.trigger import build_trigger, describe
from recoup.chat import ChatMessage, ModelClient, ModelError
from recoup.clock import Clock
from recoup.ledger.db import session as open_session
from recoup.ledger.models import AgentRun, Event
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


async def run_account(deps: AgentDeps, customer_id: int, events: list[Event]) -> RunResult:
    started = time.perf_counter()
    with open_session(deps.engine) as session:
        run = AgentRun(
            customer_id=customer_id,
            trigger=describe(events)[:200],
            model=deps.model.name[:120],
            started_at=deps.clock.now(),
        )
        session.add(run)
        trigger = build_trigger(session, events, deps.clock.now())
        session.commit()
        run_id = run.id or 0

    messages: list[ChatMessage] = [
        {"role": "system", "content": system_prompt(deps.policy)},
        {"role": "user", "content": trigger_message(trigger)},
    ]
    trace: list[dict[str, Any]] = [{"type": "trigger", "trigger": trigger}]
    calls: list[CallOutcome] = []
    tokens = [0, 0]
    outcome = "completed"
    steps = 0
    tools = deps.registry.specs()
    while True:
        if steps >= deps.policy.cadence.max_agent_steps:
            outcome = "step_budget"
            break
        steps += 1
        model_started = time.perf_counter()
        try:
            response = await deps.model.complete(messages, tools)
        except ModelError as exc:
            trace.append({"type": "model_error", "step": steps, "error": str(exc)[:500]})
            outcome = "model_error"
            break
        tokens[0] += response.usage.prompt_tokens
        tokens[1] += response.usage.completion_tokens
        trace.append(
            {
                "type": "model",
                "step": steps,
                "content": (response.content or "")[:TRACE_TEXT_CHARS],
                "tool_calls": [c.model_dump() for c in response.tool_calls],
                "latency_ms": round((time.perf_counter() - model_started) * 1000),
                "usage": response.usage.model_dump(),
            }
        )
        messages.append(response.as_message())
        if not response.tool_calls:
            break
        with open_session(deps.engine) as session:
            ctx = deps.context(session, customer_id, run_id)
            for call in response.tool_calls:
                result = execute_call(ctx, deps.registry, call.name, call.arguments)
                session.commit()
                calls.append(result)
                trace.append(
                    {
                        "type": "tool",
                        "step": steps,
                        "name": call.name,
                        "status": result.status,
                        "rule": result.verdict.rule_id if result.verdict else None,
                        "result": result.result if call.name != "get_account_state" else "…",
                    }
                )
                messages.append(
                    {"role": "tool", "tool_call_id": call.id, "content": _tool_content(result)}
                )

    with open_session(deps.engine) as session:
        finishing = finish_account(
            session,
            customer_id,
            outcome,
            now=deps.clock.now(),
            policy=deps.policy,
            actor=Actor("system", run_id),
        )
        trace.extend(finishing)
        run = session.get(AgentRun, run_id)
        assert run is not None
        run.finished_at = deps.clock.now()
        run.steps = steps
        run.prompt_tokens, run.completion_tokens = tokens
        run.latency_ms = round((time.perf_counter() - started) * 1000)
        run.outcome = outcome
        run.trace = trace
        session.commit()
    log.info(
        "agent_run",
        run_id=run_id,
        customer_id=customer_id,
        outcome=outcome,
        steps=steps,
        calls=[f"{c.name}:{c.status}" for c in calls],
    )
    return RunResult(run_id, customer_id, outcome, steps, calls, tokens[0], tokens[1])


def _tool_content(result: CallOutcome) -> str:
    return json.dumps(result.result, ensure_ascii=False, default=str)
