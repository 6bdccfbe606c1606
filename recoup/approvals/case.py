"""The case a person sees: one escalation with its context already assembled.

Everything is read from the ledger (never from what the agent said about it):
the account in brief, the invoices concerned, the correspondence latest first,
why the agent escalated, what it recommends, and the held action exactly as
it would run — for a held email, the email exactly as it would be sent.
"""

from __future__ import annotations

from datetime import date, datetime
from email.utils import formataddr
from typing import Any

from pydantic import BaseModel
from sqlmodel import Session, col, select

from recoup.approvals.decisions import REFUSED
from recoup.approvals.reading import Suggestion, suggestion
from recoup.clock import as_utc
from recoup.ledger.models import (
    AuditEvent,
    Escalation,
    EscalationCategory,
    EscalationStatus,
    Invoice,
    Message,
)
from recoup.ledger.state import Account, PaymentHabits, load_account, payment_habits
from recoup.money import format_money
from recoup.policy import Policy
from recoup.tools.email import SendEmailArgs

CORRESPONDENCE_CHARS = 600
AGING_BUCKETS: tuple[tuple[str, int, int | None], ...] = (
    ("current", -100_000, 0),
    ("1-30", 1, 30),
    ("31-60", 31, 60),
    ("61-90", 61, 90),
    ("90+", 91, None),
)


class AccountBrief(BaseModel):
    customer_id: int
    ref: str
    name: str
    segment: str
    strategic: bool
    currency: str
    terms_days: int
    balance_cents: int
    overdue_cents: int
    aging_cents: dict[str, int]
    habits: PaymentHabits
    open_disputes: int
    pending_promises: int
    taken_over: bool
    paused_until: datetime | None
    last_inbound_at: datetime | None
    last_touch_at: datetime | None


class InvoiceLine(BaseModel):
    number: str
    due_date: date
    days_past_due: int
    amount_cents: int
    open_cents: int
    status: str
    disputed: bool


class CorrespondenceLine(BaseModel):
    id: int
    direction: str
    at: datetime
    from_addr: str
    to_addrs: str
    subject: str
    excerpt: str
    trimmed: bool
    intent: str | None


class RenderedEmail(BaseModel):
    """A held send_email as the customer would receive it."""

    from_header: str
    to: list[str]
    cc: list[str]
    subject: str
    body: str
    tone: str
    in_reply_to: str | None
    attachments: list[str]
    concession: str | None

    def headers(self) -> list[tuple[str, str]]:
        lines = [("From", self.from_header), ("To", ", ".join(self.to))]
        if self.cc:
            lines.append(("Cc", ", ".join(self.cc)))
        lines.append(("Subject", self.subject))
        if self.in_reply_to:
            lines.append(("In-Reply-To", f"<{self.in_reply_to}>"))
        return lines

    def as_text(self) -> str:
        head = "\n".join(f"{name}: {value}" for name, value in self.headers())
        tail = "".join(f"\n[attachment: {name}]" for name in self.attachments)
        return f"{head}\n\n{self.body}{tail}"


class HeldAction(BaseModel):
    tool: str
    summary: str
    details: list[tuple[str, str]]
    args: dict[str, Any]
    email: RenderedEmail | None = None


class Case(BaseModel):
    id: int
    status: str
    category: str
    created_at: datetime
    expires_at: datetime | None
    reminded_at: datetime | None
    decided_at: datetime | None
    decided_by: str | None
    decision_channel: str | None
    decision_note: str | None
    why: str
    rule_id: str | None
    recommendation: str
    account: AccountBrief | None
    invoices: list[InvoiceLine]
    correspondence: list[CorrespondenceLine]
    held: HeldAction | None
    refusals: list[str]
    # A reading case: what the reader found, to prefill a person's one-click answers.
    reading: Suggestion | None = None

    @property
    def is_open(self) -> bool:
        return self.status == EscalationStatus.OPEN.value

    @property
    def title(self) -> str:
        who = self.account.name if self.account else "unmatched mail"
        return f"Case #{self.id} · {self.category.replace('_', ' ')} · {who}"

    def money(self, cents: int) -> str:
        return format_money(cents, self.account.currency if self.account else "USD")


