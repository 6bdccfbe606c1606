"""One rate limiter per provider and tenant, shared by every request of the process.

Each provider publishes its limits (requests a second, a minute, a day, at
once); the limiter keeps the requests of the recent windows and makes a
request wait until every window has room. A 429 pauses the whole limiter for
its Retry-After. ``budget`` is what /health reports.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Limits:
    per_second: int | None = None
    per_minute: int | None = None
    per_day: int | None = None
    concurrent: int | None = None


# The providers' published limits, per company / organisation / account.
QUICKBOOKS_LIMITS = Limits(per_second=10, per_minute=500, concurrent=10)
XERO_LIMITS = Limits(per_minute=60, per_day=5000, concurrent=5)
NETSUITE_LIMITS = Limits(concurrent=5)


@dataclass
class _Window:
    size: int
    seconds: float
    stamps: deque[float] = field(default_factory=deque)

    def wait_for(self, now: float) -> float:
        while self.stamps and now - self.stamps[0] >= self.seconds:
            self.stamps.popleft()
        if len(self.stamps) < self.size:
            return 0.0
        return self.seconds - (now - self.stamps[0])

    def remaining(self, now: float) -> int:
        self.wait_for(now)
        return self.size - len(self.stamps)


class RateLimiter:
    def __init__(
        self,
        limits: Limits,
        *,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
    ) -> None:
        self.limits = limits
        self._monotonic = monotonic
        self._sleep = sleep
        self._windows: dict[str, _Window] = {}
        for name, size, seconds in (
            ("second", limits.per_second, 1.0),
            ("minute", limits.per_minute, 60.0),
            ("day", limits.per_day, 86_400.0),
        ):
            if size:
                self._windows[name] = _Window(size, seconds)
        self._slots: asyncio.Semaphore | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._paused_until = 0.0
        self.in_flight = 0
        self.reported: dict[str, int] = {}
        self.throttled = 0

    async def acquire(self) -> None:
        loop = asyncio.get_running_loop()
        if self.limits.concurrent and loop is not self._loop:
            # A semaphore belongs to one event loop; a new loop (a new CLI pass) gets its own.
            self._loop, self._slots = loop, asyncio.Semaphore(self.limits.concurrent)
            self.in_flight = 0
        if self._slots is not None:
            await self._slots.acquire()
        try:
            while True:
                now = self._monotonic()
                wait = max(
                    [self._paused_until - now] + [w.wait_for(now) for w in self._windows.values()]
                )
                if wait <= 0:
                    break
                await self._sleep(wait)
            now = self._monotonic()
            for window in self._windows.values():
                window.stamps.append(now)
            self.in_flight += 1
        except BaseException:
            if self._slots is not None:
                self._slots.release()
            raise

    def release(self) -> None:
        self.in_flight -= 1
        if self._slots is not None:
            self._slots.release()

    def pause(self, seconds: float) -> None:
        """The provider said 429: nobody asks again before ``seconds`` have passed."""
        self.throttled += 1
        self._paused_until = max(self._paused_until, self._monotonic() + seconds)

    def note_remaining(self, name: str, value: int) -> None:
        """What the provider itself says is left (e.g. Xero's X-DayLimit-Remaining)."""
        self.reported[name] = value

    def budget(self) -> dict[str, Any]:
        now = self._monotonic()
        report: dict[str, Any] = {
            f"remaining_per_{name}": window.remaining(now) for name, window in self._windows.items()
        }
        report["in_flight"] = self.in_flight
        report["throttled"] = self.throttled
        report["paused_s"] = round(max(0.0, self._paused_until - now), 1)
        if self.reported:
            report["reported"] = dict(self.reported)
        return report


_shared: dict[tuple[str, str], RateLimiter] = {}


def shared_limiter(provider: str, tenant: str, limits: Limits) -> RateLimiter:
    """The process's one limiter for this provider and tenant."""
    key = (provider, tenant)
    if key not in _shared:
        _shared[key] = RateLimiter(limits)
    return _shared[key]


def budgets() -> dict[str, Any]:
    return {f"{provider}:{tenant}": lim.budget() for (provider, tenant), lim in _shared.items()}


def forget_limiters() -> None:
    """Tests and event-loop changes: drop the shared limiters."""
    _shared.clear()
