"""The one way records from a system of record enter the ledger.

``ingest`` takes one batch, ``ingest_batches`` a stream of them (a large CSV
file read a few thousand rows at a time, so memory stays flat). Each batch is
checked against itself, the batches before it and the ledger, then upserted by
natural key (customer ref; contact customer + email; invoice number; payment
ref; credit memo number); new invoices go in as bulk inserts. New payments go
through cash application, credit memos reduce the invoice they name, and the
new invoices still open at the end get their first aging event. All of it
happens inside a savepoint: one unacceptable record anywhere and the ledger is
as it was (``ImportFailed`` lists the problems). It never commits: the caller
owns the transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import Enum
from typing import Any, NamedTuple, TypeVar

from pydantic import BaseModel, Field
from sqlalchemy import insert
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from recoup.ledger import audit
from recoup.ledger.cash import apply_payment
from recoup.ledger.connectors.base import (
    ContactRecord,
    CreditMemoRecord,
    CustomerRecord,
    InvoiceRecord,
    PaymentRecord,
    Problems,
    Record,
    RecordBatch,
    chunked,
)
from recoup.ledger.connectors.bounds import CaseTwins, check_bounds
from recoup.ledger.events import first_aging_fields
from recoup.ledger.models import (
    Contact,
    CreditMemo,
    Customer,
    Event,
    Invoice,
    InvoiceStatus,
    Payment,
)
from recoup.ledger.operations.disputes import settle_from_source
from recoup.money import DEFAULT_CURRENCY, format_money, format_totals
from recoup.policy import Policy

MAX_WARNINGS = 50

T = TypeVar("T")


class KindCounts(BaseModel):
    created: int = 0
    updated: int = 0
    unchanged: int = 0


class ImportReport(BaseModel):
    source: str
    customers: KindCounts = Field(default_factory=KindCounts)
    contacts: KindCounts = Field(default_factory=KindCounts)
    invoices: KindCounts = Field(default_factory=KindCounts)
    payments: KindCounts = Field(default_factory=KindCounts)
    credit_memos: KindCounts = Field(default_factory=KindCounts)
    aging_events: int = 0
    # Sums over every currency, kept for callers that import one currency; what is
    # shown comes from the per-currency totals below.
    applied_cents: int = 0
    unapplied_cents: int = 0
    credited_cents: int = 0
    applied: dict[str, int] = Field(default_factory=dict)
    unapplied: dict[str, int] = Field(default_factory=dict)
    credited: dict[str, int] = Field(default_factory=dict)
    short_paid: list[str] = Field(default_factory=list)
    promises_kept: int = 0
    warnings: list[str] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)

    def warn(self, text: str) -> None:
        if len(self.warnings) < MAX_WARNINGS:
            self.warnings.append(text)
        elif len(self.warnings) == MAX_WARNINGS:
            self.warnings.append("… more warnings left out")

    def summary(self) -> str:
        kinds = ("customers", "contacts", "invoices", "payments", "credit_memos")
        parts = []
        for kind in kinds:
            counts: KindCounts = getattr(self, kind)
            if counts.created or counts.updated or counts.unchanged:
                parts.append(
                    f"{kind.replace('_', ' ')}: {counts.created} new, {counts.updated} updated, "
                    f"{counts.unchanged} unchanged"
                )
        lines = [f"imported from {self.source}: " + ("; ".join(parts) or "nothing")]
        if self.notes:
            lines.append("read " + "; ".join(self.notes))
        if self.payments.created:
            lines.append(
                f"cash applied {format_totals(self.applied)}, unapplied "
                f"{format_totals(self.unapplied)}, short pays on "
                f"{', '.join(self.short_paid) or 'none'}, promises kept {self.promises_kept}"
            )
        if self.credit_memos.created:
            lines.append(f"credit memos reduced invoices by {format_totals(self.credited)}")
        lines.append(f"aging events scheduled: {self.aging_events}")
        lines += [f"warning: {text}" for text in self.warnings]
        return "\n".join(lines)


def ingest(session: Session, batch: RecordBatch, *, now: datetime, policy: Policy) -> ImportReport:
    """Check every record of ``batch``, then upsert them; raises ``ImportFailed`` (having
    written nothing) when any record is unacceptable."""
    return ingest_batches(session, [batch], source=batch.source, now=now, policy=policy)


def ingest_batches(
    session: Session,
    batches: Iterable[RecordBatch],
    *,
    source: str,
    now: datetime,
    policy: Policy,
    problems: Problems | None = None,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Ingest ``batches`` in order as one import: all of it, or (``ImportFailed``) none.

    ``problems`` may already hold what the reader of the batches found wrong; once there
    is one, later batches are still read (to list their problems) but not written.
    ``progress`` is told how many records each batch had."""
    problems = problems if problems is not None else Problems()
    report = ImportReport(source=source)
    seen = _Seen()
    created: list[str] = []
    records = 0
    with session.begin_nested():
        for batch in batches:
            records += len(batch)
            _ingest_one(session, batch, seen, created, report, problems, now=now, policy=policy)
            if progress is not None:
                progress(len(batch))
        problems.raise_if_any()
        report.aging_events = _schedule_aging(session, created, policy=policy, now=now)
        audit.record(
            session,
            at=now,
            actor="system",
            action="import",
            reason=report.summary().splitlines()[0][:2000],
            detail={
                "source": source,
                "records": records,
                "aging_events": report.aging_events,
                "warnings": len(report.warnings),
            },
        )
        session.flush()
    return report


