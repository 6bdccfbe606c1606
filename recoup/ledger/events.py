"""Creating the events that wake the agent for an account."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any, Protocol

from recoup.clock import at_utc
from recoup.ledger.models import Event, EventKind, Invoice

AGING_CHECK_TIME = time(9, 0)


class AgingSubject(Protocol):
    """What an aging event needs of an invoice (a row, or an ``Invoice``)."""

    @property
    def id(self) -> int | None: ...
    @property
    def customer_id(self) -> int: ...
    @property
    def number(self) -> str: ...
    @property
    def due_date(self) -> date: ...


def aging_event(invoice: Invoice, days_past_due: int, *, now: datetime) -> Event:
    return Event(**aging_fields(invoice, days_past_due, now=now))


def aging_fields(
    invoice: AgingSubject, days_past_due: int, *, now: datetime, due_now: bool = False
) -> dict[str, Any]:
    """The columns of the aging event for ``days_past_due`` (due at once with ``due_now``),
    for bulk inserts that build no ORM objects."""
    due_at = at_utc(invoice.due_date + timedelta(days=days_past_due), AGING_CHECK_TIME)
    return {
        "customer_id": invoice.customer_id,
        "kind": EventKind.AGING.value,
        "due_at": min(due_at, now) if due_now else due_at,
        "ref_id": invoice.id,
        "detail": f"invoice {invoice.number} reaches {days_past_due} days past due",
        "created_at": now,
    }


def next_aging_event(invoice: Invoice, thresholds: list[int], *, now: datetime) -> Event | None:
    """The event for the first threshold this open invoice has not yet crossed."""
    past_due = (now.date() - invoice.due_date).days
    upcoming = sorted(d for d in thresholds if d > past_due)
    return aging_event(invoice, upcoming[0], now=now) if upcoming else None


def first_aging_event(invoice: Invoice, thresholds: list[int], *, now: datetime) -> Event | None:
    """For an invoice new to the ledger: due now when it has already crossed a
    threshold (an overdue invoice needs attention at once), else at the next one."""
    fields = first_aging_fields(invoice, thresholds, now=now)
    return Event(**fields) if fields is not None else None


def first_aging_fields(
    invoice: AgingSubject, thresholds: list[int], *, now: datetime
) -> dict[str, Any] | None:
    past_due = (now.date() - invoice.due_date).days
    crossed = [d for d in thresholds if d <= past_due]
    if crossed:
        return aging_fields(invoice, max(crossed), now=now, due_now=True)
    upcoming = sorted(d for d in thresholds if d > past_due)
    return aging_fields(invoice, upcoming[0], now=now) if upcoming else None


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
