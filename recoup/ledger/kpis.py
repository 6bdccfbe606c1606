"""Collections KPIs: the aging, DSO three ways, ADD, CEI, cash and agent outcomes.

Every figure comes from SQL aggregates (a handful of scans whatever the ledger
size). The formulas, the period and a worked example are in docs/ledger.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from pydantic import BaseModel
from sqlalchemy import ColumnElement, and_, case, exists, func, select, true
from sqlmodel import Session, col

from recoup.clock import at_utc
from recoup.ledger.models import (
    AgentRun,
    CreditMemo,
    Customer,
    Dispute,
    DisputeStatus,
    Escalation,
    Invoice,
    InvoiceStatus,
    Payment,
    PaymentAllocation,
    Promise,
    PromiseStatus,
)

COUNTBACK_MAX_MONTHS = 120


@dataclass(frozen=True)
class AgingBand:
    """Invoices ``min_days``..``max_days`` past due (inclusive; None: unbounded)."""

    key: str
    label: str
    min_days: int | None
    max_days: int | None

    def holds(self, days_past_due: int) -> bool:
        above = self.min_days is None or days_past_due >= self.min_days
        below = self.max_days is None or days_past_due <= self.max_days
        return above and below


AGING_BANDS = (
    AgingBand("current", "Current", None, 0),
    AgingBand("days_1_30", "1–30", 1, 30),
    AgingBand("days_31_60", "31–60", 31, 60),
    AgingBand("days_61_90", "61–90", 61, 90),
    AgingBand("days_over_90", "90+", 91, None),
)


def aging_band(days_past_due: int) -> AgingBand:
    return next(band for band in AGING_BANDS if band.holds(days_past_due))


class Bucket(BaseModel):
    cents: int = 0
    count: int = 0


class Aging(BaseModel):
    current: Bucket = Bucket()
    days_1_30: Bucket = Bucket()
    days_31_60: Bucket = Bucket()
    days_61_90: Bucket = Bucket()
    days_over_90: Bucket = Bucket()


class Kpis(BaseModel):
    """The KPIs of one currency's invoices and payments (``currency``), or of every
    currency added together when ``currency`` is None (meaningful only for a ledger in
    one currency; ``kpis_by_currency`` keeps them apart)."""

    as_of: date
    currency: str | None = None
    period_days: int
    period_start: date
    ar_balance_cents: int
    overdue_cents: int
    aging: Aging
    open_invoice_count: int
    overdue_invoice_count: int
    customers_with_balance: int
    disputed_cents: int
    sales_cents: int
    beginning_ar_cents: int
    cash_collected_cents: int
    payments_count: int
    dso_standard: float | None
    dso_countback: float | None
    best_possible_dso: float | None
    add: float | None
    cei: float | None
    promises_kept: int
    promises_broken: int
    promise_kept_rate: float | None
    # Replaced by a revised promise: neither kept nor broken, outside the kept rate.
    promises_superseded: int = 0
    accounts_worked: int
    accounts_escalated: int
    escalation_rate: float | None
    accounts_resolved_without_escalation: int
    resolved_without_escalation_share: float | None


def ledger_currencies(session: Session) -> list[str]:
    """Every currency the ledger's invoices are in, most used first."""
    rows = session.exec(  # type: ignore[call-overload]
        select(col(Invoice.currency), func.count())
        .group_by(col(Invoice.currency))
        .order_by(func.count().desc(), col(Invoice.currency))
    )
    return [currency for currency, _count in rows]


def kpis_by_currency(session: Session, *, now: datetime, period_days: int = 90) -> list[Kpis]:
    """One set of KPIs per currency of the ledger (at least one, for an empty ledger)."""
    currencies: list[str | None] = [*ledger_currencies(session)] or [None]
    return [
        compute_kpis(session, now=now, period_days=period_days, currency=currency)
        for currency in currencies
    ]


