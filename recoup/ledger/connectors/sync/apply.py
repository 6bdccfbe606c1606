"""Putting one page of a source's records into the ledger, by the source's ids.

Upserts go through ``SourceLink`` (source, kind, source id → ledger row), so a
page read twice changes nothing. The source is the truth for what it owns:
invoice totals, balances, due dates and voids, payments and their invoice
links, credit memos. A change the source made becomes an event that wakes
the agent (after the initial load); where recoup had changed the same invoice
since it last read it, the source's values win and the conflict is noted on
the account. Never commits: the engine commits the page with its cursor.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, delete, select

from recoup.ledger import audit
from recoup.ledger.cash import _keep_paid_promises
from recoup.ledger.connectors.base import chunked
from recoup.ledger.connectors.sync.records import (
    Kind,
    SourceCreditMemo,
    SourceCustomer,
    SourceInvoice,
    SourcePage,
    SourcePayment,
)
from recoup.ledger.connectors.sync.tables import SourceLink
from recoup.ledger.events import event, first_aging_event
from recoup.ledger.models import (
    Contact,
    CreditMemo,
    Customer,
    EventKind,
    Invoice,
    InvoiceStatus,
    Payment,
    PaymentAllocation,
)
from recoup.money import format_money
from recoup.policy import Policy

MAX_WARNINGS = 50


@dataclass
class PageReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    events: int = 0
    conflicts: int = 0
    warnings: list[str] = field(default_factory=list)

    def add(self, other: PageReport) -> None:
        self.created += other.created
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.removed += other.removed
        self.events += other.events
        self.conflicts += other.conflicts
        room = MAX_WARNINGS - len(self.warnings)
        self.warnings += other.warnings[: max(room, 0)]


class MissingReference(Exception):
    """A record names a customer or invoice the ledger does not know from this source."""


def apply_page(
    session: Session,
    page: SourcePage,
    *,
    source: str,
    prefix: str,
    now: datetime,
    policy: Policy,
) -> PageReport:
    applier = _Applier(session, source, prefix, now, policy, initial=page.initial)
    applier.customers(page.customers)
    applier.invoices(page.invoices)
    applier.credit_memos(page.credit_memos)
    applier.payments(page.payments)
    applier.deletions(page)
    session.flush()
    return applier.report


def linked_ids(session: Session, source: str, kind: Kind, ids: Iterable[str]) -> set[str]:
    """Which of ``ids`` the ledger already holds from ``source``."""
    found: set[str] = set()
    for chunk in chunked(sorted(set(ids))):
        found.update(
            session.exec(
                select(SourceLink.external_id).where(
                    SourceLink.source == source,
                    SourceLink.kind == kind.value,
                    col(SourceLink.external_id).in_(chunk),
                )
            )
        )
    return found


def _invoice_seen(record: SourceInvoice) -> dict[str, Any]:
    return {
        "total": record.total_cents,
        "open": 0 if record.voided else record.balance_cents,
        "due": record.due_date.isoformat(),
        "status": _status(record).value,
    }


def _ledger_seen(row: Invoice) -> dict[str, Any]:
    return {
        "total": row.amount_cents,
        "open": row.open_cents,
        "due": row.due_date.isoformat(),
        "status": row.status,
    }


def _status(record: SourceInvoice) -> InvoiceStatus:
    if record.voided:
        return InvoiceStatus.VOID
    return InvoiceStatus.OPEN if record.balance_cents > 0 else InvoiceStatus.PAID


class _Applier:
    def __init__(
        self,
        session: Session,
        source: str,
        prefix: str,
        now: datetime,
        policy: Policy,
        *,
        initial: bool,
    ) -> None:
        self.session = session
        self.source = source
        self.prefix = prefix
        self.now = now
        self.policy = policy
        self.initial = initial
        self.report = PageReport()
        self._links: dict[tuple[str, str], SourceLink] = {}
        self.touched_by_cash: set[str] = set()

    # --- links ------------------------------------------------------------------

    def load_links(self, kind: Kind, ids: Iterable[str]) -> None:
        wanted = sorted({i for i in ids if (kind.value, i) not in self._links})
        for chunk in chunked(wanted):
            for link in self.session.exec(
                select(SourceLink).where(
                    SourceLink.source == self.source,
                    SourceLink.kind == kind.value,
                    col(SourceLink.external_id).in_(chunk),
                )
            ):
                self._links[(kind.value, link.external_id)] = link

    def link(self, kind: Kind, external_id: str) -> SourceLink | None:
        return self._links.get((kind.value, external_id))

    def add_link(self, kind: Kind, external_id: str, local_id: int, seen: dict[str, Any]) -> None:
        link = SourceLink(
            source=self.source,
            kind=kind.value,
            external_id=external_id,
            local_id=local_id,
            seen=seen,
            updated_at=self.now,
        )
        self.session.add(link)
        self._links[(kind.value, external_id)] = link

    def local_id(self, kind: Kind, external_id: str) -> int:
        link = self.link(kind, external_id)
        if link is None:
            raise MissingReference(f"{self.source} {kind.value} {external_id} is not in the ledger")
        return link.local_id

    def warn(self, text: str) -> None:
        if len(self.report.warnings) < MAX_WARNINGS:
            self.report.warnings.append(text)

    def _note(self, action: str, reason: str, customer_id: int, detail: dict[str, Any]) -> None:
        """What the sync did on an account, in its audit trail."""
        audit.record(
            self.session,
            at=self.now,
            actor="system",
            action=action,
            reason=reason,
            customer_id=customer_id,
            detail=detail,
        )

    def wake(self, customer_id: int, kind: EventKind, detail: str, ref_id: int | None) -> None:
        if self.initial:
            return
        self.session.add(event(customer_id, kind, now=self.now, detail=detail, ref_id=ref_id))
        self.report.events += 1

    def _rows(self, model: Any, ids: Iterable[int]) -> dict[int, Any]:
        rows: dict[int, Any] = {}
        for chunk in chunked(sorted(set(ids))):
            rows.update(
                {r.id: r for r in self.session.exec(select(model).where(col(model.id).in_(chunk)))}
            )
        return rows

    # --- customers and contacts -------------------------------------------------

    def customers(self, records: list[SourceCustomer]) -> None:
        if not records:
            return
        self.load_links(Kind.CUSTOMER, (r.id for r in records))
        known = self._rows(
            Customer, (link.local_id for r in records if (link := self.link(Kind.CUSTOMER, r.id)))
        )
        refs = {f"{self.prefix}-{r.id}"[:64] for r in records if not self.link(Kind.CUSTOMER, r.id)}
        by_ref: dict[str, Customer] = {}
        for chunk in chunked(sorted(refs)):
            by_ref.update(
                {
                    c.ref: c
                    for c in self.session.exec(select(Customer).where(col(Customer.ref).in_(chunk)))
                }
            )
        fresh: list[tuple[SourceCustomer, Customer]] = []
        for record in records:
            link = self.link(Kind.CUSTOMER, record.id)
            row = (
                known.get(link.local_id)
                if link is not None
                else by_ref.get(f"{self.prefix}-{record.id}"[:64])
            )
            if row is None:
                row = Customer(
                    ref=f"{self.prefix}-{record.id}"[:64],
                    name=record.name[:200] or record.id,
                    currency=record.currency or "USD",
                    terms_days=record.terms_days if record.terms_days is not None else 30,
                    email_domain=_domain(record),
                    created_at=self.now,
                )
                self.session.add(row)
                fresh.append((record, row))
                self.report.created += 1
                continue
            changed = False
            for attr, value in (
                ("name", record.name[:200] or row.name),
                ("currency", record.currency or row.currency),
                (
                    "terms_days",
                    record.terms_days if record.terms_days is not None else row.terms_days,
                ),
                ("email_domain", row.email_domain or _domain(record)),
            ):
                if getattr(row, attr) != value:
                    setattr(row, attr, value)
                    changed = True
            if link is None:
                fresh.append((record, row))
            self.report.updated += changed
            self.report.unchanged += not changed
        self.session.flush()
        for record, row in fresh:
            self.add_link(Kind.CUSTOMER, record.id, row.id or 0, {})
        self._contacts(records)

    def _contacts(self, records: list[SourceCustomer]) -> None:
        owners = {self.local_id(Kind.CUSTOMER, r.id): r for r in records if r.contacts}
        existing: dict[tuple[int, str], Contact] = {}
        for chunk in chunked(sorted(owners)):
            for contact in self.session.exec(
                select(Contact).where(col(Contact.customer_id).in_(chunk))
            ):
                existing[(contact.customer_id, contact.email.lower())] = contact
        for customer_id, record in owners.items():
            for source_contact in record.contacts:
                email = source_contact.email.strip().lower()
                if "@" not in email or len(email) > 320:
                    self.warn(
                        f"customer {record.id}: not an email address {source_contact.email!r}"
                    )
                    continue
                row = existing.get((customer_id, email))
                if row is None:
                    row = Contact(customer_id=customer_id, email=email)
                    existing[(customer_id, email)] = row
                    self.session.add(row)
                row.name = source_contact.name[:200]
                row.role = source_contact.role[:40] or "billing"
                row.is_primary = source_contact.is_primary

    # --- invoices ---------------------------------------------------------------

    def invoices(self, records: list[SourceInvoice]) -> None:
        if not records:
            return
        self.load_links(Kind.INVOICE, (r.id for r in records))
        self.load_links(Kind.CUSTOMER, (r.customer_id for r in records))
        rows = self._rows(
            Invoice, (link.local_id for r in records if (link := self.link(Kind.INVOICE, r.id)))
        )
        taken = self._taken_numbers(r.number for r in records if not self.link(Kind.INVOICE, r.id))
        created: list[tuple[SourceInvoice, Invoice]] = []
        for record in records:
            link = self.link(Kind.INVOICE, record.id)
            row = rows.get(link.local_id) if link is not None else None
            if row is None:
                created.append((record, self._new_invoice(record, taken)))
            else:
                self._update_invoice(record, row, link)  # type: ignore[arg-type]
        self.session.flush()
        thresholds = self.policy.cadence.aging_thresholds_days
        for record, row in created:
            self.add_link(Kind.INVOICE, record.id, row.id or 0, _invoice_seen(record))
            if row.status == InvoiceStatus.OPEN.value:
                aging = first_aging_event(row, thresholds, now=self.now)
                if aging is not None:
                    self.session.add(aging)

    def _taken_numbers(self, numbers: Iterable[str], column: Any = Invoice.number) -> set[str]:
        """Which of ``numbers`` the ledger already uses in ``column`` (invoice or memo numbers)."""
        taken: set[str] = set()
        for chunk in chunked(sorted({n for n in numbers if n})):
            taken.update(self.session.exec(select(column).where(col(column).in_(chunk))))
        return taken

    def _number(self, number: str, external_id: str, taken: set[str]) -> str:
        own = f"{self.prefix}-{external_id}"
        candidate = (number or own)[:64]
        if candidate in taken:
            candidate = f"{number} ({own})"[:64]
        taken.add(candidate)
        return candidate

    def _new_invoice(self, record: SourceInvoice, taken: set[str]) -> Invoice:
        status = _status(record)
        row = Invoice(
            customer_id=self.local_id(Kind.CUSTOMER, record.customer_id),
            number=self._number(record.number, record.id, taken),
            issue_date=record.issue_date,
            due_date=max(record.due_date, record.issue_date),
            amount_cents=record.total_cents,
            open_cents=0 if record.voided else record.balance_cents,
            currency=record.currency,
            status=status.value,
            po_number=(record.po_number or None) and record.po_number[:64],
            description=(record.description or None) and record.description[:500],
            paid_on=self.now.date() if status is InvoiceStatus.PAID else None,
        )
        self.session.add(row)
        self.report.created += 1
        return row

    def _update_invoice(self, record: SourceInvoice, row: Invoice, link: SourceLink) -> None:
        seen = _invoice_seen(record)
        details_changed = False
        for attr, value in (
            ("issue_date", record.issue_date),
            ("currency", record.currency),
            ("po_number", (record.po_number or None) and record.po_number[:64]),
            ("description", (record.description or None) and record.description[:500]),
        ):
            if getattr(row, attr) != value:
                setattr(row, attr, value)
                details_changed = True
        if seen == link.seen:
            self.report.updated += details_changed
            self.report.unchanged += not details_changed
            return
        before = _ledger_seen(row)
        if before != link.seen and before != seen:
            self._conflict(row, before, seen)
        row.amount_cents = record.total_cents
        row.open_cents = seen["open"]
        row.due_date = max(record.due_date, row.issue_date)
        row.status = seen["status"]
        if row.status == InvoiceStatus.PAID.value and row.paid_on is None:
            row.paid_on = self.now.date()
        elif row.status == InvoiceStatus.OPEN.value:
            row.paid_on = None
        link.seen = seen
        link.updated_at = self.now
        self.session.add(link)
        self.report.updated += 1
        self._announce(record, row, before, seen)

    def _announce(
        self, record: SourceInvoice, row: Invoice, before: dict[str, Any], seen: dict[str, Any]
    ) -> None:
        changes: list[str] = []
        if seen["status"] == InvoiceStatus.VOID.value and before["status"] != seen["status"]:
            changes.append(f"invoice {row.number} was voided in {self.source}")
        else:
            if before["due"] != seen["due"]:
                changes.append(
                    f"the due date of {row.number} moved from {before['due']} to {seen['due']}"
                )
            if before["total"] != seen["total"]:
                changes.append(
                    f"invoice {row.number} was edited: total {format_money(before['total'])} → "
                    f"{format_money(seen['total'])}"
                )
            elif before["open"] != seen["open"] and record.id not in self.touched_by_cash:
                changes.append(
                    f"the open balance of {row.number} is now {format_money(seen['open'])} "
                    f"in {self.source}"
                )
        if changes:
            self.wake(row.customer_id, EventKind.SOURCE_CHANGE, "; ".join(changes), row.id)

    def _conflict(self, row: Invoice, ledger: dict[str, Any], source: dict[str, Any]) -> None:
        differ = sorted(k for k in source if ledger[k] != source[k])
        self.report.conflicts += 1
        self._note(
            "sync_conflict",
            (
                f"{row.number} changed both in recoup and in {self.source} "
                f"({', '.join(differ)}); the {self.source} values are kept"
            ),
            row.customer_id,
            {"invoice": row.number, "recoup": ledger, "source": source},
        )

    # --- credit memos -----------------------------------------------------------

    def credit_memos(self, records: list[SourceCreditMemo]) -> None:
        if not records:
            return
        self.load_links(Kind.CREDIT_MEMO, (r.id for r in records))
        self.load_links(Kind.CUSTOMER, (r.customer_id for r in records))
        self.load_links(Kind.INVOICE, (a.invoice_id for r in records for a in r.allocations))
        numbers = {r.number for r in records if r.number}
        taken = self._taken_numbers(numbers, CreditMemo.number)
        for record in records:
            link = self.link(Kind.CREDIT_MEMO, record.id)
            self.touched_by_cash.update(a.invoice_id for a in record.allocations)
            if link is not None:
                if record.voided:
                    self._remove_memo(
                        link, f"credit memo {record.number} was voided in {self.source}"
                    )
                else:
                    self.report.unchanged += 1
                continue
            if record.voided:
                continue
            customer_id = self.local_id(Kind.CUSTOMER, record.customer_id)
            invoice_ids = [
                link.local_id
                for a in record.allocations
                if (link := self.link(Kind.INVOICE, a.invoice_id)) is not None
            ]
            number = (record.number or f"{self.prefix}-CM-{record.id}")[:64]
            if number in taken:
                number = f"{record.number} ({self.prefix}-CM-{record.id})"[:64]
            taken.add(number)
            memo = CreditMemo(
                customer_id=customer_id,
                number=number,
                invoice_id=invoice_ids[0] if invoice_ids else None,
                amount_cents=record.amount_cents,
                issued_on=record.issued_on,
                reason=record.reason[:500],
            )
            self.session.add(memo)
            self.session.flush()
            self.add_link(
                Kind.CREDIT_MEMO, record.id, memo.id or 0, {"amount": record.amount_cents}
            )
            self.report.created += 1
            amount = format_money(record.amount_cents)
            text = f"credit memo {number} of {amount} issued in {self.source}"
            self._note(
                "credit_memo", text, customer_id, {"credit_memo": number, "source": self.source}
            )
            self.wake(customer_id, EventKind.SOURCE_CHANGE, text, memo.id)

    def _remove_memo(self, link: SourceLink, text: str) -> None:
        memo = self.session.get(CreditMemo, link.local_id)
        self._forget(link)
        if memo is not None:
            self._removed(memo, "credit_memo_removed", text)

    def _forget(self, link: SourceLink) -> None:
        self.session.delete(link)
        self._links.pop((link.kind, link.external_id), None)

    def _removed(self, row: CreditMemo | Payment, action: str, text: str) -> None:
        """``row`` left the source: it leaves the ledger, noted on the account and announced."""
        self.session.delete(row)
        self.report.removed += 1
        self._note(action, text, row.customer_id, {"source": self.source})
        self.wake(row.customer_id, EventKind.SOURCE_CHANGE, text, None)

    # --- payments ---------------------------------------------------------------

    def payments(self, records: list[SourcePayment]) -> None:
        if not records:
            return
        self.load_links(Kind.PAYMENT, (r.id for r in records))
        self.load_links(Kind.CUSTOMER, (r.customer_id for r in records))
        self.load_links(Kind.INVOICE, (a.invoice_id for r in records for a in r.allocations))
        for record in records:
            self.touched_by_cash.update(a.invoice_id for a in record.allocations)
            link = self.link(Kind.PAYMENT, record.id)
            seen = {
                "amount": record.amount_cents,
                "allocations": sorted([a.invoice_id, a.amount_cents] for a in record.allocations),
            }
            if link is not None:
                if record.voided:
                    self._remove_payment(link, f"payment {record.id} was voided in {self.source}")
                elif link.seen != seen:
                    self._reallocate(record, link, seen)
                else:
                    self.report.unchanged += 1
                continue
            if record.voided:
                continue
            self._new_payment(record, seen)

    def _new_payment(self, record: SourcePayment, seen: dict[str, Any]) -> None:
        customer_id = self.local_id(Kind.CUSTOMER, record.customer_id)
        payment = Payment(
            customer_id=customer_id,
            ref=f"{self.prefix}-{record.id}"[:64],
            amount_cents=record.amount_cents,
            received_on=record.received_on,
            references=record.reference[:500],
            method=record.method[:32] or "transfer",
        )
        self.session.add(payment)
        self.session.flush()
        applied = self._allocate(record, payment)
        self.add_link(Kind.PAYMENT, record.id, payment.id or 0, seen)
        self.report.created += 1
        self._note(
            "apply_payment",
            (
                f"payment {payment.ref} of {format_money(payment.amount_cents)} applied in "
                f"{self.source} to {', '.join(applied) or 'nothing'}"
                + (
                    f"; {format_money(payment.unapplied_cents)} unapplied"
                    if payment.unapplied_cents
                    else ""
                )
            ),
            customer_id,
            {
                "payment": payment.ref,
                "unapplied_cents": payment.unapplied_cents,
                "source": self.source,
            },
        )
        if not self.initial:
            self.wake(
                customer_id,
                EventKind.PAYMENT,
                f"payment {payment.ref} of {format_money(payment.amount_cents)} received",
                payment.id,
            )
            _keep_paid_promises(
                self.session, customer_id, self.now, self.policy.promises.grace_days
            )

    def _allocate(self, record: SourcePayment, payment: Payment) -> list[str]:
        applied: list[str] = []
        total = 0
        invoices = self._rows(
            Invoice,
            (
                link.local_id
                for a in record.allocations
                if (link := self.link(Kind.INVOICE, a.invoice_id))
            ),
        )
        for allocation in record.allocations:
            link = self.link(Kind.INVOICE, allocation.invoice_id)
            if link is None:
                self.warn(
                    f"payment {record.id}: invoice {allocation.invoice_id} is not in the ledger"
                )
                continue
            invoice = invoices[link.local_id]
            self.session.add(
                PaymentAllocation(
                    payment_id=payment.id or 0,
                    invoice_id=invoice.id or 0,
                    amount_cents=allocation.amount_cents,
                    matched_by="source",
                )
            )
            total += allocation.amount_cents
            applied.append(invoice.number)
            if invoice.status == InvoiceStatus.PAID.value:
                invoice.paid_on = record.received_on
        payment.unapplied_cents = max(record.amount_cents - total, 0)
        return applied

    def _reallocate(self, record: SourcePayment, link: SourceLink, seen: dict[str, Any]) -> None:
        payment = self.session.get(Payment, link.local_id)
        if payment is None:
            return
        self.session.exec(
            delete(PaymentAllocation).where(col(PaymentAllocation.payment_id) == payment.id)
        )
        payment.amount_cents = record.amount_cents
        self._allocate(record, payment)
        link.seen = seen
        self.session.add(link)
        self.report.updated += 1
        self.wake(
            payment.customer_id,
            EventKind.SOURCE_CHANGE,
            f"payment {payment.ref} was changed in {self.source}",
            payment.id,
        )

    def _remove_payment(self, link: SourceLink, text: str) -> None:
        payment = self.session.get(Payment, link.local_id)
        self._forget(link)
        if payment is None:
            return
        self.session.exec(
            delete(PaymentAllocation).where(col(PaymentAllocation.payment_id) == payment.id)
        )
        self._removed(payment, "payment_removed", text)

    # --- deletions --------------------------------------------------------------

    def deletions(self, page: SourcePage) -> None:
        for kind in (Kind.INVOICE, Kind.PAYMENT, Kind.CREDIT_MEMO):
            ids = [d.id for d in page.deletions if d.kind is kind]
            if not ids:
                continue
            self.load_links(kind, ids)
            for external_id in ids:
                link = self.link(kind, external_id)
                if link is None:
                    continue
                text = f"{kind.value.replace('_', ' ')} {external_id} was deleted in {self.source}"
                if kind is Kind.INVOICE:
                    self._void(link, text)
                elif kind is Kind.PAYMENT:
                    self._remove_payment(link, text)
                else:
                    self._remove_memo(link, text)

    def _void(self, link: SourceLink, text: str) -> None:
        row = self.session.get(Invoice, link.local_id)
        if row is None or row.status == InvoiceStatus.VOID.value:
            return
        row.status = InvoiceStatus.VOID.value
        row.open_cents = 0
        link.seen = _ledger_seen(row)
        self.session.add(link)
        self.report.removed += 1
        self.wake(row.customer_id, EventKind.SOURCE_CHANGE, f"{text}; {row.number} is void", row.id)


def _domain(record: SourceCustomer) -> str | None:
    for contact in record.contacts:
        domain = contact.email.rpartition("@")[2].strip().lower()
        if domain and "." in domain:
            return domain[:200]
    return None
