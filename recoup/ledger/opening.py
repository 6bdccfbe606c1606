"""Opening the ledger's database the way a person's command does: a URL that may be
mistyped, a driver that may be missing, a server that may be down. Each of those is
a ``DatabaseError`` saying what failed and what to do, never a traceback; and a
SQLite file is created only when asked (``recoup init``), so a mistyped path is an
error instead of a new empty ledger."""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError, OperationalError

from recoup.errors import DatabaseError, StorageError
from recoup.ledger.db import make_engine, migrate

URL_EXAMPLES = "sqlite:///path/to/recoup.db or postgresql+psycopg://user@host:5432/db"
_PASSWORD = re.compile(r"(://[^:/@]*:)[^@]*@")


def open_ledger(url: str, *, create: bool = False) -> Engine:
    """The migrated engine for ``url``. A SQLite file (and its folder) is made only
    with ``create``; otherwise a missing one is a ``DatabaseError``."""
    parsed = parse_database_url(url)
    shown = shown_url(parsed)
    if parsed.get_backend_name() == "sqlite":
        _check_sqlite_file(parsed.database, create=create)
    try:
        engine = make_engine(url)
    except NoSuchModuleError as exc:
        raise DatabaseError(
            f"unknown kind of database {parsed.drivername!r} in {shown}",
            hint=f"use {URL_EXAMPLES}",
        ) from exc
    except ImportError as exc:
        driver = getattr(exc, "name", None) or parsed.drivername
        raise DatabaseError(
            f"the database driver {driver!r} that {shown} needs is not installed",
            hint=f"install it in recoup's environment, or use {URL_EXAMPLES} "
            "(their drivers come with recoup)",
        ) from exc
    try:
        migrate(engine)
    except DBAPIError as exc:
        engine.dispose()
        raise database_failure(exc, shown) from exc
    return engine


def parse_database_url(url: str) -> URL:
    try:
        return make_url(url)
    except (ArgumentError, ValueError) as exc:
        raise DatabaseError(
            f"the database URL {hide_password(url)!r} is not a valid URL",
            hint=f"set RECOUP_DATABASE_URL to e.g. {URL_EXAMPLES}",
        ) from exc


def shown_url(url: URL) -> str:
    return url.render_as_string(hide_password=True)


def hide_password(url: str) -> str:
    return _PASSWORD.sub(r"\1***@", url)


def database_failure(exc: DBAPIError, shown: str = "the database") -> DatabaseError:
    """What a driver's error means for the person running recoup."""
    detail = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
    lowered = str(exc.orig).lower()
    if "disk is full" in lowered or "no space left" in lowered:
        return DatabaseError(
            f"{shown}: the disk is full", hint="free some space and run the command again"
        )
    if "readonly database" in lowered or "read-only" in lowered:
        return DatabaseError(
            f"{shown} is read-only",
            hint="make the file and its folder writable, or point RECOUP_HOME elsewhere",
        )
    if "unable to open database file" in lowered:
        return DatabaseError(
            f"cannot open {shown}",
            hint="check that its folder exists and is writable (RECOUP_HOME, RECOUP_DATABASE_URL)",
        )
    if "password authentication failed" in lowered or "no password supplied" in lowered:
        return DatabaseError(
            f"{shown} refused the user or password",
            hint="check the user and password in RECOUP_DATABASE_URL",
        )
    if "does not exist" in lowered and "database" in lowered:
        return DatabaseError(
            f"{shown}: {detail}", hint="create the database first, or fix RECOUP_DATABASE_URL"
        )
    if isinstance(exc, OperationalError) and (
        "connection refused" in lowered
        or "could not connect" in lowered
        or "connection failed" in lowered
        or "could not translate host name" in lowered
        or "timeout" in lowered
        or "name or service not known" in lowered
    ):
        return DatabaseError(
            f"cannot connect to {shown}: the server does not answer",
            hint="start the database server, or fix the host and port in RECOUP_DATABASE_URL",
        )
    return DatabaseError(f"{shown} failed: {detail}")


def _check_sqlite_file(database: str | None, *, create: bool) -> None:
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    path = Path(database)
    if path.is_file():
        return
    if path.exists():
        raise DatabaseError(
            f"the database path {path} is not a file", hint="point RECOUP_DATABASE_URL at a file"
        )
    if not create:
        where = "folder" if not path.parent.is_dir() else "database"
        missing = path.parent if where == "folder" else path
        raise DatabaseError(
            f"no {where} {missing} for the ledger (database {path})",
            hint="run `recoup init` to create it, or check RECOUP_HOME / RECOUP_DATABASE_URL "
            "for a typo",
        )
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StorageError(
            f"cannot create the folder {path.parent}: {exc.strerror or exc}",
            hint="set RECOUP_HOME to a writable folder",
        ) from exc
