"""`recoup outbox`: the emails recoup queued and sent, and one of them as the customer
sees it (headers, text, attachments), without opening a maildir."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import typer
from rich.console import Console, Group
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table
from rich.text import Text
from sqlmodel import Session, col, select

from recoup.cli.formats import local_moment, moment
from recoup.cli.workspace import Workspace, open_workspace
from recoup.errors import NotFound
from recoup.ledger.db import session as open_session
from recoup.ledger.documents import Letterhead
from recoup.ledger.ids import MAX_ROW_ID
from recoup.ledger.models import Customer, Direction, Message, MessageStatus
from recoup.mail.compose import LedgerDocuments, build_mime

app = typer.Typer(no_args_is_help=False, add_completion=False)
console = Console()

SHOWN_STATUSES = (MessageStatus.QUEUED.value, MessageStatus.SENT.value, MessageStatus.FAILED.value)


def _workspace(ctx: typer.Context) -> Workspace:
    config = ctx.obj if not isinstance(ctx.obj, dict) else None
    return open_workspace(config)


@app.callback(invoke_without_command=True)
def outbox(
    ctx: typer.Context,
    status: Annotated[str | None, typer.Option(help="Only queued, sent or failed emails.")] = None,
    limit: Annotated[int, typer.Option(help="How many, newest first.", min=1)] = 30,
) -> None:
    """Queued and sent emails, newest first; `recoup outbox show ID` prints one."""
    if ctx.invoked_subcommand is not None:
        return
    ws = _workspace(ctx)
    with open_session(ws.engine) as session:
        console.print(outbox_table(session, status=status, limit=limit))


@app.command()
def show(
    ctx: typer.Context,
    message_id: Annotated[
        int, typer.Argument(help="The email's number (#N).", min=1, max=MAX_ROW_ID)
    ],
) -> None:
    """One email as the customer sees it: From, To, Subject, the text, attachments."""
    ws = _workspace(ctx)
    with open_session(ws.engine) as session:
        row = session.get(Message, message_id)
        if row is None or row.direction != Direction.OUTBOUND.value:
            raise NotFound(f"no outgoing email #{message_id}", hint="`recoup outbox` lists them")
        customer = session.get(Customer, row.customer_id) if row.customer_id else None
        console.print(
            email_view(
                session,
                row,
                customer,
                from_name=ws.settings.mail.from_name,
                letterhead=Letterhead.from_policy(ws.policy),
                now=ws.clock.now(),
            )
        )


def outbox_table(session: Session, *, status: str | None, limit: int) -> Table:
    wanted = (status,) if status else SHOWN_STATUSES
    rows = session.exec(
        select(Message, Customer)
        .join(Customer, col(Customer.id) == col(Message.customer_id), isouter=True)
        .where(Message.direction == Direction.OUTBOUND.value, col(Message.status).in_(wanted))
        .order_by(col(Message.created_at).desc(), col(Message.id).desc())
        .limit(limit)
    ).all()
    table = Table(title="Outbox (newest first)", title_justify="left")
    for header in ("#", "status", "when (UTC)", "to", "customer", "subject"):
        table.add_column(header, justify="right" if header == "#" else "left")
    for message, customer in rows:
        table.add_row(
            str(message.id),
            _status(message),
            moment(message.sent_at or message.created_at),
            escape(message.to_addrs[:40]),
            escape(customer.name if customer else "-"),
            escape(message.subject[:60]),
        )
    if not rows:
        table.caption = "Nothing queued or sent yet: `recoup tick` works the accounts."
    return table


def email_view(
    session: Session,
    row: Message,
    customer: Customer | None,
    *,
    from_name: str,
    letterhead: Letterhead,
    now: datetime,
) -> Group:
    head = Table.grid(padding=(0, 2))
    attachments: list[str] = []
    if customer is not None:
        documents = LedgerDocuments(session, customer, now, letterhead)
        mime = build_mime(row, customer=customer, from_name=from_name, documents=documents)
        for name in ("From", "To", "Cc", "Subject"):
            if mime[name]:
                head.add_row(Text(name, style="bold"), Text(str(mime[name])))
        for part in mime.iter_attachments():
            size = len(part.get_payload(decode=True) or b"")
            attachments.append(f"{part.get_filename()} ({size / 1024:,.0f} KB)")
    else:
        head.add_row(Text("To", style="bold"), Text(row.to_addrs))
        head.add_row(Text("Subject", style="bold"), Text(row.subject))
    head.add_row(Text("Status", style="bold"), Text(_status(row)))
    when = row.sent_at or row.created_at
    zone = customer.timezone if customer is not None else "UTC"
    head.add_row(
        Text("Sent" if row.sent_at else "Queued", style="bold"),
        Text(f"{moment(when)} UTC ({local_moment(when, zone)}, the customer's time)"),
    )
    parts: list[object] = [Panel(head, title=f"Email #{row.id}", title_align="left")]
    parts.append(Text(row.text))
    if attachments:
        parts.append(Text("Attachments: " + ", ".join(attachments), style="italic"))
    return Group(*parts)  # type: ignore[arg-type]


def _status(message: Message) -> str:
    if message.status == MessageStatus.QUEUED.value and message.attempts:
        return f"queued (retrying, {message.attempts} attempts)"
    if message.status == MessageStatus.FAILED.value and message.last_error:
        return f"failed: {message.last_error[:60]}"
    return message.status
