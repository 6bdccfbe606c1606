"""Connecting a source: the consent (QuickBooks, Xero) or the client credentials
(NetSuite), the tenant it grants, and the sealed grant saved with the source."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
from sqlalchemy import Engine

from recoup.clock import Clock
from recoup.ledger.connectors.settings import ErpSettings
from recoup.ledger.connectors.sync.grants import NotConnected, Tokens, save_grant
from recoup.ledger.connectors.sync.oauth import OAuthApp, exchange_code, parse_callback
from recoup.ledger.connectors.sync.registry import sealer_for
from recoup.ledger.connectors.sync.sources import connect_source
from recoup.ledger.db import session as open_session

if TYPE_CHECKING:
    from recoup.ledger.connectors.netsuite.credentials import ClientCredentials

XERO_CONNECTIONS_URL = "https://api.xero.com/connections"


@dataclass(frozen=True)
class Tenant:
    id: str
    name: str = ""


def oauth_app_for(name: str, settings: ErpSettings) -> OAuthApp:
    if name == "quickbooks" and settings.quickbooks is not None:
        from recoup.ledger.connectors.quickbooks.connector import oauth_app

        qs = settings.quickbooks
        return oauth_app(qs.client_id, qs.client_secret.get_secret_value(), qs.redirect_uri)
    if name == "xero" and settings.xero is not None:
        from recoup.ledger.connectors.xero.connector import oauth_app as xero_app

        xs = settings.xero
        return xero_app(
            xs.client_id, xs.client_secret.get_secret_value(), xs.redirect_uri, xs.scopes
        )
    raise NotConnected(
        f"{name} is not configured: set RECOUP_ERP_{name.upper()}__CLIENT_ID and __CLIENT_SECRET"
    )


async def finish_consent(
    name: str,
    callback_url: str,
    state: str,
    *,
    engine: Engine,
    settings: ErpSettings,
    client: httpx.AsyncClient,
    clock: Clock,
    home: Path,
) -> Tenant:
    """The URL the browser came back to → tokens, tenant, and the source saved."""
    app = oauth_app_for(name, settings)
    callback = parse_callback(callback_url, state)
    tokens = await exchange_code(client, app, callback.code, now=clock.now())
    if name == "quickbooks":
        tenant = Tenant(callback.params.get("realmId", ""))
        if not tenant.id:
            raise NotConnected("the QuickBooks callback carries no realmId")
    else:
        tenant = await _xero_tenant(client, tokens)
    save_source(engine, name, tenant, tokens, settings=settings, clock=clock, home=home)
    return tenant


async def _xero_tenant(client: httpx.AsyncClient, tokens: Tokens) -> Tenant:
    response = await client.get(
        XERO_CONNECTIONS_URL, headers={"Authorization": f"Bearer {tokens.access_token}"}
    )
    response.raise_for_status()
    organisations = [c for c in response.json() if c.get("tenantType") == "ORGANISATION"]
    if not organisations:
        raise NotConnected("the Xero grant names no organisation")
    first = organisations[0]
    return Tenant(str(first["tenantId"]), str(first.get("tenantName") or ""))


def save_source(
    engine: Engine,
    name: str,
    tenant: Tenant,
    tokens: Tokens,
    *,
    settings: ErpSettings,
    clock: Clock,
    home: Path,
) -> None:
    sealer = sealer_for(settings, home, create=True)
    with open_session(engine) as session:
        connect_source(session, name, now=clock.now(), tenant_id=tenant.id, tenant_name=tenant.name)
        save_grant(session, name, tokens, sealer, now=clock.now())
        session.commit()


async def connect_netsuite(
    credentials: ClientCredentials,
    *,
    engine: Engine,
    settings: ErpSettings,
    client: httpx.AsyncClient,
    clock: Clock,
    home: Path,
) -> Tenant:
    """Ask NetSuite for a first token with the signed assertion; keep it with the account.
    The grant keeps the key file's path, never the key."""
    from recoup.ledger.connectors.netsuite.credentials import request_token

    tokens = await request_token(client, credentials, now=clock.now())
    tenant = Tenant(credentials.account_id, f"NetSuite account {credentials.account_id}")
    save_source(engine, "netsuite", tenant, tokens, settings=settings, clock=clock, home=home)
    return tenant
