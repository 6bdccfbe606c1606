"""CSV import: the documented columns, all-or-nothing on bad rows, idempotent upserts."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func
from sqlmodel import Session, select

from recoup.clock import FixedClock
from recoup.ledger.connectors import csv_files
from recoup.ledger.connectors.base import Connector, ImportFailed
from recoup.ledger.connectors.csv_files import CsvConnector, import_csv, import_directory
from recoup.ledger.events import first_aging_event
from recoup.ledger.models import (
    AuditEvent,
    Contact,
    CreditMemo,
    Customer,
    Event,
    Invoice,
    Payment,
    PaymentAllocation,
)
from recoup.policy import Policy
from tests.support import factory

DATA = Path(__file__).parent.parent / "data" / "ledger"
GOOD = DATA / "good"


def _write(path: Path, text: str) -> Path:
    path.write_text(text.lstrip("\n"), encoding="utf-8")
    return path


def _count(session: Session, model: type) -> int:
    return session.exec(select(func.count()).select_from(model)).one()


def _invoice(session: Session, number: str) -> Invoice:
    return session.exec(select(Invoice).where(Invoice.number == number)).one()


def _customer(session: Session, ref: str) -> Customer:
    return session.exec(select(Customer).where(Customer.ref == ref)).one()


def test_a_directory_imports_every_kind_of_record(
    session: Session, clock: FixedClock, policy: Policy
) -> None:
    report = import_directory(session, GOOD, now=clock.now(), policy=policy)
    assert (report.customers.created, report.contacts.created, report.invoices.created) == (3, 4, 4)
    assert (report.payments.created, report.credit_memos.created) == (2, 1)

    acme = _customer(session, "ACME")
    assert (acme.name, acme.segment, acme.strategic, acme.terms_days) == (
        "Acme Corp",
        "enterprise",
        True,
        45,
    )
    assert (acme.timezone, acme.email_domain, acme.credit_limit_cents) == (
        "America/New_York",
        "acme.example",
        5_000_000,
    )
    initech = _customer(session, "INITECH")
    assert (initech.segment, initech.terms_days, initech.timezone, initech.currency) == (
        "smb",
        30,
        "UTC",
        "USD",
    )
    contacts = session.exec(select(Contact).where(Contact.customer_id == acme.id)).all()
    assert sorted((c.email, c.is_primary, c.do_not_contact) for c in contacts) == [
        ("pat@acme.example", True, False),
        ("sam@acme.example", False, True),
    ]

    paid = _invoice(session, "INV-1001")
    assert (paid.status, paid.open_cents, paid.paid_on, paid.po_number) == (
        "paid",
        0,
        date(2026, 11, 20),
        "PO-77",
    )
    credited = _invoice(session, "INV-1002")
    assert (credited.amount_cents, credited.open_cents) == (80_050, 75_000)
    globex = _invoice(session, "INV-2001")
    # Opening balance 1,000.00 from the file, then the 400.00 payment oldest-first.
    assert (globex.amount_cents, globex.open_cents, globex.currency) == (250_000, 60_000, "EUR")
    assert globex.description == "Consulting, phase 1"
    assert _invoice(session, "INV-3001").currency == "USD"

    assert report.applied_cents == 160_000 and report.unapplied_cents == 0
    assert report.credited_cents == 5_050
    memo = session.exec(select(CreditMemo)).one()
    assert memo.invoice_id == credited.id and memo.reason == "Damaged items"
    assert _count(session, PaymentAllocation) == 2


def test_new_open_invoices_get_their_first_aging_event(
    session: Session, clock: FixedClock, policy: Policy
) -> None:
    report = import_directory(session, GOOD, now=clock.now(), policy=policy)
    aging = session.exec(select(Event).where(Event.kind == "aging")).all()
    by_invoice = {event.ref_id: event for event in aging}
    thresholds = policy.cadence.aging_thresholds_days
    for number in ("INV-1002", "INV-2001", "INV-3001"):
        invoice = _invoice(session, number)
        expected = first_aging_event(invoice, thresholds, now=clock.now())
        assert expected is not None
        stored = by_invoice[invoice.id]
        assert stored.due_at.replace(tzinfo=None) == expected.due_at.replace(tzinfo=None)
        assert stored.detail == expected.detail
        if invoice.due_date < clock.now().date():  # already overdue: wakes the agent now
            assert stored.due_at.replace(tzinfo=None) <= clock.now().replace(tzinfo=None)
    assert _invoice(session, "INV-1001").id not in by_invoice  # paid within the batch
    assert report.aging_events == len(aging) == 3


def test_importing_the_same_files_again_changes_nothing(
    session: Session, clock: FixedClock, policy: Policy
) -> None:
    import_directory(session, GOOD, now=clock.now(), policy=policy)
    session.commit()
    counts = {m: _count(session, m) for m in (Customer, Contact, Invoice, Payment, Event)}
    again = import_directory(session, GOOD, now=clock.now(), policy=policy)
    assert {m: _count(session, m) for m in counts} == counts
    assert again.customers.unchanged == 3 and again.invoices.unchanged == 4
    assert again.payments.unchanged == 2 and again.credit_memos.unchanged == 1
    assert again.payments.created == 0 and again.applied_cents == 0
    assert _invoice(session, "INV-2001").open_cents == 60_000
    # The file's opening balance is stale now; the report says so.
    assert any("INV-2001" in warning for warning in again.warnings)


def test_an_update_changes_only_the_columns_the_file_gives(
    session: Session, clock: FixedClock, policy: Policy, tmp_path: Path
) -> None:
    import_directory(session, GOOD, now=clock.now(), policy=policy)
    path = _write(tmp_path / "customers.csv", "ref,name,terms_days\nACME,Acme Corporation,60\n")
    report = import_csv(session, path, "customers", now=clock.now(), policy=policy)
    assert report.customers.updated == 1
    acme = _customer(session, "ACME")
    assert (acme.name, acme.terms_days) == ("Acme Corporation", 60)
    assert (acme.segment, acme.strategic, acme.timezone) == ("enterprise", True, "America/New_York")


def test_a_reissued_invoice_amount_moves_its_balance(
    session: Session, clock: FixedClock, policy: Policy, tmp_path: Path
) -> None:
    import_directory(session, GOOD, now=clock.now(), policy=policy)
    path = _write(
        tmp_path / "invoices.csv",
        "number,customer_ref,issue_date,due_date,amount\n"
        "INV-1002,ACME,2026-10-01,2026-11-30,900.50\n",
    )
    report = import_csv(session, path, "invoices", now=clock.now(), policy=policy)
    assert report.invoices.updated == 1
    invoice = _invoice(session, "INV-1002")
    assert (invoice.amount_cents, invoice.open_cents) == (90_050, 85_000)
    assert invoice.due_date == date(2026, 11, 30)


def test_a_bad_file_names_each_bad_row_and_imports_nothing(
    session: Session, clock: FixedClock, policy: Policy
) -> None:
    import_directory(session, GOOD, now=clock.now(), policy=policy)
    session.commit()
    before = _count(session, Invoice)
    with pytest.raises(ImportFailed) as failure:
        import_csv(session, DATA / "bad" / "invoices.csv", "invoices", now=clock.now(),
                   policy=policy)  # fmt: skip
    message = str(failure.value)
    assert "invoices.csv row 3: issue_date: not a date: '2026/08/01'" in message
    assert "invoices.csv row 4: amount: amount '-5.00' is negative" in message
    assert "invoices.csv row 6: due_date: missing" in message
    assert "invoices.csv row 2" not in message
    # The unknown customer of row 5 is found once the rows parse; nothing is written either way.
    assert failure.value.count == 3
    assert not session.new and not session.dirty
    assert _count(session, Invoice) == before
    assert session.exec(select(Invoice).where(Invoice.number == "INV-9001")).first() is None


@pytest.mark.parametrize(
    ("kind", "text", "expected"),
    [
        (
            "customers",
            "ref,name,segment\nC1,One,giant\n",
            "customers.csv row 2: segment: unknown segment 'giant'",
        ),
        (
            "customers",
            "ref,name,timezone\nC1,One,Mars/Olympus\n",
            "customers.csv row 2: timezone: unknown timezone 'Mars/Olympus'",
        ),
        (
            "customers",
            "ref,name,strategic\nC1,One,maybe\n",
            "customers.csv row 2: strategic: not a boolean: 'maybe'",
        ),
        (
            "customers",
            "ref,segment\nC1,smb\n",
            "customers.csv row 1: missing required column(s) name",
        ),
        (
            "customers",
            "ref,name\nC1,One,extra\n",
            "customers.csv row 2: 3 cells but the header has 2 columns",
        ),
        (
            "customers",
            "ref,name\nC1,One\nC1,Again\n",
            "customers.csv row 3: customer C1 appears twice (first at customers.csv row 2)",
        ),
        (
            "contacts",
            "customer_ref,email\nKNOWN,not-an-address\n",
            "contacts.csv row 2: email: not an email address: 'not-an-address'",
        ),
        (
            "contacts",
            "customer_ref,email\nNOBODY,ap@nobody.example\n",
            "contacts.csv row 2: unknown customer 'NOBODY'",
        ),
        (
            "invoices",
            "number,customer_ref,issue_date,due_date,amount\nI-1,KNOWN,2026-10-01,2026-09-01,10\n",
            "invoices.csv row 2: due_date 2026-09-01 is before issue_date 2026-10-01",
        ),
        (
            "invoices",
            "number,customer_ref,issue_date,due_date,amount,open_amount\n"
            "I-1,KNOWN,2026-10-01,2026-11-01,10,12\n",
            "invoices.csv row 2: open_amount is larger than amount",
        ),
        (
            "invoices",
            "number,customer_ref,issue_date,due_date,amount\nI-1,KNOWN,2026-10-01,2026-11-01,1.005\n",
            "invoices.csv row 2: amount: amount '1.005' has fractions of a cent",
        ),
        (
            "invoices",
            "number,customer_ref,issue_date,due_date,amount\nI-1,KNOWN,2026-02-30,2026-11-01,10\n",
            "invoices.csv row 2: issue_date: not a date: '2026-02-30'",
        ),
        (
            "payments",
            "ref,customer_ref,amount,received_on\nP-1,KNOWN,0,2026-11-01\n",
            "payments.csv row 2: amount: Input should be greater than 0",
        ),
        (
            "credit_memos",
            "number,customer_ref,invoice_number,amount,issued_on\nCM-1,KNOWN,NOPE,5,2026-11-01\n",
            "credit_memos.csv row 2: unknown invoice 'NOPE'",
        ),
    ],
)
def test_bad_rows_are_refused_with_their_reason(
    session: Session,
    clock: FixedClock,
    policy: Policy,
    tmp_path: Path,
    kind: str,
    text: str,
    expected: str,
) -> None:
    factory.customer(session, ref="KNOWN")
    path = _write(tmp_path / f"{kind}.csv", text)
    with pytest.raises(ImportFailed) as failure:
        import_csv(session, path, kind, now=clock.now(), policy=policy)
    assert expected in str(failure.value)


def test_an_invoice_number_of_another_customer_is_refused(
    session: Session, clock: FixedClock, policy: Policy, tmp_path: Path
) -> None:
    owner = factory.customer(session, ref="OWNER")
    factory.customer(session, ref="OTHER")
    factory.invoice(session, owner, number="INV-X", due=date(2026, 12, 1))
    path = _write(
        tmp_path / "invoices.csv",
        "number,customer_ref,issue_date,due_date,amount\nINV-X,OTHER,2026-11-01,2026-12-01,10\n",
    )
    with pytest.raises(ImportFailed, match=r"row 2: invoice number INV-X already belongs to "
                                           r"customer 'OWNER'"):  # fmt: skip
        import_csv(session, path, "invoices", now=clock.now(), policy=policy)


def test_a_payment_cannot_change_once_imported(
    session: Session, clock: FixedClock, policy: Policy, tmp_path: Path
) -> None:
    import_directory(session, GOOD, now=clock.now(), policy=policy)
    path = _write(
        tmp_path / "payments.csv",
        "ref,customer_ref,amount,received_on\nPAY-1,ACME,1300.00,2026-11-20\n",
    )
    with pytest.raises(ImportFailed, match="PAY-1 was already imported"):
        import_csv(session, path, "payments", now=clock.now(), policy=policy)


def test_at_most_twenty_problems_are_listed(
    session: Session, clock: FixedClock, policy: Policy, tmp_path: Path
) -> None:
    rows = "".join(f"C{n},Name {n},nonsense\n" for n in range(25))
    path = _write(tmp_path / "customers.csv", "ref,name,segment\n" + rows)
    with pytest.raises(ImportFailed) as failure:
        import_csv(session, path, "customers", now=clock.now(), policy=policy)
    assert failure.value.count == 25
    assert len(failure.value.problems) == 20
    assert "… and 5 more" in str(failure.value)
    assert _count(session, Customer) == 0


def test_a_payment_net_of_a_same_day_credit_memo_is_no_short_pay(
    session: Session, clock: FixedClock, policy: Policy, tmp_path: Path
) -> None:
    owner = factory.customer(session, ref="NET")
    invoice = factory.invoice(session, owner, number="INV-NET", due=date(2026, 11, 1))
    _write(
        tmp_path / "payments.csv",
        "ref,customer_ref,amount,received_on,references\nP-NET,NET,900.00,2026-11-20,INV-NET\n",
    )
    _write(
        tmp_path / "credit_memos.csv",
        "number,customer_ref,invoice_number,amount,issued_on\nCM-NET,NET,INV-NET,100,2026-11-20\n",
    )
    report = import_directory(session, tmp_path, now=clock.now(), policy=policy)
    assert report.short_paid == []
    assert (invoice.open_cents, invoice.status) == (0, "paid")
    assert session.exec(select(AuditEvent).where(AuditEvent.action == "short_pay")).first() is None
    assert session.exec(select(AuditEvent).where(AuditEvent.action == "credit_memo")).one()


def test_a_directory_is_one_all_or_nothing_batch(
    session: Session, clock: FixedClock, policy: Policy, tmp_path: Path
) -> None:
    shutil.copy(GOOD / "customers.csv", tmp_path / "customers.csv")
    shutil.copy(DATA / "bad" / "invoices.csv", tmp_path / "invoices.csv")
    with pytest.raises(ImportFailed) as failure:
        import_directory(session, tmp_path, now=clock.now(), policy=policy)
    assert "invoices.csv row 3" in str(failure.value)
    assert _count(session, Customer) == 0


def _many_invoices(path: Path, count: int, *, bad_row: str | None = None) -> Path:
    lines = ["number,customer_ref,issue_date,due_date,amount"]
    lines += [f"S-{n:04d},ACME,2026-10-01,2026-10-31,{100 + n}.00" for n in range(count)]
    if bad_row is not None:
        lines.append(bad_row)
    return _write(path, "\n".join(lines) + "\n")


@pytest.mark.parametrize(
    ("bad_row", "expected"),
    [
        ("S-9999,ACME,2026-10-01,2026-10-31,-1.00", "row 42: amount: amount '-1.00' is negative"),
        ("S-9999,NOBODY,2026-10-01,2026-10-31,1.00", "row 42: unknown customer 'NOBODY'"),
        ("S-0003,ACME,2026-10-01,2026-10-31,1.00", "row 42: invoice S-0003 appears twice "
         "(first at invoices.csv row 5)"),
        ("s-0003,ACME,2026-10-01,2026-10-31,1.00", "row 42: invoice number 's-0003' differs "
         "from 'S-0003'"),
    ],
)  # fmt: skip
def test_a_streamed_import_refuses_everything_for_one_bad_row_in_a_later_batch(
    session: Session,
    clock: FixedClock,
    policy: Policy,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    bad_row: str,
    expected: str,
) -> None:
    monkeypatch.setattr(csv_files, "BATCH_ROWS", 7)  # 40 good rows: six batches go in first
    shutil.copy(GOOD / "customers.csv", tmp_path / "customers.csv")
    _many_invoices(tmp_path / "invoices.csv", 40, bad_row=bad_row)
    seen: list[int] = []
    with pytest.raises(ImportFailed) as failure:
        import_directory(session, tmp_path, now=clock.now(), policy=policy, progress=seen.append)
    assert f"invoices.csv {expected}" in str(failure.value)
    assert failure.value.count == 1
    assert sum(seen) >= 3 + 40  # every good row was read
    for model in (Customer, Invoice, Event, AuditEvent):
        assert _count(session, model) == 0


def test_a_streamed_import_goes_in_batch_by_batch(
    session: Session, clock: FixedClock, policy: Policy, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    monkeypatch.setattr(csv_files, "BATCH_ROWS", 7)
    shutil.copy(GOOD / "customers.csv", tmp_path / "customers.csv")
    _many_invoices(tmp_path / "invoices.csv", 40)
    seen: list[int] = []
    report = import_directory(session, tmp_path, now=clock.now(), policy=policy,
                              progress=seen.append)  # fmt: skip
    assert report.invoices.created == 40 and report.aging_events == 40
    assert max(seen) <= 7 and sum(seen) == 43
    assert _count(session, Invoice) == 40
    assert _count(session, Event) == 40
    again = import_directory(session, tmp_path, now=clock.now(), policy=policy)
    assert (again.invoices.created, again.invoices.unchanged) == (0, 40)


def test_an_empty_directory_is_an_error(
    session: Session, clock: FixedClock, policy: Policy, tmp_path: Path
) -> None:
    with pytest.raises(ImportFailed, match=r"none of customers\.csv"):
        import_directory(session, tmp_path, now=clock.now(), policy=policy)


def test_an_unknown_kind_is_refused(session: Session, clock: FixedClock, policy: Policy) -> None:
    with pytest.raises(ValueError, match="unknown kind of CSV file 'orders'"):
        import_csv(session, GOOD / "customers.csv", "orders", now=clock.now(), policy=policy)


def test_unused_columns_are_reported(
    session: Session, clock: FixedClock, policy: Policy, tmp_path: Path
) -> None:
    path = _write(tmp_path / "customers.csv", "\ufeffRef,Name,Colour\nC1,One,blue\n")
    report = import_csv(session, path, "customers", now=clock.now(), policy=policy)
    assert report.customers.created == 1
    assert report.warnings == ["customers.csv: column(s) colour not used"]


def test_the_csv_connector_speaks_the_connector_protocol(tmp_path: Path) -> None:
    connector: Connector = CsvConnector(GOOD, out_directory=tmp_path / "out")
    batch = connector.read()
    assert connector.name == "csv"
    assert [r.ref for r in batch.customers] == ["ACME", "GLOBEX", "INITECH"]
    assert [r.number for r in batch.invoices] == ["INV-1001", "INV-1002", "INV-2001", "INV-3001"]
    assert batch.invoices[2].open_cents == 100_000
    assert str(batch.invoices[2].origin) == "invoices.csv row 4"
    assert len(batch) == 14
