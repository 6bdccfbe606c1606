"""Failures on the command line: one line saying what failed and what to do.

``RecoupGroup`` runs every command; an expected failure (a ``RecoupError``, or an
operating-system or database error it knows how to explain) is printed as one line
on stderr with a non-zero exit. ``--debug`` (or ``RECOUP_DEBUG=1``) shows the
traceback instead.
"""

from __future__ import annotations

import errno
import os
from typing import Any

import typer
from sqlalchemy.exc import DBAPIError
from typer._click import ClickException, Context
from typer.core import TyperGroup

from recoup.errors import RecoupError, ServiceError, StorageError
from recoup.ledger.opening import database_failure

DEBUG_KEY = "recoup.debug"
UNEXPECTED_EXIT = 70

_STORAGE_HINTS = {
    errno.EROFS: (
        "the file system is read-only",
        "choose a writable place (RECOUP_HOME, the path)",
    ),
    errno.EACCES: ("permission denied", "choose a folder you can write, or fix its permissions"),
    errno.EPERM: ("permission denied", "choose a folder you can write, or fix its permissions"),
    errno.ENOSPC: ("no space left on the disk", "free some space and run the command again"),
    errno.EDQUOT: ("the disk quota is exceeded", "free some space and run the command again"),
    errno.EEXIST: ("it already exists", "choose another path, or move the existing one away"),
    errno.ENOENT: ("it does not exist", "check the path"),
    errno.ENOTDIR: ("a part of the path is not a folder", "check the path"),
    errno.EISDIR: ("it is a folder", "give a file"),
}


def explain(exc: BaseException) -> RecoupError | None:
    """The expected failure ``exc`` stands for; None for a bug."""
    if isinstance(exc, RecoupError):
        return exc
    if isinstance(exc, DBAPIError):
        return database_failure(exc)
    if isinstance(exc, OSError):
        if exc.errno == errno.EADDRINUSE:
            return ServiceError(
                f"the address is in use: {exc.strerror}",
                hint="stop the other process or choose another port (RECOUP_HTTP_PORT)",
            )
        known = _STORAGE_HINTS.get(exc.errno or -1)
        if known is not None:
            what, hint = known
            where = f"{exc.filename}: " if exc.filename else ""
            return StorageError(f"{where}{what}", hint=hint)
    return None


def debugging(ctx: Context) -> bool:
    return bool(ctx.meta.get(DEBUG_KEY)) or os.environ.get("RECOUP_DEBUG", "") not in ("", "0")


class RecoupGroup(TyperGroup):
    """The `recoup` command group: expected failures become one line and an exit code."""

    def invoke(self, ctx: Context) -> Any:
        try:
            return super().invoke(ctx)
        except (typer.Exit, typer.Abort, ClickException):
            raise
        except Exception as exc:
            if debugging(ctx):
                raise
            failure = explain(exc)
            if failure is None:
                typer.secho(
                    f"error: unexpected {type(exc).__name__}: {exc} — run again with --debug "
                    "for the traceback, and report it",
                    fg="red",
                    err=True,
                )
                raise typer.Exit(UNEXPECTED_EXIT) from exc
            typer.secho(f"error: {failure.one_line()}", fg="red", err=True)
            raise typer.Exit(failure.exit_code) from exc