def assemble_case(
    session: Session, escalation_id: int, *, now: datetime, policy: Policy, sender: str
) -> Case:
    """``sender`` is the From header outbound mail carries (see ``sender_header``)."""
    escalation = session.get(Escalation, escalation_id)
    if escalation is None:
        raise LookupError(f"no case #{escalation_id}")
    account = (
        load_account(session, escalation.customer_id, now=now)
        if escalation.customer_id is not None
        else None
    )
    held = (
        render_held_action(session, escalation.held_action, account, sender=sender)
        if escalation.held_action
        else None
    )
    return Case(
        id=escalation.id or 0,
        status=escalation.status,
        category=escalation.category,
        created_at=as_utc(escalation.created_at),
        expires_at=_utc(escalation.expires_at),
        reminded_at=_utc(escalation.reminded_at),
        decided_at=_utc(escalation.decided_at),
        decided_by=escalation.decided_by,
        decision_channel=escalation.decision_channel,
        decision_note=escalation.decision_note,
        why=escalation.reason,
        rule_id=escalation.rule_id,
        recommendation=escalation.recommendation,
        account=_brief(account, now) if account else None,
        invoices=_invoices(account, escalation, now) if account else [],
        correspondence=_correspondence(session, account, escalation),
        held=held,
        refusals=refused_approvals(session, escalation),
        reading=suggestion(session, escalation, account)
        if account is not None and escalation.category == EscalationCategory.READING.value
        else None,
    )


def sender_header(from_name: str, from_address: str) -> str:
    return formataddr((from_name, from_address))


def render_held_action(
    session: Session, held: dict[str, Any], account: Account | None, *, sender: str
) -> HeldAction:
    tool = str(held.get("tool", "?"))
    args: dict[str, Any] = dict(held.get("args") or {})
    if tool == "send_email":
        email = render_email(session, SendEmailArgs.model_validate(args), sender=sender)
        summary = f"Send this {email.tone} email to {', '.join(email.to)}"
        return HeldAction(tool=tool, summary=summary, details=[], args=args, email=email)
    currency = account.customer.currency if account else "USD"
    if tool == "log_promise":
        amount = args.get("amount")
        what = format_money(round(amount * 100), currency) if amount else "the full balance"
        invoices = ", ".join(args.get("invoice_numbers") or []) or "every open invoice"
        summary = f"Record a promise to pay {what} by {args.get('promised_date')} ({invoices})"
    else:
        summary = f"Run {tool}"
    details = [(key.replace("_", " "), _plain(value)) for key, value in args.items() if value]
    return HeldAction(tool=tool, summary=summary, details=details, args=args)


def render_email(session: Session, args: SendEmailArgs, *, sender: str) -> RenderedEmail:
    in_reply_to = None
    if args.reply_to_message_id is not None:
        original = session.get(Message, args.reply_to_message_id)
        in_reply_to = original.message_id if original else None
    # Attachments are rendered from the ledger at send time: named here, not built.
    attachments = [f"copy of invoice {number} (PDF)" for number in args.attach_invoice_copies]
    if args.attach_statement:
        attachments.append("statement of account (PDF)")
    return RenderedEmail(
        from_header=sender,
        to=list(args.to),
        cc=list(args.cc),
        subject=args.subject,
        body=args.body,
        tone=args.tone,
        in_reply_to=in_reply_to,
        attachments=attachments,
        concession=_concession(args),
    )


def refused_approvals(session: Session, escalation: Escalation) -> list[str]:
    """Why earlier approvals of this case were refused, newest first."""
    rows = session.exec(
        select(AuditEvent)
        .where(
            AuditEvent.action == REFUSED,
            AuditEvent.customer_id == escalation.customer_id,
        )
        .order_by(col(AuditEvent.at).desc(), col(AuditEvent.id).desc())
    )
    return [
        f"{as_utc(row.at):%Y-%m-%d %H:%M} UTC, {row.actor}: {row.reason}"
        for row in rows
        if row.detail.get("escalation_id") == escalation.id
    ]


