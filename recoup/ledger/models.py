"""The ledger's tables.

Money is stored in minor units (``*_cents``) as integers; datetimes are naive
UTC. Enumerations are stored as their string values.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel


class Segment(StrEnum):
    ENTERPRISE = "enterprise"
    MID_MARKET = "mid_market"
    SMB = "smb"


class InvoiceStatus(StrEnum):
    OPEN = "open"
    PAID = "paid"
    VOID = "void"


class DisputeReason(StrEnum):
    PRICE = "price"
    QUANTITY = "quantity"
    DAMAGED = "damaged"
    NOT_RECEIVED = "not_received"
    DUPLICATE = "duplicate"
    MISSING_PO = "missing_po"
    QUALITY = "quality"
    TAX = "tax"
    OTHER = "other"


class DisputeStatus(StrEnum):
    OPEN = "open"
    RESOLVED = "resolved"
    REJECTED = "rejected"


class DisputeKind(StrEnum):
    DISPUTE = "dispute"
    DEDUCTION = "deduction"  # a short payment: the customer kept part of an invoice


class DisputeOutcome(StrEnum):
    """How a dispute ended."""

    CREDITED = "credited"  # a credit memo lowered the invoice
    WRITTEN_OFF = "written_off"  # the customer's favour: the disputed part is written off
    REJECTED = "rejected"  # the invoice stands; collection resumes on it


class PromiseStatus(StrEnum):
    PENDING = "pending"
    KEPT = "kept"
    BROKEN = "broken"
    CANCELLED = "cancelled"
    # Replaced by a later promise for the same invoices ("make that the 21st"): neither kept
    # nor broken, so the promise-kept rate leaves it out.
    SUPERSEDED = "superseded"


class ContactRole(StrEnum):
    """Who a contact is to the customer: billing and AP receive reminders first."""

    BILLING = "billing"
    AP = "ap"
    PURCHASER = "purchaser"
    OWNER = "owner"


class Direction(StrEnum):
    INBOUND = "inbound"
    OUTBOUND = "outbound"


class MessageStatus(StrEnum):
    """Outbound: queued -> sent | failed. Inbound: received -> processed | quarantined."""

    QUEUED = "queued"
    SENT = "sent"
    FAILED = "failed"
    RECEIVED = "received"
    PROCESSED = "processed"
    QUARANTINED = "quarantined"


class EscalationCategory(StrEnum):
    CREDIT_HOLD = "credit_hold"
    PAYMENT_PLAN = "payment_plan"
    CONCESSION = "concession"
    LEGAL = "legal"
    INSOLVENCY = "insolvency"
    LARGE_SILENT = "large_silent"
    DISPUTE_REVIEW = "dispute_review"
    CONTACT_CHANGE = "contact_change"
    UNMATCHED_MAIL = "unmatched_mail"
    TONE_APPROVAL = "tone_approval"
    HOSTILE = "hostile"
    STEP_BUDGET = "step_budget"
    # Fraud signals and injection attempts: outreach stays where a person puts it.
    SECURITY = "security"
    # A reply the reader could not read with confidence: a person says what it means.
    READING = "reading"
    OTHER = "other"


class EscalationStatus(StrEnum):
    OPEN = "open"
    APPROVED = "approved"
    REJECTED = "rejected"
    TAKEN_OVER = "taken_over"
    EXPIRED = "expired"
    RESOLVED = "resolved"


class EventKind(StrEnum):
    """What can wake the agent up for an account."""

    MESSAGE = "message"
    PAYMENT = "payment"
    PROMISE_DUE = "promise_due"
    PROMISE_BROKEN = "promise_broken"
    FOLLOWUP_DUE = "followup_due"
    AGING = "aging"
    DECISION = "decision"
    BOUNCE = "bounce"
    SOURCE_CHANGE = "source_change"


class Customer(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    ref: str = Field(index=True, unique=True, max_length=64)
    name: str = Field(max_length=200)
    segment: str = Field(default=Segment.SMB.value, max_length=20)
    strategic: bool = False
    terms_days: int = 30
    timezone: str = Field(default="UTC", max_length=64)
    currency: str = Field(default="USD", max_length=3)
    email_domain: str | None = Field(default=None, index=True, max_length=200)
    credit_limit_cents: int | None = None
    paused_until: datetime | None = None
    pause_reason: str | None = Field(default=None, max_length=500)
    taken_over: bool = False
    last_touch_at: datetime | None = None
    last_inbound_at: datetime | None = None
    lease_owner: str | None = Field(default=None, max_length=64)
    lease_until: datetime | None = None
    created_at: datetime | None = None


class Contact(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    customer_id: int = Field(foreign_key="customer.id", index=True)
    name: str = Field(default="", max_length=200)
    email: str = Field(index=True, max_length=320)
    role: str = Field(default="billing", max_length=40)
    is_primary: bool = False
    do_not_contact: bool = False
    undeliverable: bool = False
    # Where the contact came from (a redirect) or why it is do-not-contact (an opt-out).
    source_message_id: int | None = Field(default=None, foreign_key="message.id")
    do_not_contact_at: datetime | None = None
    do_not_contact_message_id: int | None = Field(default=None, foreign_key="message.id")


class Invoice(SQLModel, table=True):
    __table_args__ = (Index("ix_invoice_customer_status", "customer_id", "status"),)

    id: int | None = Field(default=None, primary_key=True)
    customer_id: int = Field(foreign_key="customer.id", index=True)
    number: str = Field(index=True, unique=True, max_length=64)
    issue_date: date
    due_date: date = Field(index=True)
    amount_cents: int
    open_cents: int
    currency: str = Field(default="USD", max_length=3)
    status: str = Field(default=InvoiceStatus.OPEN.value, max_length=16)
    po_number: str | None = Field(default=None, max_length=64)
    description: str | None = Field(default=None, max_length=500)
    paid_on: date | None = None


class Payment(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    customer_id: int = Field(foreign_key="customer.id", index=True)
    ref: str = Field(index=True, unique=True, max_length=64)
    amount_cents: int
    unapplied_cents: int = 0
    received_on: date
    references: str = Field(default="", max_length=500)
    method: str = Field(default="transfer", max_length=32)


class PaymentAllocation(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    payment_id: int = Field(foreign_key="payment.id", index=True)
    invoice_id: int = Field(foreign_key="invoice.id", index=True)
    amount_cents: int
    short_pay_cents: int = 0
    matched_by: str = Field(default="oldest_first", max_length=20)


class CreditMemo(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    customer_id: int = Field(foreign_key="customer.id", index=True)
    number: str = Field(index=True, unique=True, max_length=64)
    invoice_id: int | None = Field(default=None, foreign_key="invoice.id")
    amount_cents: int
    issued_on: date
    reason: str = Field(default="", max_length=500)


class Dispute(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    customer_id: int = Field(foreign_key="customer.id", index=True)
    invoice_id: int = Field(foreign_key="invoice.id", index=True)
    amount_cents: int
    reason: str = Field(max_length=20)
    detail: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    status: str = Field(default=DisputeStatus.OPEN.value, max_length=16)
    owner: str | None = Field(default=None, max_length=120)
    message_id: int | None = Field(default=None, foreign_key="message.id")
    opened_at: datetime
    resolved_at: datetime | None = None
    kind: str = Field(default=DisputeKind.DISPUTE.value, max_length=16)
    # When the owner should have settled it; a reminder goes to the owner after.
    due_at: datetime | None = None
    reminded_at: datetime | None = None
    # Where the owner was told (as Escalation.notify_ref: pending:WHEN, slack:C:TS, email).
    notify_ref: str | None = Field(default=None, max_length=120)
    outcome: str | None = Field(default=None, max_length=16)
    outcome_note: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    resolved_by: str | None = Field(default=None, max_length=120)
    credit_memo_id: int | None = Field(default=None, foreign_key="creditmemo.id")


class Promise(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    customer_id: int = Field(foreign_key="customer.id", index=True)
    amount_cents: int
    promised_date: date
    status: str = Field(default=PromiseStatus.PENDING.value, max_length=16, index=True)
    message_id: int | None = Field(default=None, foreign_key="message.id")
    note: str = Field(default="", max_length=500)
    created_at: datetime
    settled_at: datetime | None = None
    superseded_by_id: int | None = Field(default=None, foreign_key="promise.id")


class PromiseInvoice(SQLModel, table=True):
    promise_id: int = Field(foreign_key="promise.id", primary_key=True)
    invoice_id: int = Field(foreign_key="invoice.id", primary_key=True)


class Message(SQLModel, table=True):
    """Every email in and out. Outbound rows with status ``queued`` are the outbox."""

    __table_args__ = (Index("ix_message_direction_status", "direction", "status"),)

    id: int | None = Field(default=None, primary_key=True)
    customer_id: int | None = Field(default=None, foreign_key="customer.id", index=True)
    direction: str = Field(max_length=10)
    status: str = Field(max_length=12)
    message_id: str = Field(index=True, unique=True, max_length=255)
    in_reply_to: str | None = Field(default=None, max_length=255)
    references: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    from_addr: str = Field(default="", max_length=320)
    to_addrs: str = Field(default="", max_length=2000)
    cc_addrs: str = Field(default="", max_length=2000)
    subject: str = Field(default="", max_length=998)
    text: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    quoted_text: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    invoice_numbers: list[str] = Field(default_factory=list, sa_column=Column(JSON))
    attachments: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON))
    tone: str | None = Field(default=None, max_length=20)
    intent: str | None = Field(default=None, max_length=32)
    auto_kind: str | None = Field(default=None, max_length=16)
    note: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    # Inbound: the reader's risk signals, flag -> the words that raised it (see recoup.reader.risk).
    risk_flags: dict[str, str] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    created_at: datetime
    sent_at: datetime | None = None
    attempts: int = 0
    next_attempt_at: datetime | None = None
    last_error: str | None = Field(default=None, max_length=1000)
    run_id: int | None = Field(default=None, foreign_key="agentrun.id")


class ReadingCorrection(SQLModel, table=True):
    """How a person read a customer message in a reading case: a labelled example."""

    id: int | None = Field(default=None, primary_key=True)
    message_id: int = Field(foreign_key="message.id", index=True)
    customer_id: int | None = Field(default=None, foreign_key="customer.id")
    escalation_id: int | None = Field(default=None, foreign_key="escalation.id")
    intent: str = Field(max_length=32)
    # The corrected finding (recoup.reader.Finding as JSON).
    finding: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    decided_by: str = Field(max_length=120)
    created_at: datetime


class Event(SQLModel, table=True):
    """Something that needs the agent's attention for one account, at or after ``due_at``."""

    __table_args__ = (
        Index("ix_event_pending_due", "processed_at", "due_at"),
        Index("ix_event_customer_pending", "customer_id", "processed_at", "due_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    customer_id: int = Field(foreign_key="customer.id", index=True)
    kind: str = Field(max_length=20)
    due_at: datetime
    detail: str = Field(default="", max_length=1000)
    ref_id: int | None = None
    created_at: datetime
    processed_at: datetime | None = None
    run_id: int | None = Field(default=None, foreign_key="agentrun.id")


class Escalation(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    customer_id: int | None = Field(default=None, foreign_key="customer.id", index=True)
    category: str = Field(max_length=20)
    status: str = Field(default=EscalationStatus.OPEN.value, max_length=16, index=True)
    reason: str = Field(sa_column=Column(Text, nullable=False))
    recommendation: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    invoice_numbers: list[str] = Field(default_factory=list, sa_column=Column(JSON))
    held_action: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))
    rule_id: str | None = Field(default=None, max_length=64)
    message_id: int | None = Field(default=None, foreign_key="message.id")
    run_id: int | None = Field(default=None, foreign_key="agentrun.id")
    created_at: datetime
    expires_at: datetime | None = None
    reminded_at: datetime | None = None
    decided_at: datetime | None = None
    decided_by: str | None = Field(default=None, max_length=120)
    decision_channel: str | None = Field(default=None, max_length=20)
    decision_note: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    notify_ref: str | None = Field(default=None, max_length=120)


class AuditEvent(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    customer_id: int | None = Field(default=None, foreign_key="customer.id", index=True)
    run_id: int | None = Field(default=None, foreign_key="agentrun.id", index=True)
    at: datetime
    actor: str = Field(max_length=120)
    action: str = Field(max_length=64)
    verdict: str | None = Field(default=None, max_length=16)
    rule_id: str | None = Field(default=None, max_length=64)
    reason: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    detail: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))


class AgentRun(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    customer_id: int = Field(foreign_key="customer.id", index=True)
    trigger: str = Field(max_length=200)
    model: str = Field(max_length=120)
    started_at: datetime
    finished_at: datetime | None = None
    steps: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    latency_ms: int = 0
    outcome: str = Field(default="running", max_length=20)
    trace: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON))


class MailCheckpoint(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("account", "folder"),)

    id: int | None = Field(default=None, primary_key=True)
    account: str = Field(max_length=320)
    folder: str = Field(max_length=200)
    uidvalidity: int
    last_uid: int = 0
