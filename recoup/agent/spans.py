"""OpenTelemetry spans around each agent run, model call and tool call.

Only the OpenTelemetry API is a dependency: with no SDK configured every span
is a no-op. A deployment that installs the SDK and an exporter (for example
through ``opentelemetry-instrument``) receives them. Attribute names follow the
GenAI semantic conventions where they fit; recoup's own are under ``recoup.``.
Spans carry identifiers, counts and verdicts, never the customer's text or
addresses.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from opentelemetry import trace
from opentelemetry.trace import Span, Status, StatusCode

from recoup.chat import ModelClient, Usage

tracer = trace.get_tracer("recoup.agent")

AGENT_NAME = "recoup"


def model_id(model: ModelClient) -> str:
    """The provider's model id when the client knows it, else the client's name."""
    return str(getattr(model, "model", model.name))


@contextmanager
def _span(name: str) -> Iterator[Span]:
    """A current span that names an exception's type only: its message may quote mail."""
    with tracer.start_as_current_span(
        name, record_exception=False, set_status_on_exception=False
    ) as span:
        try:
            yield span
        except Exception as exc:
            span.set_attribute("error.type", type(exc).__qualname__)
            span.set_status(Status(StatusCode.ERROR))
            raise


@contextmanager
def run_span(model: ModelClient, *, account_ref: str) -> Iterator[Span]:
    with _span(f"invoke_agent {AGENT_NAME}") as span:
        span.set_attributes(
            {
                "gen_ai.operation.name": "invoke_agent",
                "gen_ai.agent.name": AGENT_NAME,
                "gen_ai.request.model": model_id(model),
                "recoup.account.ref": account_ref,
            }
        )
        yield span


def end_run(span: Span, *, run_id: int, outcome: str, steps: int, usage: Usage) -> None:
    span.set_attributes(
        {
            "recoup.run.id": run_id,
            "recoup.run.outcome": outcome,
            "recoup.run.steps": steps,
            "gen_ai.usage.input_tokens": usage.prompt_tokens,
            "gen_ai.usage.output_tokens": usage.completion_tokens,
        }
    )
    if outcome != "completed":
        span.set_status(Status(StatusCode.ERROR, outcome))


@contextmanager
def model_span(model: ModelClient, *, step: int) -> Iterator[Span]:
    name = model_id(model)
    with _span(f"chat {name}") as span:
        span.set_attributes(
            {"gen_ai.operation.name": "chat", "gen_ai.request.model": name, "recoup.step": step}
        )
        yield span


def model_answered(span: Span, usage: Usage, *, tool_calls: int) -> None:
    span.set_attributes(
        {
            "gen_ai.usage.input_tokens": usage.prompt_tokens,
            "gen_ai.usage.output_tokens": usage.completion_tokens,
            "recoup.tool_calls": tool_calls,
        }
    )


def model_failed(span: Span, error: Exception) -> None:
    span.set_attribute("error.type", type(error).__qualname__)
    span.set_status(Status(StatusCode.ERROR))


@contextmanager
def tool_span(name: str, *, call_id: str | None) -> Iterator[Span]:
    with _span(f"execute_tool {name}") as span:
        span.set_attributes({"gen_ai.operation.name": "execute_tool", "gen_ai.tool.name": name})
        if call_id is not None:
            span.set_attribute("gen_ai.tool.call.id", call_id)
        yield span


def tool_done(span: Span, *, status: str, verdict: str | None, rule_id: str | None) -> None:
    span.set_attribute("recoup.tool.status", status)
    if verdict is not None:
        span.set_attribute("recoup.guardrail.verdict", verdict)
    if rule_id is not None:
        span.set_attribute("recoup.guardrail.rule_id", rule_id)
    if status in {"invalid", "failed"}:
        span.set_status(Status(StatusCode.ERROR, status))
