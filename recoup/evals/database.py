"""The throwaway SQLite database of each run.

A scenario's ledger is imported once (``seeded_ledger``) and every run of it
(recoup, the baseline, repeats) starts from a copy of that file. The engine
for a database path is kept and reused: the next run's file replaces the
last one's under it, and SQL the engine compiled for one run serves the next
(SQLAlchemy caches compiled statements per engine).
"""

from __future__ import annotations

import tempfile
from datetime import datetime
from multiprocessing.util import Finalize
from pathlib import Path

from sqlalchemy import Engine, event
from sqlalchemy.util import LRUCache

from recoup.evals.scenario import Scenario
from recoup.evals.seed import load_ledger
from recoup.ledger.db import create_all, make_engine
from recoup.ledger.db import session as open_session
from recoup.policy import Policy

DATABASE_NAME = "scenario.db"
_schema: bytes | None = None
_engines: dict[Path, Engine] = {}
COMPILED_STATEMENTS = 3000


def scratch_directory() -> tempfile.TemporaryDirectory[str]:
    """Where runs keep their databases: memory-backed when the machine has it."""
    shm = Path("/dev/shm")
    return tempfile.TemporaryDirectory(
        prefix="recoup-eval-", dir=str(shm) if shm.is_dir() else None
    )


_work: tempfile.TemporaryDirectory[str] | None = None


def work_directory() -> Path:
    """This process's directory for run databases, removed when the process ends."""
    global _work
    if _work is None:
        _work = scratch_directory()
        # Pool workers leave through os._exit: atexit would not run; this does.
        Finalize(_work, _work.cleanup, exitpriority=10)
    return Path(_work.name)


def _no_sync(dbapi_connection: object, _record: object) -> None:
    # A throwaway database: durability buys nothing here.
    cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
    cursor.execute("PRAGMA synchronous=OFF")
    cursor.close()


def open_database(path: Path) -> Engine:
    engine = make_engine(f"sqlite:///{path}")
    event.listen(engine, "connect", _no_sync)
    return engine.execution_options(compiled_cache=LRUCache(COMPILED_STATEMENTS))


def _file_bytes(engine: Engine, path: Path) -> bytes:
    with engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return path.read_bytes()


def empty_database() -> bytes:
    """A database file with the schema (``create_all``), made once per process."""
    global _schema
    if _schema is None:
        with tempfile.TemporaryDirectory(prefix="recoup-schema-") as directory:
            path = Path(directory) / DATABASE_NAME
            engine = make_engine(f"sqlite:///{path}")
            create_all(engine)
            _schema = _file_bytes(engine, path)
    return _schema


def seeded_ledger(scenario: Scenario, policy: Policy, *, now: datetime | None = None) -> bytes:
    """The scenario's ledger, imported, as a database file's bytes."""
    directory = work_directory() / "seed"
    directory.mkdir(exist_ok=True)
    engine = database_from(empty_database(), directory)
    with open_session(engine) as session:
        load_ledger(session, scenario, now=now or scenario.start, policy=policy)
        session.commit()
    return _file_bytes(engine, directory / DATABASE_NAME)


def database_from(content: bytes, directory: Path) -> Engine:
    """An engine on a fresh database file under ``directory`` holding ``content``;
    the same engine as the last run's there (its connections closed first)."""
    path = directory / DATABASE_NAME
    engine = _engines.get(path)
    if engine is not None:
        engine.dispose()
    for stale in (path.with_name(f"{path.name}-wal"), path.with_name(f"{path.name}-shm")):
        stale.unlink(missing_ok=True)
    path.write_bytes(content)
    if engine is None:
        engine = _engines[path] = open_database(path)
    return engine
