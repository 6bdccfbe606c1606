"""Engine creation and schema management."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Connection, Engine, event
from sqlmodel import Session, SQLModel, create_engine

from recoup.ledger import models  # noqa: F401  (registers the tables)
from recoup.ledger.connectors.sync import tables, writeback_capture  # noqa: F401

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def make_engine(url: str, *, schema: str | None = None) -> Engine:
    """An engine for ``url``. SQLite gets WAL and a busy timeout; ``schema``
    (PostgreSQL only) pins the search_path so several databases can share one
    server without touching each other."""
    if url.startswith("sqlite"):
        # Write transactions start as writers (BEGIN IMMEDIATE): a transaction that
        # read first and writes later would fail at once, without waiting, if another
        # connection committed in between (the daemon's loops write concurrently).
        engine = create_engine(
            url,
            connect_args={
                "check_same_thread": False,
                "timeout": 30,
                "isolation_level": "IMMEDIATE",
            },
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "savepoint", _sqlite_begin_before_savepoint)
        return engine
    connect_args = {"options": f"-csearch_path={schema}"} if schema else {}
    return create_engine(url, pool_pre_ping=True, pool_size=10, connect_args=connect_args)


def _sqlite_pragmas(dbapi_connection: object, _record: object) -> None:
    cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _sqlite_begin_before_savepoint(connection: Connection, _name: str) -> None:
    """pysqlite begins a transaction only before DML; a SAVEPOINT opening one would
    begin it deferred, as a reader."""
    raw = connection.connection.dbapi_connection
    if raw is not None and not raw.in_transaction:
        raw.execute("BEGIN IMMEDIATE")


def is_postgres(engine: Engine) -> bool:
    return engine.dialect.name == "postgresql"


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest migration (Alembic)."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def create_all(engine: Engine) -> None:
    """Schema straight from the models, for throwaway databases (tests, benchmarks)."""
    SQLModel.metadata.create_all(engine)


def session(engine: Engine) -> Session:
    return Session(engine, expire_on_commit=False)
