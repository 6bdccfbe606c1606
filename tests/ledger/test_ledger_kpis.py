"""KPIs on tiny ledgers whose every figure is worked out by hand (docs/ledger.md)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import Session

from recoup.clock import FixedClock, at_utc
from recoup.ledger.cash import apply_payment
from recoup.ledger.kpis import AGING_BANDS, aging_band, ar_as_of, compute_kpis, countback_dso
from recoup.ledger.models import (
    AgentRun,
    CreditMemo,
    Customer,
    Dispute,
    Escalation,
    Invoice,
    Payment,
    Promise,
)
from tests.support import factory


def _invoice(session: Session, owner: Customer, number: str, issued: date, due: date,
             cents: int, *, status: str = "open") -> Invoice:  # fmt: skip
    row = Invoice(
        customer_id=owner.id or 0,
        number=number,
        issue_date=issued,
        due_date=due,
        amount_cents=cents,
        open_cents=cents if status == "open" else 0,
        status=status,
    )
    session.add(row)
    session.flush()
    return row


def _pay(session: Session, owner: Customer, ref: str, cents: int, received: date,
         references: str) -> None:  # fmt: skip
    payment = Payment(
        customer_id=owner.id or 0,
        ref=ref,
        amount_cents=cents,
        received_on=received,
        references=references,
    )
    session.add(payment)
    session.flush()
    apply_payment(session, payment, now=at_utc(received), grace_days=3)


def _tiny_ledger(session: Session) -> None:
    a = factory.customer(session, ref="A")
    b = factory.customer(session, ref="B")
    _invoice(session, a, "I1", date(2026, 7, 1), date(2026, 7, 31), 100_000)
    disputed = _invoice(session, a, "I2", date(2026, 9, 15), date(2026, 10, 15), 200_000)
    _invoice(session, a, "I3", date(2026, 11, 1), date(2026, 12, 1), 150_000)
    _invoice(session, b, "I4", date(2026, 8, 20), date(2026, 9, 19), 80_000)
    credited = _invoice(session, b, "I5", date(2026, 10, 20), date(2026, 11, 10), 50_000)
    _invoice(session, b, "I6", date(2026, 9, 1), date(2026, 10, 1), 99_900, status="void")
    _invoice(session, b, "I7", date(2026, 6, 1), date(2026, 7, 1), 30_000)
    _invoice(session, b, "I8", date(2026, 8, 1), date(2026, 8, 31), 70_000)
    _pay(session, a, "P1", 60_000, date(2026, 9, 10), "I1")
    _pay(session, b, "P2", 80_000, date(2026, 10, 1), "I4")
    session.add(
        CreditMemo(
            customer_id=b.id or 0,
            number="CM1",
            invoice_id=credited.id,
            amount_cents=10_000,
            issued_on=date(2026, 11, 5),
        )
    )
    credited.open_cents -= 10_000
    session.add(
        Dispute(
            customer_id=a.id or 0,
            invoice_id=disputed.id or 0,
            amount_cents=200_000,
            reason="price",
            opened_at=datetime(2026, 11, 1, 12, 0, tzinfo=UTC),
        )
    )
    session.flush()


def test_balances_aging_dso_and_cei_on_a_tiny_ledger(session: Session, clock: FixedClock) -> None:
    _tiny_ledger(session)
    kpis = compute_kpis(session, now=clock.now(), period_days=90)
    assert (kpis.as_of, kpis.period_start) == (date(2026, 11, 23), date(2026, 8, 26))
    # Open: I1 400 + I2 2,000 + I3 1,500 + I5 400 + I7 300 + I8 700.
    assert kpis.ar_balance_cents == 530_000
    assert kpis.overdue_cents == 380_000
    aging = kpis.aging
    assert (aging.current.cents, aging.current.count) == (150_000, 1)
    assert (aging.days_1_30.cents, aging.days_1_30.count) == (40_000, 1)
    assert (aging.days_31_60.cents, aging.days_31_60.count) == (200_000, 1)
    assert (aging.days_61_90.cents, aging.days_61_90.count) == (70_000, 1)
    assert (aging.days_over_90.cents, aging.days_over_90.count) == (70_000, 2)
    assert (kpis.open_invoice_count, kpis.overdue_invoice_count) == (6, 5)
    assert kpis.customers_with_balance == 2
    assert kpis.disputed_cents == 200_000
    # Sales 2026-08-26..2026-11-23: I2 + I3 + I5 (I4 is older, I6 is void).
    assert kpis.sales_cents == 400_000
    # AR at the end of 2026-08-25: I1 1,000 + I4 800 + I7 300 + I8 700.
    assert kpis.beginning_ar_cents == 280_000
    assert (kpis.cash_collected_cents, kpis.payments_count) == (140_000, 2)
    assert kpis.dso_standard == 119.25  # 5,300 / 4,000 x 90
    assert kpis.best_possible_dso == 33.75  # 1,500 / 4,000 x 90
    assert kpis.add == 85.5
    # (2,800 + 4,000 - 5,300) / (2,800 + 4,000 - 1,500) x 100
    assert kpis.cei == pytest.approx(28.30, abs=0.005)
    # Nov 1-23 1,500 (23 d), Oct 500 (31 d), Sep 2,000 (30 d), then 1,300 of Aug's 1,500.
    assert kpis.dso_countback == pytest.approx(23 + 31 + 30 + 31 * 1_300 / 1_500, abs=0.005)


def test_ar_is_rebuilt_for_any_past_day(session: Session) -> None:
    _tiny_ledger(session)
    assert ar_as_of(session, date(2026, 5, 31)) == 0
    assert ar_as_of(session, date(2026, 7, 1)) == 130_000  # I7 + I1
    assert ar_as_of(session, date(2026, 9, 10)) == 130_000 + 70_000 + 80_000 - 60_000
    # The credit memo of 2026-11-05 counts only from that day on.
    assert ar_as_of(session, date(2026, 11, 4)) == 530_000 + 10_000
    assert ar_as_of(session, date(2026, 11, 5)) == 530_000


def test_the_aging_bands_meet_without_gaps(session: Session, clock: FixedClock) -> None:
    owner = factory.customer(session)
    today = clock.now().date()
    edges = [-5, 0, 1, 30, 31, 60, 61, 90, 91, 400]
    for days in edges:
        factory.invoice(session, owner, amount_cents=100, due=today - timedelta(days=days))
    kpis = compute_kpis(session, now=clock.now())
    counts = {band.key: getattr(kpis.aging, band.key).count for band in AGING_BANDS}
    expected: dict[str, int] = {band.key: 0 for band in AGING_BANDS}
    for days in edges:
        expected[aging_band(days).key] += 1
    assert (
        counts
        == expected
        == {
            "current": 2,
            "days_1_30": 2,
            "days_31_60": 2,
            "days_61_90": 2,
            "days_over_90": 2,
        }
    )


def test_payments_count_from_the_first_day_of_the_period(
    session: Session, clock: FixedClock
) -> None:
    owner = factory.customer(session)
    start = clock.now().date() - timedelta(days=29)
    for ref, day in [("IN", start), ("OUT", start - timedelta(days=1))]:
        session.add(
            Payment(customer_id=owner.id or 0, ref=ref, amount_cents=1_000, received_on=day)
        )
    session.flush()
    kpis = compute_kpis(session, now=clock.now(), period_days=30)
    assert kpis.period_start == start
    assert (kpis.cash_collected_cents, kpis.payments_count) == (1_000, 1)


def test_the_first_day_of_the_period_is_sales_and_the_day_before_is_beginning_ar(
    session: Session, clock: FixedClock
) -> None:
    owner = factory.customer(session)
    start = clock.now().date() - timedelta(days=29)
    _invoice(session, owner, "FIRST", start, start + timedelta(days=30), 1_000)
    _invoice(session, owner, "BEFORE", start - timedelta(days=1), start + timedelta(days=29), 300)
    kpis = compute_kpis(session, now=clock.now(), period_days=30)
    assert (kpis.sales_cents, kpis.beginning_ar_cents) == (1_000, 300)
    # Nothing was collected: CEI = (300 + 1,000 - 1,300) / (300 + 1,000 - 1,300) is undefined.
    assert kpis.cei is None


def test_outcome_rates_on_worked_accounts(session: Session, clock: FixedClock) -> None:
    now = clock.now()
    today = now.date()
    inside, before = now - timedelta(days=10), now - timedelta(days=200)
    people = {ref: factory.customer(session, ref=ref) for ref in "ABCDEFG"}

    def overdue(ref: str) -> Invoice:
        return factory.invoice(session, people[ref], due=today - timedelta(days=20))

    overdue("A")  # still overdue, but its promise was kept
    disputed = overdue("C")  # overdue only under an open dispute
    overdue("D")  # overdue and nothing to show for it
    factory.invoice(session, people["E"], due=today + timedelta(days=5))  # not yet due
    session.add(
        Dispute(
            customer_id=people["C"].id or 0,
            invoice_id=disputed.id or 0,
            amount_cents=disputed.open_cents,
            reason="quality",
            opened_at=inside,
        )
    )
    for ref in "ABCDEG":
        session.add(AgentRun(customer_id=people[ref].id or 0, trigger="aging", model="m",
                             started_at=inside))  # fmt: skip
    session.add(AgentRun(customer_id=people["F"].id or 0, trigger="aging", model="m",
                         started_at=before))  # fmt: skip
    for ref, at in [("B", inside), ("F", inside), ("G", before)]:
        session.add(Escalation(customer_id=people[ref].id, category="other", reason="r",
                               created_at=at))  # fmt: skip
    for ref, status, settled in [
        ("A", "kept", inside),
        ("D", "broken", inside),
        ("E", "kept", before),
        ("E", "pending", None),
    ]:
        session.add(
            Promise(customer_id=people[ref].id or 0, amount_cents=100, status=status,
                    promised_date=today, created_at=before, settled_at=settled)
        )  # fmt: skip
    session.flush()
    kpis = compute_kpis(session, now=now, period_days=90)
    assert (kpis.promises_kept, kpis.promises_broken, kpis.promise_kept_rate) == (1, 1, 0.5)
    assert (kpis.accounts_worked, kpis.accounts_escalated) == (6, 1)
    assert kpis.escalation_rate == round(1 / 6, 4)
    # A (kept promise), C (dispute only), E (nothing overdue), G (escalated before the period).
    assert kpis.accounts_resolved_without_escalation == 4
    assert kpis.resolved_without_escalation_share == round(4 / 6, 4)


def test_an_empty_ledger_has_no_ratios(session: Session, clock: FixedClock) -> None:
    kpis = compute_kpis(session, now=clock.now())
    assert kpis.ar_balance_cents == 0 and kpis.sales_cents == 0
    assert kpis.dso_standard is None and kpis.best_possible_dso is None and kpis.add is None
    assert kpis.cei is None and kpis.promise_kept_rate is None and kpis.escalation_rate is None
    assert kpis.dso_countback == 0.0


def test_countback_walks_calendar_months() -> None:
    today = date(2026, 3, 10)
    sales = {date(2026, 3, 2): 1_000, date(2026, 2, 14): 2_800, date(2026, 1, 5): 3_100}
    # March 1-10 covers 1,000 (10 d); February 2,800 (28 d); 200 of January's 3,100.
    assert countback_dso(4_000, sales, today) == pytest.approx(10 + 28 + 31 * 200 / 3_100)
    assert countback_dso(500, sales, today) == pytest.approx(10 * 500 / 1_000)
    # More AR than all recorded sales: every month back to the first sale.
    assert countback_dso(99_000, sales, today) == 10 + 28 + 31


def test_period_days_must_be_positive(session: Session, clock: FixedClock) -> None:
    with pytest.raises(ValueError, match="period_days"):
        compute_kpis(session, now=clock.now(), period_days=0)
