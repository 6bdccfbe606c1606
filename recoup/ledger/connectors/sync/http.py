"""Every request to a provider: its rate limiter, its token, Retry-After on 429,
tenacity retries on 5xx and dropped connections, one token refresh on 401.

The ``httpx.AsyncClient`` belongs to the app (the daemon, the CLI, a test) and
is passed in; this module never creates one.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import httpx
from tenacity import (
    AsyncRetrying,
    retry_if_exception_type,
    stop_after_attempt,
    wait_exponential,
)

from recoup.ledger.connectors.sync.limits import RateLimiter

DEFAULT_RETRY_AFTER_S = 60.0
MAX_RETRY_AFTER_S = 3600.0
MAX_THROTTLES = 8


class ProviderError(Exception):
    """A request the provider refused; ``status`` is its HTTP status."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


class ServerError(ProviderError):
    """5xx: worth retrying."""


class TokenSource:
    """What hands out bearer tokens (a ``GrantStore``)."""

    async def access_token(self, *, stale: str | None = None) -> str:  # pragma: no cover
        raise NotImplementedError


def retry_after_seconds(response: httpx.Response) -> float:
    value = response.headers.get("Retry-After", "")
    try:
        return min(max(float(value), 0.0), MAX_RETRY_AFTER_S)
    except ValueError:
        return DEFAULT_RETRY_AFTER_S


class ProviderHttp:
    def __init__(
        self,
        client: httpx.AsyncClient,
        limiter: RateLimiter,
        tokens: TokenSource | None,
        *,
        headers: Mapping[str, str] | None = None,
        attempts: int = 5,
        backoff_s: float = 0.5,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
        on_response: Callable[[httpx.Response], None] | None = None,
    ) -> None:
        self.client = client
        self.limiter = limiter
        self.tokens = tokens
        self.headers = dict(headers or {})
        self.attempts = attempts
        self.backoff_s = backoff_s
        self.sleep = sleep
        self.on_response = on_response
        self.requests = 0

    async def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        retrying = AsyncRetrying(
            retry=retry_if_exception_type((ServerError, httpx.TransportError)),
            stop=stop_after_attempt(self.attempts),
            wait=wait_exponential(multiplier=self.backoff_s, max=30),
            sleep=self.sleep,
            reraise=True,
        )
        async for attempt in retrying:
            with attempt:
                return await self._once(method, url, **kwargs)
        raise AssertionError("unreachable")  # pragma: no cover

    async def _once(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        stale: str | None = None
        refreshed = False
        throttles = 0
        extra = kwargs.pop("headers", {}) or {}
        while True:
            headers = {**self.headers, **extra}
            token = None
            if self.tokens is not None:
                token = await self.tokens.access_token(stale=stale)
                headers["Authorization"] = f"Bearer {token}"
            await self.limiter.acquire()
            try:
                self.requests += 1
                response = await self.client.request(method, url, headers=headers, **kwargs)
            finally:
                self.limiter.release()
            if self.on_response is not None:
                self.on_response(response)
            if response.status_code == 401 and self.tokens is not None and not refreshed:
                stale, refreshed = token, True
                continue
            if response.status_code == 429:
                throttles += 1
                if throttles > MAX_THROTTLES:
                    raise ProviderError(
                        429, f"{method} {url}: still throttled after {throttles} waits"
                    )
                self.limiter.pause(retry_after_seconds(response))
                continue
            if response.status_code >= 500:
                raise ServerError(response.status_code, _message(method, url, response))
            if response.status_code >= 400:
                raise ProviderError(response.status_code, _message(method, url, response))
            return response


def _message(method: str, url: str, response: httpx.Response) -> str:
    path = url.split("?", 1)[0]
    return f"{method} {path}: HTTP {response.status_code} {response.text[:300]}"
