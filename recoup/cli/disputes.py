"""`recoup disputes`: the disputes and deductions, and how they end, from a terminal."""

from __future__ import annotations

import getpass
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text
from sqlmodel import col, select

from recoup.approvals.decisions import Channel, Person
from recoup.approvals.dispute_case import (
    DisputeCase,
    NoSuchDispute,
    assemble_dispute,
    case_lines,
    how_to_end,
)
from recoup.approvals.dispute_desk import DisputeDesk
from recoup.cli.formats import day
from recoup.cli.workspace import Workspace, open_workspace
from recoup.errors import InputError, NotFound
from recoup.ledger.db import session as open_session
from recoup.ledger.ids import MAX_ROW_ID
from recoup.ledger.models import Dispute
from recoup.ledger.operations.disputes import disputes_of

app = typer.Typer(
    no_args_is_help=True, add_completion=False, help="Disputes and deductions, and their end."
)
console = Console()

DisputeId = Annotated[int, typer.Argument(help="The dispute number (#N).", min=1, max=MAX_ROW_ID)]
AsUser = Annotated[str | None, typer.Option("--as", help="Who decides (default: your login name).")]


def _workspace(ctx: typer.Context) -> Workspace:
    return open_workspace(ctx.obj if isinstance(ctx.obj, Path) else None)


def _person(as_user: str | None) -> Person:
    return Person(as_user or getpass.getuser(), Channel.CLI)


def _cases(ws: Workspace, every: bool) -> list[DisputeCase]:
    with open_session(ws.engine) as session:
        latest = select(Dispute).order_by(col(Dispute.id).desc()).limit(50)
        rows = list(session.exec(latest)) if every else disputes_of(session)
        return [assemble_dispute(session, d.id or 0) for d in rows]


@app.command("list")
def list_disputes(
    ctx: typer.Context,
    every: Annotated[bool, typer.Option("--all", help="Ended disputes too (latest 50).")] = False,
) -> None:
    """The open disputes and deductions, oldest first, with their owner and settle-by day."""
    ws = _workspace(ctx)
    cases = _cases(ws, every)
    if not cases:
        console.print("No disputes." if every else "No open disputes.")
        return
    now = ws.clock.now()
    table = Table(title="Disputes" if every else "Open disputes")
    for name in ("#", "kind", "account", "invoice", "disputed", "reason", "owner", "settle by"):
        table.add_column(name, justify="right" if name == "disputed" else "left")
    if every:
        table.add_column("status")
    for case in cases:
        late = case.is_open and case.due_at is not None and case.due_at < now
        due = day(case.due_at) if case.due_at else "—"
        row: list[str | Text] = [
            f"#{case.id}",
            case.kind,
            Text(case.customer),
            case.invoice,
            case.amount,
            case.reason,
            Text(case.owner),
            Text(due + (" (overdue)" if late else ""), style="red" if late else ""),
        ]
        if every:
            row.append(case.outcome or case.status)
        table.add_row(*row)
    console.print(table)


@app.command()
def show(ctx: typer.Context, dispute_id: DisputeId) -> None:
    """One dispute: the invoice, the parts, the customer's words, the documents."""
    ws = _workspace(ctx)
    with open_session(ws.engine) as session:
        try:
            case = assemble_dispute(session, dispute_id)
        except NoSuchDispute as exc:
            raise NotFound(str(exc), hint="see `recoup disputes list`") from exc
    console.print(Text("\n".join(case_lines(case))))
    if case.is_open:
        console.print(Text(how_to_end(case), style="dim"))


@app.command()
def resolve(
    ctx: typer.Context,
    dispute_id: DisputeId,
    credit: Annotated[
        str | None,
        typer.Option(
            "--credit",
            help="Issue a credit memo for this amount (e.g. 400.50); 'full' for the disputed "
            "amount.",
        ),
    ] = None,
    write_off: Annotated[
        bool, typer.Option("--write-off", help="Resolve in the customer's favour: write it off.")
    ] = False,
    approved_by: Annotated[
        str, typer.Option("--approved-by", help="Who approved the write-off.")
    ] = "",
    note: Annotated[str, typer.Option(help="A note kept with the outcome.")] = "",
    as_user: AsUser = None,
) -> None:
    """End a dispute for the customer: a credit, or a write-off (with its approver)."""
    if (credit is None) == (not write_off):
        raise InputError("give either --credit AMOUNT (or 'full') or --write-off")
    ws = _workspace(ctx)
    desk = DisputeDesk(ws.engine, ws.clock)
    if write_off:
        if not approved_by.strip():
            raise InputError("a write-off needs --approved-by NAME (who approved it)")
        said = desk.write_off(dispute_id, _person(as_user), approved_by=approved_by, note=note)
    else:
        amount = None if credit in (None, "full") else credit
        said = desk.credit(dispute_id, _person(as_user), amount=amount, note=note)
    console.print(Text(said, style="green"))


@app.command()
def reject(
    ctx: typer.Context,
    dispute_id: DisputeId,
    reason: Annotated[str, typer.Option(help="Why the invoice stands; the customer is told.")],
    as_user: AsUser = None,
) -> None:
    """The invoice stands: the customer gets the reason and collection resumes on it."""
    ws = _workspace(ctx)
    said = DisputeDesk(ws.engine, ws.clock).reject(dispute_id, _person(as_user), reason=reason)
    console.print(Text(said, style="green"))
