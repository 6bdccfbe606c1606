"""Test databases: a fresh SQLite file, or a fresh schema on the PostgreSQL server."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text

from recoup.ledger.db import create_all, make_engine

POSTGRES_URL = os.environ.get(
    "RECOUP_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


def required_in_ci(reason: str) -> None:
    """Skip on a machine without the server; fail under CI, where it is required."""
    if os.environ.get("CI"):
        pytest.fail(f"required under CI: {reason}")
    pytest.skip(reason)


def postgres_available() -> str | None:
    try:
        probe = create_engine(POSTGRES_URL)
        with probe.connect() as connection:
            connection.execute(text("select 1"))
        probe.dispose()
    except Exception as exc:  # any failure means: no usable server here
        return f"PostgreSQL at {POSTGRES_URL} is not reachable: {type(exc).__name__}"
    return None


@contextmanager
def sqlite_engine(directory: Path) -> Iterator[Engine]:
    engine = make_engine(f"sqlite:///{directory / 'recoup.db'}")
    create_all(engine)
    try:
        yield engine
    finally:
        engine.dispose()


@contextmanager
def postgres_engine() -> Iterator[Engine]:
    problem = postgres_available()
    if problem:
        required_in_ci(problem)
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine = make_engine(POSTGRES_URL, schema=schema)
    try:
        create_all(engine)
        yield engine
    finally:
        engine.dispose()
        with admin.connect() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def selected_backends() -> list[str]:
    chosen = os.environ.get("RECOUP_TEST_DATABASES", "sqlite,postgres")
    return [name.strip() for name in chosen.split(",") if name.strip()]