def _ingest_one(
    session: Session,
    batch: RecordBatch,
    seen: _Seen,
    created: list[str],
    report: ImportReport,
    problems: Problems,
    *,
    now: datetime,
    policy: Policy,
) -> None:
    report.notes.extend(batch.notes)
    for warning in batch.warnings:
        report.warn(warning)
    if problems:
        return
    known = _Known.load(session, batch)
    _check(batch, known, seen, problems, session=session, now=now, policy=policy)
    if problems:
        return
    writer = _Writer(session, known, report, now=now, policy=policy)
    writer.customers(batch.customers)
    writer.contacts(batch.contacts)
    created.extend(writer.invoices(batch.invoices))
    writer.cash(batch.payments, batch.credit_memos)
    writer.reconcile(batch.invoices)
    session.flush()


def _schedule_aging(session: Session, created: list[str], *, policy: Policy, now: datetime) -> int:
    """The first aging event of each new invoice still open after the import's cash."""
    thresholds = policy.cadence.aging_thresholds_days
    scheduled = 0
    columns = (
        col(Invoice.id),
        col(Invoice.customer_id),
        col(Invoice.number),
        col(Invoice.due_date),
    )
    for numbers in chunked(created):
        rows = session.execute(
            sa_select(*columns).where(
                col(Invoice.number).in_(numbers), col(Invoice.status) == InvoiceStatus.OPEN.value
            )
        )
        events = [
            fields
            for row in rows
            if (fields := first_aging_fields(_NewInvoice(*row), thresholds, now=now)) is not None
        ]
        if events:
            session.connection().execute(insert(Event.__table__), events)  # type: ignore[attr-defined]
            scheduled += len(events)
    return scheduled


class _NewInvoice(NamedTuple):
    id: int
    customer_id: int
    number: str
    due_date: date


@dataclass
class _Seen:
    """Where each natural key of the import so far was first met (batches are checked
    one at a time; a key repeated in a later batch is a duplicate all the same)."""

    customers: dict[str, str] = field(default_factory=dict)
    contacts: dict[tuple[str, str], str] = field(default_factory=dict)
    invoices: dict[str, str] = field(default_factory=dict)
    payments: dict[str, str] = field(default_factory=dict)
    credit_memos: dict[str, str] = field(default_factory=dict)
    case_twins: CaseTwins = field(default_factory=CaseTwins)


