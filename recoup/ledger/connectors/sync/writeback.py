"""Delivering the write-back queue to its source, exactly once.

A row is claimed with a lease (a conditional UPDATE, so two daemons never
deliver the same row at once), sent with its idempotency key, and marked
delivered in its own transaction. A crash after the source accepted it but
before the mark leaves the row to be claimed again when the lease ends; the
retry carries the same key, and the source answers it without a second note.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import httpx
from sqlalchemy import Engine, or_, update
from sqlmodel import col, func, select

from recoup.clock import Clock
from recoup.ledger.connectors.sync.grants import GrantRevoked
from recoup.ledger.connectors.sync.http import ProviderError
from recoup.ledger.connectors.sync.provider import SourceConnector
from recoup.ledger.connectors.sync.tables import WriteBack, WriteBackStatus
from recoup.ledger.db import session as open_session

LEASE = timedelta(minutes=5)
MAX_ATTEMPTS = 8
RETRY_BASE = timedelta(minutes=1)


@dataclass
class DeliveryReport:
    delivered: int = 0
    retrying: int = 0
    failed: int = 0
    stopped: str | None = None


def pending_count(engine: Engine, source: str | None = None) -> int:
    with open_session(engine) as session:
        query = select(func.count()).where(WriteBack.status == WriteBackStatus.PENDING.value)
        if source is not None:
            query = query.where(WriteBack.source == source)
        return int(session.exec(query).one())


def _claim(engine: Engine, source: str, now: datetime, limit: int) -> list[WriteBack]:
    claimed: list[int | None] = []
    with open_session(engine) as session:
        candidates = session.exec(
            select(WriteBack.id)
            .where(
                WriteBack.source == source,
                WriteBack.status == WriteBackStatus.PENDING.value,
                WriteBack.next_attempt_at <= now,
                or_(col(WriteBack.lease_until).is_(None), col(WriteBack.lease_until) < now),
            )
            .order_by(col(WriteBack.id))
            .limit(limit)
        ).all()
        for row_id in candidates:
            result = session.exec(
                update(WriteBack)
                .where(
                    col(WriteBack.id) == row_id,
                    col(WriteBack.status) == WriteBackStatus.PENDING.value,
                    or_(col(WriteBack.lease_until).is_(None), col(WriteBack.lease_until) < now),
                )
                .values(lease_until=now + LEASE, attempts=WriteBack.attempts + 1)
            )
            if result.rowcount == 1:
                claimed.append(row_id)
        session.commit()
        rows = session.exec(select(WriteBack).where(col(WriteBack.id).in_(claimed or [0])))
        return sorted(rows, key=lambda r: r.id or 0)


def _finish(engine: Engine, row_id: int, **values: object) -> None:
    with open_session(engine) as session:
        row = session.get(WriteBack, row_id)
        if row is None:
            return
        for key, value in values.items():
            setattr(row, key, value)
        row.lease_until = None
        session.commit()


async def deliver_due(
    engine: Engine,
    connector: SourceConnector,
    *,
    clock: Clock,
    limit: int = 100,
    after_send: Callable[[WriteBack], Awaitable[None]] | None = None,
) -> DeliveryReport:
    """Deliver what is due for ``connector``'s source. ``after_send`` runs between the
    source's answer and the mark (tests put a crash there)."""
    report = DeliveryReport()
    for row in _claim(engine, connector.name, clock.now(), limit):
        try:
            remote_id = await connector.deliver(row)
        except GrantRevoked as exc:
            _finish(engine, row.id or 0, attempts=max(row.attempts - 1, 0))
            report.stopped = str(exc)
            return report
        except (ProviderError, httpx.TransportError) as exc:
            permanent = (
                isinstance(exc, ProviderError) and 400 <= exc.status < 500 and exc.status != 429
            )
            if permanent or row.attempts >= MAX_ATTEMPTS:
                _finish(
                    engine,
                    row.id or 0,
                    status=WriteBackStatus.FAILED.value,
                    last_error=str(exc)[:1000],
                )
                report.failed += 1
            else:
                _finish(
                    engine,
                    row.id or 0,
                    next_attempt_at=clock.now() + RETRY_BASE * 2 ** (row.attempts - 1),
                    last_error=str(exc)[:1000],
                )
                report.retrying += 1
            continue
        if after_send is not None:
            await after_send(row)
        _finish(
            engine,
            row.id or 0,
            status=WriteBackStatus.DELIVERED.value,
            delivered_at=clock.now(),
            remote_id=remote_id[:120],
            last_error=None,
        )
        report.delivered += 1
    return report
