"""`recoup`: set up, import, run one pass, look at accounts, report, demo, run the daemon."""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Annotated

import httpx
import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from sqlmodel import select

from recoup.cli.approvals import app as approvals_app
from recoup.cli.connections import mount as mount_connections
from recoup.cli.disputes import app as disputes_app
from recoup.cli.eval import eval_command
from recoup.cli.failures import DEBUG_KEY, RecoupGroup
from recoup.cli.outbox import app as outbox_app
from recoup.cli.reader import app as reader_app
from recoup.cli.tick_summary import tick_lines
from recoup.cli.workspace import Workspace, open_workspace
from recoup.errors import InputError, StorageError
from recoup.ledger.db import session as open_session
from recoup.ledger.models import Customer
from recoup.ledger.opening import parse_database_url, shown_url
from recoup.logs import configure_logging

app = typer.Typer(
    cls=RecoupGroup,
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
    debug: Annotated[
        bool, typer.Option("--debug", help="Show the traceback of a failure.")
    ] = False,
) -> None:
    configure_logging(level=log_level.upper())
    ctx.meta[DEBUG_KEY] = debug
    ctx.obj = config


def _workspace(ctx: typer.Context) -> Workspace:
    return open_workspace(ctx.obj)


@app.command()
def init(
    ctx: typer.Context,
    company: Annotated[
        str | None, typer.Option(help="Your company's name, as customers know it.")
    ] = None,
    sender: Annotated[
        str | None, typer.Option(help="Who signs the emails (e.g. 'Dana, Accounts Receivable').")
    ] = None,
) -> None:
    """Create the database and write the commented default policy file to edit."""
    from recoup.policy import write_policy

    ws = open_workspace(ctx.obj, create=True)
    ws.settings.home.mkdir(parents=True, exist_ok=True)
    policy_path = ws.settings.policy_file or ws.settings.home / "policy.toml"
    if policy_path.exists():
        console.print(f"policy kept: {policy_path}")
    else:
        if company is None and _interactive():
            company = typer.prompt("Company name (signs every email)")
        if sender is None and _interactive():
            sender = typer.prompt("Sender name", default="Accounts Receivable")
        write_policy(policy_path, company=company, sender=sender)
        console.print(f"policy written: {policy_path} (edit it, then restart `recoup run`)")
        if company is None:
            console.print("  set company_name in it: emails are signed with it")
    ws.policy  # noqa: B018  (validates the file now, with the key and reason on error)
    ws.engine  # noqa: B018  (creates or migrates the database)
    console.print(
        f"database ready: {shown_url(parse_database_url(ws.settings.resolved_database_url))}"
    )