@dataclass
class _Known:
    """The ledger rows a batch refers to, looked up once."""

    customers: dict[str, Customer]
    invoices: dict[str, Invoice]
    payments: dict[str, Payment]
    credit_memos: dict[str, CreditMemo]
    customer_refs: dict[int, str] = field(default_factory=dict)

    @classmethod
    def load(cls, session: Session, batch: RecordBatch) -> _Known:
        refs = {r.ref for r in batch.customers}
        for records in (batch.contacts, batch.invoices, batch.payments, batch.credit_memos):
            refs.update(r.customer_ref for r in records)
        numbers = {r.number for r in batch.invoices}
        numbers.update(r.invoice_number for r in batch.credit_memos if r.invoice_number)
        invoices = {i.number: i for i in _lookup(session, Invoice, Invoice.number, numbers)}
        customers = {c.ref: c for c in _lookup(session, Customer, Customer.ref, refs)}
        owners = {i.customer_id for i in invoices.values()} - {c.id for c in customers.values()}
        customer_refs = {c.id or 0: c.ref for c in customers.values()}
        customer_refs.update(
            {c.id or 0: c.ref for c in _lookup(session, Customer, Customer.id, owners)}
        )
        return cls(
            customers=customers,
            invoices=invoices,
            payments={
                p.ref: p
                for p in _lookup(session, Payment, Payment.ref, {r.ref for r in batch.payments})
            },
            credit_memos={
                m.number: m
                for m in _lookup(
                    session, CreditMemo, CreditMemo.number, {r.number for r in batch.credit_memos}
                )
            },
            customer_refs=customer_refs,
        )

    def currency(self, record: PaymentRecord) -> str:
        customer = self.customers.get(record.customer_ref)
        return customer.currency if customer is not None else DEFAULT_CURRENCY

    def owner_ref(self, customer_id: int) -> str:
        return self.customer_refs.get(customer_id, f"#{customer_id}")


def _lookup(session: Session, model: type[T], key: Any, values: Iterable[object]) -> list[T]:
    wanted = sorted({v for v in values if v is not None}, key=str)
    rows: list[T] = []
    for chunk in chunked(wanted):
        rows.extend(session.exec(select(model).where(col(key).in_(chunk))))
    return rows


def _check(
    batch: RecordBatch,
    known: _Known,
    seen: _Seen,
    problems: Problems,
    *,
    session: Session,
    now: datetime,
    policy: Policy,
) -> None:
    currencies = {ref: customer.currency for ref, customer in known.customers.items()}
    check_bounds(batch, problems, now=now, policy=policy, currencies=currencies)
    seen.case_twins.check(session, batch, problems)
    for record in batch.customers:
        _unique(problems, seen.customers, record.ref, record, f"customer {record.ref}")
    customer_refs = set(known.customers) | {record.ref for record in batch.customers}

    def check_customer(record: ContactRecord | InvoiceRecord | PaymentRecord | CreditMemoRecord,
                       label: str) -> None:  # fmt: skip
        if record.customer_ref not in customer_refs:
            problems.add(record.where(label), f"unknown customer {record.customer_ref!r}")

    for contact in batch.contacts:
        label = f"contact {contact.email}"
        check_customer(contact, label)
        _unique(problems, seen.contacts, (contact.customer_ref, contact.email), contact, label)

    batch_invoices: dict[str, InvoiceRecord] = {}
    for invoice in batch.invoices:
        label = f"invoice {invoice.number}"
        check_customer(invoice, label)
        _unique(problems, seen.invoices, invoice.number, invoice, label)
        batch_invoices.setdefault(invoice.number, invoice)
        stored = known.invoices.get(invoice.number)
        if stored is not None and known.owner_ref(stored.customer_id) != invoice.customer_ref:
            problems.add(
                invoice.where(label),
                f"invoice number {invoice.number} already belongs to customer "
                f"{known.owner_ref(stored.customer_id)!r}",
            )

    for payment in batch.payments:
        label = f"payment {payment.ref}"
        check_customer(payment, label)
        _unique(problems, seen.payments, payment.ref, payment, label)
        stored_payment = known.payments.get(payment.ref)
        if stored_payment is not None and (
            known.owner_ref(stored_payment.customer_id) != payment.customer_ref
            or stored_payment.amount_cents != payment.amount_cents
        ):
            problems.add(
                payment.where(label),
                f"payment {payment.ref} was already imported for customer "
                f"{known.owner_ref(stored_payment.customer_id)!r} with amount "
                f"{format_money(stored_payment.amount_cents, known.currency(payment))}; "
                "a payment cannot change",
            )

    for memo in batch.credit_memos:
        label = f"credit memo {memo.number}"
        check_customer(memo, label)
        _unique(problems, seen.credit_memos, memo.number, memo, label)
        stored_memo = known.credit_memos.get(memo.number)
        if stored_memo is not None and (
            known.owner_ref(stored_memo.customer_id) != memo.customer_ref
            or stored_memo.amount_cents != memo.amount_cents
        ):
            problems.add(
                memo.where(label),
                f"credit memo {memo.number} was already imported with a different customer "
                "or amount; a credit memo cannot change",
            )
        if memo.invoice_number:
            _check_memo_invoice(problems, memo, label, batch_invoices, known)


