"""What no import may bring in: amounts beyond the policy or the columns, dates out of a
sane window, invoice numbers that differ only in case; and CSV files in any of the
separators spreadsheets write, the separator reported."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func
from sqlmodel import Session, select

from recoup.clock import FixedClock
from recoup.ledger.connectors.base import ImportFailed
from recoup.ledger.connectors.csv_files import import_csv, import_directory
from recoup.ledger.models import Invoice
from recoup.policy import LedgerRules, Policy

CUSTOMERS = "ref,name,currency\nACME,Acme Corp,EUR\n"
HEADER = "number,customer_ref,issue_date,due_date,amount\n"


def _ledger(tmp_path: Path, invoices: str, customers: str = CUSTOMERS) -> Path:
    folder = tmp_path / "ledger"
    folder.mkdir(exist_ok=True)
    (folder / "customers.csv").write_text(customers, encoding="utf-8")
    (folder / "invoices.csv").write_text(invoices, encoding="utf-8")
    return folder


def _refused(session: Session, folder: Path, clock: FixedClock, policy: Policy) -> str:
    with pytest.raises(ImportFailed) as failed:
        import_directory(session, folder, now=clock.now(), policy=policy)
    session.rollback()
    assert session.exec(select(func.count()).select_from(Invoice)).one() == 0
    return str(failed.value)


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        ("INV-1,ACME,2026-10-01,2026-10-31,92233720368547758.07", "largest amount accepted"),
        ("INV-1,ACME,2026-10-01,2026-10-31,12345678901234567890123", "largest amount accepted"),
        ("INV-1,ACME,2026-10-01,9999-12-31,100.00", "due_date: 9999-12-31 is outside"),
        ("INV-1,ACME,0001-01-01,2026-10-31,100.00", "issue_date: 0001-01-01 is outside"),
    ],
)
def test_out_of_range_rows_are_refused_with_file_row_and_reason(
    session: Session, clock: FixedClock, policy: Policy, tmp_path: Path, row: str, reason: str
) -> None:
    said = _refused(session, _ledger(tmp_path, HEADER + row + "\n"), clock, policy)
    assert "invoices.csv row 2" in said and reason in said


def test_the_policy_sets_the_largest_amount(
    session: Session, clock: FixedClock, policy: Policy, tmp_path: Path
) -> None:
    strict = policy.model_copy(update={"ledger": LedgerRules(max_amount_cents=100_000)})
    folder = _ledger(tmp_path, HEADER + "INV-1,ACME,2026-10-01,2026-10-31,1000.01\n")
    said = _refused(session, folder, clock, strict)
    assert "€1,000.01 is more than the largest amount accepted, €1,000.00" in said
    assert "max_amount_cents" in said


def test_invoice_numbers_that_differ_only_in_case_are_refused(
    session: Session, clock: FixedClock, policy: Policy, tmp_path: Path
) -> None:
    rows = "dup-2,ACME,2026-10-01,2026-10-31,10.00\nDUP-2,ACME,2026-10-01,2026-10-31,20.00\n"
    said = _refused(session, _ledger(tmp_path, HEADER + rows), clock, policy)
    assert "invoices.csv row 3" in said and "only in letter case" in said

    import_directory(
        session,
        _ledger(tmp_path, HEADER + rows.splitlines()[0] + "\n"),
        now=clock.now(),
        policy=policy,
    )
    later = tmp_path / "later.csv"
    later.write_text(HEADER + rows.splitlines()[1] + "\n", encoding="utf-8")
    with pytest.raises(ImportFailed, match="already in the ledger, only in letter case"):
        import_csv(session, later, "invoices", now=clock.now(), policy=policy)


@pytest.mark.parametrize(("separator", "name"), [(";", "semicolon"), ("\t", "tab"), (",", "comma")])
def test_semicolon_and_tab_separated_files_are_read_and_the_separator_said(
    session: Session,
    clock: FixedClock,
    policy: Policy,
    tmp_path: Path,
    separator: str,
    name: str,
) -> None:
    def rows(text: str) -> str:
        return text.replace(",", separator)

    folder = _ledger(
        tmp_path,
        rows(HEADER) + rows("INV-1,ACME,2026-10-01,2026-10-31,") + '"1,250.50"\n',
        customers=rows(CUSTOMERS),
    )
    report = import_directory(session, folder, now=clock.now(), policy=policy)
    invoice = session.exec(select(Invoice)).one()
    assert invoice.amount_cents == 125_050 and invoice.currency == "EUR"
    assert f"invoices.csv: {name}-separated" in report.summary()
