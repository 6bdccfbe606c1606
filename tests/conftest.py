from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from recoup.clock import FixedClock
from recoup.ledger.db import session as open_session
from recoup.policy import Policy
from tests.support.databases import postgres_engine, selected_backends, sqlite_engine

pytest_plugins = ["tests.support.mail_fixtures"]

NOW = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)  # a Monday, 15:00 UTC


@pytest.fixture(params=selected_backends())
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """The same test on SQLite and on PostgreSQL."""
    if request.param == "postgres":
        with postgres_engine() as pg:
            yield pg
    else:
        with sqlite_engine(tmp_path) as lite:
            yield lite


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    with open_session(engine) as db:
        yield db


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


@pytest.fixture
def policy() -> Policy:
    return Policy()
