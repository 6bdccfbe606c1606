"""Every amount keeps its currency: audit lines, import summaries, KPIs per currency."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import Session, col, select

from recoup.clock import FixedClock
from recoup.ledger.connectors.csv_files import import_directory
from recoup.ledger.kpis import kpis_by_currency
from recoup.ledger.models import AuditEvent
from recoup.ledger.names import personal_name
from recoup.money import Totals, format_money, format_totals
from recoup.policy import Policy


def _ledger(folder: Path) -> Path:
    folder.mkdir()
    (folder / "customers.csv").write_text("ref,name,currency\nEU1,Valmont,EUR\nUS1,Acme,USD\n")
    (folder / "invoices.csv").write_text(
        "number,customer_ref,issue_date,due_date,amount\n"
        "E-1,EU1,2026-09-01,2026-10-01,1500.00\nU-1,US1,2026-09-01,2026-10-01,2500.00\n"
    )
    (folder / "payments.csv").write_text(
        "ref,customer_ref,amount,received_on,references\n"
        "P-1,EU1,1000.00,2026-10-05,E-1\nP-2,US1,2000.00,2026-10-05,U-1\n"
    )
    return folder


def test_a_euro_payment_is_audited_and_summed_in_euros(
    session: Session, clock: FixedClock, policy: Policy, tmp_path: Path
) -> None:
    report = import_directory(session, _ledger(tmp_path / "l"), now=clock.now(), policy=policy)

    assert report.applied == {"EUR": 100_000, "USD": 200_000}
    assert "cash applied $2,000.00 + €1,000.00" in report.summary()
    reasons = list(
        session.exec(select(AuditEvent.reason).where(col(AuditEvent.action).in_(["apply_payment"])))
    )
    assert any("payment P-1 of €1,000.00" in r for r in reasons)
    assert any("payment P-2 of $2,000.00" in r for r in reasons)

    per_currency = {k.currency: k for k in kpis_by_currency(session, now=clock.now())}
    assert per_currency["EUR"].ar_balance_cents == 50_000
    assert per_currency["USD"].ar_balance_cents == 50_000
    assert per_currency["EUR"].cash_collected_cents + per_currency["USD"].cash_collected_cents in (
        0,
        300_000,
    )


def test_totals_are_never_added_across_currencies() -> None:
    totals = Totals.of([("EUR", 100), ("USD", 250), ("EUR", 50)])
    assert totals == {"EUR": 150, "USD": 250}
    assert format_totals(totals) == "$2.50 + €1.50"
    assert format_totals({}) == "$0.00"
    assert format_money(-1234, "EUR") == "-€12.34"
    assert format_money(1234, "CHF") == "12.34 CHF"


@pytest.mark.parametrize(
    ("name", "greeted"),
    [
        ("Dr", ""),
        ("<img", ""),
        ("<img src=x onerror=alert(1)>", ""),
        ("Accounts Payable", ""),
        ("ap@acme.example", ""),
        ("Dr Jane Smith", "Jane Smith"),
        ("Łukasz Żółć", "Łukasz Żółć"),
        ("Дмитрий Петров", "Дмитрий Петров"),
        ("Mary-Ann O'Neil", "Mary-Ann O'Neil"),
    ],
)
def test_contacts_are_greeted_by_name_only_when_it_is_a_name(name: str, greeted: str) -> None:
    assert personal_name(name) == greeted


def test_a_promise_in_euros_is_audited_in_euros(
    session: Session, clock: FixedClock, policy: Policy
) -> None:
    from datetime import timedelta

    from recoup.ledger.operations.actor import SYSTEM
    from recoup.ledger.operations.promises import log_promise
    from recoup.ledger.state import load_account
    from tests.support import factory

    owner = factory.customer(session, ref="EU2")
    owner.currency = "EUR"
    factory.invoice(session, owner, number="E-77", amount_cents=123_456,
                    due=clock.now().date())  # fmt: skip
    account = load_account(session, owner.id or 0, now=clock.now())
    log_promise(session, account, now=clock.now(), actor=SYSTEM, policy=policy,
                promised_date=clock.now().date() + timedelta(days=5),
                invoice_numbers=["E-77"])  # fmt: skip
    reason = session.exec(select(AuditEvent.reason).where(AuditEvent.action == "log_promise")).one()
    assert reason.startswith("promise to pay €1,234.56 by ")