def _check_memo_invoice(
    problems: Problems,
    memo: CreditMemoRecord,
    label: str,
    batch_invoices: dict[str, InvoiceRecord],
    known: _Known,
) -> None:
    number = memo.invoice_number or ""
    if number in batch_invoices:
        owner = batch_invoices[number].customer_ref
    elif number in known.invoices:
        owner = known.owner_ref(known.invoices[number].customer_id)
    else:
        problems.add(memo.where(label), f"unknown invoice {number!r}")
        return
    if owner != memo.customer_ref:
        problems.add(
            memo.where(label),
            f"invoice {number} belongs to customer {owner!r}, not {memo.customer_ref!r}",
        )


def _unique(problems: Problems, seen: dict[Any, str], key: object, record: Record,
            label: str) -> None:  # fmt: skip
    first = seen.get(key)
    if first is None:
        seen[key] = record.where("?")
        return
    problems.add(record.where(label), f"{label} appears twice (first at {first})")


_CUSTOMER_FIELDS = {
    "name": "name",
    "segment": "segment",
    "strategic": "strategic",
    "terms_days": "terms_days",
    "timezone": "timezone",
    "currency": "currency",
    "email_domain": "email_domain",
    "credit_limit_cents": "credit_limit_cents",
}
_CONTACT_FIELDS = {
    "name": "name",
    "role": "role",
    "is_primary": "is_primary",
    "do_not_contact": "do_not_contact",
}
_INVOICE_FIELDS = {
    "issue_date": "issue_date",
    "due_date": "due_date",
    "currency": "currency",
    "po_number": "po_number",
    "description": "description",
}


def _update(row: object, record: Record, fields: dict[str, str]) -> bool:
    """Copy the fields the source actually gave onto ``row``; True when something changed."""
    changed = False
    for record_field, row_field in fields.items():
        if record_field not in record.model_fields_set:
            continue
        value = getattr(record, record_field)
        value = value.value if isinstance(value, Enum) else value
        if getattr(row, row_field) != value:
            setattr(row, row_field, value)
            changed = True
    return changed


