"""Loading a scenario's ledger the way production loads one: as a batch from a
system of record, through ``recoup.ledger.connectors.ingest``.

The run starts with recoup going live on the imported ledger: the import
wakes the agent at once for invoices already past an aging threshold, as it
does in production. Payment history (invoices paid before the start) arrives
as payments on their dates; the PAYMENT events they raise are history, so
they are marked processed rather than waking the agent on day one.
Invoices a scenario issues during the run arrive as later imports.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from sqlmodel import Session, col, select

from recoup.clock import at_utc
from recoup.evals.scenario import CustomerSpec, InvoiceSpec, Scenario
from recoup.ledger.connectors.base import (
    ContactRecord,
    CustomerRecord,
    InvoiceRecord,
    PaymentRecord,
    RecordBatch,
)
from recoup.ledger.connectors.ingest import ingest
from recoup.ledger.models import Customer, Event, EventKind
from recoup.policy import Policy

GO_LIVE_SOURCE = "scenario"


@dataclass(frozen=True)
class Ledger:
    """Scenario customer refs ↔ database ids."""

    ids: dict[str, int]

    def ref_of(self, customer_id: int | None) -> str | None:
        return next((ref for ref, cid in self.ids.items() if cid == customer_id), None)

    @classmethod
    def read(cls, session: Session) -> Ledger:
        return cls(
            {ref: cid for ref, cid in session.exec(select(Customer.ref, Customer.id)) if cid}
        )


def is_history(invoice: InvoiceSpec) -> bool:
    return invoice.paid_on is not None


def issued_later(invoice: InvoiceSpec, start: datetime) -> bool:
    return invoice.issued > start.date()


def _customer_record(customer: CustomerSpec) -> CustomerRecord:
    return CustomerRecord(
        ref=customer.ref,
        name=customer.name,
        segment=customer.segment,
        strategic=customer.strategic,
        terms_days=customer.terms_days,
        timezone=customer.timezone,
        currency=customer.currency,
        email_domain=customer.email_domain,
        credit_limit_cents=customer.credit_limit_cents,
    )


def _invoice_record(customer: CustomerSpec, invoice: InvoiceSpec) -> InvoiceRecord:
    return InvoiceRecord(
        number=invoice.number,
        customer_ref=customer.ref,
        issue_date=invoice.issued,
        due_date=invoice.due,
        amount_cents=invoice.amount_cents,
        open_cents=None if is_history(invoice) else invoice.open_cents,
        currency=customer.currency,
        po_number=invoice.po_number,
        description=invoice.description,
    )


def initial_batch(scenario: Scenario) -> RecordBatch:
    customers: list[CustomerRecord] = []
    contacts: list[ContactRecord] = []
    invoices: list[InvoiceRecord] = []
    payments: list[PaymentRecord] = []
    for customer in scenario.customers:
        customers.append(_customer_record(customer))
        contacts.extend(
            ContactRecord(
                customer_ref=customer.ref,
                email=contact.email,
                name=contact.name,
                role=contact.role,
                is_primary=contact.primary,
                do_not_contact=contact.do_not_contact,
            )
            for contact in customer.contacts
        )
        for invoice in customer.invoices:
            if issued_later(invoice, scenario.start):
                continue
            invoices.append(_invoice_record(customer, invoice))
            if invoice.paid_on is not None:
                payments.append(
                    PaymentRecord(
                        ref=f"HIST-{invoice.number}",
                        customer_ref=customer.ref,
                        amount_cents=invoice.amount_cents,
                        received_on=invoice.paid_on,
                        references=invoice.number,
                    )
                )
    return RecordBatch(
        source=GO_LIVE_SOURCE,
        customers=customers,
        contacts=contacts,
        invoices=invoices,
        payments=payments,
    )


def load_ledger(session: Session, scenario: Scenario, *, now: datetime, policy: Policy) -> Ledger:
    """Import the scenario's ledger and put recoup live on it; the caller commits."""
    ingest(session, initial_batch(scenario), now=now, policy=policy)
    history = session.exec(
        select(Event).where(
            Event.kind == EventKind.PAYMENT.value, col(Event.processed_at).is_(None)
        )
    )
    for event in history:
        event.processed_at = now
    session.flush()
    return Ledger.read(session)


def new_invoices_batch(scenario: Scenario, day: date) -> RecordBatch | None:
    """The invoices a scenario issues on ``day`` during the run."""
    records = [
        _invoice_record(customer, invoice)
        for customer in scenario.customers
        for invoice in customer.invoices
        if invoice.issued == day and issued_later(invoice, scenario.start)
    ]
    return RecordBatch(source=GO_LIVE_SOURCE, invoices=records) if records else None


def issue_time(day: date) -> datetime:
    return at_utc(day, time(6, 0))
