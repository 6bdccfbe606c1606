"""Slack: the Web API calls recoup makes, the incoming-webhook mode, and the
verification of Slack's signed requests.

Every call goes through an ``httpx.AsyncClient`` the application owns (opened
at startup, closed at shutdown). Tokens travel only in headers and are never
part of an error or a log line.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import httpx
from pydantic import SecretStr

from recoup.errors import ApprovalsError
from recoup.settings import SlackSettings

SIGNATURE_VERSION = "v0"
MAX_REQUEST_AGE = timedelta(minutes=5)
TIMESTAMP_HEADER = "X-Slack-Request-Timestamp"
SIGNATURE_HEADER = "X-Slack-Signature"


class SignatureError(ApprovalsError, ValueError):
    """A request that cannot be shown to come from Slack, now."""


class SlackError(ApprovalsError, RuntimeError):
    """Slack answered a call with ``ok: false`` (or not at all)."""

    def __init__(self, method: str, error: str, *, retry_after_s: float | None = None) -> None:
        super().__init__(f"{method}: {error}")
        self.method = method
        self.error = error
        self.retry_after_s = retry_after_s


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """Slack's v0 signature: HMAC-SHA256 over ``v0:{timestamp}:{raw body}``."""
    base = f"{SIGNATURE_VERSION}:{timestamp}:".encode() + body
    digest = hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
    return f"{SIGNATURE_VERSION}={digest}"


def verify_signature(
    secret: str,
    *,
    timestamp: str | None,
    signature: str | None,
    body: bytes,
    now: datetime,
) -> None:
    """Raise ``SignatureError`` unless the raw body was signed with ``secret`` less than
    five minutes from ``now`` (an older request may be a replay)."""
    if not timestamp or not signature:
        raise SignatureError("missing Slack signature headers")
    try:
        sent_at = int(timestamp)
    except ValueError:
        raise SignatureError("the request timestamp is not a number") from None
    if abs(now.timestamp() - sent_at) > MAX_REQUEST_AGE.total_seconds():
        raise SignatureError("the request is more than 5 minutes old (or from the future)")
    if not hmac.compare_digest(sign(secret, timestamp, body), signature):
        raise SignatureError("the signature does not match the body")


@dataclass(frozen=True)
class PostedMessage:
    channel: str
    ts: str


class SlackClient:
    """The Slack Web API methods the approvals loop uses (a bot token's)."""

    def __init__(
        self, http: httpx.AsyncClient, *, token: SecretStr, base_url: str = "https://slack.com/api"
    ) -> None:
        self._http = http
        self._token = token
        self._base_url = base_url.rstrip("/")

    async def call(self, method: str, payload: dict[str, Any]) -> dict[str, Any]:
        try:
            response = await self._http.post(
                f"{self._base_url}/{method}",
                json=payload,
                headers={"Authorization": f"Bearer {self._token.get_secret_value()}"},
            )
        except httpx.HTTPError as exc:
            raise SlackError(method, f"transport error: {type(exc).__name__}") from exc
        if response.status_code == 429:
            retry_after = float(response.headers.get("Retry-After", "1"))
            raise SlackError(method, "ratelimited", retry_after_s=retry_after)
        if response.status_code != 200:
            raise SlackError(method, f"HTTP {response.status_code}")
        data: dict[str, Any] = response.json()
        if not data.get("ok"):
            raise SlackError(method, str(data.get("error", "unknown_error")))
        return data

    async def post_message(
        self,
        channel: str,
        *,
        text: str,
        blocks: list[dict[str, Any]] | None = None,
        thread_ts: str | None = None,
    ) -> PostedMessage:
        payload: dict[str, Any] = {"channel": channel, "text": text, "unfurl_links": False}
        if blocks is not None:
            payload["blocks"] = blocks
        if thread_ts is not None:
            payload["thread_ts"] = thread_ts
        data = await self.call("chat.postMessage", payload)
        return PostedMessage(channel=str(data["channel"]), ts=str(data["ts"]))

    async def update_message(
        self, channel: str, ts: str, *, text: str, blocks: list[dict[str, Any]]
    ) -> None:
        await self.call(
            "chat.update", {"channel": channel, "ts": ts, "text": text, "blocks": blocks}
        )

    async def post_ephemeral(self, channel: str, user: str, *, text: str) -> None:
        await self.call("chat.postEphemeral", {"channel": channel, "user": user, "text": text})

    async def open_view(self, trigger_id: str, view: dict[str, Any]) -> str:
        data = await self.call("views.open", {"trigger_id": trigger_id, "view": view})
        return str(data.get("view", {}).get("id", ""))


class SlackWebhook:
    """Webhook-only mode: notify a channel through an incoming webhook (no buttons)."""

    def __init__(self, http: httpx.AsyncClient, *, url: SecretStr) -> None:
        self._http = http
        self._url = url

    async def post(self, *, text: str, blocks: list[dict[str, Any]] | None = None) -> None:
        payload: dict[str, Any] = {"text": text}
        if blocks is not None:
            payload["blocks"] = blocks
        try:
            response = await self._http.post(self._url.get_secret_value(), json=payload)
        except httpx.HTTPError as exc:
            raise SlackError("webhook", f"transport error: {type(exc).__name__}") from exc
        if response.status_code != 200:
            raise SlackError("webhook", f"HTTP {response.status_code}: {response.text[:200]}")


def app_client(settings: SlackSettings, http: httpx.AsyncClient) -> SlackClient | None:
    """A Web API client when a bot token and a channel are configured (buttons, updates)."""
    if settings.bot_token is None or not settings.channel:
        return None
    return SlackClient(http, token=settings.bot_token, base_url=settings.api_base_url)


def webhook(settings: SlackSettings, http: httpx.AsyncClient) -> SlackWebhook | None:
    """The incoming webhook, used only when there is no Slack app to post with."""
    if settings.webhook_url is None or app_client(settings, http) is not None:
        return None
    return SlackWebhook(http, url=settings.webhook_url)
