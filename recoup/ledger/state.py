"""One account as the agent, the guardrails and a person see it.

``load_account`` reads everything about one customer in a handful of queries;
``AccountState`` is its compact, token-frugal projection for the model.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import cached_property
from typing import NamedTuple

from pydantic import BaseModel
from sqlmodel import Session, col, select

from recoup.ledger.models import (
    Contact,
    Customer,
    Direction,
    Dispute,
    DisputeStatus,
    Escalation,
    EscalationStatus,
    Event,
    EventKind,
    Invoice,
    InvoiceStatus,
    Message,
    MessageStatus,
    Payment,
    Promise,
    PromiseInvoice,
    PromiseStatus,
)
from recoup.ledger.names import personal_name

MESSAGE_PREVIEW_CHARS = 400
# The evidence ``recoup.reader.risk`` gives for a flag only its learned model raised: such a
# flag is shown, but a security case needs a flag a precise rule raised, with the words.
LEARNED_ONLY_EVIDENCE = "read by the model"
RECENT_MESSAGES = 5
RECENT_PAYMENTS = 20
RECENT_FLAGGED = 20


class EscalationMark(NamedTuple):
    category: str
    opened_at: datetime
    decided_at: datetime | None


class Account:
    """Everything stored about one customer that decisions depend on.

    Each part is read from the store on first use and kept: a guardrail check
    and the tool it guards see one consistent snapshot, and a caller that needs
    only the invoices does not pay for the correspondence. A run keeps its
    snapshot across calls and ``forget``s the parts its own writes change."""

    def __init__(self, session: Session, customer: Customer, *, now: datetime) -> None:
        self.session = session
        self.customer = customer
        self.now = now
        self.customer_id = customer.id or 0

    @cached_property
    def contacts(self) -> list[Contact]:
        return list(
            self.session.exec(
                select(Contact)
                .where(Contact.customer_id == self.customer_id)
                .order_by(col(Contact.id))
            )
        )

    @cached_property
    def invoices(self) -> list[Invoice]:
        return list(
            self.session.exec(
                select(Invoice)
                .where(Invoice.customer_id == self.customer_id)
                .order_by(col(Invoice.due_date), col(Invoice.id))
            )
        )

    @cached_property
    def open_disputes(self) -> list[Dispute]:
        return list(
            self.session.exec(
                select(Dispute).where(
                    Dispute.customer_id == self.customer_id,
                    Dispute.status == DisputeStatus.OPEN.value,
                )
            )
        )

    @cached_property
    def promises(self) -> list[Promise]:
        return list(
            self.session.exec(
                select(Promise)
                .where(Promise.customer_id == self.customer_id)
                .order_by(col(Promise.created_at).desc())
            )
        )

    @cached_property
    def promise_invoices(self) -> dict[int, list[int]]:
        links: dict[int, list[int]] = {}
        if not self.promises:
            return links
        rows = self.session.exec(
            select(PromiseInvoice).where(
                col(PromiseInvoice.promise_id).in_([p.id for p in self.promises])
            )
        )
        for link in rows:
            links.setdefault(link.promise_id, []).append(link.invoice_id)
        return links

    @cached_property
    def recent_messages(self) -> list[Message]:
        return list(
            self.session.exec(
                select(Message)
                .where(
                    Message.customer_id == self.customer_id,
                    col(Message.status).notin_([MessageStatus.FAILED.value]),
                )
                .order_by(col(Message.created_at).desc(), col(Message.id).desc())
                .limit(RECENT_MESSAGES)
            )
        )

    @cached_property
    def payments(self) -> list[Payment]:
        return list(
            self.session.exec(
                select(Payment)
                .where(Payment.customer_id == self.customer_id)
                .order_by(col(Payment.received_on).desc())
                .limit(RECENT_PAYMENTS)
            )
        )

    @cached_property
    def open_escalations(self) -> list[Escalation]:
        return list(
            self.session.exec(
                select(Escalation).where(
                    Escalation.customer_id == self.customer_id,
                    Escalation.status == EscalationStatus.OPEN.value,
                )
            )
        )

    @cached_property
    def pending_wakeups(self) -> list[Event]:
        """The follow-ups and promise dates already set to wake the account, soonest first."""
        return list(
            self.session.exec(
                select(Event)
                .where(
                    Event.customer_id == self.customer_id,
                    col(Event.kind).in_(
                        [EventKind.FOLLOWUP_DUE.value, EventKind.PROMISE_DUE.value]
                    ),
                    col(Event.processed_at).is_(None),
                )
                .order_by(col(Event.due_at), col(Event.id))
            )
        )

    @property
    def pending_followup(self) -> Event | None:
        return next(
            (e for e in self.pending_wakeups if e.kind == EventKind.FOLLOWUP_DUE.value), None
        )

    @cached_property
    def touches(self) -> list[datetime]:
        """When outreach went out (or was queued) in the last 7 days."""
        return list(
            self.session.exec(
                select(Message.created_at).where(
                    Message.customer_id == self.customer_id,
                    Message.direction == Direction.OUTBOUND.value,
                    col(Message.status).in_([MessageStatus.QUEUED.value, MessageStatus.SENT.value]),
                    Message.created_at >= self.now - timedelta(days=7),
                )
            )
        )

    @cached_property
    def flagged_inbound(self) -> list[Message]:
        """The newest inbound messages that carry risk flags, newest first."""
        return list(
            self.session.exec(
                select(Message)
                .where(
                    Message.customer_id == self.customer_id,
                    Message.direction == Direction.INBOUND.value,
                    col(Message.risk_flags).is_not(None),
                )
                .order_by(col(Message.created_at).desc())
                .limit(RECENT_FLAGGED)
            )
        )

    @cached_property
    def escalation_history(self) -> list[EscalationMark]:
        """Every escalation of the account, open or decided: when, what and when decided."""
        rows = self.session.exec(
            select(Escalation.category, Escalation.created_at, Escalation.decided_at).where(
                Escalation.customer_id == self.customer_id
            )
        )
        return [EscalationMark(category, opened, decided) for category, opened, decided in rows]

    def forget(self, written: set[type]) -> None:
        """Drop the parts that rows of these models feed; the next use reads them again."""
        for part, sources in PART_SOURCES.items():
            if written & sources:
                self.__dict__.pop(part, None)

    @property
    def open_invoices(self) -> list[Invoice]:
        return [inv for inv in self.invoices if inv.status == InvoiceStatus.OPEN.value]

    @property
    def balance_cents(self) -> int:
        return sum(inv.open_cents for inv in self.open_invoices)

    def invoice(self, number: str) -> Invoice | None:
        wanted = number.strip().upper()
        return next((inv for inv in self.invoices if inv.number.upper() == wanted), None)

    def disputed_invoice_ids(self) -> set[int]:
        return {d.invoice_id for d in self.open_disputes}

    def pending_promises(self) -> list[Promise]:
        return [p for p in self.promises if p.status == PromiseStatus.PENDING.value]

    def promised_invoice_ids(self, today: date, grace_days: int) -> set[int]:
        """Invoices under a pending promise whose date (plus grace) has not passed."""
        held: set[int] = set()
        for promise in self.pending_promises():
            if promise.promised_date + timedelta(days=grace_days) >= today:
                held.update(self.promise_invoices.get(promise.id or 0, []))
        return held

    def contactable(self) -> list[Contact]:
        return [c for c in self.contacts if not c.do_not_contact and not c.undeliverable]

    def days_past_due(self, invoice: Invoice, today: date) -> int:
        return (today - invoice.due_date).days

    def paid_invoices(self) -> list[Invoice]:
        return [inv for inv in self.invoices if inv.status == InvoiceStatus.PAID.value]


# Which stored rows each cached part of ``Account`` is read from.
PART_SOURCES: dict[str, set[type]] = {
    "contacts": {Contact},
    "invoices": {Invoice},
    "open_disputes": {Dispute},
    "promises": {Promise},
    "promise_invoices": {Promise, PromiseInvoice},
    "recent_messages": {Message},
    "flagged_inbound": {Message},
    "payments": {Payment},
    "open_escalations": {Escalation},
    "escalation_history": {Escalation},
    "pending_wakeups": {Event},
    "touches": {Message},
}


def load_account(session: Session, customer_id: int, *, now: datetime) -> Account:
    customer = session.get(Customer, customer_id)
    if customer is None:
        raise LookupError(f"no customer with id {customer_id}")
    return Account(session, customer, now=now)


class PaymentHabits(BaseModel):
    paid_invoices: int
    avg_days_late: float | None
    on_time_share: float | None
    last_payment_on: date | None
    last_payment_cents: int | None


def payment_habits(account: Account) -> PaymentHabits:
    paid = [inv for inv in account.paid_invoices() if inv.paid_on is not None]
    lateness = [max(0, (inv.paid_on - inv.due_date).days) for inv in paid if inv.paid_on]
    last = account.payments[0] if account.payments else None
    return PaymentHabits(
        paid_invoices=len(paid),
        avg_days_late=round(sum(lateness) / len(lateness), 1) if lateness else None,
        on_time_share=round(sum(1 for d in lateness if d == 0) / len(lateness), 2)
        if lateness
        else None,
        last_payment_on=last.received_on if last else None,
        last_payment_cents=last.amount_cents if last else None,
    )


class InvoiceView(BaseModel):
    number: str
    due_date: date
    days_past_due: int
    amount_cents: int
    open_cents: int
    disputed: bool
    promised: bool
    # The part under an open dispute (0 when none): the rest stays collectable.
    disputed_cents: int = 0


class ContactView(BaseModel):
    name: str
    email: str
    role: str
    contactable: bool
    primary: bool = False


class DisputeView(BaseModel):
    invoice: str
    amount_cents: int
    reason: str
    opened_on: date


class PromiseView(BaseModel):
    id: int
    amount_cents: int
    promised_date: date
    status: str
    invoices: list[str]


class MessageView(BaseModel):
    id: int
    direction: str
    at: datetime
    from_addr: str
    subject: str
    text: str
    intent: str | None
    tone: str | None = None
    # Risk signals found in an inbound message: flag -> the words that raised it.
    risk_flags: dict[str, str] = {}


class EscalationView(BaseModel):
    id: int
    category: str
    reason: str
    invoice_numbers: list[str] = []
    opened_at: datetime | None = None


class AccountState(BaseModel):
    """What ``get_account_state`` returns: compact by design."""

    today: date
    customer: str
    name: str
    segment: str
    strategic: bool
    terms_days: int
    timezone: str
    currency: str
    balance_cents: int
    overdue_cents: int
    contacts: list[ContactView]
    open_invoices: list[InvoiceView]
    open_disputes: list[DisputeView]
    promises: list[PromiseView]
    habits: PaymentHabits
    recent_messages: list[MessageView]
    last_touch_at: datetime | None
    last_inbound_at: datetime | None
    touches_last_7_days: int
    open_escalations: list[EscalationView]
    paused_until: datetime | None
    pause_reason: str | None
    taken_over: bool
    next_followup_at: datetime | None


def account_state(account: Account, *, now: datetime, grace_days: int) -> AccountState:
    today = now.date()
    numbers = {inv.id: inv.number for inv in account.invoices}
    disputed = account.disputed_invoice_ids()
    promised = account.promised_invoice_ids(today, grace_days)
    open_invoices = account.open_invoices
    customer = account.customer
    return AccountState(
        today=today,
        customer=customer.ref,
        name=customer.name,
        segment=customer.segment,
        strategic=customer.strategic,
        terms_days=customer.terms_days,
        timezone=customer.timezone,
        currency=customer.currency,
        balance_cents=account.balance_cents,
        overdue_cents=sum(inv.open_cents for inv in open_invoices if inv.due_date < today),
        contacts=[_contact_view(c) for c in account.contacts],
        open_invoices=[
            InvoiceView(
                number=inv.number,
                due_date=inv.due_date,
                days_past_due=account.days_past_due(inv, today),
                amount_cents=inv.amount_cents,
                open_cents=inv.open_cents,
                disputed=inv.id in disputed,
                promised=inv.id in promised,
                disputed_cents=sum(
                    d.amount_cents for d in account.open_disputes if d.invoice_id == inv.id
                ),
            )
            for inv in open_invoices
        ],
        open_disputes=[
            DisputeView(
                invoice=numbers.get(d.invoice_id, "?"),
                amount_cents=d.amount_cents,
                reason=d.reason,
                opened_on=d.opened_at.date(),
            )
            for d in account.open_disputes
        ],
        promises=[
            PromiseView(
                id=p.id or 0,
                amount_cents=p.amount_cents,
                promised_date=p.promised_date,
                status=p.status,
                invoices=[numbers.get(i, "?") for i in account.promise_invoices.get(p.id or 0, [])],
            )
            for p in account.promises[:5]
        ],
        habits=payment_habits(account),
        recent_messages=[_message_view(m) for m in account.recent_messages],
        last_touch_at=customer.last_touch_at,
        last_inbound_at=customer.last_inbound_at,
        touches_last_7_days=len(account.touches),
        open_escalations=[
            EscalationView(
                id=e.id or 0,
                category=e.category,
                reason=e.reason[:200],
                invoice_numbers=list(e.invoice_numbers or []),
                opened_at=e.created_at,
            )
            for e in account.open_escalations
        ],
        paused_until=customer.paused_until,
        pause_reason=customer.pause_reason,
        taken_over=customer.taken_over,
        next_followup_at=account.pending_followup.due_at if account.pending_followup else None,
    )


def _contact_view(contact: Contact) -> ContactView:
    return ContactView(
        # Only a person's name: the emails greet contacts by it.
        name=personal_name(contact.name),
        email=contact.email,
        role=contact.role,
        contactable=not (contact.do_not_contact or contact.undeliverable),
        primary=contact.is_primary,
    )


def _message_view(message: Message) -> MessageView:
    return MessageView(
        id=message.id or 0,
        direction=message.direction,
        at=message.created_at,
        from_addr=message.from_addr,
        subject=message.subject[:120],
        text=_preview(message.text),
        intent=message.intent,
        tone=message.tone,
        risk_flags=dict(message.risk_flags or {}),
    )


def security_signals(flags: dict[str, str] | None) -> dict[str, str]:
    """The risk flags that open a security case: those a precise rule raised, with the
    customer's words as evidence."""
    return {
        flag: evidence
        for flag, evidence in (flags or {}).items()
        if evidence and evidence != LEARNED_ONLY_EVIDENCE
    }


def _preview(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= MESSAGE_PREVIEW_CHARS else text[: MESSAGE_PREVIEW_CHARS - 1] + "…"
