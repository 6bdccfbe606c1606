"""`recoup demo` tells a true story: each scripted customer's reply was acted on."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from rich.console import Console
from sqlalchemy import text
from typer.testing import CliRunner

from recoup.cli.app import app
from recoup.demo import run_demo
from recoup.guardrails.rules.pause import BLOCKING_CATEGORIES
from recoup.ledger.db import make_engine


def test_the_demo_acts_on_every_kind_of_reply(tmp_path: Path) -> None:
    out = tmp_path / "demo.json"
    console = Console(file=(tmp_path / "screen.txt").open("w"), width=160)
    kept = tmp_path / "recoup-demo"
    summary = run_demo(console, today=date(2026, 11, 25), weeks=3, seed=7, json_path=out, keep=kept)
    accounts = {a.ref: a for a in summary.accounts}
    assert len(accounts) >= 30
    assert summary.collected_cents > 0
    assert json.loads(out.read_text())["accounts"][0]["ref"] == "D01"

    def actions(ref: str) -> list[str]:
        return [f"{h.action}: {h.reason}" for h in accounts[ref].happenings]

    assert any(a.startswith("log_promise") for a in actions("D01"))  # a promise
    d02 = actions("D02")  # a dispute mid-sequence, then the other invoice still worked
    opened = next(i for i, a in enumerate(d02) if a.startswith("open_dispute"))
    disputed = d02[opened].split(":")[1].split()[0]
    later_reminders = [a for a in d02[opened + 1 :] if a.startswith("send_email: f")]
    assert all(disputed not in a for a in later_reminders)
    assert any("with a copy of" in a for a in actions("D03"))  # a copy-invoice request
    assert any(a.startswith("auto_reply received") for a in actions("D04"))  # out of office
    assert any(e.startswith("legal") for e in accounts["D05"].escalations)  # a legal threat
    assert summary.kpis.dso_countback is not None


def test_the_demo_ends_with_what_needs_you_and_leaves_a_ledger_to_explore(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    screen = tmp_path / "screen.txt"
    kept = tmp_path / "recoup-demo"
    with screen.open("w") as handle:
        summary = run_demo(
            Console(file=handle, width=200),
            today=date(2026, 11, 25),
            weeks=3,
            seed=7,
            json_path=None,
            keep=kept,
        )
    shown = screen.read_text()
    assert "Needs you" in shown and f"recoup --config {kept}/settings.toml account" in shown
    stakes = [case.at_stake_cents for case in summary.needs_you]
    assert stakes and stakes == sorted(stakes, reverse=True)
    assert all(case.why for case in summary.needs_you)
    # No case reads as plainly open past its expiry: the others were expired at the end,
    # those that stop outreach (never expiring on their own) say their answer is overdue.
    with make_engine(f"sqlite:///{kept / 'recoup.db'}").connect() as connection:
        past = connection.execute(
            text(
                "SELECT id, category FROM escalation WHERE status = 'open' AND expires_at <= :end"
            ),
            {"end": summary.end.replace(tzinfo=None).isoformat(sep=" ")},
        ).all()
    assert past and {category for _id, category in past} <= BLOCKING_CATEGORIES
    overdue = {case.case_id for case in summary.needs_you if case.overdue}
    assert overdue == {case_id for case_id, _category in past}
    assert "answer overdue" in shown
    assert all("(open)" not in e for a in summary.accounts for e in a.escalations)
    paid = [a for a in summary.accounts if a.open_at_end_cents == 0]
    assert paid and all(a.now == "paid in full" for a in paid)
    assert "waits:" not in shown

    monkeypatch.delenv("RECOUP_HOME", raising=False)
    monkeypatch.delenv("RECOUP_DATABASE_URL", raising=False)
    settings = str(kept / "settings.toml")
    ref = summary.needs_you[0].ref
    account = CliRunner().invoke(app, ["--config", settings, "account", ref])
    assert account.exit_code == 0, account.output
    cases = CliRunner().invoke(app, ["--config", settings, "approvals", "list"])
    assert cases.exit_code == 0 and f"#{summary.needs_you[0].case_id}" in cases.output
