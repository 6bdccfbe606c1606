"""Building a source's connector (tokens, limiter, HTTP) from the settings."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
from sqlalchemy import Engine

from recoup.clock import Clock
from recoup.ledger.connectors.settings import ErpSettings
from recoup.ledger.connectors.sync.grants import GrantStore, NotConnected, Tokens
from recoup.ledger.connectors.sync.http import ProviderHttp
from recoup.ledger.connectors.sync.limits import Limits, shared_limiter
from recoup.ledger.connectors.sync.oauth import refresh_tokens
from recoup.ledger.connectors.sync.provider import SourceConnector, WebhookVerdict
from recoup.ledger.connectors.sync.receiver import Verifier
from recoup.ledger.connectors.sync.secrets import TokenSealer, load_sealer
from recoup.ledger.connectors.sync.sources import get_source
from recoup.ledger.db import session as open_session

if TYPE_CHECKING:
    from recoup.ledger.connectors.netsuite.credentials import ClientCredentials

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
        return _netsuite(engine, settings, client, clock, sealer, tenant, sleep)
    raise NotConnected(f"unknown source {name!r}; use one of {', '.join(SOURCES)}")


def netsuite_credentials(settings: ErpSettings, tokens: Tokens | None) -> ClientCredentials:
    """The settings' NetSuite credentials, else those `recoup connect netsuite` kept."""
    from recoup.ledger.connectors.netsuite.credentials import ClientCredentials

    ns = settings.netsuite
    if ns is not None:
        return ClientCredentials(
            ns.account_id, ns.client_id, ns.certificate_id, ns.private_key_file, ns.scopes
        )
    if tokens is not None and tokens.extra.get("client_id"):
        return ClientCredentials.load(tokens.extra)
    raise NotConnected("NetSuite is not configured: run `recoup connect netsuite --account-id …`")


def _netsuite(
    engine: Engine,
    settings: ErpSettings,
    client: httpx.AsyncClient,
    clock: Clock,
    sealer: TokenSealer,
    account: str,
    sleep: Sleep,
) -> SourceConnector:
    from recoup.ledger.connectors.netsuite import connector as netsuite
    from recoup.ledger.connectors.netsuite.credentials import request_token

    async def renew(tokens: Tokens) -> Tokens:
        # Client credentials have no refresh token: a new assertion asks for a new token.
        return await request_token(client, netsuite_credentials(settings, tokens), now=clock.now())

    grants = GrantStore(engine, "netsuite", sealer, clock, renew)
    concurrent = settings.netsuite.concurrency if settings.netsuite else None
    limits = Limits(concurrent=concurrent) if concurrent else netsuite.LIMITS
    http = ProviderHttp(client, shared_limiter("netsuite", account, limits), grants, sleep=sleep)
    return netsuite.NetSuiteConnector(http, account, clock)


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
