"""Cash application and promise settlement, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import Session, col, select

from recoup.clock import FixedClock
from recoup.ledger.cash import Application, apply_payment, settle_due_promises
from recoup.ledger.models import (
    AuditEvent,
    Customer,
    Dispute,
    Event,
    EventKind,
    Invoice,
    Payment,
    PaymentAllocation,
    Promise,
    PromiseInvoice,
)
from recoup.ledger.operations.actor import SYSTEM
from recoup.ledger.operations.promises import log_promise
from recoup.ledger.state import load_account
from recoup.policy import Policy
from tests.support import factory

GRACE = 3


def _pay(
    session: Session,
    clock: FixedClock,
    owner: Customer,
    cents: int,
    *,
    references: str = "",
    received_on: date | None = None,
    ref: str | None = None,
) -> Application:
    payment = Payment(
        customer_id=owner.id or 0,
        ref=ref or f"PAY-{owner.id}-{cents}-{references or 'none'}"[:64],
        amount_cents=cents,
        received_on=received_on or clock.now().date(),
        references=references,
    )
    session.add(payment)
    session.flush()
    return apply_payment(session, payment, now=clock.now(), grace_days=GRACE)


def _invoice(session: Session, owner: Customer, number: str, cents: int, days_late: int,
             clock: FixedClock) -> Invoice:  # fmt: skip
    return factory.invoice(
        session,
        owner,
        number=number,
        amount_cents=cents,
        due=clock.now().date() - timedelta(days=days_late),
    )


def _dispute(session: Session, invoice: Invoice, clock: FixedClock) -> None:
    session.add(
        Dispute(
            customer_id=invoice.customer_id,
            invoice_id=invoice.id or 0,
            amount_cents=invoice.open_cents,
            reason="damaged",
            opened_at=clock.now(),
        )
    )
    session.flush()


def _promise(
    session: Session,
    clock: FixedClock,
    owner: Customer,
    invoices: list[Invoice],
    *,
    cents: int,
    promised: date,
) -> Promise:
    promise = Promise(
        customer_id=owner.id or 0,
        amount_cents=cents,
        promised_date=promised,
        created_at=clock.now() - timedelta(days=20),
    )
    session.add(promise)
    session.flush()
    for invoice in invoices:
        session.add(PromiseInvoice(promise_id=promise.id or 0, invoice_id=invoice.id or 0))
    session.flush()
    return promise


def _audits(session: Session, action: str) -> list[AuditEvent]:
    return list(session.exec(select(AuditEvent).where(AuditEvent.action == action)))


def test_a_payment_goes_to_the_invoice_its_remittance_names(
    session: Session, clock: FixedClock
) -> None:
    owner = factory.customer(session)
    older = _invoice(session, owner, "INV-A", 100_000, 40, clock)
    named = _invoice(session, owner, "INV-B", 70_000, 5, clock)
    result = _pay(session, clock, owner, 70_000, references="Remittance for inv-b, thanks")
    assert result.invoice_numbers == ["INV-B"]
    assert [a.matched_by for a in result.allocations] == ["reference"]
    assert (named.open_cents, named.status, named.paid_on) == (0, "paid", clock.now().date())
    assert (older.open_cents, older.status) == (100_000, "open")
    assert result.payment.unapplied_cents == 0
    assert result.short_paid == []


def test_several_references_are_paid_in_the_order_named(
    session: Session, clock: FixedClock
) -> None:
    owner = factory.customer(session)
    first = _invoice(session, owner, "INV-1", 10_000, 30, clock)
    second = _invoice(session, owner, "INV-2", 20_000, 20, clock)
    third = _invoice(session, owner, "INV-3", 30_000, 10, clock)
    result = _pay(session, clock, owner, 35_000, references="INV-3;INV-1/INV-2")
    assert result.invoice_numbers == ["INV-3", "INV-1", "INV-2"]
    assert [a.amount_cents for a in result.allocations] == [30_000, 5_000, 0]
    assert (third.open_cents, first.open_cents, second.open_cents) == (0, 5_000, 20_000)
    assert result.short_paid == ["INV-1", "INV-2"]


def test_references_match_whole_invoice_numbers_only(session: Session, clock: FixedClock) -> None:
    owner = factory.customer(session)
    short = _invoice(session, owner, "INV-10", 10_000, 30, clock)
    long = _invoice(session, owner, "INV-100", 25_000, 5, clock)
    result = _pay(session, clock, owner, 25_000, references="#inv-100.")
    assert result.invoice_numbers == ["INV-100"]
    assert long.open_cents == 0
    assert short.open_cents == 10_000


def test_without_references_the_oldest_invoice_is_paid_first(
    session: Session, clock: FixedClock
) -> None:
    owner = factory.customer(session)
    newer = _invoice(session, owner, "INV-NEW", 50_000, 3, clock)  # created first on purpose
    oldest = _invoice(session, owner, "INV-OLD", 40_000, 60, clock)
    middle = _invoice(session, owner, "INV-MID", 30_000, 20, clock)
    result = _pay(session, clock, owner, 80_000)
    assert result.invoice_numbers == ["INV-OLD", "INV-MID", "INV-NEW"]
    assert [a.amount_cents for a in result.allocations] == [40_000, 30_000, 10_000]
    assert {a.matched_by for a in result.allocations} == {"oldest_first"}
    assert (oldest.status, middle.status, newer.status) == ("paid", "paid", "open")
    assert newer.open_cents == 40_000


def test_oldest_first_skips_disputed_invoices(session: Session, clock: FixedClock) -> None:
    owner = factory.customer(session)
    disputed = _invoice(session, owner, "INV-D", 40_000, 60, clock)
    clean = _invoice(session, owner, "INV-C", 40_000, 10, clock)
    _dispute(session, disputed, clock)
    result = _pay(session, clock, owner, 40_000)
    assert result.invoice_numbers == ["INV-C"]
    assert disputed.open_cents == 40_000
    assert clean.open_cents == 0


def test_a_partial_payment_reduces_the_balance_without_a_short_pay(
    session: Session, clock: FixedClock
) -> None:
    owner = factory.customer(session)
    invoice = _invoice(session, owner, "INV-P", 100_000, 10, clock)
    result = _pay(session, clock, owner, 40_000)
    assert (invoice.open_cents, invoice.status, invoice.paid_on) == (60_000, "open", None)
    assert result.allocations[0].short_pay_cents == 0
    assert result.short_paid == []
    assert _audits(session, "short_pay") == []


def test_a_short_pay_is_flagged_on_the_allocation_and_in_the_audit_trail(
    session: Session, clock: FixedClock
) -> None:
    owner = factory.customer(session)
    invoice = _invoice(session, owner, "INV-S", 100_000, 10, clock)
    result = _pay(session, clock, owner, 95_000, references="INV-S", ref="PAY-SHORT")
    allocation = result.allocations[0]
    assert (allocation.amount_cents, allocation.short_pay_cents) == (95_000, 5_000)
    assert invoice.open_cents == 5_000
    assert result.short_paid == ["INV-S"]
    [flag] = _audits(session, "short_pay")
    assert flag.customer_id == owner.id
    assert flag.detail == {"payment": "PAY-SHORT", "invoice": "INV-S", "short_pay_cents": 5_000}
    assert "$50.00" in flag.reason and "INV-S" in flag.reason
    stored = session.exec(
        select(PaymentAllocation).where(PaymentAllocation.payment_id == result.payment.id)
    ).one()
    assert stored.short_pay_cents == 5_000


def test_an_overpayment_is_left_unapplied(session: Session, clock: FixedClock) -> None:
    owner = factory.customer(session)
    invoice = _invoice(session, owner, "INV-O", 100_000, 10, clock)
    received = clock.now().date() - timedelta(days=1)
    result = _pay(session, clock, owner, 150_000, references="INV-O", received_on=received)
    assert invoice.status == "paid" and invoice.paid_on == received
    assert result.payment.unapplied_cents == 50_000
    [applied] = _audits(session, "apply_payment")
    assert applied.detail["unapplied_cents"] == 50_000
    assert "$500.00 unapplied" in applied.reason


def test_a_payment_wakes_the_account(session: Session, clock: FixedClock) -> None:
    owner = factory.customer(session)
    _invoice(session, owner, "INV-E", 100_000, 10, clock)
    result = _pay(session, clock, owner, 100_000)
    [wake] = session.exec(select(Event).where(Event.customer_id == owner.id)).all()
    assert wake.kind == EventKind.PAYMENT.value
    assert wake.ref_id == result.payment.id
    assert wake.due_at.replace(tzinfo=None) == clock.now().replace(tzinfo=None)
    assert wake.processed_at is None


def test_a_payment_cannot_be_applied_twice(session: Session, clock: FixedClock) -> None:
    owner = factory.customer(session)
    invoice = _invoice(session, owner, "INV-T", 100_000, 10, clock)
    result = _pay(session, clock, owner, 30_000)
    with pytest.raises(ValueError, match="already been applied"):
        apply_payment(session, result.payment, now=clock.now(), grace_days=GRACE)
    assert invoice.open_cents == 70_000


@pytest.mark.parametrize("days_before_promised", [0, 5, -GRACE])
def test_a_promise_is_kept_when_paid_by_its_date_plus_grace(
    session: Session, clock: FixedClock, days_before_promised: int
) -> None:
    """Paid on the date, early, or on the last day of grace."""
    owner = factory.customer(session)
    invoice = _invoice(session, owner, "INV-K", 100_000, 10, clock)
    promised = clock.now().date() + timedelta(days=2)
    promise = _promise(session, clock, owner, [invoice], cents=100_000, promised=promised)
    paid_on = promised - timedelta(days=days_before_promised)
    result = _pay(session, clock, owner, 100_000, received_on=paid_on)
    assert result.kept_promises == [promise.id]
    assert promise.status == "kept"
    assert promise.settled_at == clock.now()
    assert len(_audits(session, "promise_kept")) == 1


def test_a_promise_paid_after_its_grace_is_broken(session: Session, clock: FixedClock) -> None:
    owner = factory.customer(session)
    invoice = _invoice(session, owner, "INV-L", 100_000, 30, clock)
    promised = clock.now().date() - timedelta(days=GRACE + 1)
    promise = _promise(session, clock, owner, [invoice], cents=100_000, promised=promised)
    result = _pay(session, clock, owner, 100_000)
    assert result.kept_promises == []
    assert promise.status == "pending"
    settled = settle_due_promises(session, owner.id or 0, clock.now(), GRACE)
    assert settled == [promise]
    assert promise.status == "broken"
    assert len(_audits(session, "promise_broken")) == 1


def test_an_unpaid_promise_is_broken_only_once_its_grace_has_passed(
    session: Session, clock: FixedClock
) -> None:
    owner = factory.customer(session)
    invoice = _invoice(session, owner, "INV-U", 100_000, 30, clock)
    promised = clock.now().date() - timedelta(days=GRACE)
    promise = _promise(session, clock, owner, [invoice], cents=100_000, promised=promised)
    assert settle_due_promises(session, owner.id or 0, clock.now(), GRACE) == []
    assert promise.status == "pending"
    clock.advance(timedelta(days=1))
    assert settle_due_promises(session, owner.id or 0, clock.now(), GRACE) == [promise]
    assert promise.status == "broken"
    assert promise.settled_at == clock.now()


@pytest.mark.parametrize(("paid", "kept"), [(40_000, True), (50_000, True), (39_999, False)])
def test_a_partial_promise_is_kept_by_its_amount(
    session: Session, clock: FixedClock, paid: int, kept: bool
) -> None:
    owner = factory.customer(session)
    invoice = _invoice(session, owner, "INV-H", 100_000, 30, clock)
    promised = clock.now().date() - timedelta(days=1)
    promise = _promise(session, clock, owner, [invoice], cents=40_000, promised=promised)
    result = _pay(session, clock, owner, paid, received_on=promised)
    assert invoice.open_cents == 100_000 - paid
    assert (promise.status == "kept") is kept
    assert result.kept_promises == ([promise.id] if kept else [])
    clock.advance(timedelta(days=GRACE + 1))
    settle_due_promises(session, owner.id or 0, clock.now(), GRACE)
    assert promise.status == ("kept" if kept else "broken")


def test_partial_payments_add_up_towards_a_promise(session: Session, clock: FixedClock) -> None:
    owner = factory.customer(session)
    first = _invoice(session, owner, "INV-F1", 60_000, 30, clock)
    second = _invoice(session, owner, "INV-F2", 60_000, 20, clock)
    promised = clock.now().date() + timedelta(days=7)
    promise = _promise(session, clock, owner, [first, second], cents=90_000, promised=promised)
    _pay(session, clock, owner, 50_000, references="INV-F1", ref="PAY-F1")
    assert promise.status == "pending"
    result = _pay(session, clock, owner, 40_000, references="INV-F2", ref="PAY-F2")
    assert promise.status == "kept"
    assert result.kept_promises == [promise.id]


def test_cash_received_before_the_promise_does_not_count_towards_it(
    session: Session, clock: FixedClock
) -> None:
    owner = factory.customer(session)
    invoice = _invoice(session, owner, "INV-B4", 100_000, 30, clock)
    promised = clock.now().date() + timedelta(days=3)
    promise = _promise(session, clock, owner, [invoice], cents=50_000, promised=promised)
    before = promise.created_at.date() - timedelta(days=1)
    _pay(session, clock, owner, 50_000, received_on=before)
    assert promise.status == "pending"


def test_a_promise_naming_no_invoice_is_kept_by_any_cash(
    session: Session, clock: FixedClock
) -> None:
    owner = factory.customer(session)
    _invoice(session, owner, "INV-N", 100_000, 30, clock)
    promised = clock.now().date() + timedelta(days=3)
    promise = _promise(session, clock, owner, [], cents=30_000, promised=promised)
    _pay(session, clock, owner, 30_000)
    assert promise.status == "kept"


def test_another_customers_payment_touches_nothing_here(
    session: Session, clock: FixedClock
) -> None:
    mine = factory.customer(session)
    theirs = factory.customer(session)
    invoice = _invoice(session, mine, "INV-MINE", 100_000, 30, clock)
    result = _pay(session, clock, theirs, 100_000, references="INV-MINE")
    assert invoice.open_cents == 100_000
    assert result.allocations == []
    assert result.payment.unapplied_cents == 100_000
    allocations = session.exec(
        select(PaymentAllocation).where(col(PaymentAllocation.invoice_id) == invoice.id)
    ).all()
    assert allocations == []


def test_the_parts_of_a_split_commitment_stand_side_by_side_and_are_kept_in_turn(
    session: Session, clock: FixedClock, policy: Policy
) -> None:
    """ "Half now and the rest by the 30th": the first payment keeps the first half only."""
    owner = factory.customer(session)
    invoice = _invoice(session, owner, "INV-S", 820_000, 30, clock)
    message = factory.inbound(session, owner, "Half now, the rest by the 30th.", at=clock.now())
    today = clock.now().date()
    parts = []
    for cents, day in ((410_000, today), (410_000, today + timedelta(days=14))):
        account = load_account(session, owner.id or 0, now=clock.now())
        parts.append(
            log_promise(
                session, account, now=clock.now(), actor=SYSTEM, policy=policy,
                promised_date=day, invoice_numbers=["INV-S"], amount_cents=cents,
                message_id=message.id,
            ).promise
        )  # fmt: skip
    assert [p.status for p in parts] == ["pending", "pending"]

    result = _pay(session, clock, owner, 410_000, references="INV-S")

    assert result.kept_promises == [parts[0].id]
    assert [p.status for p in parts] == ["kept", "pending"]
    assert invoice.open_cents == 410_000
    _pay(session, clock, owner, 410_000, references="INV-S second half", ref="PAY-S2")
    assert parts[1].status == "kept"


def test_a_new_date_in_a_later_message_still_replaces_the_promise(
    session: Session, clock: FixedClock, policy: Policy
) -> None:
    owner = factory.customer(session)
    _invoice(session, owner, "INV-R", 100_000, 30, clock)
    logged = []
    for days in (3, 10):
        message = factory.inbound(session, owner, f"We pay in {days} days.", at=clock.now())
        account = load_account(session, owner.id or 0, now=clock.now())
        logged.append(
            log_promise(
                session, account, now=clock.now(), actor=SYSTEM, policy=policy,
                promised_date=clock.now().date() + timedelta(days=days),
                invoice_numbers=["INV-R"], message_id=message.id,
            )
        )  # fmt: skip

    assert logged[1].superseded == [logged[0].promise.id]
    assert logged[0].promise.status == "superseded"
