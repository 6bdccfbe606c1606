"""`recoup approvals`: the cases awaiting a person, and their decisions, from a terminal."""

from __future__ import annotations

import getpass
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text
from sqlmodel import col, select

from recoup.approvals.case import Case, assemble_case, sender_header
from recoup.approvals.choices import (
    Action,
    Choice,
    choices,
    one_line,
    outreach_word,
    stops_outreach,
    waiting_to,
)
from recoup.approvals.decisions import Channel, Decision, Decisions, Outcome, Person
from recoup.cli.workspace import Workspace, open_workspace
from recoup.ledger.db import session as open_session
from recoup.ledger.ids import MAX_ROW_ID
from recoup.ledger.models import Escalation, EscalationStatus

app = typer.Typer(no_args_is_help=True, add_completion=False, help="Escalations awaiting a person.")
console = Console()

CaseId = Annotated[int, typer.Argument(help="The case number (#N).", min=1, max=MAX_ROW_ID)]
AsUser = Annotated[str | None, typer.Option("--as", help="Who decides (default: your login name).")]
OUTCOME_STYLE = {
    Outcome.APPLIED: "green",
    Outcome.ALREADY_DECIDED: "yellow",
    Outcome.REFUSED: "red",
    Outcome.NOT_FOUND: "red",
}


def _workspace(ctx: typer.Context) -> Workspace:
    return open_workspace(ctx.obj if isinstance(ctx.obj, Path) else None)


def _decisions(ws: Workspace) -> Decisions:
    return Decisions(ws.engine, ws.clock, ws.policy, mail_from=ws.settings.mail.from_address)


def _person(as_user: str | None) -> Person:
    return Person(as_user or getpass.getuser(), Channel.CLI)


def _case(ws: Workspace, case_id: int) -> Case | None:
    mail = ws.settings.mail
    with open_session(ws.engine) as session:
        try:
            return assemble_case(
                session,
                case_id,
                now=ws.clock.now(),
                policy=ws.policy,
                sender=sender_header(mail.from_name, mail.from_address),
            )
        except LookupError:
            return None


def _report(decision: Decision) -> None:
    console.print(Text(decision.message, style=OUTCOME_STYLE[decision.outcome]))
    if not decision.applied:
        raise typer.Exit(1)


@app.command("list")
def list_cases(
    ctx: typer.Context,
    every: Annotated[bool, typer.Option("--all", help="Decided cases too (latest 50).")] = False,
) -> None:
    """The open cases, oldest first."""
    ws = _workspace(ctx)
    query = select(Escalation.id)
    if every:
        query = query.order_by(col(Escalation.id).desc()).limit(50)
    else:
        query = query.where(Escalation.status == EscalationStatus.OPEN.value).order_by(
            col(Escalation.created_at), col(Escalation.id)
        )
    with open_session(ws.engine) as session:
        ids = [i for i in session.exec(query) if i is not None]
    cases = [case for i in ids if (case := _case(ws, i)) is not None]
    if not cases:
        console.print("No open cases." if not every else "No cases.")
        return
    console.print(Text("Cases" if every else "Open cases", style="bold"))
    for case in cases:
        console.print(_list_entry(case))


@app.command()
def show(ctx: typer.Context, case_id: CaseId) -> None:
    """One case with its context: account, invoices, correspondence, the held action."""
    ws = _workspace(ctx)
    case = _case(ws, case_id)
    if case is None:
        console.print(Text(f"No case #{case_id}.", style="red"))
        raise typer.Exit(1)
    console.print(render_case(case))


@app.command()
def approve(
    ctx: typer.Context,
    case_id: CaseId,
    note: Annotated[str, typer.Option(help="A note kept with the decision.")] = "",
    as_user: AsUser = None,
) -> None:
    """Do what the case recommends (`show` says what that is): send the held email, accept the
    plan, or, on a legal or insolvency case, stop collection and hand the account over."""
    ws = _workspace(ctx)
    _report(_decisions(ws).approve(case_id, _person(as_user), note=note))


@app.command()
def resume(
    ctx: typer.Context,
    case_id: CaseId,
    note: Annotated[str, typer.Option(help="A note kept with the decision.")] = "",
    as_user: AsUser = None,
) -> None:
    """Close a case that holds no action and let the agent resume collection."""
    ws = _workspace(ctx)
    _report(_decisions(ws).resume(case_id, _person(as_user), note=note))


@app.command()
def reject(
    ctx: typer.Context,
    case_id: CaseId,
    note: Annotated[str, typer.Option(help="Why; the agent re-plans from it.")],
    as_user: AsUser = None,
) -> None:
    """Drop the held action; the agent is told, with the note, and re-plans."""
    ws = _workspace(ctx)
    try:
        decision = _decisions(ws).reject(case_id, _person(as_user), note=note)
    except ValueError as exc:
        console.print(Text(str(exc), style="red"))
        raise typer.Exit(2) from exc
    _report(decision)


@app.command()
def takeover(
    ctx: typer.Context,
    case_id: CaseId,
    note: Annotated[str, typer.Option(help="A note kept with the decision.")] = "",
    as_user: AsUser = None,
) -> None:
    """A person owns the account: no outreach by the agent until it is released."""
    ws = _workspace(ctx)
    _report(_decisions(ws).take_over(case_id, _person(as_user), note=note))


