"""`recoup demo`: the demo ledger worked by recoup over simulated weeks, through
the same pipeline as the daemon and the evals (mail in and out, runner, agent,
guardrails), with the offline model and customers who react."""

from __future__ import annotations

import asyncio
import tempfile
from datetime import date
from pathlib import Path

from rich.console import Console

from recoup.agent.clients.offline import OfflineModel
from recoup.approvals.decisions import expire_overdue
from recoup.demo.explore import explore_lines, keep_ledger
from recoup.demo.ledger import demo_scenario, demo_start
from recoup.demo.summary import DemoSummary, accounts_table, needs_you_table, summarize
from recoup.evals.calibration import load_calibration
from recoup.evals.database import DATABASE_NAME
from recoup.evals.simulator import Contender, simulate
from recoup.ledger.db import session as open_session
from recoup.money import format_totals
from recoup.policy import Policy


def run_demo_summary(
    *, today: date, weeks: int, seed: int, keep: Path | None = None
) -> DemoSummary:
    """The demo's summary; with ``keep``, its ledger is left there to explore."""
    scenario = demo_scenario(start=demo_start(today), weeks=weeks, seed=seed)
    opening = {
        c.ref: sum(i.open_cents or i.amount_cents for i in c.invoices if i.paid_on is None)
        for c in scenario.customers
    }
    with tempfile.TemporaryDirectory() as directory:
        simulation = asyncio.run(
            simulate(
                scenario,
                Contender.agent("offline", OfflineModel),
                seed=seed,
                calibration=load_calibration(),
                policy=Policy(),
                directory=Path(directory),
            )
        )
        try:
            with open_session(simulation.engine) as session:
                # What the daemon's notifier does: no case stays open past its expiry.
                expire_overdue(session, now=scenario.end)
                summary = summarize(
                    session,
                    start=scenario.start,
                    end=scenario.end,
                    model="offline",
                    opening=opening,
                )
            if keep is not None:
                keep_ledger(simulation.engine, Path(directory) / DATABASE_NAME, keep, summary)
            return summary
        finally:
            simulation.engine.dispose()


def run_demo(
    console: Console,
    *,
    today: date,
    weeks: int,
    seed: int,
    json_path: Path | None,
    keep: Path | None = None,
) -> DemoSummary:
    with console.status(f"working {weeks} simulated weeks…"):
        summary = run_demo_summary(today=today, weeks=weeks, seed=seed, keep=keep)
    console.print(accounts_table(summary))
    kpis = summary.kpis
    console.print(
        f"\n{len(summary.accounts)} accounts, {summary.start:%Y-%m-%d} → {summary.end:%Y-%m-%d}: "
        f"collected {format_totals(summary.collected)} of "
        f"{format_totals(summary.open_at_start)} open at the start."
    )
    console.print(
        f"DSO (countback) {_num(kpis.dso_countback)} days · ADD {_num(kpis.add)} · "
        f"CEI {_num(kpis.cei)} · "
        f"promise kept rate {_pct(kpis.promise_kept_rate)} · escalation rate "
        f"{_pct(kpis.escalation_rate)} · resolved without escalation "
        f"{_pct(kpis.resolved_without_escalation_share)}"
    )
    console.print(needs_you_table(summary))
    if json_path is not None:
        json_path.write_text(summary.model_dump_json(indent=2), encoding="utf-8")
        console.print(f"summary written to {json_path}")
    if keep is not None:
        for line in explore_lines(keep, summary):
            console.print(line, markup=False, highlight=False)
    return summary


def _num(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1f}"


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value * 100:.0f}%"
