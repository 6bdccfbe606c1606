"""Building a source's connector (tokens, limiter, HTTP) from the settings."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import Engine

from recoup.clock import Clock
from recoup.ledger.connectors.settings import ErpSettings
from recoup.ledger.connectors.sync.grants import GrantStore, NotConnected, Tokens
from recoup.ledger.connectors.sync.http import ProviderHttp
from recoup.ledger.connectors.sync.limits import shared_limiter
from recoup.ledger.connectors.sync.oauth import refresh_tokens
from recoup.ledger.connectors.sync.provider import SourceConnector, WebhookVerdict
from recoup.ledger.connectors.sync.receiver import Verifier
from recoup.ledger.connectors.sync.secrets import TokenSealer, load_sealer
from recoup.ledger.connectors.sync.sources import get_source
from recoup.ledger.db import session as open_session

SOURCES = ("quickbooks", "xero", "netsuite")
Sleep = Callable[[float], Awaitable[Any]]


def sealer_for(settings: ErpSettings, home: Path, *, create: bool = False) -> TokenSealer:
    return load_sealer(
        settings.token_key, settings.token_key_file or home / "erp.key", create=create
    )


def build_connector(
    name: str,
    engine: Engine,
    settings: ErpSettings,
    client: httpx.AsyncClient,
    clock: Clock,
    *,
    home: Path,
    sleep: Sleep = asyncio.sleep,
) -> SourceConnector:
    with open_session(engine) as session:
        source = get_source(session, name)
    if source is None:
        raise NotConnected(f"{name} is not connected: run `recoup connect {name}`")
    sealer = sealer_for(settings, home)
    tenant = source.tenant_id
    if name == "quickbooks":
        from recoup.ledger.connectors.quickbooks import connector as qbo

        qs = settings.quickbooks
        if qs is None:
            raise NotConnected("QuickBooks is not configured (RECOUP_ERP_QUICKBOOKS__CLIENT_ID …)")
        app = qbo.oauth_app(qs.client_id, qs.client_secret.get_secret_value(), qs.redirect_uri)

        async def refresh_qbo(tokens: Tokens) -> Tokens:
            return await refresh_tokens(client, app, tokens, now=clock.now())

        grants = GrantStore(engine, name, sealer, clock, refresh_qbo)
        http = ProviderHttp(client, shared_limiter(name, tenant, qbo.LIMITS), grants, sleep=sleep)
        return qbo.QuickBooksConnector(
            http, tenant, clock, sandbox=qs.sandbox, minor_version=qs.minor_version
        )
    if name == "xero":
        from recoup.ledger.connectors.xero import connector as xero

        xs = settings.xero
        if xs is None:
            raise NotConnected("Xero is not configured (RECOUP_ERP_XERO__CLIENT_ID …)")
        app = xero.oauth_app(
            xs.client_id, xs.client_secret.get_secret_value(), xs.redirect_uri, xs.scopes
        )

        async def refresh_xero(tokens: Tokens) -> Tokens:
            return await refresh_tokens(client, app, tokens, now=clock.now())

        grants = GrantStore(engine, name, sealer, clock, refresh_xero)
        limiter = shared_limiter(name, tenant, xero.LIMITS)
        http = ProviderHttp(
            client,
            limiter,
            grants,
            headers={"xero-tenant-id": tenant, "Accept": "application/json"},
            sleep=sleep,
            on_response=xero.budget_listener(limiter),
        )
        return xero.XeroConnector(http, tenant, clock)
    if name == "netsuite":
        raise NotConnected("the NetSuite connector is not built yet (see docs/connectors.md)")
    raise NotConnected(f"unknown source {name!r}; use one of {', '.join(SOURCES)}")


def webhook_verifiers(engine: Engine, settings: ErpSettings) -> dict[str, Verifier]:
    """The endpoints to serve: one per connected source that has a webhook secret."""
    verifiers: dict[str, Verifier] = {}
    with open_session(engine) as session:
        tenants = {name: s.tenant_id for name in SOURCES if (s := get_source(session, name))}
    qs, xs = settings.quickbooks, settings.xero
    if qs is not None and qs.webhook_verifier is not None and "quickbooks" in tenants:
        from recoup.ledger.connectors.quickbooks.webhooks import SIGNATURE_HEADER, read_notification

        secret, realm = qs.webhook_verifier.get_secret_value(), tenants["quickbooks"]

        def quickbooks(body: bytes, headers: dict[str, str]) -> WebhookVerdict:
            return read_notification(body, realm, secret, headers.get(SIGNATURE_HEADER))

        verifiers["quickbooks"] = quickbooks
    if xs is not None and xs.webhook_key is not None and "xero" in tenants:
        from recoup.ledger.connectors.xero.webhooks import SIGNATURE_HEADER as XERO_HEADER
        from recoup.ledger.connectors.xero.webhooks import read_notification as read_xero

        key, tenant = xs.webhook_key.get_secret_value(), tenants["xero"]

        def xero_hook(body: bytes, headers: dict[str, str]) -> WebhookVerdict:
            return read_xero(body, tenant, key, headers.get(XERO_HEADER))

        verifiers["xero"] = xero_hook
    return verifiers
