"""The command line, end to end on a fresh home: init, import, tick, look, report, export."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from recoup.cli.app import app
from recoup.policy import load_policy

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


def _always_open(policy: Path) -> None:
    """No quiet hours or days: the run's emails are queued whatever the hour of the test."""
    policy.write_text(
        policy.read_text()
        .replace("quiet_hours_start = 19:00:00", "quiet_hours_start = 00:00:00")
        .replace("quiet_hours_end = 08:00:00", "quiet_hours_end = 00:00:00")
        .replace("quiet_weekdays = [5, 6]", "quiet_weekdays = []")
    )


def test_a_collector_sets_up_imports_and_works_the_ledger(home: Path, tmp_path: Path) -> None:
    assert "policy written" in _run("init")
    assert (home / "policy.toml").read_text().startswith("# recoup collections policy")
    _always_open(home / "policy.toml")
    imported = _run("import", str(LEDGER / "good"))
    assert "customers" in imported

    ticked = _run("tick")
    assert "Worked " in ticked and "error" not in ticked

    listing = _run("accounts")
    account = " ".join(_run("account", "INITECH").split())
    assert "no payment history yet" in account and "0 paid" not in account
    assert "ACME" in listing.upper() or "Accounts" in listing
    report = _run("report")
    assert "DSO (countback)" in report and "AR balance" in report and "Not yet due" in report
    assert "_cents" not in report and "None" not in report and "{" not in report
    assert json.loads(_run("report", "--json"))["by_currency"][0]["ar_balance_cents"] > 0

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


def _mixed_ledger(folder: Path) -> Path:
    folder.mkdir()
    (folder / "customers.csv").write_text(
        "ref,name,currency\nUS1,Acme Inc,USD\nEU1,Brasserie Valmont,EUR\nUK1,Tidewater Ltd,GBP\n"
    )
    (folder / "invoices.csv").write_text(
        "number,customer_ref,issue_date,due_date,amount\n"
        "U-1,US1,2026-01-01,2026-02-01,103390.00\n"
        "E-1,EU1,2026-01-01,2026-02-01,6300.00\n"
        "E-2,EU1,2026-01-01,2026-02-01,1000.00\n"
        "G-1,UK1,2026-01-01,2026-02-01,3200.00\n"
    )
    (folder / "payments.csv").write_text(
        "ref,customer_ref,amount,received_on,references\n"
        "P-1,EU1,1000.00,2026-02-10,E-2\nP-2,US1,2000.00,2026-02-10,U-1\n"
    )
    return folder


def test_money_is_totalled_per_currency_and_converted_only_with_dated_rates(
    home: Path, tmp_path: Path
) -> None:
    _run("init", "--company", "Northwind Supply Co.")
    imported = _run("import", str(_mixed_ledger(tmp_path / "ledger")))
    assert "cash applied $2,000.00 + €1,000.00" in " ".join(imported.split())

    data = json.loads(_run("report", "--json"))
    ar = {k["currency"]: k["ar_balance_cents"] for k in data["by_currency"]}
    assert ar == {"USD": 10_139_000, "EUR": 630_000, "GBP": 320_000}
    shown = _run("report")
    assert "$101,390.00" in shown and "€6,300.00" in shown and "£3,200.00" in shown
    assert "$112,890.00" not in shown

    rates = tmp_path / "rates.csv"
    rates.write_text("currency,rate,date\nEUR,1.10,2026-11-20\nGBP,1.25,2026-11-19\n")
    converted = json.loads(_run("report", "--json", "--rates", str(rates), "--currency", "USD"))
    assert converted["reporting"]["ar_balance_cents"] == 10_139_000 + 693_000 + 400_000
    assert {r["currency"]: r["date"] for r in converted["reporting"]["rates"]} == {
        "EUR": "2026-11-20",
        "GBP": "2026-11-19",
    }
    said = " ".join(_run("report", "--rates", str(rates)).split())
    assert "$112,320.00" in said and "1 EUR = 1.10 on 20 Nov 2026" in said


def test_tick_says_what_it_queued_and_the_outbox_shows_it_as_the_customer_will(
    home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _run("init", "--company", "Northwind Supply Co.", "--sender", "Dana Reyes")
    _always_open(home / "policy.toml")
    monkeypatch.setenv("RECOUP_NOW", "2026-12-01T10:00:00")  # a Tuesday, business hours
    today = date(2026, 12, 1)
    ledger = tmp_path / "ledger"
    ledger.mkdir()
    (ledger / "customers.csv").write_text("ref,name,currency\nEU1,Brasserie Valmont,EUR\n")
    (ledger / "contacts.csv").write_text(
        "customer_ref,name,email,is_primary\nEU1,Dr,ap@valmont.example,yes\n"
    )
    (ledger / "invoices.csv").write_text(
        "number,customer_ref,issue_date,due_date,amount\n"
        f"E-7,EU1,{today - timedelta(days=40)},{today - timedelta(days=10)},6300.00\n"
    )
    _run("import", str(ledger))

    ticked = _run("tick")
    assert "Queued 1 email(s); due to go out now: `recoup run` sends them" in ticked
    assert "Brasserie Valmont" in ticked and "recoup outbox show ID" in ticked
    number = ticked.split("  #")[1].split()[0]
    assert number in _run("outbox") and "queued" in _run("outbox")
    shown = _run("outbox", "show", number)
    assert "ap@valmont.example" in shown and "Subject" in shown and "Europe" not in shown
    assert "€" in shown and "Northwind Supply Co." in shown and "Hello Dr," not in shown
    missing = CliRunner().invoke(app, ["outbox", "show", "999999"])
    assert missing.exit_code == 1 and "no outgoing email #999999" in missing.output


def test_init_takes_the_company_and_the_sender(home: Path) -> None:
    _run("init", "--company", 'Łódź "Tools" Sp. z o.o.', "--sender", "Dana Reyes")
    policy = load_policy(home / "policy.toml")
    assert policy.company_name == 'Łódź "Tools" Sp. z o.o.' and policy.sender_name == "Dana Reyes"


def test_init_without_a_company_never_signs_with_another_companys_name(home: Path) -> None:
    said = _run("init")
    assert "set company_name" in said
    assert load_policy(home / "policy.toml").company_name == "Your Company"