class _Writer:
    def __init__(
        self,
        session: Session,
        known: _Known,
        report: ImportReport,
        *,
        now: datetime,
        policy: Policy,
    ) -> None:
        self.session = session
        self.known = known
        self.report = report
        self.now = now
        self.policy = policy
        self.preexisting: set[str] = set(known.invoices)

    def customer_id(self, ref: str) -> int:
        return self.known.customers[ref].id or 0

    def customers(self, records: list[CustomerRecord]) -> None:
        for record in records:
            row = self.known.customers.get(record.ref)
            if row is None:
                row = Customer(
                    ref=record.ref,
                    name=record.name,
                    segment=record.segment.value,
                    strategic=record.strategic,
                    terms_days=record.terms_days,
                    timezone=record.timezone,
                    currency=record.currency,
                    email_domain=record.email_domain,
                    credit_limit_cents=record.credit_limit_cents,
                    created_at=self.now,
                )
                self.session.add(row)
                self.known.customers[record.ref] = row
                self.report.customers.created += 1
            elif _update(row, record, _CUSTOMER_FIELDS):
                self.report.customers.updated += 1
            else:
                self.report.customers.unchanged += 1
        self.session.flush()
        self.known.customer_refs.update({c.id or 0: ref for ref, c in self.known.customers.items()})

    def contacts(self, records: list[ContactRecord]) -> None:
        if not records:
            return
        ids = {self.customer_id(r.customer_ref) for r in records}
        existing = {
            (c.customer_id, c.email.lower()): c
            for c in _lookup(self.session, Contact, Contact.customer_id, ids)
        }
        for record in records:
            key = (self.customer_id(record.customer_ref), record.email)
            row = existing.get(key)
            if row is None:
                row = Contact(
                    customer_id=key[0],
                    name=record.name,
                    email=record.email,
                    role=record.role,
                    is_primary=record.is_primary,
                    do_not_contact=record.do_not_contact,
                )
                self.session.add(row)
                existing[key] = row
                self.report.contacts.created += 1
            elif _update(row, record, _CONTACT_FIELDS):
                self.report.contacts.updated += 1
            else:
                self.report.contacts.unchanged += 1
        self.session.flush()

    def invoices(self, records: list[InvoiceRecord]) -> list[str]:
        """Upsert the invoices; the new ones go in as one bulk insert. Their numbers."""
        new: list[dict[str, object]] = []
        for record in records:
            owner = self.known.customers[record.customer_ref]
            row = self.known.invoices.get(record.number)
            if row is None:
                new.append(_new_invoice(record, owner))
                self.report.invoices.created += 1
            elif self._update_invoice(row, record):
                self.report.invoices.updated += 1
            else:
                self.report.invoices.unchanged += 1
        self.session.flush()
        if new:
            # Core's executemany: the ORM's bulk path costs a multiple of it per row.
            self.session.connection().execute(insert(Invoice.__table__), new)  # type: ignore[attr-defined]
        return [str(row["number"]) for row in new]

    def invoice(self, number: str) -> Invoice | None:
        """A stored invoice by number, also one this import has just inserted."""
        row = self.known.invoices.get(number)
        if row is None and number:
            row = self.session.exec(select(Invoice).where(Invoice.number == number)).first()
        return row

    def _update_invoice(self, row: Invoice, record: InvoiceRecord) -> bool:
        changed = _update(row, record, _INVOICE_FIELDS)
        delta = record.amount_cents - row.amount_cents
        if delta:
            # A re-issued amount moves the balance by the same difference; the cash
            # already applied stays applied.
            row.amount_cents = record.amount_cents
            row.open_cents = min(max(row.open_cents + delta, 0), row.amount_cents)
            if row.status != InvoiceStatus.VOID.value:
                row.status = (InvoiceStatus.OPEN if row.open_cents else InvoiceStatus.PAID).value
            changed = True
        if delta < 0:  # an adjusted invoice answers its dispute
            money = format_money(-delta, row.currency)
            what = f"{row.number} adjusted in the system of record: {money} less"
            settle_from_source(self.session, row, now=self.now, what=what, changed_cents=-delta)
        return changed

    def cash(self, payments: list[PaymentRecord], memos: list[CreditMemoRecord]) -> None:
        """New payments and credit memos in date order; on one day the credit memo goes
        first, so a remittance net of its credit is not taken for a short pay."""
        entries: list[tuple[date, int, int, PaymentRecord | CreditMemoRecord]] = []
        for index, memo in enumerate(memos):
            if memo.number in self.known.credit_memos:
                self.report.credit_memos.unchanged += 1
            else:
                entries.append((memo.issued_on, 0, index, memo))
        for index, payment in enumerate(payments):
            if payment.ref in self.known.payments:
                self.report.payments.unchanged += 1
            else:
                entries.append((payment.received_on, 1, index, payment))
        for _day, _order, _index, record in sorted(entries, key=lambda e: e[:3]):
            if isinstance(record, PaymentRecord):
                self._payment(record)
            else:
                self._credit_memo(record)

    def _payment(self, record: PaymentRecord) -> None:
        payment = Payment(
            customer_id=self.customer_id(record.customer_ref),
            ref=record.ref,
            amount_cents=record.amount_cents,
            received_on=record.received_on,
            references=record.references,
            method=record.method,
        )
        self.session.add(payment)
        self.session.flush()
        self.known.payments[record.ref] = payment
        application = apply_payment(
            self.session,
            payment,
            now=self.now,
            grace_days=self.policy.promises.grace_days,
            policy=self.policy,
        )
        self.report.payments.created += 1
        applied = sum(a.amount_cents for a in application.allocations)
        currency = self.known.customers[record.customer_ref].currency
        self.report.applied_cents += applied
        self.report.unapplied_cents += payment.unapplied_cents
        _add(self.report.applied, currency, applied)
        _add(self.report.unapplied, currency, payment.unapplied_cents)
        self.report.short_paid.extend(application.short_paid)
        self.report.promises_kept += len(application.kept_promises)

    def _credit_memo(self, record: CreditMemoRecord) -> None:
        customer_id = self.customer_id(record.customer_ref)
        invoice = self.invoice(record.invoice_number or "")
        memo = CreditMemo(
            customer_id=customer_id,
            number=record.number,
            invoice_id=invoice.id if invoice is not None else None,
            amount_cents=record.amount_cents,
            issued_on=record.issued_on,
            reason=record.reason,
        )
        self.session.add(memo)
        self.known.credit_memos[record.number] = memo
        self.report.credit_memos.created += 1
        if invoice is None:
            return
        if invoice.status != InvoiceStatus.OPEN.value:
            self.report.warn(
                f"credit memo {record.number}: invoice {invoice.number} is {invoice.status}; "
                "nothing credited"
            )
            return
        credited = min(record.amount_cents, invoice.open_cents)
        currency = invoice.currency
        invoice.open_cents -= credited
        if invoice.open_cents == 0:
            invoice.status = InvoiceStatus.PAID.value
        if credited < record.amount_cents:
            self.report.warn(
                f"credit memo {record.number}: "
                f"{format_money(record.amount_cents - credited, currency)} "
                f"more than the open balance of {invoice.number}; left uncredited"
            )
        self.report.credited_cents += credited
        _add(self.report.credited, currency, credited)
        audit.record(
            self.session,
            at=self.now,
            actor="system",
            action="credit_memo",
            reason=(
                f"credit memo {record.number} reduced {invoice.number} by "
                f"{format_money(credited, currency)}"
                + (f": {record.reason}" if record.reason else "")
            )[:2000],
            customer_id=customer_id,
            detail={"credit_memo": record.number, "invoice": invoice.number},
        )
        what = f"credit memo {record.number} from the system of record"
        settle_from_source(self.session, invoice, now=self.now, what=what, memo=memo)

    def reconcile(self, records: list[InvoiceRecord]) -> None:
        """Say where the source's open amount for a known invoice differs from the ledger's."""
        for record in records:
            if record.open_cents is None or record.number not in self.preexisting:
                continue
            row = self.known.invoices[record.number]
            if row.open_cents != record.open_cents:
                self.report.warn(
                    f"invoice {record.number}: the source says "
                    f"{format_money(record.open_cents, row.currency)} open, the ledger "
                    f"{format_money(row.open_cents, row.currency)}"
                )


def _add(totals: dict[str, int], currency: str, cents: int) -> None:
    if cents:
        totals[currency] = totals.get(currency, 0) + cents


def _new_invoice(record: InvoiceRecord, owner: Customer) -> dict[str, object]:
    balance = record.balance_cents
    return {
        "customer_id": owner.id or 0,
        "number": record.number,
        "issue_date": record.issue_date,
        "due_date": record.due_date,
        "amount_cents": record.amount_cents,
        "open_cents": balance,
        "currency": record.currency or owner.currency,
        "status": (InvoiceStatus.OPEN if balance > 0 else InvoiceStatus.PAID).value,
        "po_number": record.po_number,
        "description": record.description,
    }
