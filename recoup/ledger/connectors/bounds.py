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


class CaseTwins:
    """Refuses an invoice number equal to another but for letter case, in one import
    (batch after batch) or in the ledger.

    Two such numbers differ where one of them has a lower-case letter, so only numbers
    with one are remembered: the ledger's (one scan, at the first batch) and the
    import's; the upper-case spelling of each is looked up by the number's index. A
    large import thus costs neither a scan per batch nor memory per row."""

    def __init__(self) -> None:
        self._ledger: dict[str, set[str]] | None = None
        self._earlier: dict[str, tuple[str, str]] = {}

    def check(self, session: Session, batch: RecordBatch, problems: Problems) -> None:
        in_batch: dict[str, InvoiceRecord] = {}
        for invoice in batch.invoices:
            folded = invoice.number.casefold()
            first = in_batch.setdefault(folded, invoice)
            spelling, where = (
                (first.number, first.where("?"))
                if first is not invoice
                else self._earlier.get(folded, (invoice.number, ""))
            )
            if spelling != invoice.number:
                problems.add(
                    invoice.where(f"invoice {invoice.number}"),
                    f"invoice number {invoice.number!r} differs from {spelling!r} "
                    f"({where}) only in letter case; use one spelling",
                )
        stored = self._stored(session, [invoice.number for invoice in batch.invoices])
        for invoice in batch.invoices:
            twins = stored.get(invoice.number.casefold(), set()) - {invoice.number}
            if twins:
                problems.add(
                    invoice.where(f"invoice {invoice.number}"),
                    f"invoice number {invoice.number!r} differs from {sorted(twins)[0]!r}, "
                    "already in the ledger, only in letter case; use the ledger's spelling",
                )
        for invoice in batch.invoices:
            if _has_lower(invoice.number):
                self._earlier.setdefault(
                    invoice.number.casefold(), (invoice.number, invoice.where("?"))
                )

    def _stored(self, session: Session, numbers: list[str]) -> dict[str, set[str]]:
        if self._ledger is None:
            self._ledger = {}
            lowered = select(Invoice.number).where(
                col(Invoice.number) != func.upper(col(Invoice.number))
            )
            for number in session.exec(lowered):
                if _has_lower(number):
                    self._ledger.setdefault(number.casefold(), set()).add(number)
        found = {folded: set(spellings) for folded, spellings in self._ledger.items()}
        uppers = sorted({n.upper() for n in numbers if _has_lower(n)})
        for chunk in chunked(uppers):
            for number in session.exec(
                select(Invoice.number).where(col(Invoice.number).in_(chunk))
            ):
                found.setdefault(number.casefold(), set()).add(number)
        return found


def _has_lower(number: str) -> bool:
    return number != number.upper()


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
