"""The OAuth 2.0 authorization-code flow for QuickBooks Online and Xero.

``recoup connect`` opens the provider's consent page; the provider sends the
browser back to a local callback URL, which a one-shot server catches; on a
headless server the person pastes the URL the browser ended on instead.
"""

from __future__ import annotations

import base64
import secrets
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlparse

import httpx

from recoup.ledger.connectors.sync.grants import GrantRevoked, Tokens


@dataclass(frozen=True)
class OAuthApp:
    authorize_url: str
    token_url: str
    client_id: str
    client_secret: str
    redirect_uri: str
    scopes: str
    refresh_lifetime: timedelta | None = None


@dataclass(frozen=True)
class Callback:
    code: str
    state: str
    params: dict[str, str]


class ConsentRefused(Exception):
    """The person declined, or the callback does not belong to this attempt."""


def new_state() -> str:
    return secrets.token_urlsafe(24)


def authorization_url(app: OAuthApp, state: str) -> str:
    query = urlencode(
        {
            "client_id": app.client_id,
            "response_type": "code",
            "scope": app.scopes,
            "redirect_uri": app.redirect_uri,
            "state": state,
        }
    )
    return f"{app.authorize_url}?{query}"


def parse_callback(url: str, expected_state: str) -> Callback:
    """The code (and realmId etc.) from the URL the browser came back to."""
    params = {k: v[0] for k, v in parse_qs(urlparse(url.strip()).query).items()}
    if "error" in params:
        raise ConsentRefused(
            f"the provider said {params['error']}: {params.get('error_description', '')}"
        )
    if params.get("state") != expected_state:
        raise ConsentRefused("the callback's state does not match this attempt; start again")
    if not params.get("code"):
        raise ConsentRefused("the callback URL carries no code")
    return Callback(params["code"], params["state"], params)


def _basic(app: OAuthApp) -> dict[str, str]:
    pair = f"{app.client_id}:{app.client_secret}".encode()
    return {
        "Authorization": "Basic " + base64.b64encode(pair).decode(),
        "Accept": "application/json",
    }


def _tokens(data: dict[str, Any], now: datetime, app: OAuthApp, old: Tokens | None) -> Tokens:
    refresh_in = data.get("x_refresh_token_expires_in")
    refresh_expires = (
        now + timedelta(seconds=int(refresh_in))
        if refresh_in
        else (now + app.refresh_lifetime if app.refresh_lifetime else None)
    )
    return Tokens(
        access_token=data["access_token"],
        access_expires_at=now + timedelta(seconds=int(data.get("expires_in", 1800))),
        # A provider that rotates sends a new refresh token; one that does not keeps the old.
        refresh_token=data.get("refresh_token") or (old.refresh_token if old else None),
        refresh_expires_at=refresh_expires,
        extra=dict(old.extra) if old else {},
    )


async def exchange_code(
    client: httpx.AsyncClient, app: OAuthApp, code: str, *, now: datetime
) -> Tokens:
    response = await client.post(
        app.token_url,
        headers=_basic(app),
        data={"grant_type": "authorization_code", "code": code, "redirect_uri": app.redirect_uri},
    )
    if response.status_code != 200:
        raise ConsentRefused(
            f"the code was refused: HTTP {response.status_code} {response.text[:200]}"
        )
    return _tokens(response.json(), now, app, None)


async def refresh_tokens(
    client: httpx.AsyncClient, app: OAuthApp, tokens: Tokens, *, now: datetime
) -> Tokens:
    if not tokens.refresh_token:
        raise GrantRevoked("no refresh token is stored")
    if tokens.refresh_expires_at is not None and tokens.refresh_expires_at <= now:
        raise GrantRevoked("the refresh token expired unused; connect again")
    response = await client.post(
        app.token_url,
        headers=_basic(app),
        data={"grant_type": "refresh_token", "refresh_token": tokens.refresh_token},
    )
    if response.status_code in (400, 401):
        error = _error(response)
        if error in {"invalid_grant", "unauthorized_client", "invalid_client"}:
            raise GrantRevoked(f"the grant was refused ({error}); connect again")
    response.raise_for_status()
    return _tokens(response.json(), now, app, tokens)


def _error(response: httpx.Response) -> str:
    try:
        return str(response.json().get("error", ""))
    except ValueError:
        return ""


class CallbackCatcher:
    """A one-shot local HTTP server for the redirect URI (e.g. http://localhost:8765/callback)."""

    def __init__(self, redirect_uri: str) -> None:
        parsed = urlparse(redirect_uri)
        self.path = parsed.path or "/"
        self.url: str | None = None
        self._done = threading.Event()
        catcher = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                if urlparse(self.path).path != catcher.path:
                    self.send_response(404)
                    self.end_headers()
                    return
                catcher.url = f"{parsed.scheme}://{parsed.netloc}{self.path}"
                self.send_response(200)
                self.send_header("Content-Type", "text/plain; charset=utf-8")
                self.end_headers()
                self.wfile.write(b"recoup is connected. You can close this window.")
                catcher._done.set()

            def log_message(self, *_args: object) -> None:
                return

        self.server = HTTPServer((parsed.hostname or "localhost", parsed.port or 80), Handler)

    def wait(self, timeout_s: float) -> str | None:
        thread = threading.Thread(target=self._serve, daemon=True)
        thread.start()
        self._done.wait(timeout_s)
        self.server.shutdown()
        self.server.server_close()
        return self.url

    def _serve(self) -> None:
        self.server.serve_forever(poll_interval=0.2)
