"""Log a promise: the customer's word to pay, and the event that checks it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlmodel import Session, col, select

from recoup.clock import at_utc
from recoup.ledger import audit
from recoup.ledger.models import (
    Event,
    EventKind,
    Invoice,
    Promise,
    PromiseInvoice,
    PromiseStatus,
)
from recoup.ledger.operations.actor import Actor
from recoup.ledger.operations.disputes import undisputed_cents
from recoup.ledger.operations.refused import OperationRefused
from recoup.ledger.state import Account
from recoup.money import format_money
from recoup.policy import Policy

PROMISE_CHECK_TIME = time(6, 0)


class DisputedInFull(OperationRefused):
    """The named invoice has nothing outside its dispute to promise."""


class NothingToPromise(OperationRefused):
    """No open invoice for the promise."""


@dataclass(frozen=True)
class LoggedPromise:
    promise: Promise
    invoices: list[str]
    check_on: datetime
    superseded: list[int] = field(default_factory=list)


def log_promise(
    session: Session,
    account: Account,
    *,
    now: datetime,
    actor: Actor,
    policy: Policy,
    promised_date: date,
    invoice_numbers: list[str],
    amount_cents: int | None = None,
    message_id: int | None = None,
    note: str = "",
) -> LoggedPromise:
    """``invoice_numbers`` empty means every open invoice with something outside a
    dispute; ``amount_cents`` None means what of them is not disputed. A pending promise for any
    of the same invoices is superseded by this one: the customer's newest word stands, the old
    one is never broken. The parts of one split commitment ("half now, the rest by the 30th",
    logged from the same message) stand side by side."""
    invoices = promised_invoices(account, invoice_numbers)
    amount = (
        amount_cents
        if amount_cents is not None
        else sum(undisputed_cents(account, i) for i in invoices)
    )
    promise = Promise(
        customer_id=account.customer_id,
        amount_cents=amount,
        promised_date=promised_date,
        message_id=message_id,
        note=note,
        created_at=now,
    )
    session.add(promise)
    session.flush()
    for invoice in invoices:
        session.add(PromiseInvoice(promise_id=promise.id or 0, invoice_id=invoice.id or 0))
    superseded = supersede_promises(
        session, account, promise, {inv.id or 0 for inv in invoices}, now=now, actor=actor
    )
    grace = timedelta(days=policy.promises.grace_days + 1)
    check_on = at_utc(promised_date, PROMISE_CHECK_TIME) + grace
    session.add(
        Event(
            customer_id=account.customer_id,
            kind=EventKind.PROMISE_DUE.value,
            due_at=check_on,
            ref_id=promise.id,
            detail=f"promise #{promise.id} due {promised_date.isoformat()}",
            created_at=now,
        )
    )
    numbers = [inv.number for inv in invoices]
    audit.record(
        session,
        at=now,
        actor=actor.name,
        action="log_promise",
        reason=(
            f"promise to pay {format_money(amount, account.customer.currency)} "
            f"by {promised_date.isoformat()}"
        ),
        customer_id=account.customer_id,
        run_id=actor.run_id,
        detail={"promise_id": promise.id, "invoices": numbers, "supersedes": superseded},
    )
    return LoggedPromise(
        promise=promise, invoices=numbers, check_on=check_on, superseded=superseded
    )


def supersede_promises(
    session: Session,
    account: Account,
    newer: Promise,
    invoice_ids: set[int],
    *,
    now: datetime,
    actor: Actor,
) -> list[int]:
    """Mark the pending promises that cover any of ``invoice_ids`` as superseded by ``newer``."""
    replaced = []
    for older in account.pending_promises():
        covered = set(account.promise_invoices.get(older.id or 0, []))
        if older.id == newer.id or not invoice_ids & covered or same_commitment(older, newer):
            continue
        older.status = PromiseStatus.SUPERSEDED.value
        older.settled_at = now
        older.superseded_by_id = newer.id
        session.add(older)
        for check in session.exec(
            select(Event).where(
                Event.kind == EventKind.PROMISE_DUE.value,
                Event.ref_id == older.id,
                col(Event.processed_at).is_(None),
            )
        ):
            check.processed_at = now  # nothing left to check: the newer promise has its own
        replaced.append(older.id or 0)
        audit.record(
            session,
            at=now,
            actor=actor.name,
            action="promise_superseded",
            reason=f"promise #{older.id} for {older.promised_date.isoformat()} replaced by "
            f"promise #{newer.id} for {newer.promised_date.isoformat()}",
            customer_id=account.customer_id,
            run_id=actor.run_id,
            detail={"promise_id": older.id, "superseded_by": newer.id},
        )
    return replaced


def same_commitment(one: Promise, other: Promise) -> bool:
    """Two parts of one split commitment: promised in the same message, for different days."""
    return (
        one.message_id is not None
        and one.message_id == other.message_id
        and one.promised_date != other.promised_date
    )


def promised_invoices(account: Account, invoice_numbers: list[str]) -> list[Invoice]:
    """The invoices a promise covers: those named, or every open invoice not disputed in
    full. A partly disputed invoice can carry a promise on its undisputed part."""
    if invoice_numbers:
        invoices = []
        for number in invoice_numbers:
            invoice = account.invoice(number)
            if invoice is None or invoice not in account.open_invoices:
                raise OperationRefused(f"invoice {number} is not open on this account")
            if undisputed_cents(account, invoice) == 0:
                raise DisputedInFull(
                    f"invoice {number} is disputed in full: nothing on it to promise"
                )
            invoices.append(invoice)
    else:
        invoices = [inv for inv in account.open_invoices if undisputed_cents(account, inv) > 0]
    if not invoices:
        raise NothingToPromise("no open invoice for this promise")
    return invoices
