"""Creating the events that wake the agent for an account."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from recoup.clock import at_utc
from recoup.ledger.models import Event, EventKind, Invoice

AGING_CHECK_TIME = time(9, 0)


def aging_event(invoice: Invoice, days_past_due: int, *, now: datetime) -> Event:
    due_at = at_utc(invoice.due_date + timedelta(days=days_past_due), AGING_CHECK_TIME)
    return Event(
        customer_id=invoice.customer_id,
        kind=EventKind.AGING.value,
        due_at=due_at,
        ref_id=invoice.id,
        detail=f"invoice {invoice.number} reaches {days_past_due} days past due",
        created_at=now,
    )


def next_aging_event(invoice: Invoice, thresholds: list[int], *, now: datetime) -> Event | None:
    """The event for the first threshold this open invoice has not yet crossed."""
    past_due = (now.date() - invoice.due_date).days
    upcoming = sorted(d for d in thresholds if d > past_due)
    return aging_event(invoice, upcoming[0], now=now) if upcoming else None


def first_aging_event(invoice: Invoice, thresholds: list[int], *, now: datetime) -> Event | None:
    """For an invoice new to the ledger: due now when it has already crossed a
    threshold (an overdue invoice needs attention at once), else at the next one."""
    past_due = (now.date() - invoice.due_date).days
    crossed = [d for d in thresholds if d <= past_due]
    if crossed:
        wake = aging_event(invoice, max(crossed), now=now)
        wake.due_at = min(wake.due_at, now)
        return wake
    return next_aging_event(invoice, thresholds, now=now)


def event(
    customer_id: int, kind: EventKind, *, now: datetime, detail: str = "", ref_id: int | None = None
) -> Event:
    return Event(
        customer_id=customer_id,
        kind=kind.value,
        due_at=now,
        ref_id=ref_id,
        detail=detail[:1000],
        created_at=now,
    )
