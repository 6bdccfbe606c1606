"""A sync pass and the write-back deliveries for one source, as the CLI and the daemon run them."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import httpx
from sqlalchemy import Engine
from sqlmodel import col, select

from recoup.clock import Clock
from recoup.ledger.connectors.settings import ErpSettings
from recoup.ledger.connectors.sync.engine import SyncEngine, SyncReport
from recoup.ledger.connectors.sync.grants import NotConnected
from recoup.ledger.connectors.sync.registry import Sleep, build_connector
from recoup.ledger.connectors.sync.secrets import SealingKeyError
from recoup.ledger.connectors.sync.tables import SourceStatus, SyncSource
from recoup.ledger.connectors.sync.writeback import DeliveryReport, deliver_due
from recoup.ledger.db import session as open_session
from recoup.policy import Policy


@dataclass
class Outcome:
    source: str
    sync: SyncReport | None = None
    delivery: DeliveryReport | None = None
    error: str | None = None

    @property
    def failed(self) -> bool:
        return bool(self.error or (self.sync and (self.sync.error or self.sync.stopped)))

    def summary(self) -> str:
        lines = [self.sync.summary() if self.sync else f"{self.source}: not synced"]
        if self.delivery is not None:
            d = self.delivery
            lines.append(
                f"  write-backs: {d.delivered} delivered, {d.retrying} to retry, {d.failed} failed"
            )
        if self.error:
            lines.append(f"  error: {self.error}")
        return "\n".join(lines)


def connected_sources(engine: Engine) -> list[str]:
    with open_session(engine) as session:
        return list(
            session.exec(
                select(SyncSource.name)
                .where(SyncSource.status == SourceStatus.ACTIVE.value)
                .order_by(col(SyncSource.name))
            )
        )


async def sync_and_deliver(
    name: str,
    *,
    engine: Engine,
    settings: ErpSettings,
    client: httpx.AsyncClient,
    clock: Clock,
    policy: Policy,
    home: Path,
    full: bool = False,
    deliver: bool = True,
    on_page: Callable[[SyncReport], None] | None = None,
    sleep: Sleep = asyncio.sleep,
) -> Outcome:
    outcome = Outcome(name)
    try:
        connector = build_connector(name, engine, settings, client, clock, home=home, sleep=sleep)
        outcome.sync = await SyncEngine(engine, connector, clock=clock, policy=policy).run(
            full=full, on_page=on_page
        )
        if deliver and not outcome.sync.stopped:
            outcome.delivery = await deliver_due(engine, connector, clock=clock)
    except (NotConnected, SealingKeyError) as exc:
        outcome.error = str(exc)
    except Exception as exc:  # recorded on the source by the engine; the next pass retries
        outcome.error = f"{type(exc).__name__}: {exc}"[:500]
    return outcome
