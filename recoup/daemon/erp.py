"""The daemon's ERP loop: each connected source synced on its schedule (at once when
its webhook says something changed), then its write-back queue delivered."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
import structlog
from sqlalchemy import Engine
from starlette.routing import Route

from recoup.clock import Clock
from recoup.ledger.connectors.settings import ErpSettings, load_erp_settings
from recoup.ledger.connectors.sync.receiver import webhook_routes
from recoup.ledger.connectors.sync.registry import webhook_verifiers
from recoup.ledger.connectors.sync.service import connected_sources, sync_and_deliver
from recoup.policy import Policy

log = structlog.get_logger(__name__)


class ErpLoop:
    def __init__(
        self,
        engine: Engine,
        clock: Clock,
        policy: Policy,
        home: Path,
        settings: ErpSettings | None = None,
    ) -> None:
        self.engine = engine
        self.clock = clock
        self.policy = policy
        self.home = home
        self.settings = settings or load_erp_settings()
        self.wake = asyncio.Event()

    def routes(self) -> list[Route]:
        loop = asyncio.get_running_loop()
        verifiers = webhook_verifiers(self.engine, self.settings)
        return webhook_routes(
            self.engine,
            self.clock,
            verifiers,
            lambda _source: loop.call_soon_threadsafe(self.wake.set),
        )

    async def run(self, stop: asyncio.Event) -> None:
        if not await asyncio.to_thread(connected_sources, self.engine):
            log.info("erp_no_sources")
        async with httpx.AsyncClient(timeout=60) as client:
            while not stop.is_set():
                self.wake.clear()
                for name in await asyncio.to_thread(connected_sources, self.engine):
                    if stop.is_set():
                        break
                    outcome = await sync_and_deliver(
                        name,
                        engine=self.engine,
                        settings=self.settings,
                        client=client,
                        clock=self.clock,
                        policy=self.policy,
                        home=self.home,
                    )
                    if outcome.failed:
                        log.warning("erp_sync_failed", source=name, summary=outcome.summary())
                await _nap(stop, self.wake, self.settings.sync_interval_s)


async def _nap(stop: asyncio.Event, wake: asyncio.Event, seconds: float) -> None:
    waiters = [asyncio.ensure_future(stop.wait()), asyncio.ensure_future(wake.wait())]
    try:
        await asyncio.wait(waiters, timeout=seconds, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for waiter in waiters:
            waiter.cancel()
