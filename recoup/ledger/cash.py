"""Cash application and promise settlement.

A payment goes first to the invoices its remittance names, in the order
named; what is left goes to the oldest open, undisputed invoices; what is
still left stays unapplied on the payment. A named invoice that the payment
does not clear is a short pay, flagged as a possible deduction.

A promise is kept when the money it promised arrived against its invoices by
its date plus the grace days, broken when that date passes without it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlmodel import Session, col, func, select

from recoup.ledger import audit
from recoup.ledger.events import event
from recoup.ledger.models import (
    Customer,
    Dispute,
    DisputeKind,
    DisputeReason,
    DisputeStatus,
    EventKind,
    Invoice,
    InvoiceStatus,
    Payment,
    PaymentAllocation,
    Promise,
    PromiseInvoice,
    PromiseStatus,
)
from recoup.ledger.operations import disputes
from recoup.ledger.operations.actor import SYSTEM
from recoup.ledger.state import load_account
from recoup.money import DEFAULT_CURRENCY, format_money
from recoup.policy import Policy


@dataclass
class Application:
    payment: Payment
    allocations: list[PaymentAllocation] = field(default_factory=list)
    invoice_numbers: list[str] = field(default_factory=list)
    short_paid: list[str] = field(default_factory=list)
    kept_promises: list[int] = field(default_factory=list)


def referenced_invoices(references: str, invoices: list[Invoice]) -> list[Invoice]:
    """The invoices a remittance names, in the order it names them.

    A number matches only as a whole (never inside a longer number), ignoring
    case and surrounding punctuation; longer numbers claim their text first, so
    a remittance naming ``INV-1001`` never also pays an invoice ``1001``.
    """
    text = references.upper()
    claimed = [False] * len(text)
    found: list[tuple[int, Invoice]] = []
    for invoice in sorted(invoices, key=lambda inv: len(inv.number), reverse=True):
        number = invoice.number.strip().upper()
        if not number or number not in text:
            continue  # the cheap test first: most remittances name few of the invoices
        wanted = re.escape(number)
        for match in re.finditer(rf"(?<![A-Z0-9]){wanted}(?![A-Z0-9])", text):
            if not any(claimed[match.start() : match.end()]):
                claimed[match.start() : match.end()] = [True] * (match.end() - match.start())
                found.append((match.start(), invoice))
                break
    return [invoice for _, invoice in sorted(found, key=lambda pair: pair[0])]


def apply_payment(
    session: Session,
    payment: Payment,
    *,
    now: datetime,
    grace_days: int,
    policy: Policy | None = None,
) -> Application:
    """Allocate a not yet applied payment to its customer's open invoices. With the
    ``policy``, a small short pay on a named invoice becomes a deduction case."""
    if payment.id is None:
        session.add(payment)
        session.flush()
    elif _already_applied(session, payment):
        raise ValueError(f"payment {payment.ref} has already been applied")
    result = Application(payment)
    currency = customer_currency(session, payment.customer_id)
    open_invoices = _open_invoices_oldest_first(session, payment.customer_id)
    disputed = _disputed_cents(session, payment.customer_id)
    named = referenced_invoices(payment.references, open_invoices)
    named_ids = {invoice.id for invoice in named}
    remaining = payment.amount_cents
    for invoice in named:
        # A named invoice the money does not reach is still short-paid: the
        # remittance claims it was settled.
        amount = min(remaining, invoice.open_cents)
        short = invoice.open_cents - amount
        remaining -= amount
        _allocate(session, result, invoice, amount, matched_by="reference", short=short)
    for invoice in open_invoices:
        if remaining <= 0:
            break
        # Only what is outside a dispute: a partly disputed invoice takes its undisputed part.
        collectable = invoice.open_cents - disputed.get(invoice.id or 0, 0)
        if invoice.id in named_ids or collectable <= 0:
            continue
        amount = min(remaining, collectable)
        remaining -= amount
        _allocate(session, result, invoice, amount, matched_by="oldest_first", short=0)
    payment.unapplied_cents = remaining
    _record_short_pays(session, result, now=now, currency=currency)
    if policy is not None:
        open_deductions(session, result, now=now, policy=policy, currency=currency)
    applied_to = [
        number
        for allocation, number in zip(result.allocations, result.invoice_numbers, strict=True)
        if allocation.amount_cents
    ]
    audit.record(
        session,
        at=now,
        actor="system",
        action="apply_payment",
        reason=(
            f"payment {payment.ref} of {format_money(payment.amount_cents, currency)} applied "
            f"to {', '.join(applied_to) or 'nothing'}"
            + (f"; {format_money(remaining, currency)} unapplied" if remaining else "")
        ),
        customer_id=payment.customer_id,
        detail={"payment": payment.ref, "unapplied_cents": remaining, "currency": currency},
    )
    session.add(
        event(
            payment.customer_id,
            EventKind.PAYMENT,
            now=now,
            ref_id=payment.id,
            detail=(
                f"payment {payment.ref} of {format_money(payment.amount_cents, currency)} received"
            ),
        )
    )
    session.flush()
    result.kept_promises = [
        p.id or 0 for p in _keep_paid_promises(session, payment.customer_id, now, grace_days)
    ]
    return result


def _open_invoices_oldest_first(session: Session, customer_id: int) -> list[Invoice]:
    return list(
        session.exec(
            select(Invoice)
            .where(Invoice.customer_id == customer_id, Invoice.status == InvoiceStatus.OPEN.value)
            .order_by(col(Invoice.due_date), col(Invoice.id))
        )
    )


def _disputed_cents(session: Session, customer_id: int) -> dict[int, int]:
    """The disputed part of each invoice under an open dispute."""
    held: dict[int, int] = {}
    for dispute in session.exec(
        select(Dispute).where(
            Dispute.customer_id == customer_id, Dispute.status == DisputeStatus.OPEN.value
        )
    ):
        held[dispute.invoice_id] = held.get(dispute.invoice_id, 0) + dispute.amount_cents
    return held


def _record_short_pays(
    session: Session, result: Application, *, now: datetime, currency: str
) -> None:
    """Audit each named invoice the payment left short: a possible deduction."""
    payment = result.payment
    for allocation, invoice_number in zip(result.allocations, result.invoice_numbers, strict=True):
        if allocation.short_pay_cents:
            result.short_paid.append(invoice_number)
            audit.record(
                session,
                at=now,
                actor="system",
                action="short_pay",
                reason=(
                    f"payment {payment.ref} left "
                    f"{format_money(allocation.short_pay_cents, currency)} open on "
                    f"{invoice_number}: possible deduction"
                ),
                customer_id=payment.customer_id,
                detail={
                    "payment": payment.ref,
                    "invoice": invoice_number,
                    "short_pay_cents": allocation.short_pay_cents,
                },
            )


def open_deductions(
    session: Session, result: Application, *, now: datetime, policy: Policy, currency: str
) -> list[Dispute]:
    """A short pay the customer kept on purpose is a deduction: a dispute of the short
    amount, with its owner, on the rest of the invoice."""
    payment = result.payment
    share = policy.disputes.deduction_max_pct / 100
    short = [
        (allocation, number)
        for allocation, number in zip(result.allocations, result.invoice_numbers, strict=True)
        if 0
        < allocation.short_pay_cents
        <= share * (allocation.amount_cents + allocation.short_pay_cents)
    ]
    if not short:
        return []
    account = load_account(session, payment.customer_id, now=now)
    opened = []
    for allocation, number in short:
        money = format_money(allocation.short_pay_cents, currency)
        opened.append(
            disputes.open_dispute(
                session,
                account,
                now=now,
                actor=SYSTEM,
                policy=policy,
                invoice_number=number,
                reason=DisputeReason.OTHER,
                detail=f"payment {payment.ref} left {money} unpaid on {number}: a deduction",
                amount_cents=allocation.short_pay_cents,
                kind=DisputeKind.DEDUCTION,
            ).dispute
        )
    return opened


def _already_applied(session: Session, payment: Payment) -> bool:
    applied = session.exec(
        select(func.count()).where(PaymentAllocation.payment_id == payment.id)
    ).one()
    return applied > 0


def _allocate(
    session: Session,
    result: Application,
    invoice: Invoice,
    amount: int,
    *,
    matched_by: str,
    short: int,
) -> None:
    if amount <= 0 and short <= 0:
        return
    invoice.open_cents -= amount
    if invoice.open_cents <= 0:
        invoice.open_cents = 0
        invoice.status = InvoiceStatus.PAID.value
        invoice.paid_on = result.payment.received_on
    allocation = PaymentAllocation(
        payment_id=result.payment.id or 0,
        invoice_id=invoice.id or 0,
        amount_cents=amount,
        short_pay_cents=short,
        matched_by=matched_by,
    )
    session.add(allocation)
    result.allocations.append(allocation)
    result.invoice_numbers.append(invoice.number)


def _promise_invoices(session: Session, promise: Promise) -> list[Invoice]:
    return list(
        session.exec(
            select(Invoice)
            .join(PromiseInvoice, col(PromiseInvoice.invoice_id) == col(Invoice.id))
            .where(PromiseInvoice.promise_id == promise.id)
        )
    )


def _paid_toward(session: Session, promise: Promise, invoices: list[Invoice], until: date) -> int:
    """Cash received between the promise and ``until`` against its invoices (any of the
    customer's cash when the promise names none)."""
    in_window = (
        Payment.received_on >= promise.created_at.date(),
        Payment.received_on <= until,
    )
    if not invoices:
        received = session.exec(
            select(func.coalesce(func.sum(Payment.amount_cents), 0)).where(
                Payment.customer_id == promise.customer_id, *in_window
            )
        ).one()
        return int(received)
    allocated = session.exec(
        select(func.coalesce(func.sum(PaymentAllocation.amount_cents), 0))
        .join(Payment, col(Payment.id) == col(PaymentAllocation.payment_id))
        .where(col(PaymentAllocation.invoice_id).in_([inv.id for inv in invoices]), *in_window)
    ).one()
    return int(allocated)


def _is_kept(session: Session, promise: Promise, grace_days: int) -> bool:
    invoices = _promise_invoices(session, promise)
    until = promise.promised_date + timedelta(days=grace_days)
    if invoices and all(inv.status == InvoiceStatus.PAID.value for inv in invoices):
        return all(inv.paid_on is None or inv.paid_on <= until for inv in invoices)
    return _paid_toward(session, promise, invoices, until) >= _due_by_then(session, promise)


def _due_by_then(session: Session, promise: Promise) -> int:
    """What must have been paid for ``promise`` to be kept: its own amount, and for a later
    part of a split commitment the earlier parts too (the first payment keeps the first
    part only)."""
    if promise.message_id is None:
        return promise.amount_cents
    earlier = session.exec(
        select(func.coalesce(func.sum(Promise.amount_cents), 0)).where(
            Promise.message_id == promise.message_id,
            Promise.customer_id == promise.customer_id,
            Promise.promised_date < promise.promised_date,
            Promise.status != PromiseStatus.SUPERSEDED.value,
        )
    ).one()
    return promise.amount_cents + int(earlier)


def _pending(session: Session, customer_id: int) -> list[Promise]:
    return list(
        session.exec(
            select(Promise).where(
                Promise.customer_id == customer_id,
                Promise.status == PromiseStatus.PENDING.value,
            )
        )
    )


def _keep_paid_promises(
    session: Session, customer_id: int, now: datetime, grace_days: int
) -> list[Promise]:
    kept = []
    for promise in _pending(session, customer_id):
        if _is_kept(session, promise, grace_days):
            _settle(session, promise, PromiseStatus.KEPT, now)
            kept.append(promise)
    return kept


def settle_due_promises(
    session: Session, customer_id: int, now: datetime, grace_days: int
) -> list[Promise]:
    """Mark pending promises whose date plus grace has passed as kept or broken."""
    settled = []
    for promise in _pending(session, customer_id):
        if promise.promised_date + timedelta(days=grace_days) >= now.date():
            continue
        kept = _is_kept(session, promise, grace_days)
        _settle(session, promise, PromiseStatus.KEPT if kept else PromiseStatus.BROKEN, now)
        settled.append(promise)
    return settled


def customer_currency(session: Session, customer_id: int) -> str:
    """The currency a customer is invoiced and pays in."""
    customer = session.get(Customer, customer_id)
    return customer.currency if customer is not None else DEFAULT_CURRENCY


def _settle(session: Session, promise: Promise, status: PromiseStatus, now: datetime) -> None:
    promise.status = status.value
    promise.settled_at = now
    audit.record(
        session,
        at=now,
        actor="system",
        action=f"promise_{status.value}",
        reason=f"promise #{promise.id} to pay "
        f"{format_money(promise.amount_cents, customer_currency(session, promise.customer_id))} by "
        f"{promise.promised_date} was {status.value}",
        customer_id=promise.customer_id,
        detail={"promise_id": promise.id},
    )
