"""The connected sources: their rows, their cursors, and stopping one cleanly."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session, select

from recoup.ledger import audit
from recoup.ledger.connectors.sync.tables import SourceStatus, SyncCursor, SyncSource
from recoup.ledger.models import Escalation, EscalationCategory, EscalationStatus


def get_source(session: Session, name: str) -> SyncSource | None:
    return session.exec(select(SyncSource).where(SyncSource.name == name)).first()


def connect_source(
    session: Session, name: str, *, now: datetime, tenant_id: str = "", tenant_name: str = ""
) -> SyncSource:
    """Create the source, or bring a stopped one back (a new grant was given)."""
    source = get_source(session, name)
    if source is None:
        source = SyncSource(name=name, connected_at=now)
        session.add(source)
    source.status = SourceStatus.ACTIVE.value
    source.tenant_id = tenant_id or source.tenant_id
    source.tenant_name = tenant_name or source.tenant_name
    source.last_error = None
    session.flush()
    return source


def load_cursor(session: Session, name: str) -> dict[str, Any] | None:
    row = session.exec(select(SyncCursor).where(SyncCursor.source == name)).first()
    return dict(row.state) if row is not None else None


def save_cursor(session: Session, name: str, state: dict[str, Any], *, now: datetime) -> None:
    row = session.exec(select(SyncCursor).where(SyncCursor.source == name)).first()
    if row is None:
        session.add(SyncCursor(source=name, state=state, updated_at=now))
    else:
        row.state = state
        row.updated_at = now
        session.add(row)


def reset_cursor(session: Session, name: str) -> None:
    row = session.exec(select(SyncCursor).where(SyncCursor.source == name)).first()
    if row is not None:
        session.delete(row)


def stop_source(session: Session, name: str, reason: str, *, now: datetime) -> None:
    """A grant that no longer works: the source stops (no retry loop) and a person is
    asked to reconnect it, once."""
    source = get_source(session, name)
    if source is None or source.status == SourceStatus.STOPPED.value:
        return
    source.status = SourceStatus.STOPPED.value
    source.last_error = reason
    source.last_sync_at = now
    session.add(
        Escalation(
            customer_id=None,
            category=EscalationCategory.OTHER.value,
            status=EscalationStatus.OPEN.value,
            reason=f"{name} stopped syncing: {reason}",
            recommendation=f"Reconnect it with `recoup connect {name}`.",
            created_at=now,
        )
    )
    audit.record(
        session,
        at=now,
        actor="system",
        action="source_stopped",
        reason=f"{name}: {reason}"[:2000],
        detail={"source": name},
    )
