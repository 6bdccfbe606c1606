"""Disputes in the ledger: booked at the disputed part with an owner and an SLA, ended by
a credit, a write-off or a rejection, opened from a short pay, answered by the system of
record."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlmodel import Session, select

from recoup.clock import FixedClock
from recoup.errors import PolicyError
from recoup.ledger.cash import apply_payment
from recoup.ledger.connectors.base import CreditMemoRecord, InvoiceRecord, RecordBatch
from recoup.ledger.connectors.ingest import ingest
from recoup.ledger.models import (
    CreditMemo,
    Customer,
    Dispute,
    DisputeKind,
    DisputeReason,
    Escalation,
    Event,
    Invoice,
    Payment,
)
from recoup.ledger.operations import disputes
from recoup.ledger.operations.actor import Actor
from recoup.ledger.operations.promises import DisputedInFull, log_promise
from recoup.ledger.operations.refused import OperationRefused
from recoup.ledger.state import load_account
from recoup.policy import Policy, load_policy
from tests.support import factory

AGENT = Actor("agent", run_id=None)
DANA = Actor("person:dana")
OWNERS = Policy.model_validate(
    {
        "disputes": {
            "sla_days": 5,
            "person_threshold_cents": 500_000,
            "owners": [
                {"name": "Pricing desk", "reasons": ["price"], "max_cents": 100_000,
                 "slack_channel": "#pricing", "email": "pricing@northwind.example"},
                {"name": "Controller", "reasons": ["price"], "min_cents": 100_001},
                {"name": "Deductions team", "reasons": ["deduction"],
                 "email": "deductions@northwind.example"},
            ],
        }
    }
)  # fmt: skip


def _invoice(session: Session, clock: FixedClock, cents: int = 120_000) -> tuple[Customer, Invoice]:
    owner = factory.customer(session)
    row = factory.invoice(
        session, owner, amount_cents=cents, due=clock.now().date() - timedelta(days=20)
    )
    return owner, row


def _open(
    session: Session,
    clock: FixedClock,
    owner: Customer,
    invoice: Invoice,
    *,
    reason: DisputeReason = DisputeReason.PRICE,
    amount_cents: int | None = None,
    policy: Policy = OWNERS,
) -> disputes.OpenedDispute:
    account = load_account(session, owner.id or 0, now=clock.now())
    return disputes.open_dispute(
        session,
        account,
        now=clock.now(),
        actor=AGENT,
        policy=policy,
        invoice_number=invoice.number,
        reason=reason,
        detail="the unit price should be $40, not $60",
        amount_cents=amount_cents,
    )


@pytest.mark.parametrize(
    ("reason", "amount", "owner"),
    [
        (DisputeReason.PRICE, 40_000, "Pricing desk"),
        (DisputeReason.PRICE, 110_000, "Controller"),
        (DisputeReason.DAMAGED, 40_000, "Collections team"),
    ],
)
def test_a_dispute_is_booked_at_its_part_with_the_owner_its_reason_and_amount_call_for(
    session: Session, clock: FixedClock, reason: DisputeReason, amount: int, owner: str
) -> None:
    customer, invoice = _invoice(session, clock)
    opened = _open(session, clock, customer, invoice, reason=reason, amount_cents=amount)
    assert opened.dispute.amount_cents == amount and opened.dispute.owner == owner
    assert opened.dispute.due_at == clock.now() + timedelta(days=5)
    account = load_account(session, customer.id or 0, now=clock.now())
    assert disputes.undisputed_cents(account, invoice) == 120_000 - amount
    assert opened.escalation_id is None


def test_a_dispute_above_the_threshold_opens_a_case_for_a_person_at_once(
    session: Session, clock: FixedClock
) -> None:
    customer, invoice = _invoice(session, clock, cents=800_000)
    opened = _open(session, clock, customer, invoice)
    case = session.get(Escalation, opened.escalation_id)
    assert case is not None and case.category == "dispute_review"
    assert case.invoice_numbers == [invoice.number] and "$8,000.00 disputed" in case.reason
    disputes.reject(session, opened.dispute.id or 0, now=clock.now(), actor=DANA, reason="no")
    assert (case.status, case.decided_by) == ("resolved", "person:dana")


def test_nothing_to_dispute_is_refused(session: Session, clock: FixedClock) -> None:
    customer, invoice = _invoice(session, clock)
    invoice.open_cents = 0
    with pytest.raises(OperationRefused, match=r"not open|no open balance"):
        _open(session, clock, customer, invoice)


def test_the_undisputed_part_carries_a_promise_and_a_fully_disputed_invoice_cannot(
    session: Session, clock: FixedClock
) -> None:
    customer, partly = _invoice(session, clock)
    fully = factory.invoice(session, customer, amount_cents=30_000, due=partly.due_date)
    _open(session, clock, customer, partly, amount_cents=40_000)
    _open(session, clock, customer, fully)
    account = load_account(session, customer.id or 0, now=clock.now())
    logged = log_promise(
        session, account, now=clock.now(), actor=AGENT, policy=OWNERS,
        promised_date=date(2026, 11, 27), invoice_numbers=[],
    )  # fmt: skip
    assert logged.invoices == [partly.number] and logged.promise.amount_cents == 80_000
    with pytest.raises(DisputedInFull, match="disputed in full"):
        log_promise(
            session, account, now=clock.now(), actor=AGENT, policy=OWNERS,
            promised_date=date(2026, 11, 27), invoice_numbers=[fully.number],
        )  # fmt: skip


def test_a_credit_lowers_the_invoice_through_a_credit_memo_once(
    session: Session, clock: FixedClock
) -> None:
    customer, invoice = _invoice(session, clock)
    opened = _open(session, clock, customer, invoice, amount_cents=40_000)
    ending = disputes.resolve_with_credit(
        session, opened.dispute.id or 0, now=clock.now(), actor=DANA, note="price list error"
    )
    memo = session.get(CreditMemo, ending.dispute.credit_memo_id)
    assert memo is not None and memo.amount_cents == 40_000 and memo.invoice_id == invoice.id
    assert invoice.open_cents == 80_000 and ending.dispute.outcome == "credited"
    with pytest.raises(OperationRefused, match="already credited"):
        disputes.resolve_with_credit(session, opened.dispute.id or 0, now=clock.now(), actor=DANA)
    with pytest.raises(OperationRefused, match="at most the open balance"):
        other = _open(session, clock, customer, invoice, amount_cents=10_000)
        disputes.resolve_with_credit(
            session, other.dispute.id or 0, now=clock.now(), actor=DANA, amount_cents=90_000
        )


def test_a_write_off_needs_the_person_who_approves_it(session: Session, clock: FixedClock) -> None:
    customer, invoice = _invoice(session, clock)
    opened = _open(session, clock, customer, invoice)
    with pytest.raises(OperationRefused, match="person who approves"):
        disputes.write_off(
            session, opened.dispute.id or 0, now=clock.now(), actor=DANA, approved_by=" ", note=""
        )
    ending = disputes.write_off(
        session, opened.dispute.id or 0, now=clock.now(), actor=DANA, approved_by="Lee", note=""
    )
    assert (invoice.open_cents, invoice.status) == (0, "paid")
    assert ending.dispute.outcome == "written_off" and "approved by Lee" in (
        ending.dispute.outcome_note or ""
    )


def test_a_rejection_tells_the_agent_the_reason_and_needs_one(
    session: Session, clock: FixedClock
) -> None:
    customer, invoice = _invoice(session, clock)
    opened = _open(session, clock, customer, invoice, amount_cents=40_000)
    with pytest.raises(OperationRefused, match="needs the reason"):
        disputes.reject(session, opened.dispute.id or 0, now=clock.now(), actor=DANA, reason="")
    disputes.reject(
        session, opened.dispute.id or 0, now=clock.now(), actor=DANA, reason="the PO says $60"
    )
    assert (opened.dispute.status, invoice.open_cents) == ("rejected", 120_000)
    woken = session.exec(select(Event).where(Event.customer_id == customer.id)).all()
    assert [e.kind for e in woken] == ["decision"]
    assert woken[0].detail.startswith(f"dispute #{opened.dispute.id} on {invoice.number} rejected")
    assert "reason: the PO says $60" in woken[0].detail


def test_an_overdue_dispute_reminds_its_owner_once_a_day(
    session: Session, clock: FixedClock
) -> None:
    customer, invoice = _invoice(session, clock)
    opened = _open(session, clock, customer, invoice)
    later = clock.now() + timedelta(days=5, hours=1)
    assert disputes.due_for_reminder(session, now=clock.now()) == []
    assert disputes.due_for_reminder(session, now=later) == [opened.dispute]
    opened.dispute.reminded_at = later
    assert disputes.due_for_reminder(session, now=later + timedelta(hours=2)) == []
    assert disputes.due_for_reminder(session, now=later + timedelta(days=1)) == [opened.dispute]


@pytest.mark.parametrize(("paid", "deduction"), [(95_000, 5_000), (40_000, None)])
def test_a_small_short_pay_is_a_deduction_case_and_a_part_payment_is_not(
    session: Session, clock: FixedClock, paid: int, deduction: int | None
) -> None:
    customer, invoice = _invoice(session, clock, cents=100_000)
    payment = Payment(
        customer_id=customer.id or 0, ref=f"PAY-{paid}", amount_cents=paid,
        received_on=clock.now().date(), references=invoice.number,
    )  # fmt: skip
    apply_payment(session, payment, now=clock.now(), grace_days=3, policy=OWNERS)
    found = session.exec(select(Dispute)).all()
    if deduction is None:
        assert found == []
        return
    (case,) = found
    assert (case.kind, case.amount_cents, case.owner) == (
        DisputeKind.DEDUCTION.value,
        deduction,
        "Deductions team",
    )
    assert f"payment PAY-{paid} left $50.00 unpaid" in case.detail


def test_a_credit_memo_or_a_lowered_invoice_from_the_source_ends_the_dispute(
    session: Session, clock: FixedClock
) -> None:
    customer, invoice = _invoice(session, clock)
    second = factory.invoice(session, customer, amount_cents=50_000, due=invoice.due_date)
    credited = _open(session, clock, customer, invoice, amount_cents=40_000).dispute
    adjusted = _open(session, clock, customer, second, amount_cents=10_000).dispute
    batch = RecordBatch(
        source="erp:test",
        credit_memos=[
            CreditMemoRecord(
                number="CM-77", customer_ref=customer.ref, invoice_number=invoice.number,
                amount_cents=40_000, issued_on=clock.now().date(),
            )
        ],
        invoices=[
            InvoiceRecord(
                number=second.number, customer_ref=customer.ref, issue_date=second.issue_date,
                due_date=second.due_date, amount_cents=40_000,
            )
        ],
    )  # fmt: skip
    ingest(session, batch, now=clock.now(), policy=OWNERS)
    assert (credited.status, credited.outcome, invoice.open_cents) == (
        "resolved",
        "credited",
        80_000,
    )
    memo = session.get(CreditMemo, credited.credit_memo_id)
    assert memo is not None and memo.number == "CM-77"
    assert (adjusted.status, second.open_cents) == ("resolved", 40_000)
    assert "adjusted in the system of record: $100.00 less" in (adjusted.outcome_note or "")


def test_the_disputes_policy_is_checked_key_by_key(tmp_path: Path) -> None:
    bad = tmp_path / "policy.toml"
    for text, problem in [
        ("[disputes]\nsla_dayz = 3\n", "disputes.sla_dayz: Extra inputs are not permitted"),
        (
            '[[disputes.owners]]\nname = "X"\nreasons = ["colour"]\n',
            "unknown dispute reason 'colour'",
        ),
        ('[[disputes.owners]]\nname = "X"\nemail = "nobody"\n', "'nobody' is not an email"),
        (
            '[[disputes.owners]]\nname = "X"\nmin_cents = 10\nmax_cents = 5\n',
            "max_cents (5) is below min_cents (10)",
        ),
        ('[disputes]\nsla_days = "3"\n', "should be an integer without quotes"),
    ]:
        bad.write_text(text, encoding="utf-8")
        with pytest.raises(PolicyError, match=problem.replace("(", r"\(").replace(")", r"\)")):
            load_policy(bad)
    assert load_policy().disputes.default_owner.name == "Collections team"


def test_the_policy_knows_every_dispute_reason() -> None:
    from recoup.policy import KNOWN_DISPUTE_REASONS

    assert set(KNOWN_DISPUTE_REASONS) == {r.value for r in DisputeReason} | {"deduction"}
