"""Four runner processes on one PostgreSQL database share the book through the leases: every
account is worked exactly once for its event, none twice at the same time, and no event is
lost."""

from __future__ import annotations

import asyncio
import json
import multiprocessing
import os
from collections import Counter
from pathlib import Path

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
from recoup.ledger.models import AgentRun, Customer, Event
from recoup.policy import Policy
from tests.agent.test_runner_lease import _seed

ACCOUNTS = 40
PROCESSES = 4


def _recording_model(journal: Path) -> FunctionModel:
    """Reads the account, then notes which process worked it."""

    def script(messages: list[ChatMessage], _tools: list[ToolSpec]) -> ModelResponse:
        if not any(m["role"] == "assistant" for m in messages):
            return ModelResponse(
                tool_calls=[ToolCall(id="a", name="get_account_state", arguments="{}")]
            )
        customer = str(json.loads(messages[-1]["content"])["customer"])
        with journal.open("a") as out:
            out.write(json.dumps([customer, os.getpid()]) + "\n")
        return ModelResponse(content=f"looked at {customer}")

    return FunctionModel(script, latency_s=0.03)


def _work(url: str, schema: str | None, now_iso: str, journal: str, owner: str) -> int:
    """One runner process: ticks a few accounts at a time until none is due. An account
    leased after another process ran it finds nothing due and is let go without a run."""
    from datetime import datetime

    engine = make_engine(url, schema=schema)
    clock = FixedClock(datetime.fromisoformat(now_iso))
    runner = Runner(
        AgentDeps(engine, clock, Policy(), _recording_model(Path(journal))), owner=owner
    )
    worked = 0
    while True:
        report = asyncio.run(runner.tick(limit=3))
        worked += report.leased
        if report.due == 0:
            break
    engine.dispose()
    return worked


def test_four_processes_share_the_book_without_overlap_or_loss(
    engine: Engine, clock: FixedClock, tmp_path: Path
) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("several runner processes share one PostgreSQL database")
    _seed(engine, clock, ACCOUNTS)
    with engine.connect() as connection:
        schema = connection.exec_driver_sql("show search_path").scalar()
    url = engine.url.render_as_string(hide_password=False)
    journal = tmp_path / "held.jsonl"
    context = multiprocessing.get_context("spawn")
    with context.Pool(PROCESSES) as pool:
        leased = pool.starmap(
            _work,
            [
                (url, schema, clock.now().isoformat(), str(journal), f"p{n}")
                for n in range(PROCESSES)
            ],
        )

    assert sum(leased) >= ACCOUNTS
    with open_session(engine) as session:
        runs = Counter(run.customer_id for run in session.exec(select(AgentRun)))
        due = select(Event).where(Event.due_at <= clock.now())
        pending = [e for e in session.exec(due) if e.processed_at is None]
        leases = set(session.exec(select(Customer.lease_owner)))
    assert len(runs) == ACCOUNTS and set(runs.values()) == {1}
    assert pending == [] and leases == {None}
    held = [json.loads(line) for line in journal.read_text().splitlines()]
    by_account: dict[str, set[int]] = {}
    for customer, pid in held:
        by_account.setdefault(customer, set()).add(pid)
    assert all(len(pids) == 1 for pids in by_account.values())
    assert len({pid for _, pid in held}) > 1  # the work was shared
