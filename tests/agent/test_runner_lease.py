"""Two runners on one database never work the same account at once."""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import Engine
from sqlmodel import select

from recoup.agent.clients.scripted import FunctionModel
from recoup.agent.loop import AgentDeps
from recoup.agent.runner import Runner
from recoup.chat import ChatMessage, ModelResponse, ToolCall, ToolSpec
from recoup.clock import FixedClock
from recoup.ledger.db import make_engine
from recoup.ledger.db import session as open_session
from recoup.ledger.events import aging_event
from recoup.ledger.models import AgentRun, Customer
from recoup.policy import Policy
from tests.support import factory

ACCOUNTS = 12


def _seed(engine: Engine, clock: FixedClock, accounts: int = ACCOUNTS) -> None:
    """Accounts with one invoice overdue and its aging event due now."""
    with open_session(engine) as session:
        for _ in range(accounts):
            owner = factory.customer(session)
            invoice = factory.invoice(session, owner, due=clock.now().date() - timedelta(days=5))
            session.add(aging_event(invoice, 1, now=clock.now()))
        session.commit()


def _slow_state_reader() -> FunctionModel:
    def script(messages: list[ChatMessage], _tools: list[ToolSpec]) -> ModelResponse:
        if not any(m["role"] == "assistant" for m in messages):
            return ModelResponse(
                tool_calls=[ToolCall(id="a", name="get_account_state", arguments="{}")]
            )
        state = json.loads(messages[-1]["content"])
        return ModelResponse(content=f"looked at {state['customer']}")

    return FunctionModel(script, latency_s=0.05)


def _second_engine(engine: Engine) -> Engine:
    """Another process's view of the same database: its own connection pool."""
    url = engine.url.render_as_string(hide_password=False)
    schema = None
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            schema = connection.exec_driver_sql("show search_path").scalar()
    return make_engine(url, schema=schema)


async def test_two_runners_share_the_work_without_overlap(
    engine: Engine, clock: FixedClock
) -> None:
    _seed(engine, clock)
    other = _second_engine(engine)
    try:
        first = Runner(AgentDeps(engine, clock, Policy(), _slow_state_reader()), owner="one")
        second = Runner(AgentDeps(other, clock, Policy(), _slow_state_reader()), owner="two")
        # Each runner in its own thread with its own event loop, as two processes would be.
        reports = await asyncio.gather(
            asyncio.to_thread(asyncio.run, first.tick()),
            asyncio.to_thread(asyncio.run, second.tick()),
        )
    finally:
        other.dispose()
    assert sum(r.leased for r in reports) == ACCOUNTS
    with open_session(engine) as session:
        runs = Counter(run.customer_id for run in session.exec(select(AgentRun)))
        leases = list(session.exec(select(Customer.lease_owner)))
    assert len(runs) == ACCOUNTS and set(runs.values()) == {1}
    assert leases == [None] * ACCOUNTS  # every lease released after its run


def test_a_held_lease_is_skipped_until_it_expires(engine: Engine, clock: FixedClock) -> None:
    _seed(engine, clock)
    crashed = Runner(AgentDeps(engine, clock, Policy(), _slow_state_reader()), owner="crashed",
                     lease_seconds=300)  # fmt: skip
    healthy = Runner(AgentDeps(engine, clock, Policy(), _slow_state_reader()), owner="healthy")
    with open_session(engine) as session:
        taken = crashed.lease(session, crashed.due_accounts(session))
        assert len(taken) == ACCOUNTS
        assert healthy.lease(session, healthy.due_accounts(session)) == []
    clock.advance(timedelta(seconds=301))
    with open_session(engine) as session:
        assert sorted(healthy.lease(session, healthy.due_accounts(session))) == sorted(taken)


def test_postgres_skips_rows_another_runner_has_locked(engine: Engine, clock: FixedClock) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("row locks with SKIP LOCKED are PostgreSQL's; SQLite has one writer")
    _seed(engine, clock)
    other = _second_engine(engine)
    try:
        runner = Runner(AgentDeps(other, clock, Policy(), _slow_state_reader()), owner="b")
        with open_session(engine) as holder:
            locked = holder.exec(
                select(Customer.id).order_by(Customer.id).limit(3).with_for_update()
            ).all()
            with open_session(other) as session:
                # Does not wait for the holder's transaction: the locked rows are skipped.
                taken = runner.lease(session, runner.due_accounts(session))
            holder.rollback()
    finally:
        other.dispose()
    assert len(taken) == ACCOUNTS - 3
    assert not set(taken) & set(locked)
