"""What `recoup connections` and /health say about each source."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Engine
from sqlmodel import col, func, select

from recoup.clock import as_utc
from recoup.ledger.connectors.sync.limits import budgets
from recoup.ledger.connectors.sync.tables import (
    SyncSource,
    WebhookReceipt,
    WriteBack,
    WriteBackStatus,
)
from recoup.ledger.db import session as open_session


def connections(engine: Engine, *, now: datetime) -> list[dict[str, Any]]:
    with open_session(engine) as session:
        sources = list(session.exec(select(SyncSource).order_by(col(SyncSource.name))))
        counts = {
            (source, status): count
            for source, status, count in session.exec(
                select(WriteBack.source, WriteBack.status, func.count()).group_by(
                    col(WriteBack.source), col(WriteBack.status)
                )
            )
        }
        waiting = dict(
            session.exec(
                select(WebhookReceipt.source, func.count())
                .where(col(WebhookReceipt.processed_at).is_(None))
                .group_by(col(WebhookReceipt.source))
            ).all()
        )
    rows = []
    for source in sources:
        synced = source.last_success_at
        rows.append(
            {
                "source": source.name,
                "tenant": source.tenant_name or source.tenant_id,
                "status": source.status,
                "last_sync_at": as_utc(source.last_sync_at).isoformat()
                if source.last_sync_at
                else None,
                "lag_s": int((now - as_utc(synced)).total_seconds()) if synced else None,
                "last_error": source.last_error,
                "records_synced": source.records_synced,
                "pending_write_backs": counts.get((source.name, WriteBackStatus.PENDING.value), 0),
                "failed_write_backs": counts.get((source.name, WriteBackStatus.FAILED.value), 0),
                "webhooks_waiting": waiting.get(source.name, 0),
            }
        )
    return rows


def health(engine: Engine, *, now: datetime) -> dict[str, Any]:
    """The connectors' part of /health: each source and each rate limiter's budget."""
    try:
        sources = connections(engine, now=now)
    except Exception as exc:  # the report says what failed instead of failing itself
        sources = [{"error": type(exc).__name__}]
    return {"sources": sources, "rate_limits": budgets()}
