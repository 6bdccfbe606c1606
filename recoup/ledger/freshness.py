"""Has anyone else written to this account since we last looked?

A run keeps its snapshot of the account (``Account``) across its tool calls and
drops only what its own writes change. Other writers (mail ingest, a person's
decision, an ERP sync, the outbox) can change the account meanwhile; before a
call that may act, and before the run's finish, one indexed query reads this
fingerprint of what they can change, and a changed fingerprint drops the whole
snapshot. Every value is monotonic or an aggregate that any such change moves.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from sqlalchemy import BindParameter, Integer, Select, bindparam, case, func, select
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, SQLModel, col

from recoup.ledger.models import (
    Contact,
    CreditMemo,
    Customer,
    Dispute,
    DisputeStatus,
    Escalation,
    EscalationStatus,
    Event,
    Invoice,
    InvoiceStatus,
    Message,
    Payment,
    Promise,
    PromiseStatus,
)

Fingerprint = tuple[Any, ...]
# The models whose rows the fingerprint reads.
FINGERPRINTED: frozenset[type] = frozenset(
    {Customer, Contact, Invoice, Payment, CreditMemo, Dispute, Promise, Message, Escalation, Event}
)


_CUSTOMER: BindParameter[int] = bindparam("customer_id", type_=Integer)


def _of(model: type[SQLModel], value: Any) -> ColumnElement[Any]:
    owner = model.customer_id  # type: ignore[attr-defined]
    return select(value).where(owner == _CUSTOMER).scalar_subquery()


def _counted(condition: Any) -> Any:
    return func.sum(case((condition, 1), else_=0))


@cache
def _fingerprint_query() -> Select[Any]:
    """Built once: the statement is the same for every account."""
    values: list[Any] = [
        col(Customer.paused_until),
        col(Customer.pause_reason),
        col(Customer.taken_over),
        col(Customer.strategic),
        col(Customer.segment),
        col(Customer.last_inbound_at),
        col(Customer.last_touch_at),
        _of(Contact, func.max(Contact.id)),
        _of(Contact, _counted(col(Contact.do_not_contact))),
        _of(Contact, _counted(col(Contact.undeliverable))),
        _of(Invoice, func.max(Invoice.id)),
        _of(Invoice, func.sum(Invoice.open_cents)),
        _of(Invoice, _counted(Invoice.status == InvoiceStatus.OPEN.value)),
        _of(Payment, func.max(Payment.id)),
        _of(CreditMemo, func.max(CreditMemo.id)),
        _of(Dispute, func.max(Dispute.id)),
        _of(Dispute, _counted(Dispute.status == DisputeStatus.OPEN.value)),
        _of(Promise, func.max(Promise.id)),
        _of(Promise, _counted(Promise.status == PromiseStatus.PENDING.value)),
        _of(Message, func.max(Message.id)),
        _of(Escalation, func.max(Escalation.id)),
        _of(Escalation, func.max(Escalation.decided_at)),
        _of(Escalation, _counted(Escalation.status == EscalationStatus.OPEN.value)),
        _of(Event, func.max(Event.id)),
    ]
    return select(*values).where(col(Customer.id) == _CUSTOMER)


def account_fingerprint(session: Session, customer_id: int) -> Fingerprint:
    """What another writer can change on the account, in one statement."""
    row = session.execute(_fingerprint_query(), {"customer_id": customer_id}).one_or_none()
    return tuple(row) if row is not None else ()
