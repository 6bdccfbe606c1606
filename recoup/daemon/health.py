"""The daemon's health: what each loop last did, and GET /health reporting it.

200 when the database answers, 503 when it does not; the body says when the
mailbox was last read, how many messages wait in the outbox and when the
runner last ticked, so a monitor can alert on a loop that stopped moving.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, text
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Route

from recoup.clock import Clock
from recoup.ledger.connectors.sync.status import health as connector_health
from recoup.ledger.db import session as open_session
from recoup.mail.imap_source import MailboxStatus
from recoup.mail.outbox import outbox_depth


@dataclass
class LoopStatus:
    last_run_at: datetime | None = None
    last_error: str | None = None
    runs: int = 0

    def ran(self, at: datetime, error: str | None = None) -> None:
        self.last_run_at = at
        self.last_error = error
        self.runs += 1


@dataclass
class DaemonStatus:
    started_at: datetime
    mailbox_kind: str
    mailbox: MailboxStatus = field(default_factory=MailboxStatus)
    outbox: LoopStatus = field(default_factory=LoopStatus)
    runner: LoopStatus = field(default_factory=LoopStatus)
    stopping: bool = False


def health_report(
    engine: Engine, status: DaemonStatus, clock: Clock
) -> tuple[bool, dict[str, Any]]:
    db_ok, depth, db_error = True, None, None
    try:
        with open_session(engine) as session:
            session.execute(text("SELECT 1"))
            depth = outbox_depth(session)
    except Exception as exc:  # the report says what failed instead of failing itself
        db_ok, db_error = False, type(exc).__name__
    failing = [
        name
        for name, error in (
            ("mailbox", status.mailbox.last_error),
            ("outbox", status.outbox.last_error),
            ("runner", status.runner.last_error),
        )
        if error
    ]
    report = {
        # Each loop's error is its current one: a pass that works clears it.
        "status": "ok" if db_ok and not status.stopping and not failing else "degraded",
        "failing": failing,
        "now": clock.now().isoformat(),
        "started_at": status.started_at.isoformat(),
        "stopping": status.stopping,
        "db": {"ok": db_ok, "error": db_error},
        "mailbox": {
            "kind": status.mailbox_kind,
            "connected": status.mailbox.connected,
            "last_sync_at": _iso(status.mailbox.last_sync_at),
            "last_error": status.mailbox.last_error,
            "reconnects": status.mailbox.reconnects,
            "ingested": status.mailbox.ingested,
        },
        "outbox": {
            "depth": depth,
            "last_run_at": _iso(status.outbox.last_run_at),
            "last_error": status.outbox.last_error,
        },
        "runner": {
            "last_tick_at": _iso(status.runner.last_run_at),
            "last_error": status.runner.last_error,
            "ticks": status.runner.runs,
        },
        "connectors": connector_health(engine, now=clock.now()),
    }
    return db_ok, report


def health_routes(engine: Engine, status: DaemonStatus, clock: Clock) -> list[BaseRoute]:
    async def health(_request: Request) -> JSONResponse:
        ok, report = await run_in_threadpool(health_report, engine, status, clock)
        return JSONResponse(report, status_code=200 if ok else 503)

    return [Route("/health", health, methods=["GET"])]


def create_health_app(engine: Engine, status: DaemonStatus, clock: Clock) -> Starlette:
    return Starlette(routes=health_routes(engine, status, clock))


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None