def compute_kpis(
    session: Session, *, now: datetime, period_days: int = 90, currency: str | None = None
) -> Kpis:
    """The KPIs as of ``now`` over the ``period_days`` days ending today (today included),
    of the invoices and payments in ``currency`` (all of them when None)."""
    if period_days < 1:
        raise ValueError("period_days must be at least 1")
    today = now.date()
    start = today - timedelta(days=period_days - 1)
    window = (at_utc(start), now)
    aging, open_count, customers_with_balance = _aging(session, today, currency)
    ar = sum(bucket.cents for bucket in _buckets(aging))
    current = aging.current.cents
    sales = _sales(session, start, today, currency)
    beginning = ar_as_of(session, start - timedelta(days=1), currency=currency)
    collected, payments_count = _collected(session, start, today, currency)
    kept, broken, superseded = _settled_promises(session, window)
    worked, escalated, resolved = _accounts(session, window, today)
    dso = _ratio(ar * period_days, sales)
    best = _ratio(current * period_days, sales)
    return Kpis(
        as_of=today,
        currency=currency,
        period_days=period_days,
        period_start=start,
        ar_balance_cents=ar,
        overdue_cents=ar - current,
        aging=aging,
        open_invoice_count=open_count,
        overdue_invoice_count=open_count - aging.current.count,
        customers_with_balance=customers_with_balance,
        disputed_cents=_disputed(session, currency),
        sales_cents=sales,
        beginning_ar_cents=beginning,
        cash_collected_cents=collected,
        payments_count=payments_count,
        dso_standard=_round(dso),
        dso_countback=_round(countback_dso(ar, _daily_sales(session, today, currency), today)),
        best_possible_dso=_round(best),
        add=_round(dso - best) if dso is not None and best is not None else None,
        cei=_round(_ratio((beginning + sales - ar) * 100, beginning + sales - current)),
        promises_kept=kept,
        promises_broken=broken,
        promise_kept_rate=_round(_ratio(kept, kept + broken), 4),
        promises_superseded=superseded,
        accounts_worked=len(worked),
        accounts_escalated=len(escalated),
        escalation_rate=_round(_ratio(len(escalated), len(worked)), 4),
        accounts_resolved_without_escalation=len(resolved),
        resolved_without_escalation_share=_round(_ratio(len(resolved), len(worked)), 4),
    )


def _ratio(numerator: float, denominator: float) -> float | None:
    return numerator / denominator if denominator > 0 else None


def _round(value: float | None, digits: int = 2) -> float | None:
    return round(value, digits) if value is not None else None


def _buckets(aging: Aging) -> list[Bucket]:
    return [getattr(aging, band.key) for band in AGING_BANDS]


def _band_condition(band: AgingBand, today: date) -> ColumnElement[bool]:
    """Days past due = today - due_date, so a band is a range of due dates."""
    due = col(Invoice.due_date)
    conditions = []
    if band.min_days is not None:
        conditions.append(due <= today - timedelta(days=band.min_days))
    if band.max_days is not None:
        conditions.append(due >= today - timedelta(days=band.max_days))
    return and_(*conditions)


def _is_open() -> ColumnElement[bool]:
    return and_(col(Invoice.status) == InvoiceStatus.OPEN.value, col(Invoice.open_cents) > 0)


def _in_currency(currency: str | None) -> ColumnElement[bool]:
    return true() if currency is None else col(Invoice.currency) == currency


def _paid_in(currency: str | None) -> ColumnElement[bool]:
    """Payments carry their customer's currency."""
    if currency is None:
        return true()
    customers = select(col(Customer.id)).where(col(Customer.currency) == currency)
    return col(Payment.customer_id).in_(customers)


def _aging(session: Session, today: date, currency: str | None) -> tuple[Aging, int, int]:
    columns = []
    for band in AGING_BANDS:
        inside = _band_condition(band, today)
        columns.append(func.coalesce(func.sum(case((inside, col(Invoice.open_cents)), else_=0)), 0))
        columns.append(func.coalesce(func.sum(case((inside, 1), else_=0)), 0))
    row = session.exec(  # type: ignore[call-overload]
        select(*columns, func.count(), func.count(func.distinct(col(Invoice.customer_id)))).where(
            _is_open(), _in_currency(currency)
        )
    ).one()
    values = [int(v or 0) for v in row]
    aging = Aging(
        **{
            band.key: Bucket(cents=values[2 * i], count=values[2 * i + 1])
            for i, band in enumerate(AGING_BANDS)
        }
    )
    return aging, values[-2], values[-1]


def _scalar(session: Session, query: object) -> int:
    return int(session.exec(query).scalar_one() or 0)  # type: ignore[call-overload]


def _not_void() -> ColumnElement[bool]:
    return col(Invoice.status) != InvoiceStatus.VOID.value


def _sales(session: Session, start: date, end: date, currency: str | None) -> int:
    return _scalar(
        session,
        select(func.coalesce(func.sum(col(Invoice.amount_cents)), 0)).where(
            _not_void(),
            col(Invoice.issue_date) >= start,
            col(Invoice.issue_date) <= end,
            _in_currency(currency),
        ),
    )


def ar_as_of(session: Session, day: date, *, currency: str | None = None) -> int:
    """The AR balance at the end of ``day``, rebuilt from today's balances: an invoice
    issued by then counts with its open balance plus the cash received and the credit
    memos issued after ``day`` against it. Void invoices never count."""
    issued = and_(_not_void(), col(Invoice.issue_date) <= day, _in_currency(currency))
    still_open = _scalar(
        session,
        select(func.coalesce(func.sum(col(Invoice.open_cents)), 0)).where(issued),
    )
    paid_later = _scalar(
        session,
        select(func.coalesce(func.sum(col(PaymentAllocation.amount_cents)), 0))
        .select_from(PaymentAllocation)
        .join(Payment, col(Payment.id) == col(PaymentAllocation.payment_id))
        .join(Invoice, col(Invoice.id) == col(PaymentAllocation.invoice_id))
        .where(issued, col(Payment.received_on) > day),
    )
    credited = case(
        (col(CreditMemo.amount_cents) > col(Invoice.amount_cents), col(Invoice.amount_cents)),
        else_=col(CreditMemo.amount_cents),
    )
    credited_later = _scalar(
        session,
        select(func.coalesce(func.sum(credited), 0))
        .select_from(CreditMemo)
        .join(Invoice, col(Invoice.id) == col(CreditMemo.invoice_id))
        .where(issued, col(CreditMemo.issued_on) > day),
    )
    return still_open + paid_later + credited_later