def _interactive() -> bool:
    return sys.stdin.isatty() and sys.stdout.isatty()


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
    from recoup.ledger.connectors.csv_files import import_csv, import_directory

    if not source.exists():
        raise InputError(
            f"{source} does not exist", hint="give a folder of CSV files, or one CSV file"
        )
    ws = _workspace(ctx)
    policy = ws.policy
    label = f"importing {source}…"
    with open_session(ws.engine) as session, console.status(label) as status:
        rows = 0

        def progress(count: int) -> None:
            nonlocal rows
            rows += count
            status.update(f"{label} {rows:,} rows")

        try:
            if source.is_dir():
                report = import_directory(
                    session, source, now=ws.clock.now(), policy=policy, progress=progress
                )
            else:
                report = import_csv(
                    session, source, kind or source.stem, now=ws.clock.now(), policy=policy,
                    progress=progress,
                )  # fmt: skip
        except BaseException:
            session.rollback()
            raise
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
    from recoup.daemon.interrupted import close_interrupted_runs
    from recoup.daemon.recovery import release_dead_leases

    ws = _workspace(ctx)
    policy = ws.policy
    settings = (
        ws.settings.model if model is None else ws.settings.model.model_copy(update={"spec": model})
    )

    # The app owns the HTTP client a remote model speaks through, and closes it.
    http = httpx.AsyncClient(timeout=settings.timeout_s)
    deps = AgentDeps(
        engine=ws.engine,
        clock=ws.clock,
        policy=policy,
        model=make_model(settings, http_client=http),
        mail_from=ws.settings.mail.from_address,
    )
    runner = Runner(deps, concurrency=ws.settings.concurrency)

    async def one_pass(advance: Callable[[int], None]) -> TickReport:
        try:
            return await runner.tick(limit, on_done=advance)
        finally:
            await http.aclose()

    started = ws.clock.now()
    release_dead_leases(ws.engine)
    close_interrupted_runs(ws.engine, now=started)
    with open_session(ws.engine) as session:
        due = len(runner.due_accounts(session, limit))
    with _progress() as progress:
        task = progress.add_task("working accounts", total=due)
        report = asyncio.run(one_pass(lambda _id: progress.advance(task)))
    outcomes: dict[str, int] = {}
    for result in report.results:
        outcomes[result.outcome] = outcomes.get(result.outcome, 0) + 1
    with open_session(ws.engine) as session:
        lines = tick_lines(
            session,
            since=started,
            now=ws.clock.now(),
            worked=report.leased,
            due=report.due,
            outcomes=outcomes,
            errors=len(report.errors),
            daemon_sends=True,
        )
    for line in lines:
        console.print(line, markup=False, highlight=False)
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
    period_days: Annotated[int, typer.Option(help="The KPI period, in days.", min=1)] = 90,
    json_out: Annotated[bool, typer.Option("--json", help="JSON for machines.")] = False,
    rates: Annotated[
        Path | None,
        typer.Option(help="A CSV of currency,rate,date: adds totals in --currency."),
    ] = None,
    currency: Annotated[
        str, typer.Option(help="The reporting currency the rates convert into.")
    ] = "USD",
) -> None:
    """KPIs per currency (DSO, CEI, ADD, the aging, cash, promises, escalations)."""
    from recoup.cli.report import report_json, report_view
    from recoup.ledger.kpis import kpis_by_currency
    from recoup.rates import load_rates

    loaded = load_rates(rates, currency) if rates is not None else None
    ws = _workspace(ctx)
    with open_session(ws.engine) as session:
        per_currency = kpis_by_currency(session, now=ws.clock.now(), period_days=period_days)
    if json_out:
        typer.echo(json.dumps(report_json(per_currency, loaded), indent=2))
    else:
        console.print(report_view(per_currency, loaded))


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

    if directory.exists() and not directory.is_dir():
        raise StorageError(
            f"{directory} is an existing file",
            hint="give a folder to export into (it is created when missing)",
        )
    ws = _workspace(ctx)
    with open_session(ws.engine) as session, console.status("exporting…"):
        actions = collect_actions(session, since=as_utc(since) if since else None)
        written = write_actions_csv(actions, directory)
    console.print(f"wrote {', '.join(str(p) for p in written)}")


@app.command()
def run(ctx: typer.Context) -> None:
    """The daemon: read the mailbox, run the agent on schedule, send the outbox."""
    from recoup.daemon.app import main as daemon_main

    ws = _workspace(ctx)
    ws.policy  # noqa: B018  (a bad policy or a missing database stops here, in one line)
    ws.engine.dispose()
    daemon_main(ws.settings)


@app.command()
def demo(
    json_out: Annotated[
        Path | None, typer.Option("--json", help="Also write the summary as JSON.")
    ] = None,
    weeks: Annotated[int, typer.Option(help="Simulated weeks.")] = 6,
    seed: Annotated[int, typer.Option(help="The random seed of the customers.")] = 7,
    into: Annotated[
        Path, typer.Option(help="The folder the demo's ledger is left in, to explore.")
    ] = Path("recoup-demo"),
) -> None:
    """A realistic demo ledger, worked over simulated weeks, with customers who reply."""
    from recoup.clock import SystemClock
    from recoup.demo import run_demo

    if into.exists() and not into.is_dir():
        raise StorageError(f"{into} is an existing file", hint="give --into a folder")
    today = SystemClock().now().date()
    run_demo(console, today=today, weeks=weeks, seed=seed, json_path=json_out, keep=into)


def _progress() -> Progress:
    return Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        console=console,
        transient=True,
        disable=not console.is_terminal,
    )


app.add_typer(approvals_app, name="approvals", help="Escalations awaiting a person.")
app.add_typer(disputes_app, name="disputes", help="Disputes and deductions, and their end.")
app.add_typer(reader_app, name="reader", help="The reader of customer replies: train and measure.")
app.add_typer(
    outbox_app, name="outbox", help="Queued and sent emails; `outbox show ID` prints one."
)
app.command("eval")(eval_command)
mount_connections(app)


def main() -> None:
    app()
