"""The spans of a real run with the offline model, read with the SDK's in-memory exporter."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta

import pytest
from opentelemetry import trace
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from sqlalchemy import Engine
from sqlmodel import select

from recoup.agent.clients.offline import OfflineModel
from recoup.agent.loop import AgentDeps
from recoup.agent.runner import Runner
from recoup.clock import FixedClock
from recoup.ledger.db import session as open_session
from recoup.ledger.events import event
from recoup.ledger.models import AgentRun, AuditEvent, EventKind
from recoup.policy import Policy
from tests.support import factory

CONTACT = "dana.payables@acme.example"
REPLY = (
    "Hi, we will pay invoice {number} in full on 20 March. "
    "Our new bank reference is PRIVATE-7781, please keep it confidential."
)
EXPORTER = InMemorySpanExporter()


@pytest.fixture
def exported() -> Iterator[InMemorySpanExporter]:
    provider = trace.get_tracer_provider()
    if not isinstance(provider, TracerProvider):
        provider = TracerProvider()
        trace.set_tracer_provider(provider)
    if not getattr(provider, "_recoup_test_exporter", False):
        provider.add_span_processor(SimpleSpanProcessor(EXPORTER))
        provider._recoup_test_exporter = True  # type: ignore[attr-defined]
    EXPORTER.clear()
    yield EXPORTER
    EXPORTER.clear()


def _customer_replies(engine: Engine, clock: FixedClock) -> tuple[str, str, str]:
    """An overdue account whose contact just promised to pay; its ref, invoice and reply."""
    with open_session(engine) as session:
        owner = factory.customer(session, ref="ACME-0042", email=CONTACT)
        invoice = factory.invoice(session, owner, due=clock.now().date() - timedelta(days=20))
        text = REPLY.format(number=invoice.number)
        message = factory.inbound(
            session, owner, text, at=clock.now() - timedelta(minutes=5), from_addr=CONTACT
        )
        session.add(event(owner.id or 0, EventKind.MESSAGE, now=clock.now(), ref_id=message.id))
        session.commit()
        return owner.ref, invoice.number, text


def _by_name(spans: tuple[ReadableSpan, ...], prefix: str) -> list[ReadableSpan]:
    return [span for span in spans if span.name.startswith(prefix)]


async def test_a_run_has_one_span_with_a_span_per_model_call_and_tool_call(
    engine: Engine, clock: FixedClock, exported: InMemorySpanExporter
) -> None:
    ref, _number, _text = _customer_replies(engine, clock)
    deps = AgentDeps(engine=engine, clock=clock, policy=Policy(), model=OfflineModel())
    report = await Runner(deps).tick()
    assert report.leased == 1 and not report.errors

    spans = exported.get_finished_spans()
    [run] = _by_name(spans, "invoke_agent")
    chats = _by_name(spans, "chat ")
    tools = _by_name(spans, "execute_tool ")
    assert run.attributes is not None
    assert run.attributes["gen_ai.operation.name"] == "invoke_agent"
    assert run.attributes["gen_ai.request.model"] == "offline"
    assert run.attributes["recoup.account.ref"] == ref
    assert run.attributes["recoup.run.outcome"] == "completed"

    with open_session(engine) as session:
        stored = session.exec(select(AgentRun)).one()
    assert run.attributes["recoup.run.id"] == stored.id
    assert run.attributes["recoup.run.steps"] == stored.steps == len(chats)
    assert run.attributes["gen_ai.usage.input_tokens"] == stored.prompt_tokens > 0
    assert run.attributes["gen_ai.usage.output_tokens"] == stored.completion_tokens
    assert sum(c.attributes["gen_ai.usage.input_tokens"] for c in chats) == stored.prompt_tokens  # type: ignore[index,misc]

    for child in (*chats, *tools):
        assert child.parent is not None and child.parent.span_id == run.context.span_id
        assert child.context.trace_id == run.context.trace_id
    assert {c.attributes["gen_ai.operation.name"] for c in chats} == {"chat"}  # type: ignore[index]

    called = [ToolSpanView.of(span) for span in tools]
    assert all(view.call_id for view in called)
    assert len({view.call_id for view in called}) == len(called)
    traced = [entry for entry in stored.trace if entry["type"] == "tool"]
    assert [(v.name, v.status, v.rule_id) for v in called] == [
        (entry["name"], entry["status"], entry["rule"]) for entry in traced
    ]
    held = [view for view in called if view.status == "held"]
    assert [view.verdict for view in held] == ["needs_approval"] * len(held)
    assert {view.name for view in called} >= {"get_account_state", "log_promise"}


async def test_no_span_carries_the_customers_text_or_addresses(
    engine: Engine, clock: FixedClock, exported: InMemorySpanExporter
) -> None:
    _ref, _number, text = _customer_replies(engine, clock)
    deps = AgentDeps(engine=engine, clock=clock, policy=Policy(), model=OfflineModel())
    await Runner(deps).tick()
    spans = exported.get_finished_spans()
    assert spans
    values = [str(value) for span in spans for value in (span.attributes or {}).values()]
    values += [span.name for span in spans]
    values += [str(v) for span in spans for e in span.events for v in (e.attributes or {}).values()]
    for value in values:
        assert "acme.example" not in value, value
        assert "PRIVATE-7781" not in value
        assert text[:40] not in value


async def test_a_denied_call_carries_the_guardrail_verdict_and_rule(
    engine: Engine, clock: FixedClock, exported: InMemorySpanExporter
) -> None:
    _customer_replies(engine, clock)
    paused = Policy(paused=True, pause_reason="month-end close")
    deps = AgentDeps(engine=engine, clock=clock, policy=paused, model=OfflineModel())
    await Runner(deps).tick()
    views = [ToolSpanView.of(span) for span in _by_name(exported.get_finished_spans(), "execute")]
    with open_session(engine) as session:
        denied = [a for a in session.exec(select(AuditEvent).where(AuditEvent.verdict == "deny"))]
    assert denied, "a paused policy denies outreach"
    assert [(v.name, v.rule_id) for v in views if v.verdict == "deny"] == [
        (a.action, a.rule_id) for a in denied
    ]


@dataclass(frozen=True)
class ToolSpanView:
    name: str
    call_id: str
    status: str
    verdict: str | None
    rule_id: str | None

    @classmethod
    def of(cls, span: ReadableSpan) -> ToolSpanView:
        attributes = dict(span.attributes or {})
        assert attributes["gen_ai.operation.name"] == "execute_tool"
        verdict = attributes.get("recoup.guardrail.verdict")
        rule = attributes.get("recoup.guardrail.rule_id")
        return cls(
            str(attributes["gen_ai.tool.name"]),
            str(attributes["gen_ai.tool.call.id"]),
            str(attributes["recoup.tool.status"]),
            str(verdict) if verdict is not None else None,
            str(rule) if rule is not None else None,
        )