def _daily_sales(session: Session, today: date, currency: str | None) -> dict[date, int]:
    rows = session.exec(  # type: ignore[call-overload]
        select(col(Invoice.issue_date), func.sum(col(Invoice.amount_cents)))
        .where(_not_void(), col(Invoice.issue_date) <= today, _in_currency(currency))
        .group_by(col(Invoice.issue_date))
    )
    return {day: int(total or 0) for day, total in rows}


def countback_dso(ar_cents: int, daily_sales: dict[date, int], today: date) -> float | None:
    """Days of the most recent sales that the AR balance represents, counted back
    calendar month by calendar month (the current month up to today first): a month
    whose sales the remaining balance covers counts whole; the month where the balance
    runs out counts the fraction ``remaining / that month's sales`` of its days."""
    if ar_cents <= 0:
        return 0.0
    if not daily_sales:
        return None
    earliest = min(daily_sales)
    remaining = ar_cents
    days = 0.0
    month_end = today
    for _ in range(COUNTBACK_MAX_MONTHS):
        month_start = month_end.replace(day=1)
        span = (month_end - month_start).days + 1
        sales = sum(total for day, total in daily_sales.items() if month_start <= day <= month_end)
        if sales >= remaining:
            return days + span * remaining / sales
        remaining -= sales
        days += span
        month_end = month_start - timedelta(days=1)
        if month_end < earliest:
            break
    return days


def _collected(session: Session, start: date, end: date, currency: str | None) -> tuple[int, int]:
    row = session.exec(  # type: ignore[call-overload]
        select(func.coalesce(func.sum(col(Payment.amount_cents)), 0), func.count()).where(
            col(Payment.received_on) >= start,
            col(Payment.received_on) <= end,
            _paid_in(currency),
        )
    ).one()
    return int(row[0] or 0), int(row[1] or 0)


def _disputed(session: Session, currency: str | None) -> int:
    disputed = exists().where(
        col(Dispute.invoice_id) == col(Invoice.id),
        col(Dispute.status) == DisputeStatus.OPEN.value,
    )
    return _scalar(
        session,
        select(func.coalesce(func.sum(col(Invoice.open_cents)), 0)).where(
            _is_open(), disputed, _in_currency(currency)
        ),
    )


def _in_window(column: object, window: tuple[datetime, datetime]) -> ColumnElement[bool]:
    return and_(col(column) >= window[0], col(column) <= window[1])


def _settled_promises(session: Session, window: tuple[datetime, datetime]) -> tuple[int, int, int]:
    """Kept, broken and superseded promises settled in the window."""
    counts = [
        func.coalesce(func.sum(case((col(Promise.status) == status.value, 1), else_=0)), 0)
        for status in (PromiseStatus.KEPT, PromiseStatus.BROKEN, PromiseStatus.SUPERSEDED)
    ]
    row = session.exec(  # type: ignore[call-overload]
        select(*counts).where(_in_window(Promise.settled_at, window))
    ).one()
    return int(row[0] or 0), int(row[1] or 0), int(row[2] or 0)


def _customer_ids(session: Session, query: object) -> set[int]:
    rows = session.exec(query).scalars()  # type: ignore[call-overload]
    return {int(cid) for cid in rows if cid is not None}


def _accounts(
    session: Session, window: tuple[datetime, datetime], today: date
) -> tuple[set[int], set[int], set[int]]:
    """Worked accounts (an agent run in the period), those escalated in the period,
    and those resolved without escalation (see docs/ledger.md)."""
    worked = _customer_ids(
        session,
        select(col(AgentRun.customer_id)).where(_in_window(AgentRun.started_at, window)).distinct(),
    )
    if not worked:
        return set(), set(), set()
    escalated = worked & _customer_ids(
        session,
        select(col(Escalation.customer_id))
        .where(_in_window(Escalation.created_at, window))
        .distinct(),
    )
    kept = _customer_ids(
        session,
        select(col(Promise.customer_id))
        .where(
            col(Promise.status) == PromiseStatus.KEPT.value,
            _in_window(Promise.settled_at, window),
        )
        .distinct(),
    )
    disputed = exists().where(
        col(Dispute.invoice_id) == col(Invoice.id),
        col(Dispute.status) == DisputeStatus.OPEN.value,
    )
    still_overdue = _customer_ids(
        session,
        select(col(Invoice.customer_id))
        .where(_is_open(), col(Invoice.due_date) < today, ~disputed)
        .distinct(),
    )
    resolved = {cid for cid in worked - escalated if cid not in still_overdue or cid in kept}
    return worked, escalated, resolved
