"""send_email: put an email in the outbox (the mail sender delivers it)."""

from __future__ import annotations

import uuid
from typing import Literal

from pydantic import BaseModel, Field

from recoup.ledger import audit
from recoup.ledger.models import Customer, Direction, Message, MessageStatus
from recoup.tools.base import RunContext, Tool, ToolArgs, ToolFailure

ToneName = Literal["courtesy", "friendly", "firm", "final"]


class Concession(BaseModel):
    """Anything the email offers beyond asking for payment. Declared, so the
    guardrails can hold it against the policy's limits."""

    kind: Literal["discount", "fee_waiver", "payment_plan", "extended_terms"]
    discount_pct: float | None = Field(default=None, ge=0, le=100)
    fee_waiver_amount: float | None = Field(default=None, ge=0)
    installments: int | None = Field(default=None, ge=1, le=120)
    months: int | None = Field(default=None, ge=1, le=120)
    extension_days: int | None = Field(default=None, ge=1, le=3650)


class SendEmailArgs(ToolArgs):
    to: list[str] = Field(min_length=1, max_length=5, description="Recipient addresses.")
    cc: list[str] = Field(default_factory=list, max_length=5)
    subject: str = Field(min_length=1, max_length=200)
    body: str = Field(min_length=1, max_length=8000, description="Plain text body.")
    tone: ToneName = Field(description="courtesy < friendly < firm < final.")
    invoice_numbers: list[str] = Field(
        default_factory=list, description="Every invoice this email is about."
    )
    attach_invoice_copies: list[str] = Field(
        default_factory=list, description="Invoice numbers to attach as PDF copies."
    )
    attach_statement: bool = Field(default=False, description="Attach a statement of account.")
    reply_to_message_id: int | None = Field(
        default=None, description="The id of the customer's message this answers, if any."
    )
    concession: Concession | None = Field(
        default=None, description="Any discount, fee waiver, payment plan or extension offered."
    )


class SendEmailResult(BaseModel):
    outbox_id: int
    message_id: str
    queued: bool = True


def new_message_id(domain: str) -> str:
    return f"{uuid.uuid4().hex}@{domain}"


def send_email(ctx: RunContext, args: SendEmailArgs) -> SendEmailResult:
    account = ctx.account()
    now = ctx.clock.now()
    in_reply_to: str | None = None
    references: list[str] = []
    if args.reply_to_message_id is not None:
        original = next(
            (m for m in account.recent_messages if m.id == args.reply_to_message_id), None
        ) or ctx.session.get(Message, args.reply_to_message_id)
        if original is None or original.customer_id != ctx.customer_id:
            raise ToolFailure(f"message {args.reply_to_message_id} is not on this account")
        in_reply_to = original.message_id
        references = [*original.references.split(), original.message_id]
    attachments: list[dict[str, str]] = [
        {"kind": "invoice_copy", "invoice": number} for number in args.attach_invoice_copies
    ]
    if args.attach_statement:
        attachments.append({"kind": "statement"})
    message = Message(
        customer_id=ctx.customer_id,
        direction=Direction.OUTBOUND.value,
        status=MessageStatus.QUEUED.value,
        message_id=new_message_id(ctx.mail_domain),
        in_reply_to=in_reply_to,
        references=" ".join(references[-20:]),
        from_addr=ctx.mail_from,
        to_addrs=", ".join(args.to),
        cc_addrs=", ".join(args.cc),
        subject=args.subject,
        text=args.body,
        invoice_numbers=[number.strip() for number in args.invoice_numbers],
        attachments=attachments,
        tone=args.tone,
        created_at=now,
        next_attempt_at=now,
        run_id=ctx.run_id,
    )
    ctx.session.add(message)
    customer = ctx.session.get(Customer, ctx.customer_id)
    assert customer is not None
    customer.last_touch_at = now
    ctx.session.flush()
    enclosed = [f"a copy of {n}" for n in args.attach_invoice_copies]
    if args.attach_statement:
        enclosed.append("a statement of account")
    reason = f"{args.tone} email about {', '.join(args.invoice_numbers) or 'the account'}"
    if enclosed:
        reason += f", with {' and '.join(enclosed)}"
    if args.concession is not None:
        reason += f", offering {args.concession.kind.replace('_', ' ')}"
    audit.record(
        ctx.session,
        at=now,
        actor=ctx.actor,
        action="send_email",
        reason=reason,
        customer_id=ctx.customer_id,
        run_id=ctx.run_id,
        detail={"outbox_id": message.id, "to": args.to, "subject": args.subject},
    )
    return SendEmailResult(outbox_id=message.id or 0, message_id=message.message_id)


TOOL = Tool(
    name="send_email",
    description=(
        "Queue an email to this account's contacts. Name every invoice it is about in "
        "invoice_numbers; declare any offer in concession. Can attach invoice copies and a "
        "statement of account. Checked against the collections policy before it is queued."
    ),
    args_model=SendEmailArgs,
    result_model=SendEmailResult,
    run=send_email,
)
