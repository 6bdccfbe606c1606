"""What no system of record may bring in, whatever its format: amounts beyond the
policy's maximum or beyond what the ledger's columns hold, dates outside a sane
window around today, and invoice numbers that differ from another only in case
(``dup-2`` and ``DUP-2``: one invoice to a person, two to a database)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta

from sqlalchemy import func
from sqlmodel import Session, col, select

from recoup.ledger.connectors.base import (
    CreditMemoRecord,
    CustomerRecord,
    InvoiceRecord,
    PaymentRecord,
    Problems,
    Record,
    RecordBatch,
    chunked,
)
from recoup.ledger.models import Invoice
from recoup.money import format_money
from recoup.policy import Policy

# The ledger's money columns are INTEGER: PostgreSQL's holds 2**31 - 1 minor units.
COLUMN_MAX_CENTS = 2**31 - 1
YEARS_BACK = 20
YEARS_AHEAD = 10


def max_amount_cents(policy: Policy) -> int:
    return min(policy.ledger.max_amount_cents, COLUMN_MAX_CENTS)


def date_window(now: datetime) -> tuple[date, date]:
    today = now.date()
    return today - timedelta(days=365 * YEARS_BACK), today + timedelta(days=365 * YEARS_AHEAD)


def check_bounds(
    batch: RecordBatch,
    problems: Problems,
    *,
    now: datetime,
    policy: Policy,
    currencies: dict[str, str],
) -> None:
    """Add a problem for every amount or date of ``batch`` out of bounds; ``currencies``
    are the customers' currencies by ref, for the amounts' labels."""
    currencies = currencies | {c.ref: c.currency for c in batch.customers}

    def currency(record: Record) -> str:
        own = getattr(record, "currency", None)
        ref = getattr(record, "customer_ref", None) or getattr(record, "ref", "")
        return str(own or currencies.get(str(ref), "USD"))

    ceiling = max_amount_cents(policy)
    earliest, latest = date_window(now)
    for kind, records in _amounts_and_dates(batch):
        for record, amounts, dates in records:
            where = record.where(kind)
            for name, cents in amounts:
                if cents is not None and cents > ceiling:
                    problems.add(
                        where,
                        f"{name}: {format_money(cents, currency(record))} is more than the "
                        f"largest amount accepted, {format_money(ceiling, currency(record))} "
                        + (
                            "(what the ledger holds)"
                            if ceiling == COLUMN_MAX_CENTS
                            else "([ledger] max_amount_cents in the policy)"
                        ),
                    )
            for name, day in dates:
                if not earliest <= day <= latest:
                    problems.add(
                        where,
                        f"{name}: {day.isoformat()} is outside {earliest.isoformat()} … "
                        f"{latest.isoformat()} ({YEARS_BACK} years back, {YEARS_AHEAD} ahead)",
                    )


def check_invoice_number_case(session: Session, batch: RecordBatch, problems: Problems) -> None:
    """Refuse an invoice number equal to another one but for letter case, in the batch
    or in the ledger."""
    seen: dict[str, InvoiceRecord] = {}
    for invoice in batch.invoices:
        folded = invoice.number.casefold()
        first = seen.setdefault(folded, invoice)
        if first is not invoice and first.number != invoice.number:
            problems.add(
                invoice.where(f"invoice {invoice.number}"),
                f"invoice number {invoice.number!r} differs from {first.number!r} "
                f"({first.where('?')}) only in letter case; use one spelling",
            )
    stored = _stored_numbers(session, {i.number.casefold() for i in batch.invoices})
    for invoice in batch.invoices:
        twins = stored.get(invoice.number.casefold(), set()) - {invoice.number}
        if twins:
            problems.add(
                invoice.where(f"invoice {invoice.number}"),
                f"invoice number {invoice.number!r} differs from {sorted(twins)[0]!r}, already "
                "in the ledger, only in letter case; use the ledger's spelling",
            )


def _stored_numbers(session: Session, folded: set[str]) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for chunk in chunked(sorted(folded)):
        for number in session.exec(
            select(Invoice.number).where(func.lower(col(Invoice.number)).in_(chunk))
        ):
            found.setdefault(number.casefold(), set()).add(number)
    return found


_Row = tuple[Record, list[tuple[str, int | None]], list[tuple[str, date]]]


def _amounts_and_dates(batch: RecordBatch) -> Iterable[tuple[str, Iterable[_Row]]]:
    def customers(records: list[CustomerRecord]) -> Iterable[_Row]:
        for r in records:
            yield r, [("credit_limit", r.credit_limit_cents)], []

    def invoices(records: list[InvoiceRecord]) -> Iterable[_Row]:
        for r in records:
            amounts = [("amount", r.amount_cents), ("open_amount", r.open_cents)]
            yield r, amounts, [("issue_date", r.issue_date), ("due_date", r.due_date)]

    def payments(records: list[PaymentRecord]) -> Iterable[_Row]:
        for r in records:
            yield r, [("amount", r.amount_cents)], [("received_on", r.received_on)]

    def memos(records: list[CreditMemoRecord]) -> Iterable[_Row]:
        for r in records:
            yield r, [("amount", r.amount_cents)], [("issued_on", r.issued_on)]

    return [
        ("customer", customers(batch.customers)),
        ("invoice", invoices(batch.invoices)),
        ("payment", payments(batch.payments)),
        ("credit memo", memos(batch.credit_memos)),
    ]
