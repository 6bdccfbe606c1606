"""What every fake provider shares: its tokens, the faults a test queues, the calls seen."""

from __future__ import annotations

from typing import Any, ClassVar
from urllib.parse import parse_qsl

import httpx

from recoup.clock import FixedClock


def form(request: httpx.Request) -> dict[str, str]:
    return dict(parse_qsl(request.content.decode()))


class FakeProvider:
    name: str
    tenant: str
    token_prefix: str
    webhooks = True
    fault: ClassVar[dict[str, Any]] = {}
    unauthorized: ClassVar[dict[str, Any]] = {}

    def __init__(self, clock: FixedClock) -> None:
        self.clock = clock
        self.access_token = f"{self.token_prefix}-access-1"
        self.refresh_token = f"{self.token_prefix}-refresh-1"
        self.access_valid = True
        self.refreshes = 0
        self.revoked = False
        self.notes: list[dict[str, Any]] = []
        self.failures: list[tuple[int, dict[str, str]]] = []
        self.calls: list[str] = []
        self.requests: list[httpx.Request] = []

    def refused(self, request: httpx.Request) -> httpx.Response | None:
        """A queued fault, or 401 for a token that is not the current one; else None."""
        self.calls.append(request.url.path)
        self.requests.append(request)
        if self.failures:
            status, headers = self.failures.pop(0)
            return httpx.Response(status, headers=headers, json=self.fault)
        if (
            request.headers.get("Authorization") != f"Bearer {self.access_token}"
            or not self.access_valid
        ):
            return httpx.Response(401, json=self.unauthorized)
        return None

    def rotate(self) -> None:
        """A refresh the provider granted: new tokens, the old access token dead."""
        self.refreshes += 1
        self.access_token = f"{self.token_prefix}-access-{self.refreshes + 1}"
        self.refresh_token = f"{self.token_prefix}-refresh-{self.refreshes + 1}"
        self.access_valid = True

    def fail_next(self, status: int, headers: dict[str, str] | None = None, times: int = 1) -> None:
        self.failures += [(status, headers or {})] * times

    def expire_access(self) -> None:
        self.access_valid = False