def _brief(account: Account, now: datetime) -> AccountBrief:
    today = now.date()
    customer = account.customer
    aging = dict.fromkeys((name for name, _, _ in AGING_BUCKETS), 0)
    for invoice in account.open_invoices:
        aging[_bucket(account.days_past_due(invoice, today))] += invoice.open_cents
    return AccountBrief(
        customer_id=customer.id or 0,
        ref=customer.ref,
        name=customer.name,
        segment=customer.segment,
        strategic=customer.strategic,
        currency=customer.currency,
        terms_days=customer.terms_days,
        balance_cents=account.balance_cents,
        overdue_cents=sum(i.open_cents for i in account.open_invoices if i.due_date < today),
        aging_cents=aging,
        habits=payment_habits(account),
        open_disputes=len(account.open_disputes),
        pending_promises=len(account.pending_promises()),
        taken_over=customer.taken_over,
        paused_until=_utc(customer.paused_until),
        last_inbound_at=_utc(customer.last_inbound_at),
        last_touch_at=_utc(customer.last_touch_at),
    )


def _bucket(days_past_due: int) -> str:
    for name, low, high in AGING_BUCKETS:
        if days_past_due >= low and (high is None or days_past_due <= high):
            return name
    return AGING_BUCKETS[0][0]


def _invoices(account: Account, escalation: Escalation, now: datetime) -> list[InvoiceLine]:
    """The invoices the case names; with none named, every open invoice."""
    named = [inv for n in escalation.invoice_numbers if (inv := account.invoice(n)) is not None]
    disputed = account.disputed_invoice_ids()
    return [_line(account, inv, inv.id in disputed, now) for inv in named or account.open_invoices]


def _line(account: Account, invoice: Invoice, disputed: bool, now: datetime) -> InvoiceLine:
    return InvoiceLine(
        number=invoice.number,
        due_date=invoice.due_date,
        days_past_due=account.days_past_due(invoice, now.date()),
        amount_cents=invoice.amount_cents,
        open_cents=invoice.open_cents,
        status=invoice.status,
        disputed=disputed,
    )


def _correspondence(
    session: Session, account: Account | None, escalation: Escalation
) -> list[CorrespondenceLine]:
    messages = list(account.recent_messages) if account else []
    if escalation.message_id is not None and all(m.id != escalation.message_id for m in messages):
        source = session.get(Message, escalation.message_id)
        if source is not None:
            messages.append(source)
    messages.sort(key=lambda m: (as_utc(m.created_at), m.id or 0), reverse=True)
    return [_correspondence_line(m) for m in messages]


def _correspondence_line(message: Message) -> CorrespondenceLine:
    text = message.text.strip()
    trimmed = len(text) > CORRESPONDENCE_CHARS
    return CorrespondenceLine(
        id=message.id or 0,
        direction=message.direction,
        at=as_utc(message.created_at),
        from_addr=message.from_addr,
        to_addrs=message.to_addrs,
        subject=message.subject,
        excerpt=text[: CORRESPONDENCE_CHARS - 1] + "…" if trimmed else text,
        trimmed=trimmed,
        intent=message.intent,
    )


def _concession(args: SendEmailArgs) -> str | None:
    offer = args.concession
    if offer is None:
        return None
    if offer.kind == "discount":
        return f"discount of {offer.discount_pct or 0:g}%"
    if offer.kind == "fee_waiver":
        return f"fee waiver of {offer.fee_waiver_amount or 0:,.2f}"
    if offer.kind == "payment_plan":
        return f"payment plan: {offer.installments} instalments over {offer.months} months"
    return f"terms extended by {offer.extension_days} days"


def _plain(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def _utc(moment: datetime | None) -> datetime | None:
    return as_utc(moment) if moment is not None else None
