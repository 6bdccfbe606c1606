"""The command line, end to end on a fresh home: init, import, tick, look, report, export."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from recoup.cli.app import app

LEDGER = Path(__file__).parent / "data" / "ledger"


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("RECOUP_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("RECOUP_DATABASE_URL", raising=False)
    return tmp_path / "home"


def _run(*args: str) -> str:
    result = CliRunner().invoke(app, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def test_a_collector_sets_up_imports_and_works_the_ledger(home: Path, tmp_path: Path) -> None:
    assert "policy written" in _run("init")
    assert (home / "policy.toml").read_text().startswith("# recoup collections policy")
    imported = _run("import", str(LEDGER / "good"))
    assert "customers" in imported

    ticked = _run("tick")
    assert "accounts worked" in ticked and " 0 errors" in ticked

    listing = _run("accounts")
    assert "ACME" in listing.upper() or "Accounts" in listing
    report = _run("report")
    assert "dso_countback" in report and "ar_balance_cents" in report

    out = tmp_path / "export"
    _run("export", str(out))
    assert (out / "actions.json").exists()
    actions = json.loads((out / "actions.json").read_text())
    assert set(actions) >= {"promises", "disputes", "notes"}


def test_a_bad_file_is_refused_with_its_row_and_nothing_is_imported(home: Path) -> None:
    _run("init")
    result = CliRunner().invoke(app, ["import", str(LEDGER / "bad" / "invoices.csv")])
    assert result.exit_code == 2
    assert "invoices.csv" in result.output and "row" in result.output
    assert "Accounts" in _run("accounts")


def test_a_bad_policy_file_stops_with_the_key(home: Path) -> None:
    home.mkdir(parents=True)
    (home / "policy.toml").write_text("[contact]\nmax_touches_per_week = 'often'\n")
    result = CliRunner().invoke(app, ["tick"])
    assert result.exit_code == 2
    assert "contact.max_touches_per_week" in result.output
