"""Core benchmarks: decisions a second, concurrency efficiency, the attention query."""

from __future__ import annotations

import asyncio
import json
import os
import random
import statistics
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, insert, text

from recoup.agent.clients.scripted import FunctionModel
from recoup.agent.loop import AgentDeps
from recoup.agent.runner import Runner
from recoup.chat import ChatMessage, ModelResponse, ToolCall, ToolSpec
from recoup.clock import FixedClock
from recoup.ledger.db import create_all, make_engine
from recoup.ledger.db import session as open_session
from recoup.ledger.models import Contact, Customer, Event, EventKind, Invoice
from recoup.policy import Policy

NOW = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)
POSTGRES_URL = os.environ.get(
    "RECOUP_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


def build_ledger(engine: Engine, *, accounts: int, invoices_per_account: int, due_share: float
                 ) -> None:  # fmt: skip
    """Bulk-insert a ledger; ``due_share`` of the accounts have an aging event due now."""
    rng = random.Random(42)
    customers, contacts, invoices, events = [], [], [], []
    for n in range(1, accounts + 1):
        customers.append(
            {"id": n, "ref": f"C{n:06d}", "name": f"Customer {n}", "segment": "smb",
             "strategic": False, "terms_days": 30, "timezone": "UTC", "currency": "USD",
             "taken_over": False, "email_domain": f"c{n}.example"}
        )  # fmt: skip
        contacts.append(
            {"customer_id": n, "name": "AP", "email": f"ap@c{n}.example", "role": "billing",
             "is_primary": True, "do_not_contact": False, "undeliverable": False}
        )  # fmt: skip
        due_now = rng.random() < due_share
        for k in range(invoices_per_account):
            invoice_id = (n - 1) * invoices_per_account + k + 1
            days_late = rng.randint(5, 40) if due_now else -rng.randint(5, 40)
            due = (NOW - timedelta(days=days_late)).date()
            amount = rng.randint(5_000, 500_000)
            invoices.append(
                {"id": invoice_id, "customer_id": n, "number": f"INV{invoice_id:07d}",
                 "issue_date": due - timedelta(days=30), "due_date": due,
                 "amount_cents": amount, "open_cents": amount, "currency": "USD",
                 "status": "open"}
            )  # fmt: skip
            events.append(
                {"customer_id": n, "kind": EventKind.AGING.value, "detail": "aging",
                 "due_at": datetime.combine(due + timedelta(days=1), datetime.min.time(),
                                            tzinfo=UTC),
                 "ref_id": invoice_id, "created_at": NOW}
            )  # fmt: skip
    with engine.begin() as connection:
        for table, rows in (
            (Customer, customers),
            (Contact, contacts),
            (Invoice, invoices),
            (Event, events),
        ):
            for start in range(0, len(rows), 5_000):
                connection.execute(insert(table), rows[start : start + 5_000])
    with engine.connect() as connection:
        # The planner's statistics, as autovacuum would gather them on a live book.
        connection.execute(text("ANALYZE"))
        connection.commit()


def reminder_script(messages: list[ChatMessage], _tools: list[ToolSpec]) -> ModelResponse:
    """Read the account, send one friendly reminder about its overdue invoices, stop."""
    turns = sum(1 for m in messages if m["role"] == "assistant")
    if turns == 0:
        return ModelResponse(
            tool_calls=[ToolCall(id="s", name="get_account_state", arguments="{}")]
        )
    if turns == 1:
        state = json.loads(messages[-1]["content"])
        overdue = [i for i in state["open_invoices"] if i["days_past_due"] > 0]
        args = {
            "to": [state["contacts"][0]["email"]],
            "subject": "Overdue invoices",
            "body": "Hello, these invoices are overdue: "
            + ", ".join(i["number"] for i in overdue)
            + ". Could you let us know when they will be paid?",
            "tone": "friendly",
            "invoice_numbers": [i["number"] for i in overdue],
        }
        return ModelResponse(
            tool_calls=[ToolCall(id="e", name="send_email", arguments=json.dumps(args))]
        )
    return ModelResponse(content="reminded")


def _engine(directory: Path) -> Engine:
    engine = make_engine(f"sqlite:///{directory / 'bench.db'}")
    create_all(engine)
    return engine


@contextmanager
def postgres_schema(url: str = POSTGRES_URL) -> Iterator[Engine]:
    """A throwaway schema on the PostgreSQL server, dropped afterwards."""
    schema = f"bench_{uuid.uuid4().hex[:12]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine = make_engine(url, schema=schema)
    try:
        create_all(engine)
        yield engine
    finally:
        engine.dispose()
        with admin.connect() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@dataclass
class StatementCount:
    """Statements, and transactions that wrote, on one engine while counting."""

    statements: int = 0
    write_transactions: int = 0
    _wrote: bool = False

    def attach(self, engine: Engine) -> None:
        event.listen(engine, "before_cursor_execute", self._statement)
        event.listen(engine, "commit", self._commit)

    def _statement(self, _conn: object, _cursor: object, statement: str, *_rest: object) -> None:
        self.statements += 1
        if not statement.lstrip().upper().startswith(("SELECT", "SAVEPOINT", "RELEASE")):
            self._wrote = True

    def _commit(self, _conn: object) -> None:
        if self._wrote:
            self.write_transactions += 1
        self._wrote = False


def timed_decisions(engine: Engine, runs: int) -> dict[str, float]:
    """``runs`` account runs on ``engine``'s ledger, with the I/O each one costs (the
    lease and the attention query counted with them)."""
    deps = AgentDeps(
        engine=engine, clock=FixedClock(NOW), policy=Policy(),
        model=FunctionModel(reminder_script, name="scripted"),
    )  # fmt: skip
    runner = Runner(deps, concurrency=8)
    count = StatementCount()
    count.attach(engine)
    started = time.perf_counter()
    report = asyncio.run(runner.tick(limit=runs))
    elapsed = time.perf_counter() - started
    worked = len(report.results)
    assert worked == runs and not report.errors, (worked, report.errors[:3])
    return {
        "decisions_per_s": worked / elapsed,
        "ms_per_decision": elapsed / worked * 1000,
        "statements_per_decision": count.statements / worked,
        "transactions_per_decision": count.write_transactions / worked,
    }


def decisions_per_s(accounts: int, runs: int) -> dict[str, float]:
    """``runs`` account runs, timed, on a SQLite ledger of ``accounts`` accounts all due."""
    with tempfile.TemporaryDirectory() as tmp:
        engine = _engine(Path(tmp))
        build_ledger(engine, accounts=accounts, invoices_per_account=1, due_share=1.0)
        figures = timed_decisions(engine, runs)
        engine.dispose()
    return figures


def decisions_per_s_pg(accounts: int, runs: int) -> dict[str, float]:
    """The same on PostgreSQL."""
    with postgres_schema() as engine:
        build_ledger(engine, accounts=accounts, invoices_per_account=1, due_share=1.0)
        figures = timed_decisions(engine, runs)
    return {f"{name}_pg": value for name, value in figures.items()}


def concurrency_efficiency(accounts: int, concurrency: int, latency_s: float) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        engine = _engine(Path(tmp))
        build_ledger(engine, accounts=accounts, invoices_per_account=1, due_share=1.0)
        model = FunctionModel(reminder_script, name="slow", latency_s=latency_s)
        deps = AgentDeps(engine=engine, clock=FixedClock(NOW), policy=Policy(), model=model)
        runner = Runner(deps, concurrency=concurrency)
        started = time.perf_counter()
        report = asyncio.run(runner.tick())
        elapsed = time.perf_counter() - started
        engine.dispose()
    calls_per_run = model.calls / len(report.results)
    rounds = -(-accounts // concurrency)
    ideal = rounds * calls_per_run * latency_s
    return {"concurrency_efficiency": ideal / elapsed, "concurrency_wall_s": elapsed}


def attention_query_ms(invoices: int, repeats: int = 20) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        engine = _engine(Path(tmp))
        build_ledger(engine, accounts=invoices // 5, invoices_per_account=5, due_share=0.05)
        runner = Runner(
            AgentDeps(
                engine=engine, clock=FixedClock(NOW), policy=Policy(),
                model=FunctionModel(reminder_script),
            )
        )  # fmt: skip
        timings = []
        with open_session(engine) as session:
            for _ in range(repeats):
                started = time.perf_counter()
                due = runner.due_accounts(session)
                timings.append((time.perf_counter() - started) * 1000)
        engine.dispose()
    return {"attention_query_ms": statistics.median(timings), "attention_due_accounts": len(due)}


def run_core_bench(*, quick: bool) -> dict[str, Any]:
    results: dict[str, Any] = {}
    results.update(decisions_per_s(2_000 if quick else 20_000, runs=500 if quick else 2_000))
    results.update(decisions_per_s_pg(2_000 if quick else 20_000, runs=500 if quick else 2_000))
    results.update(concurrency_efficiency(64 if quick else 160, 16, 0.2))
    results.update(attention_query_ms(20_000 if quick else 100_000))
    return results
