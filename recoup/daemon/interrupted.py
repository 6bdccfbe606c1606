"""Start-up recovery of agent runs a dead process left "running".

A run is only ever "running" while its process holds the account's lease. Once
that lease is gone (released because its process died, or expired), nobody will
finish the run: it is closed as ``interrupted``, audited, and the account is put
back in the queue with an event due now, so the next pass looks at it again. A
run whose account is still leased by a live process is left alone.
"""

from __future__ import annotations

from datetime import datetime

import structlog
from sqlalchemy import Engine, or_
from sqlmodel import col, select

from recoup.ledger import audit
from recoup.ledger.db import session as open_session
from recoup.ledger.events import event
from recoup.ledger.models import AgentRun, Customer, EventKind

log = structlog.get_logger(__name__)

RUNNING = "running"
INTERRUPTED = "interrupted"


def close_interrupted_runs(engine: Engine, *, now: datetime) -> list[int]:
    """Close the orphaned runs as ``interrupted`` and re-queue their accounts; returns
    the run ids closed."""
    with open_session(engine) as session:
        orphaned = session.exec(
            select(AgentRun)
            .join(Customer, col(Customer.id) == col(AgentRun.customer_id))
            .where(
                AgentRun.outcome == RUNNING,
                or_(col(Customer.lease_until).is_(None), col(Customer.lease_until) < now),
            )
            .order_by(col(AgentRun.id))
        ).all()
        requeued: set[int] = set()
        for run in orphaned:
            run.outcome = INTERRUPTED
            run.finished_at = now
            audit.record(
                session,
                at=now,
                actor="system",
                action="run_interrupted",
                reason=f"run #{run.id} ({run.trigger}) stopped with its process; "
                "the account is looked at again",
                customer_id=run.customer_id,
                run_id=run.id,
            )
            if run.customer_id not in requeued:
                requeued.add(run.customer_id)
                session.add(
                    event(
                        run.customer_id,
                        EventKind.FOLLOWUP_DUE,
                        now=now,
                        detail=f"run #{run.id} was interrupted; look again",
                        ref_id=run.id,
                    )
                )
        session.commit()
    closed = [run.id or 0 for run in orphaned]
    if closed:
        log.info("interrupted_runs_closed", runs=len(closed), accounts=len(requeued))
    return closed