@app.command()
def release(
    ctx: typer.Context,
    case_id: CaseId,
    note: Annotated[str, typer.Option(help="A note for the agent.")] = "",
    as_user: AsUser = None,
) -> None:
    """Hand a taken-over account back to the agent."""
    ws = _workspace(ctx)
    _report(_decisions(ws).release(case_id, _person(as_user), note=note))


def _list_entry(case: Case) -> Text:
    """A case in a few lines: who, what, why, and whether outreach is stopped meanwhile."""
    account = case.account
    moment = case.expires_at if case.is_open else case.decided_at
    when = (
        f"{'expires' if case.is_open else 'decided'} {moment:%Y-%m-%d %H:%M} UTC" if moment else ""
    )
    head = [
        account.name if account else "unmatched mail",
        case.category.replace("_", " "),
        case.status if not case.is_open else "",
        case.money(account.balance_cents) if account else "",
        when,
    ]
    entry = Text(f"#{case.id}  ", style="bold")
    entry.append(" · ".join(part for part in head if part))
    entry.append(f"\n     Why: {one_line(case.why)}")
    if case.is_open:
        entry.append(f"\n     Waiting to: {waiting_to(case)} · outreach ")
        entry.append(outreach_word(case), style="bold red" if stops_outreach(case) else "")
    return entry


def render_case(case: Case) -> Group:
    """A case for the terminal. Customer text is shown as text, never as markup."""
    parts: list[Panel | Table | Text] = []
    state = f"{case.status}"
    if case.is_open and case.expires_at:
        state += f", expires {case.expires_at:%Y-%m-%d %H:%M} UTC"
    elif case.decided_at:
        who = f" by {case.decided_by} via {case.decision_channel}" if case.decided_by else ""
        state += f"{who} at {case.decided_at:%Y-%m-%d %H:%M} UTC"
        if case.decision_note:
            state += f": {case.decision_note}"
    header = Text.assemble((case.title, "bold"), "\n", (state, "cyan"), "\n\n")
    header.append("Why: ", style="bold")
    header.append(case.why + (f" (rule {case.rule_id})" if case.rule_id else ""))
    header.append("\nRecommends: ", style="bold")
    header.append(case.recommendation or "—")
    parts.append(Panel(header))
    for refusal in case.refusals if case.is_open else []:
        parts.append(Text(f"Approval refused: {refusal}", style="red"))
    if case.account is not None:
        account = case.account
        facts = Table.grid(padding=(0, 2))
        habits = account.habits
        paid = (
            f"{habits.paid_invoices} paid, {habits.avg_days_late:g} days late on average"
            if habits.avg_days_late is not None
            else "no payment history"
        )
        aging = ", ".join(f"{k}: {case.money(v)}" for k, v in account.aging_cents.items() if v)
        for label, value in (
            ("account", f"{account.name} ({account.ref})"),
            ("segment", account.segment + (", strategic" if account.strategic else "")),
            ("balance", case.money(account.balance_cents)),
            ("overdue", case.money(account.overdue_cents)),
            ("aging", aging or "nothing open"),
            ("pays", paid),
            ("taken over", "yes" if account.taken_over else "no"),
        ):
            facts.add_row(Text(label, style="dim"), Text(value))
        parts.append(facts)
    if case.invoices:
        invoices = Table(title="Invoices concerned")
        for name in ("invoice", "due", "days past due", "open", "status"):
            invoices.add_column(name)
        for line in case.invoices:
            invoices.add_row(
                line.number,
                line.due_date.isoformat(),
                str(line.days_past_due),
                case.money(line.open_cents),
                "disputed" if line.disputed else line.status,
            )
        parts.append(invoices)
    if case.held is not None:
        held = case.held
        body = (
            Text(held.email.as_text())
            if held.email is not None
            else Text("\n".join(f"{k}: {v}" for k, v in held.details))
        )
        heading = "Waiting for your decision" if case.is_open else "Held"
        parts.append(Panel(body, title=Text(f"{heading}: {held.summary}"), border_style="yellow"))
    offered = choices(case)
    if offered:
        parts.append(_choices(case, offered))
    for message in case.correspondence:
        who = f"from {message.from_addr}" if message.direction == "inbound" else "sent"
        title = Text(f"{message.at:%Y-%m-%d %H:%M} {who}: {message.subject}")
        parts.append(Panel(Text(message.excerpt), title=title, border_style="dim"))
    return Group(*parts)


# The command that carries out each choice; an edit is made on the page or in Slack.
COMMANDS = {
    Action.APPROVE: "approve",
    Action.RESUME: "resume",
    Action.REJECT: "reject",
    Action.TAKE_OVER: "takeover",
    Action.RELEASE: "release",
}


def _choices(case: Case, offered: list[Choice]) -> Panel:
    lines = Text()
    for choice in offered:
        command = COMMANDS.get(choice.action)
        if command is None:
            continue
        note = ' --note "…"' if choice.needs_note else ""
        lines.append(choice.label, style="bold green" if choice.recommended else "bold")
        lines.append(" (recommended)" if choice.recommended else "")
        lines.append(f"\n  {choice.effect}\n  recoup approvals {command} {case.id}{note}\n")
    return Panel(lines, title=Text("Your decision"), border_style="green")
