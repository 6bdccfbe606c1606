from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine

from recoup.clock import FixedClock
from recoup.ledger.connectors.sync.limits import forget_limiters
from recoup.policy import Policy
from tests.ledger.connectors.fake_netsuite import FakeNetSuite
from tests.ledger.connectors.fake_quickbooks import FakeQuickBooks
from tests.ledger.connectors.fake_xero import FakeXero
from tests.ledger.connectors.harness import FakeSource, Harness, connect, served

PROVIDERS = {"netsuite": FakeNetSuite, "quickbooks": FakeQuickBooks, "xero": FakeXero}


@pytest.fixture(autouse=True)
def _fresh_limiters() -> Iterator[None]:
    forget_limiters()
    yield
    forget_limiters()


@pytest.fixture(params=sorted(PROVIDERS))
def fake(request: pytest.FixtureRequest, clock: FixedClock) -> Iterator[FakeSource]:
    with served(PROVIDERS[request.param](clock)) as source:
        yield source


@pytest.fixture
async def erp(
    engine: Engine, clock: FixedClock, fake: FakeSource, tmp_path: Path
) -> AsyncIterator[Harness]:
    settings = connect(engine, clock, fake, tmp_path)
    async with httpx.AsyncClient(timeout=10) as client:
        yield Harness(engine, clock, fake, client, settings, tmp_path, Policy())
