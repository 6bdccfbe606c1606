"""Account leases of a dead recoup process on this host are released at start-up."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from datetime import timedelta

from sqlalchemy import Engine
from sqlmodel import col, select

from recoup.clock import FixedClock
from recoup.daemon.interrupted import close_interrupted_runs
from recoup.daemon.recovery import release_dead_leases
from recoup.ledger.db import session as open_session
from recoup.ledger.models import AgentRun, AuditEvent, Customer, Event
from tests.support import factory


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_only_leases_of_dead_local_processes_are_released(
    engine: Engine, clock: FixedClock
) -> None:
    host = socket.gethostname()
    owners = {
        "dead": f"{host}:{_dead_pid()}",
        "alive": f"{host}:{os.getppid()}",
        "elsewhere": "another-host:1",
        "odd": f"{host}:not-a-pid",
    }
    with open_session(engine) as session:
        for label, owner in owners.items():
            customer = factory.customer(session, ref=f"C-{label}")
            customer.lease_owner = owner
            customer.lease_until = clock.now() + timedelta(minutes=10)
        session.commit()

    assert release_dead_leases(engine) == 1
    with open_session(engine) as session:
        leases = {c.ref: c.lease_owner for c in session.exec(select(Customer))}
    assert leases == {
        "C-dead": None,
        "C-alive": owners["alive"],
        "C-elsewhere": owners["elsewhere"],
        "C-odd": owners["odd"],
    }


def test_runs_left_running_by_a_dead_process_are_closed_as_interrupted_and_requeued(
    engine: Engine, clock: FixedClock
) -> None:
    host = socket.gethostname()
    with open_session(engine) as session:
        orphan = factory.customer(session, ref="C-orphan")
        live = factory.customer(session, ref="C-live")
        orphan.lease_owner = f"{host}:{_dead_pid()}"
        live.lease_owner = f"{host}:{os.getppid()}"
        for customer in (orphan, live):
            customer.lease_until = clock.now() + timedelta(minutes=10)
            session.add(
                AgentRun(
                    customer_id=customer.id or 0,
                    trigger="aging",
                    model="offline",
                    started_at=clock.now() - timedelta(minutes=1),
                )
            )
        session.commit()
        orphan_id, live_id = orphan.id, live.id

    release_dead_leases(engine)
    closed = close_interrupted_runs(engine, now=clock.now())

    with open_session(engine) as session:
        runs = {r.customer_id: r for r in session.exec(select(AgentRun))}
        pending = session.exec(
            select(Event).where(Event.customer_id == orphan_id, col(Event.processed_at).is_(None))
        ).all()
        audited = session.exec(
            select(AuditEvent).where(AuditEvent.action == "run_interrupted")
        ).all()
    assert closed == [runs[orphan_id].id]
    assert (runs[orphan_id].outcome, runs[orphan_id].finished_at) == ("interrupted", clock.now())
    assert runs[live_id].outcome == "running"
    assert [e.kind for e in pending] == ["followup_due"] and pending[0].due_at <= clock.now()
    assert len(audited) == 1 and audited[0].customer_id == orphan_id
    assert close_interrupted_runs(engine, now=clock.now()) == []  # once
