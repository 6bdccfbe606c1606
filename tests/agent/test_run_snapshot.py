"""A run keeps its snapshot of the account across calls, yet every call that acts is
checked against the account as it stands: another writer's change and the run's own
writes are both seen."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import Engine, event
from sqlmodel import col, select

from recoup.agent.clients.scripted import FunctionModel
from recoup.agent.loop import AgentDeps
from recoup.agent.runner import Runner
from recoup.chat import ChatMessage, ModelResponse, ToolCall, ToolSpec
from recoup.clock import FixedClock
from recoup.ledger.db import session as open_session
from recoup.ledger.events import aging_event
from recoup.ledger.models import AgentRun, Customer, Dispute, DisputeReason, Event, Invoice
from recoup.policy import Policy
from tests.support import factory


def _overdue_account(engine: Engine, clock: FixedClock) -> tuple[int, str]:
    with open_session(engine) as session:
        owner = factory.customer(session)
        invoice = factory.invoice(session, owner, due=clock.now().date() - timedelta(days=9))
        session.add(aging_event(invoice, 1, now=clock.now()))
        session.commit()
        return owner.id or 0, invoice.number


def _reminder(number: str, email: str) -> ToolCall:
    args = {
        "to": [email],
        "subject": f"Invoice {number} is overdue",
        "body": f"Hello, invoice {number} is overdue. When will it be paid?",
        "tone": "friendly",
        "invoice_numbers": [number],
    }
    return ToolCall(id="r", name="send_email", arguments=json.dumps(args))


def _script(
    steps: list[Callable[[dict[str, object]], list[ToolCall]]],
) -> Callable[[list[ChatMessage], list[ToolSpec]], ModelResponse]:
    """Read the account first, then one step a turn; each step sees the state read."""

    def script(messages: list[ChatMessage], _tools: list[ToolSpec]) -> ModelResponse:
        turns = sum(1 for m in messages if m["role"] == "assistant")
        if turns == 0:
            return ModelResponse(
                tool_calls=[ToolCall(id="s", name="get_account_state", arguments="{}")]
            )
        state = next(
            json.loads(m["content"])
            for m in messages
            if m["role"] == "tool" and m.get("tool_call_id") == "s"
        )
        if turns <= len(steps):
            return ModelResponse(tool_calls=steps[turns - 1](state))
        return ModelResponse(content="done")

    return script


def _run(engine: Engine, clock: FixedClock, script: FunctionModel) -> AgentRun:
    runner = Runner(AgentDeps(engine, clock, Policy(), script))
    report = asyncio.run(runner.tick())
    assert not report.errors and len(report.results) == 1
    with open_session(engine) as session:
        run = session.exec(select(AgentRun)).one()
        return run


def _statuses(run: AgentRun) -> dict[str, tuple[str, str | None]]:
    return {
        step["name"]: (step["status"], step["rule"])
        for step in run.trace or []
        if step["type"] == "tool"
    }


def test_a_dispute_opened_elsewhere_while_the_model_thinks_stops_the_reminder(
    engine: Engine, clock: FixedClock
) -> None:
    customer_id, number = _overdue_account(engine, clock)

    def dispute_lands_then_remind(state: dict[str, object]) -> list[ToolCall]:
        # A person opens a dispute on the invoice between the model's read and its act.
        with open_session(engine) as other:
            invoice_id = other.exec(select(Invoice.id).where(Invoice.number == number)).one()
            assert invoice_id is not None
            other.add(
                Dispute(
                    customer_id=customer_id,
                    invoice_id=invoice_id,
                    amount_cents=100_000,
                    reason=DisputeReason.PRICE.value,
                    opened_at=clock.now(),
                )
            )
            other.commit()
        contacts = state["contacts"]
        assert isinstance(contacts, list)
        return [_reminder(number, contacts[0]["email"])]

    run = _run(engine, clock, FunctionModel(_script([dispute_lands_then_remind])))

    assert _statuses(run)["send_email"] == ("denied", "hold.dispute")


def test_the_runs_own_write_is_seen_by_its_next_call(engine: Engine, clock: FixedClock) -> None:
    _, number = _overdue_account(engine, clock)

    def promise(_state: dict[str, object]) -> list[ToolCall]:
        on = (clock.now() + timedelta(days=7)).date().isoformat()
        args = {"promised_date": on, "invoice_numbers": [number]}
        return [ToolCall(id="p", name="log_promise", arguments=json.dumps(args))]

    def remind(state: dict[str, object]) -> list[ToolCall]:
        contacts = state["contacts"]
        assert isinstance(contacts, list)
        return [_reminder(number, contacts[0]["email"])]

    run = _run(engine, clock, FunctionModel(_script([promise, remind])))

    statuses = _statuses(run)
    assert statuses["log_promise"] == ("ok", None)
    assert statuses["send_email"] == ("denied", "hold.promise")


def test_a_reminder_decision_writes_in_two_transactions_and_reads_while_thinking_nothing(
    engine: Engine, clock: FixedClock
) -> None:
    _overdue_account(engine, clock)
    wrote = [False]
    write_commits: list[int] = []

    def statement(_conn: object, _cursor: object, sql: str, *_rest: object) -> None:
        if not sql.lstrip().upper().startswith(("SELECT", "SAVEPOINT", "RELEASE")):
            wrote[0] = True

    def commit(_conn: object) -> None:
        if wrote[0]:
            write_commits.append(1)
        wrote[0] = False

    def remind(state: dict[str, object]) -> list[ToolCall]:
        invoices = state["open_invoices"]
        contacts = state["contacts"]
        assert isinstance(invoices, list) and isinstance(contacts, list)
        return [_reminder(invoices[0]["number"], contacts[0]["email"])]

    runner = Runner(AgentDeps(engine, clock, Policy(), FunctionModel(_script([remind]))))
    with open_session(engine) as session:
        leased = runner.lease(session, runner.due_accounts(session))
    event.listen(engine, "before_cursor_execute", statement)
    event.listen(engine, "commit", commit)
    try:
        result = asyncio.run(runner.work_account(leased[0]))
    finally:
        event.remove(engine, "before_cursor_execute", statement)
        event.remove(engine, "commit", commit)

    assert result is not None and [c.status for c in result.calls] == ["ok", "ok"]
    assert len(write_commits) == 2  # the reminder; the run's close with the events and lease
    with open_session(engine) as session:
        aging = session.exec(
            select(Event).where(Event.kind == "aging").order_by(col(Event.id))
        ).all()
        owner = session.get(Customer, leased[0])
    assert [e.processed_at is not None for e in aging] == [True, False]  # done; the next one
    assert owner is not None and owner.lease_owner is None
