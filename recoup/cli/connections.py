"""`recoup connect quickbooks|xero|netsuite`, `recoup sync [SOURCE]`, `recoup connections`."""

from __future__ import annotations

import asyncio
import webbrowser
from typing import TYPE_CHECKING, Annotated

import httpx
import typer
from rich.console import Console
from rich.table import Table

from recoup.cli.workspace import Workspace, open_workspace

if TYPE_CHECKING:
    from recoup.ledger.connectors.settings import ErpSettings
    from recoup.ledger.connectors.sync.connect import Tenant

console = Console()
CALLBACK_TIMEOUT_S = 300.0


def _workspace(ctx: typer.Context) -> Workspace:
    return open_workspace(ctx.obj)


def connect(
    ctx: typer.Context,
    source: Annotated[str, typer.Argument(help="quickbooks, xero or netsuite.")],
    paste: Annotated[
        bool, typer.Option("--paste", help="Headless: paste the URL the browser ended on.")
    ] = False,
) -> None:
    """Connect a system of record (OAuth consent in the browser; NetSuite: client credentials)."""
    from recoup.ledger.connectors.settings import load_erp_settings
    from recoup.ledger.connectors.sync.connect import finish_consent, oauth_app_for
    from recoup.ledger.connectors.sync.grants import NotConnected
    from recoup.ledger.connectors.sync.oauth import (
        CallbackCatcher,
        ConsentRefused,
        authorization_url,
        new_state,
    )

    ws = _workspace(ctx)
    erp = load_erp_settings(ctx.obj)
    try:
        if source == "netsuite":
            tenant = asyncio.run(_connect_netsuite(ws, erp))
        else:
            app = oauth_app_for(source, erp)
            state = new_state()
            url = authorization_url(app, state)
            console.print(f"Open this page to let recoup read and annotate {source}:\n{url}")
            returned = None
            if not paste:
                webbrowser.open(url)
                console.print(f"waiting for the browser at {app.redirect_uri} …")
                try:
                    returned = CallbackCatcher(app.redirect_uri).wait(CALLBACK_TIMEOUT_S)
                except OSError as exc:
                    console.print(f"cannot listen on {app.redirect_uri} ({exc}); paste instead")
            if returned is None:
                returned = typer.prompt("Paste the full URL your browser ended on")

            async def finish() -> Tenant:
                async with httpx.AsyncClient(timeout=30) as client:
                    return await finish_consent(
                        source,
                        returned,
                        state,
                        engine=ws.engine,
                        settings=erp,
                        client=client,
                        clock=ws.clock,
                        home=ws.settings.home,
                    )

            tenant = asyncio.run(finish())
    except (NotConnected, ConsentRefused, httpx.HTTPError) as exc:
        typer.secho(f"not connected: {exc}", fg=typer.colors.RED, err=True)
        raise typer.Exit(2) from exc
    console.print(f"{source} connected: {tenant.name or tenant.id}. Run `recoup sync {source}`.")


async def _connect_netsuite(ws: Workspace, erp: ErpSettings) -> Tenant:
    from recoup.ledger.connectors.sync.grants import NotConnected

    raise NotConnected("the NetSuite connector is not built yet (see docs/connectors.md)")


def sync(
    ctx: typer.Context,
    source: Annotated[
        str | None, typer.Argument(help="One source; all connected by default.")
    ] = None,
    full: Annotated[bool, typer.Option("--full", help="Read everything again.")] = False,
) -> None:
    """One sync pass (then the write-back queue) for each connected source."""
    from recoup.ledger.connectors.settings import load_erp_settings
    from recoup.ledger.connectors.sync.service import connected_sources, sync_and_deliver

    ws = _workspace(ctx)
    erp = load_erp_settings(ctx.obj)
    names = [source] if source else connected_sources(ws.engine)
    if not names:
        typer.secho(
            "no source is connected: run `recoup connect quickbooks|xero|netsuite`",
            fg=typer.colors.YELLOW,
            err=True,
        )
        raise typer.Exit(1)
    failed = False

    async def run() -> None:
        nonlocal failed
        async with httpx.AsyncClient(timeout=60) as client:
            for name in names:
                with console.status(f"{name}: syncing …") as status:
                    outcome = await sync_and_deliver(
                        name,
                        engine=ws.engine,
                        settings=erp,
                        client=client,
                        clock=ws.clock,
                        policy=ws.policy,
                        home=ws.settings.home,
                        full=full,
                        on_page=lambda r: status.update(
                            f"{r.source}: {r.records} records, {r.pages} pages"
                        ),
                    )
                console.print(outcome.summary())
                failed = failed or outcome.failed

    asyncio.run(run())
    if failed:
        raise typer.Exit(1)


def connections(ctx: typer.Context) -> None:
    """Each source: status, last sync, lag, errors, pending write-backs."""
    from recoup.ledger.connectors.sync.status import connections as listing

    ws = _workspace(ctx)
    rows = listing(ws.engine, now=ws.clock.now())
    if not rows:
        console.print("no source is connected")
        return
    table = Table(title="connections")
    for column in (
        "source",
        "tenant",
        "status",
        "last sync",
        "lag",
        "records",
        "write-backs",
        "error",
    ):
        table.add_column(column)
    for row in rows:
        lag = "—" if row["lag_s"] is None else f"{row['lag_s'] // 60} min"
        backlog = f"{row['pending_write_backs']} pending"
        if row["failed_write_backs"]:
            backlog += f", {row['failed_write_backs']} failed"
        table.add_row(
            row["source"],
            row["tenant"],
            row["status"],
            row["last_sync_at"] or "never",
            lag,
            str(row["records_synced"]),
            backlog,
            row["last_error"] or "",
        )
    console.print(table)


def mount(app: typer.Typer) -> None:
    app.command("connect")(connect)
    app.command("sync")(sync)
    app.command("connections")(connections)
