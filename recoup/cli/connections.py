"""`recoup connect quickbooks|xero|netsuite`, `recoup sync [SOURCE]`, `recoup connections`."""

from __future__ import annotations

import asyncio
import webbrowser
from dataclasses import dataclass
from pathlib import Path
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
    account_id: Annotated[
        str | None, typer.Option("--account-id", help="NetSuite: the account id (123456_SB1).")
    ] = None,
    client_id: Annotated[
        str | None, typer.Option("--client-id", help="NetSuite: the integration's client id.")
    ] = None,
    certificate_id: Annotated[
        str | None,
        typer.Option("--certificate-id", help="NetSuite: the certificate id of the M2M mapping."),
    ] = None,
    private_key: Annotated[
        Path | None,
        typer.Option("--private-key", help="NetSuite: the certificate's private key file (0600)."),
    ] = None,
) -> None:
    """Connect a system of record (OAuth consent in the browser; NetSuite: client credentials)."""
    from recoup.ledger.connectors.settings import load_erp_settings
    from recoup.ledger.connectors.sync.connect import finish_consent, oauth_app_for
    from recoup.ledger.connectors.sync.grants import GrantRevoked, NotConnected
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
            given = NetSuiteOptions(account_id, client_id, certificate_id, private_key)
            tenant = asyncio.run(_connect_netsuite(ws, erp, given))
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
    except (NotConnected, GrantRevoked, ConsentRefused, httpx.HTTPError) as exc:
        typer.secho(f"not connected: {exc}", fg=typer.colors.RED, err=True)
        raise typer.Exit(2) from exc
    console.print(f"{source} connected: {tenant.name or tenant.id}. Run `recoup sync {source}`.")


@dataclass(frozen=True)
class NetSuiteOptions:
    account_id: str | None
    client_id: str | None
    certificate_id: str | None
    private_key: Path | None


async def _connect_netsuite(ws: Workspace, erp: ErpSettings, given: NetSuiteOptions) -> Tenant:
    from recoup.ledger.connectors.netsuite.credentials import ClientCredentials
    from recoup.ledger.connectors.sync.connect import connect_netsuite
    from recoup.ledger.connectors.sync.grants import NotConnected

    ns = erp.netsuite
    account = given.account_id or (ns.account_id if ns else None)
    client_id = given.client_id or (ns.client_id if ns else None)
    certificate = given.certificate_id or (ns.certificate_id if ns else None)
    key_file = given.private_key or (ns.private_key_file if ns else None)
    if not (account and client_id and certificate and key_file):
        raise NotConnected(
            "NetSuite needs --account-id, --client-id, --certificate-id and --private-key "
            "(or RECOUP_ERP_NETSUITE__ACCOUNT_ID, __CLIENT_ID, __CERTIFICATE_ID, "
            "__PRIVATE_KEY_FILE)"
        )
    credentials = ClientCredentials(
        account,
        client_id,
        certificate,
        key_file.expanduser(),
        ns.scopes if ns else "rest_webservices",
    )
    async with httpx.AsyncClient(timeout=30) as client:
        return await connect_netsuite(
            credentials,
            engine=ws.engine,
            settings=erp,
            client=client,
            clock=ws.clock,
            home=ws.settings.home,
        )


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
