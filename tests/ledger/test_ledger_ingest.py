"""``ingest`` with records built in code, as an ERP connector would hand them over."""

from __future__ import annotations

from datetime import date

import pytest
from pydantic import ValidationError
from sqlalchemy import func
from sqlmodel import Session, select

from recoup.clock import FixedClock
from recoup.ledger.connectors.base import (
    ContactRecord,
    CreditMemoRecord,
    CustomerRecord,
    ImportFailed,
    InvoiceRecord,
    PaymentRecord,
    RecordBatch,
    parse_amount,
)
from recoup.ledger.connectors.ingest import ingest
from recoup.ledger.models import AuditEvent, Customer, Invoice, Segment
from recoup.policy import Policy


def _batch(**records: object) -> RecordBatch:
    return RecordBatch(source="erp:test", **records)  # type: ignore[arg-type]


def test_records_without_an_origin_are_named_by_their_key(
    session: Session, clock: FixedClock, policy: Policy
) -> None:
    batch = _batch(
        invoices=[
            InvoiceRecord(
                number="E-1",
                customer_ref="GHOST",
                issue_date=date(2026, 10, 1),
                due_date=date(2026, 10, 31),
                amount_cents=1_000,
            )
        ],
        payments=[
            PaymentRecord(
                ref="P-1", customer_ref="GHOST", amount_cents=500, received_on=date(2026, 11, 1)
            )
        ],
    )
    with pytest.raises(ImportFailed) as failure:
        ingest(session, batch, now=clock.now(), policy=policy)
    assert [str(p) for p in failure.value.problems] == [
        "invoice E-1: unknown customer 'GHOST'",
        "payment P-1: unknown customer 'GHOST'",
    ]
    assert session.exec(select(func.count()).select_from(Invoice)).one() == 0


def test_a_batch_refers_to_customers_it_brings_itself(
    session: Session, clock: FixedClock, policy: Policy
) -> None:
    batch = _batch(
        customers=[CustomerRecord(ref="NEW", name="New Co", segment=Segment.MID_MARKET)],
        contacts=[ContactRecord(customer_ref="NEW", email="AP@New.Example", is_primary=True)],
        invoices=[
            InvoiceRecord(
                number="N-1",
                customer_ref="NEW",
                issue_date=date(2026, 11, 1),
                due_date=date(2026, 12, 1),
                amount_cents=20_000,
            )
        ],
        credit_memos=[
            CreditMemoRecord(
                number="NCM-1",
                customer_ref="NEW",
                invoice_number="N-1",
                amount_cents=25_000,
                issued_on=date(2026, 11, 2),
            )
        ],
    )
    report = ingest(session, batch, now=clock.now(), policy=policy)
    customer = session.exec(select(Customer).where(Customer.ref == "NEW")).one()
    invoice = session.exec(select(Invoice).where(Invoice.number == "N-1")).one()
    assert customer.segment == "mid_market"
    assert (invoice.open_cents, invoice.status) == (0, "paid")
    assert report.credited_cents == 20_000
    assert report.warnings == [
        "credit memo NCM-1: $50.00 more than the open balance of N-1; left uncredited"
    ]
    assert report.aging_events == 0  # credited in full within the batch
    imported = session.exec(select(AuditEvent).where(AuditEvent.action == "import")).one()
    assert imported.actor == "system" and imported.detail["records"] == 4
    assert "erp:test" in imported.reason


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: CustomerRecord(ref="C", name="C", segment="giant"), "unknown segment"),  # type: ignore[arg-type]
        (lambda: CustomerRecord(ref="C", name="C", timezone="Nowhere/Town"), "unknown timezone"),
        (lambda: CustomerRecord(ref="C", name="C", currency="dollars"), "not a currency code"),
        (
            lambda: CustomerRecord(ref="C", name="C", email_domain="no domain"),
            "not an email domain",
        ),
        (lambda: ContactRecord(customer_ref="C", email="a@b"), "not an email address"),
        (lambda: CustomerRecord(ref="", name="C"), "at least 1 character"),
    ],
)
def test_records_validate_what_any_connector_sends(build: object, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        build()  # type: ignore[operator]


@pytest.mark.parametrize(
    ("text", "cents"),
    [("1234.56", 123_456), ("1,234.56", 123_456), ("7", 700), ("0.10", 10), ("12.3400", 1_234)],
)
def test_amounts_are_read_as_decimals(text: str, cents: int) -> None:
    assert parse_amount(text) == cents


@pytest.mark.parametrize("text", ["-1.00", "1.234", "12,34", "1e3", "$5", "", "1.2.3"])
def test_unreadable_amounts_are_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parse_amount(text)
