"""Scale-out: 1, 2 and 4 runner processes share one PostgreSQL ledger through the leases.

Each process works its share of the due accounts with a model that takes 200 ms a call;
the figure is decisions a second for each process count, and how much of the ideal
(N times one process) four processes reach.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import time
from typing import Any

from sqlalchemy import Engine, update

from bench.core_bench import NOW, build_ledger, postgres_schema, reminder_script
from recoup.agent.clients.scripted import FunctionModel
from recoup.agent.loop import AgentDeps
from recoup.agent.runner import Runner
from recoup.clock import FixedClock
from recoup.ledger.db import make_engine
from recoup.ledger.models import Event
from recoup.logs import configure_logging
from recoup.policy import Policy

MODEL_LATENCY_S = 0.2
CONCURRENCY = 8


def _work(url: str, schema: str, quota: int, start_at: float, owner: str) -> tuple[int, float]:
    """One runner process: from ``start_at`` (wall clock), tick until ``quota`` accounts
    are worked. Returns (worked, when it finished)."""
    configure_logging(level="WARNING")
    engine = make_engine(url, schema=schema)
    model = FunctionModel(reminder_script, name="slow", latency_s=MODEL_LATENCY_S)
    runner = Runner(
        AgentDeps(engine, FixedClock(NOW), Policy(), model), concurrency=CONCURRENCY, owner=owner
    )
    time.sleep(max(0.0, start_at - time.time()))
    worked = 0
    while worked < quota:
        report = asyncio.run(runner.tick(limit=min(CONCURRENCY * 4, quota - worked)))
        worked += len(report.results)
        if report.due == 0:
            break
    engine.dispose()
    return worked, time.time()


def _reopen(engine: Engine) -> None:
    """Put every worked account back in the queue, for the next round."""
    with engine.begin() as connection:
        connection.execute(update(Event).values(processed_at=None, run_id=None))


def decisions_with(engine: Engine, processes: int, per_process: int) -> float:
    url = engine.url.render_as_string(hide_password=False)
    with engine.connect() as connection:
        schema = str(connection.exec_driver_sql("show search_path").scalar())
    context = multiprocessing.get_context("spawn")
    start_at = time.time() + 3.0  # after every process has started and imported
    with context.Pool(processes) as pool:
        done = pool.starmap(
            _work, [(url, schema, per_process, start_at, f"bench{n}") for n in range(processes)]
        )
    worked = sum(count for count, _ in done)
    finished = max(moment for _, moment in done)
    return worked / (finished - start_at)


def run_scaleout_bench(*, quick: bool) -> dict[str, Any]:
    accounts = 5_000 if quick else 100_000
    per_process = 48 if quick else 160
    results: dict[str, Any] = {"scaleout_accounts": accounts}
    with postgres_schema() as engine:
        build_ledger(engine, accounts=accounts, invoices_per_account=1, due_share=1.0)
        rates: dict[int, float] = {}
        for processes in (1, 2, 4):
            rates[processes] = decisions_with(engine, processes, per_process)
            results[f"scaleout_decisions_per_s_{processes}"] = rates[processes]
            _reopen(engine)
    results["scaleout_efficiency_2"] = rates[2] / (2 * rates[1])
    results["scaleout_efficiency_4"] = rates[4] / (4 * rates[1])
    return results
