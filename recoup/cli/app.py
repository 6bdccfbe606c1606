"""`recoup`: set up, import, run one pass, look at accounts, report, demo, run the daemon."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Annotated

import httpx
import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table
from sqlmodel import select

from recoup.cli.approvals import app as approvals_app
from recoup.cli.connections import mount as mount_connections
from recoup.cli.eval import eval_command
from recoup.cli.workspace import Workspace, open_workspace
from recoup.ledger.db import session as open_session
from recoup.ledger.models import Customer
from recoup.logs import configure_logging
from recoup.money import format_money
from recoup.policy import DEFAULT_POLICY_PATH

app = typer.Typer(
    no_args_is_help=True,
    add_completion=False,
    help="recoup: an autonomous accounts-receivable collections agent.",
)
console = Console()

ConfigOption = Annotated[
    Path | None, typer.Option("--config", help="A TOML settings file (else RECOUP_* variables).")
]


@app.callback()
def main_options(
    ctx: typer.Context,
    config: ConfigOption = None,
    log_level: Annotated[str, typer.Option(help="DEBUG, INFO, WARNING.")] = "WARNING",
) -> None:
    configure_logging(level=log_level.upper())
    ctx.obj = config


def _workspace(ctx: typer.Context) -> Workspace:
    return open_workspace(ctx.obj)


@app.command()
def init(ctx: typer.Context) -> None:
    """Create the database and write the commented default policy file to edit."""
    ws = _workspace(ctx)
    ws.settings.home.mkdir(parents=True, exist_ok=True)
    policy_path = ws.settings.policy_file or ws.settings.home / "policy.toml"
    if policy_path.exists():
        console.print(f"policy kept: {policy_path}")
    else:
        shutil.copyfile(DEFAULT_POLICY_PATH, policy_path)
        console.print(f"policy written: {policy_path} (edit it, then restart `recoup run`)")
    ws.policy  # noqa: B018  (validates the file now, with the key and reason on error)
    ws.engine  # noqa: B018  (creates or migrates the database)
    console.print(f"database ready: {ws.settings.resolved_database_url}")


@app.command("import")
def import_(
    ctx: typer.Context,
    source: Annotated[Path, typer.Argument(help="A directory of CSV files, or one CSV file.")],
    kind: Annotated[
        str | None,
        typer.Option(help="customers, contacts, invoices, payments or credit_memos (one file)."),
    ] = None,
) -> None:
    """Import customers, contacts, invoices, payments and credit memos from CSV."""
    from recoup.ledger.connectors.csv_files import ImportFailed, import_csv, import_directory

    ws = _workspace(ctx)
    with open_session(ws.engine) as session:
        try:
            if source.is_dir():
                report = import_directory(session, source, now=ws.clock.now(), policy=ws.policy)
            else:
                if kind is None:
                    kind = source.stem
                report = import_csv(session, source, kind, now=ws.clock.now(), policy=ws.policy)
        except (ImportFailed, ValueError) as exc:
            session.rollback()
            typer.secho(str(exc), fg=typer.colors.RED, err=True)
            raise typer.Exit(2) from exc
        session.commit()
    console.print(report.summary())


@app.command()
def tick(
    ctx: typer.Context,
    limit: Annotated[int | None, typer.Option(help="At most this many accounts.")] = None,
    model: Annotated[str | None, typer.Option(help="offline, openai:MODEL or replay:FILE.")] = None,
) -> None:
    """One pass of the runner: every account that needs attention now."""
    from recoup.agent.clients.factory import make_model
    from recoup.agent.loop import AgentDeps
    from recoup.agent.runner import Runner, TickReport

    ws = _workspace(ctx)
    settings = (
        ws.settings.model if model is None else ws.settings.model.model_copy(update={"spec": model})
    )

    # The app owns the HTTP client a remote model speaks through, and closes it.
    http = httpx.AsyncClient(timeout=settings.timeout_s)
    deps = AgentDeps(
        engine=ws.engine,
        clock=ws.clock,
        policy=ws.policy,
        model=make_model(settings, http_client=http),
        mail_from=ws.settings.mail.from_address,
    )
    runner = Runner(deps, concurrency=ws.settings.concurrency)

    async def one_pass(advance: Callable[[int], None]) -> TickReport:
        try:
            return await runner.tick(limit, on_done=advance)
        finally:
            await http.aclose()

    with open_session(ws.engine) as session:
        due = len(runner.due_accounts(session, limit))
    with _progress() as progress:
        task = progress.add_task("accounts", total=due)
        report = asyncio.run(one_pass(lambda _id: progress.advance(task)))
    outcomes: dict[str, int] = {}
    for result in report.results:
        outcomes[result.outcome] = outcomes.get(result.outcome, 0) + 1
    console.print(
        f"{report.leased} accounts worked ({report.due} due); outcomes {outcomes or '{}'}; "
        f"{len(report.errors)} errors"
    )
    for customer_id, error in report.errors:
        typer.secho(f"  customer {customer_id}: {error}", fg=typer.colors.RED, err=True)


@app.command()
def accounts(
    ctx: typer.Context,
    limit: Annotated[int, typer.Option(help="How many accounts to list.")] = 50,
) -> None:
    """The accounts, largest balance first, with what is going on."""
    from recoup.cli.views import accounts_table

    ws = _workspace(ctx)
    with open_session(ws.engine) as session:
        console.print(accounts_table(session, now=ws.clock.now(), limit=limit))


@app.command()
def account(
    ctx: typer.Context, ref: Annotated[str, typer.Argument(help="The customer reference.")]
) -> None:
    """One account: state, timeline, and the audit trail with reasons."""
    from recoup.cli.views import account_panel

    ws = _workspace(ctx)
    with open_session(ws.engine) as session:
        customer = session.exec(select(Customer).where(Customer.ref == ref)).first()
        if customer is None:
            typer.secho(f"no customer {ref!r}", fg=typer.colors.RED, err=True)
            raise typer.Exit(1)
        console.print(
            account_panel(
                session,
                customer.id or 0,
                now=ws.clock.now(),
                grace_days=ws.policy.promises.grace_days,
            )
        )


@app.command()
def report(
    ctx: typer.Context,
    period_days: Annotated[int, typer.Option(help="The KPI period, in days.")] = 90,
) -> None:
    """KPIs (DSO, CEI, ADD, promise kept rate, escalation rate…) and the aging."""
    from recoup.ledger.kpis import compute_kpis

    ws = _workspace(ctx)
    with open_session(ws.engine) as session:
        kpis = compute_kpis(session, now=ws.clock.now(), period_days=period_days)
    console.print(kpi_table(kpis.model_dump(), title=f"KPIs, last {period_days} days"))


def kpi_table(values: dict[str, object], *, title: str) -> Table:
    table = Table(title=title)
    table.add_column("measure")
    table.add_column("value", justify="right")
    for key, value in values.items():
        if isinstance(value, dict):
            value = ", ".join(f"{k}: {_show(key, v)}" for k, v in value.items())
        table.add_row(key, _show(key, value))
    return table


def _show(key: str, value: object) -> str:
    if isinstance(value, int) and key.endswith("cents"):
        return format_money(value)
    if isinstance(value, float):
        return f"{value:,.2f}"
    return str(value)


@app.command()
def export(
    ctx: typer.Context,
    directory: Annotated[Path, typer.Argument(help="Where to write the CSV and JSON files.")],
    since: Annotated[
        datetime | None, typer.Option(help="Only actions at or after this moment (UTC).")
    ] = None,
) -> None:
    """Export what the agent did (promises, disputes, notes, applied cash) for write-back."""
    from recoup.clock import as_utc
    from recoup.ledger.connectors.export import collect_actions, write_actions_csv

    ws = _workspace(ctx)
    with open_session(ws.engine) as session:
        actions = collect_actions(session, since=as_utc(since) if since else None)
    written = write_actions_csv(actions, directory)
    console.print(f"wrote {', '.join(str(p) for p in written)}")


@app.command()
def run(ctx: typer.Context) -> None:
    """The daemon: read the mailbox, run the agent on schedule, send the outbox."""
    from recoup.daemon.app import main as daemon_main

    daemon_main(open_workspace(ctx.obj).settings)


@app.command()
def demo(
    json_out: Annotated[
        Path | None, typer.Option("--json", help="Also write the summary as JSON.")
    ] = None,
    weeks: Annotated[int, typer.Option(help="Simulated weeks.")] = 6,
    seed: Annotated[int, typer.Option(help="The random seed of the customers.")] = 7,
) -> None:
    """A realistic demo ledger, worked over simulated weeks, with customers who reply."""
    from recoup.clock import SystemClock
    from recoup.demo import run_demo

    today = SystemClock().now().date()
    run_demo(console, today=today, weeks=weeks, seed=seed, json_path=json_out)


def _progress() -> Progress:
    return Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        console=console,
        transient=True,
    )


app.add_typer(approvals_app, name="approvals", help="Escalations awaiting a person.")
app.command("eval")(eval_command)
mount_connections(app)


def main() -> None:
    app()
