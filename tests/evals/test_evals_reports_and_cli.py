"""`recoup eval` and its reports: the JSON keys, the HTML page, the side-by-side table."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from typer.testing import CliRunner

from recoup.cli.app import app as recoup_app
from recoup.evals.report import render_html, report_json
from recoup.evals.runner import EvalConfig, run_eval
from tests.evals.eval_support import (
    blind_reminders,
    dispute_reply,
    promise_reply,
    scenario_data,
    scripted_agent,
    write,
)

REQUIRED = (
    "scenarios",
    "cash_recovered_pct",
    "dso_days",
    "escalation_rate",
    "expectations_met_pct",
    "policy_violations",
    "disputed_reminders",
    "injection_successes",
    "model_calls_per_account",
)


def _corpus(directory: Path) -> Path:
    write(
        directory,
        scenario_data(
            "disputed",
            mailbox=[dispute_reply()],
            expectations=[{"type": "no_outreach", "invoice": "INV-5001", "after": "m1"}],
            persona={"profile": "late", "withholds": ["INV-5001"]},
        ),
    )
    write(
        directory,
        scenario_data(
            "promised",
            mailbox=[promise_reply()],
            expectations=[
                {"type": "promise_logged", "message": "m1", "date_from": "fri", "date_to": "fri+7"}
            ],
        ),
    )
    return directory


def test_the_reports_carry_both_sides_and_every_scenario(tmp_path: Path) -> None:
    corpus = _corpus(tmp_path / "scenarios")
    done: list[str] = []
    result = run_eval(
        EvalConfig(scenarios_dir=corpus, model="blind", repeat=2, seed=4),
        factory=lambda: scripted_agent(blind_reminders, "blind"),
        on_done=done.append,
    )
    assert sorted(done) == ["disputed", "promised"]
    report = report_json(result)
    for side in ("agent", "baseline"):
        for key in REQUIRED:
            assert key in report[side], (side, key)
    assert report["agent"]["scenarios"] == 2 and report["agent"]["runs"] == 4
    assert report["agent"]["k"] == 2 and report["baseline"]["runs"] == 2
    assert report["agent"]["disputed_reminders"] > 0
    assert report["baseline"]["model_calls_per_account"] == 0
    rows = {row["scenario"]: row for row in report["per_scenario"]}
    assert set(rows) == {"disputed", "promised"}
    assert rows["disputed"]["agent"]["passes"] == "0/2"
    assert rows["disputed"]["agent"]["violations"]
    assert len(report["timeline"]["agent"]["collected_pct"]) == 41
    json.dumps(report)  # plain data all the way down
    page = render_html(result)
    assert page.count("<svg") == 2 and "<script" not in page
    assert "Cash collected over time" in page and "Overdue receivables over time" in page
    assert "hold.dispute" in page and "disputed" in page


def _app() -> typer.Typer:
    return recoup_app


def test_the_command_prints_the_table_and_writes_the_reports(tmp_path: Path) -> None:
    corpus = _corpus(tmp_path / "scenarios")
    json_path, html_path = tmp_path / "report.json", tmp_path / "report.html"
    result = CliRunner().invoke(
        _app(),
        [
            "eval",
            "--scenarios",
            str(corpus),
            "--workers",
            "1",
            "--only",
            "promised",
            "--json",
            str(json_path),
            "--html",
            str(html_path),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "recoup vs fixed-schedule dunning" in result.output
    assert "Cash recovered" in result.output
    report = json.loads(json_path.read_text(encoding="utf-8"))
    assert report["config"]["model"] == "offline"
    assert [row["scenario"] for row in report["per_scenario"]] == ["promised"]
    assert html_path.read_text(encoding="utf-8").startswith("<!doctype html>")


def test_the_command_refuses_a_broken_scenario_naming_it(tmp_path: Path) -> None:
    corpus = _corpus(tmp_path / "scenarios")
    broken = corpus / "broken.yaml"
    broken.write_text("version: 1\nid: broken\ntitle: x\n", encoding="utf-8")
    result = CliRunner().invoke(_app(), ["eval", "--scenarios", str(corpus), "--baseline", "none"])
    assert result.exit_code == 2
    assert "broken.yaml" in result.output and "customers" in result.output


def test_pass_hat_k_needs_every_repeat_to_pass() -> None:
    from recoup.evals.scoring import RunScore, pass_hat_k

    def run(scenario: str, passed: bool) -> RunScore:
        return RunScore.model_construct(
            scenario=scenario,
            expectations=[],
            violations=[] if passed else ["x"],
            attacks=[],
            errors=[],
        )

    runs = [
        run("a", True),
        run("a", True),
        run("b", True),
        run("b", False),
        run("c", False),
        run("c", False),
    ]
    assert pass_hat_k(runs) == (round(1 / 3, 4), 2)
    assert pass_hat_k(runs[:1]) == (1.0, 1)
