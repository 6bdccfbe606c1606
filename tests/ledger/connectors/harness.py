"""What the connector contract tests share: a connected source, the app-owned
httpx client, and a fake provider served by respx on its documented wire shapes."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, Protocol, TypeVar

import httpx
import respx
from cryptography.fernet import Fernet
from pydantic import SecretStr
from sqlalchemy import Engine

from recoup.clock import FixedClock
from recoup.ledger.connectors.settings import ErpSettings
from recoup.ledger.connectors.sync.engine import SyncEngine, SyncReport
from recoup.ledger.connectors.sync.grants import Tokens, save_grant
from recoup.ledger.connectors.sync.provider import SourceConnector
from recoup.ledger.connectors.sync.registry import build_connector, sealer_for
from recoup.ledger.connectors.sync.sources import connect_source
from recoup.ledger.db import session as open_session
from recoup.policy import Policy

FIXTURES = Path(__file__).parent / "fixtures"


def fixture(provider: str, name: str) -> Any:
    return json.loads((FIXTURES / provider / name).read_text())


def template(provider: str, name: str, key: str) -> dict[str, Any]:
    return copy.deepcopy(fixture(provider, name)[key])


async def no_sleep(_seconds: float) -> None:
    return None


class FakeSource(Protocol):
    """A provider's API in memory, behind respx routes on its documented URLs."""

    name: str
    tenant: str
    access_token: str
    refresh_token: str
    refreshes: int
    revoked: bool
    notes: list[dict[str, Any]]
    calls: list[str]
    webhooks: bool

    def install(self, router: respx.MockRouter) -> None: ...
    def customer(self, cid: str, name: str, email: str, currency: str = "USD") -> None: ...
    def invoice(
        self, iid: str, cid: str, number: str, total: str, due: date, currency: str = "USD"
    ) -> None: ...
    def pay(self, pid: str, iid: str, amount: str) -> None: ...
    def void(self, iid: str) -> None: ...
    def move_due(self, iid: str, due: date) -> None: ...
    def credit(self, mid: str, iid: str, amount: str) -> None: ...
    def delete_payment(self, pid: str) -> None: ...
    def fail_next(
        self, status: int, headers: dict[str, str] | None = None, times: int = 1
    ) -> None: ...
    def expire_access(self) -> None: ...
    def webhook(self, changes: list[tuple[str, str, str]]) -> tuple[bytes, dict[str, str]]: ...
    def tokens(self, now: datetime) -> Tokens: ...
    def settings(self, home: Path) -> dict[str, Any]: ...
    def page_size(self) -> int: ...


F = TypeVar("F", bound=FakeSource)


@dataclass
class Harness:
    engine: Engine
    clock: FixedClock
    fake: FakeSource
    client: httpx.AsyncClient
    settings: ErpSettings
    home: Path
    policy: Policy

    def connector(self) -> SourceConnector:
        return build_connector(
            self.fake.name,
            self.engine,
            self.settings,
            self.client,
            self.clock,
            home=self.home,
            sleep=no_sleep,
        )

    def sync_engine(self) -> SyncEngine:
        return SyncEngine(self.engine, self.connector(), clock=self.clock, policy=self.policy)

    async def sync(self, *, full: bool = False) -> SyncReport:
        return await self.sync_engine().run(full=full)


def connect(engine: Engine, clock: FixedClock, fake: FakeSource, home: Path) -> ErpSettings:
    settings = ErpSettings(
        token_key=SecretStr(Fernet.generate_key().decode()), **{fake.name: fake.settings(home)}
    )
    sealer = sealer_for(settings, home)
    with open_session(engine) as session:
        connect_source(session, fake.name, now=clock.now(), tenant_id=fake.tenant)
        save_grant(session, fake.name, fake.tokens(clock.now()), sealer, now=clock.now())
        session.commit()
    return settings


@contextmanager
def served(source: F) -> Iterator[F]:
    """``source`` answering on its provider's URLs (respx) for the length of the block."""
    with respx.mock(assert_all_called=False) as router:
        source.install(router)
        yield source


def later(clock: FixedClock, minutes: int = 1) -> datetime:
    return clock.advance(timedelta(minutes=minutes))
