"""Rich renderings of accounts, timelines and KPIs for the terminal."""

from __future__ import annotations

from datetime import datetime

from rich.console import Group
from rich.panel import Panel
from rich.table import Table
from sqlalchemy import func
from sqlmodel import Session, col, select

from recoup.cli.formats import day, local_moment, moment
from recoup.ledger.models import (
    AgentRun,
    AuditEvent,
    Customer,
    Escalation,
    EscalationStatus,
    Invoice,
    InvoiceStatus,
    Message,
)
from recoup.ledger.state import PaymentHabits, account_state, load_account
from recoup.money import format_money


def accounts_table(session: Session, *, now: datetime, limit: int) -> Table:
    today = now.date()
    balances = (
        select(
            Invoice.customer_id,
            func.sum(Invoice.open_cents).label("open"),
            func.min(Invoice.due_date).label("oldest_due"),
        )
        .where(Invoice.status == InvoiceStatus.OPEN.value)
        .group_by(col(Invoice.customer_id))
        .subquery()
    )
    open_cases = (
        select(Escalation.customer_id, func.count().label("cases"))
        .where(Escalation.status == EscalationStatus.OPEN.value)
        .group_by(col(Escalation.customer_id))
        .subquery()
    )
    rows = session.exec(
        select(Customer, balances.c.open, balances.c.oldest_due, open_cases.c.cases)
        .join(balances, balances.c.customer_id == Customer.id, isouter=True)
        .join(open_cases, open_cases.c.customer_id == Customer.id, isouter=True)
        .order_by(func.coalesce(balances.c.open, 0).desc())
        .limit(limit)
    )
    table = Table(title="Accounts (largest balance first)")
    for header in ("ref", "name", "balance", "oldest", "status"):
        table.add_column(header, justify="right" if header in {"balance", "oldest"} else "left")
    for customer, open_cents, oldest_due, cases in rows:
        status = []
        if customer.taken_over:
            status.append("taken over")
        if customer.paused_until and customer.paused_until > now:
            status.append(f"paused to {day(customer.paused_until)}")
        if cases:
            status.append(f"{cases} open case(s)")
        oldest = f"{(today - oldest_due).days}d" if oldest_due else "-"
        table.add_row(
            customer.ref,
            customer.name,
            format_money(open_cents or 0, customer.currency),
            oldest,
            ", ".join(status) or "working",
        )
    return table


def account_panel(session: Session, customer_id: int, *, now: datetime, grace_days: int) -> Group:
    account = load_account(session, customer_id, now=now)
    state = account_state(account, now=now, grace_days=grace_days)
    currency = state.currency
    head = Table.grid(padding=(0, 2))
    head.add_row("customer", f"{state.customer} · {state.name} · {state.segment}"
                 + (" · strategic" if state.strategic else ""))  # fmt: skip
    head.add_row("balance", f"{format_money(state.balance_cents, currency)} "
                 f"({format_money(state.overdue_cents, currency)} overdue)")  # fmt: skip
    head.add_row("habits", habits_line(state.habits))
    customer = account.customer
    head.add_row(
        "next look",
        local_moment(state.next_followup_at, customer.timezone)
        if state.next_followup_at
        else "none scheduled",
    )
    invoices = Table(title="Open invoices")
    for header in ("number", "due", "days past due", "open", "hold"):
        invoices.add_column(header)
    for inv in state.open_invoices:
        hold = "dispute" if inv.disputed else "promise" if inv.promised else ""
        invoices.add_row(
            inv.number,
            day(inv.due_date),
            str(inv.days_past_due),
            format_money(inv.open_cents, currency),
            hold,
        )
    timeline = Table(title="Timeline (newest first, UTC)")
    for header in ("when", "what", "detail"):
        timeline.add_column(header)
    for message in session.exec(
        select(Message)
        .where(Message.customer_id == customer_id)
        .order_by(col(Message.created_at).desc())
        .limit(15)
    ):
        arrow = "←" if message.direction == "inbound" else "→"
        timeline.add_row(
            moment(message.created_at),
            f"{arrow} {message.status}",
            f"{message.subject[:60]}",
        )
    for run in session.exec(
        select(AgentRun)
        .where(AgentRun.customer_id == customer_id)
        .order_by(col(AgentRun.started_at).desc())
        .limit(5)
    ):
        timeline.add_row(
            moment(run.started_at),
            f"run #{run.id}",
            f"{run.trigger}: {run.outcome}, {run.steps} steps",
        )
    trail = Table(title="Audit trail (newest first, UTC)")
    for header in ("when", "actor", "action", "verdict", "reason"):
        trail.add_column(header)
    for event in session.exec(
        select(AuditEvent)
        .where(AuditEvent.customer_id == customer_id)
        .order_by(col(AuditEvent.at).desc(), col(AuditEvent.id).desc())
        .limit(25)
    ):
        trail.add_row(
            moment(event.at),
            event.actor,
            event.action,
            f"{event.verdict or ''} {event.rule_id or ''}".strip(),
            event.reason[:90],
        )
    return Group(Panel(head, title=state.name), invoices, timeline, trail)


def habits_line(habits: PaymentHabits) -> str:
    """How the customer pays, or that there is nothing to tell yet (never zeros)."""
    if not habits.paid_invoices:
        return "no payment history yet"
    parts = [f"{habits.paid_invoices} invoice(s) paid"]
    if habits.avg_days_late is not None:
        parts.append(f"on average {habits.avg_days_late:g} days late")
    if habits.on_time_share is not None:
        parts.append(f"{round(habits.on_time_share * 100)}% on time")
    return ", ".join(parts)
