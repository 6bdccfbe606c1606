"""What happened on each account during a run, with reasons, and the KPIs."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel
from rich.markup import escape
from rich.table import Table
from sqlalchemy import func
from sqlmodel import Session, col, select

from recoup.demo.state_now import NeedsYou, case_status, current_state, needs_you
from recoup.ledger.kpis import Kpis, compute_kpis, kpis_by_currency
from recoup.ledger.models import (
    AuditEvent,
    Customer,
    Direction,
    Escalation,
    Invoice,
    InvoiceStatus,
    Message,
    Payment,
)
from recoup.money import DEFAULT_CURRENCY, Totals, format_money

# What a person reading the summary wants to see; reads and bookkeeping are left out.
SHOWN_ACTIONS = {
    "send_email",
    "log_promise",
    "open_dispute",
    "escalate",
    "schedule_followup",
    "apply_payment",
    "short_pay",
    "promise_kept",
    "promise_broken",
}


class Happening(BaseModel):
    at: datetime
    actor: str
    action: str
    verdict: str | None
    reason: str


class AccountSummary(BaseModel):
    ref: str
    name: str
    currency: str = DEFAULT_CURRENCY
    open_at_start_cents: int
    open_at_end_cents: int
    collected_cents: int
    emails_sent: int
    replies_received: int
    escalations: list[str]
    happenings: list[Happening]
    now: str = ""


class DemoSummary(BaseModel):
    start: datetime
    end: datetime
    model: str
    accounts: list[AccountSummary]
    kpis: Kpis
    kpis_by_currency: list[Kpis] = []
    collected_cents: int
    open_at_start_cents: int
    collected: dict[str, int] = {}
    open_at_start: dict[str, int] = {}
    needs_you: list[NeedsYou] = []


def summarize(
    session: Session, *, start: datetime, end: datetime, model: str, opening: dict[str, int]
) -> DemoSummary:
    accounts = []
    for customer in session.exec(select(Customer).order_by(col(Customer.ref))):
        account = _account(session, customer, start, end, opening.get(customer.ref, 0))
        account.now = current_state(session, customer, now=end)
        accounts.append(account)
    period = max(1, (end - start).days)
    kpis = compute_kpis(session, now=end, period_days=period)
    return DemoSummary(
        start=start,
        end=end,
        model=model,
        accounts=accounts,
        kpis=kpis,
        kpis_by_currency=kpis_by_currency(session, now=end, period_days=period),
        collected_cents=sum(a.collected_cents for a in accounts),
        open_at_start_cents=sum(a.open_at_start_cents for a in accounts),
        collected=Totals.of((a.currency, a.collected_cents) for a in accounts),
        open_at_start=Totals.of((a.currency, a.open_at_start_cents) for a in accounts),
        needs_you=needs_you(session, now=end),
    )


def _account(session: Session, customer: Customer, start: datetime, end: datetime,
             opening: int) -> AccountSummary:  # fmt: skip
    customer_id = customer.id or 0
    open_now = session.exec(
        select(func.coalesce(func.sum(Invoice.open_cents), 0)).where(
            Invoice.customer_id == customer_id, Invoice.status == InvoiceStatus.OPEN.value
        )
    ).one()
    collected = session.exec(
        select(func.coalesce(func.sum(Payment.amount_cents), 0)).where(
            Payment.customer_id == customer_id, Payment.received_on >= start.date()
        )
    ).one()
    messages = list(session.exec(select(Message).where(Message.customer_id == customer_id)))
    history = {
        ref
        for ref in session.exec(
            select(Payment.ref).where(
                Payment.customer_id == customer_id, Payment.received_on < start.date()
            )
        )
    }
    audit = [
        event
        for event in session.exec(
            select(AuditEvent)
            .where(AuditEvent.customer_id == customer_id, col(AuditEvent.action).in_(SHOWN_ACTIONS))
            .order_by(col(AuditEvent.at), col(AuditEvent.id))
        )
        if event.detail.get("payment") not in history
    ]
    escalations = session.exec(select(Escalation).where(Escalation.customer_id == customer_id))
    return AccountSummary(
        ref=customer.ref,
        name=customer.name,
        currency=customer.currency,
        open_at_start_cents=opening,
        open_at_end_cents=open_now,
        collected_cents=collected,
        emails_sent=sum(
            1 for m in messages if m.direction == Direction.OUTBOUND.value and m.status == "sent"
        ),
        replies_received=sum(1 for m in messages if m.direction == Direction.INBOUND.value),
        escalations=[
            f"{e.category} ({case_status(e, now=end)}): {e.reason[:120]}" for e in escalations
        ],
        happenings=sorted(
            [
                Happening(
                    at=a.at, actor=a.actor, action=a.action, verdict=a.verdict, reason=a.reason
                )
                for a in audit
            ]
            + [_received(m) for m in messages if m.direction == Direction.INBOUND.value],
            # Within one moment the cause (a reply received) comes before its effects.
            key=lambda h: (h.at, h.actor != "customer"),
        ),
    )


def _received(message: Message) -> Happening:
    what = message.auto_kind or "reply"
    snippet = " ".join(message.text.split())[:90]
    return Happening(
        at=message.created_at,
        actor="customer",
        action=f"{what} received",
        verdict=None,
        reason=f"“{snippet}”" if snippet else message.subject,
    )


def accounts_table(summary: DemoSummary) -> Table:
    table = Table(title="Accounts: what recoup did, and why", show_lines=True)
    table.add_column("account")
    table.add_column("balance", justify="right")
    table.add_column("collected", justify="right")
    table.add_column("what happened (reasons from the audit trail)")
    for account in summary.accounts:
        lines = [_line(h) for h in account.happenings if h.action != "schedule_followup"]
        lines.extend(escape(f"escalated {e}") for e in account.escalations)
        lines = lines[-7:]
        if account.now:
            lines.append(f"[bold]now: {escape(account.now)}[/bold]")
        table.add_row(
            f"{account.ref}\n{account.name}",
            f"{format_money(account.open_at_start_cents, account.currency)}\n"
            f"→ {format_money(account.open_at_end_cents, account.currency)}",
            format_money(account.collected_cents, account.currency),
            "\n".join(lines) or "nothing due: left alone",
        )
    return table


def _line(happening: Happening) -> str:
    verdict = f" ({happening.verdict})" if happening.verdict else ""
    return escape(f"{_day(happening.at)} {happening.action}{verdict}: {happening.reason}")


def _day(moment: datetime | date) -> str:
    return f"{moment:%b %d}"


def needs_you_table(summary: DemoSummary) -> Table:
    """The open cases, most money at stake first, each with its one-line why."""
    table = Table(title="Needs you: open cases, most money at stake first", title_justify="left")
    for header in ("case", "account", "at stake", "kind", "waiting", "why"):
        table.add_column(header, justify="right" if header == "at stake" else "left")
    for case in summary.needs_you:
        table.add_row(
            f"#{case.case_id}",
            escape(f"{case.ref} {case.name}"),
            format_money(case.at_stake_cents, case.currency),
            case.category,
            case.waiting,
            escape(case.why),
        )
    if not summary.needs_you:
        table.caption = "Nothing waits for a person."
    return table
