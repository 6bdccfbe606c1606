"""Account leases of a dead recoup process on this host are released at start-up."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from datetime import timedelta

from sqlalchemy import Engine
from sqlmodel import select

from recoup.clock import FixedClock
from recoup.daemon.recovery import release_dead_leases
from recoup.ledger.db import session as open_session
from recoup.ledger.models import Customer
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
