"""Small builders for ledger rows in tests."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from itertools import count

from sqlmodel import Session

from recoup.ledger.models import Contact, Customer, Direction, Invoice, Message, MessageStatus

_seq = count(1)


def customer(
    session: Session,
    *,
    ref: str | None = None,
    name: str = "Acme Corp",
    segment: str = "smb",
    strategic: bool = False,
    timezone: str = "UTC",
    currency: str = "USD",
    email: str | None = None,
) -> Customer:
    n = next(_seq)
    row = Customer(
        ref=ref or f"C-{n:05d}",
        name=name,
        segment=segment,
        strategic=strategic,
        timezone=timezone,
        currency=currency,
        email_domain=(email or f"ap@c{n}.example").rpartition("@")[2],
    )
    session.add(row)
    session.flush()
    session.add(
        Contact(
            customer_id=row.id or 0,
            name="Pat Payables",
            email=email or f"ap@c{n}.example",
            role="billing",
            is_primary=True,
        )
    )
    session.flush()
    return row


def invoice(
    session: Session,
    owner: Customer,
    *,
    number: str | None = None,
    amount_cents: int = 100_000,
    open_cents: int | None = None,
    due: date,
    issued: date | None = None,
) -> Invoice:
    row = Invoice(
        customer_id=owner.id or 0,
        number=number or f"INV-{next(_seq):06d}",
        issue_date=issued or due - timedelta(days=owner.terms_days),
        due_date=due,
        amount_cents=amount_cents,
        open_cents=amount_cents if open_cents is None else open_cents,
        currency=owner.currency,
    )
    session.add(row)
    session.flush()
    return row


def inbound(
    session: Session,
    owner: Customer,
    text: str,
    *,
    at: datetime,
    subject: str = "Re: your invoice",
    from_addr: str | None = None,
) -> Message:
    row = Message(
        customer_id=owner.id,
        direction=Direction.INBOUND.value,
        status=MessageStatus.RECEIVED.value,
        message_id=f"in-{next(_seq)}@customer.example",
        from_addr=from_addr or "ap@customer.example",
        subject=subject,
        text=text,
        created_at=at,
    )
    session.add(row)
    session.flush()
    return row
