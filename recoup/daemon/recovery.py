"""Start-up recovery: account leases left behind by a recoup process on this
host that no longer exists (killed, crashed) are released at once instead of
blocking those accounts until the lease expires. Leases of live processes, and
of other hosts, are left to expire on their own."""

from __future__ import annotations

import os
import socket

import structlog
from sqlalchemy import Engine, update
from sqlmodel import col, select

from recoup.ledger.db import session as open_session
from recoup.ledger.models import Customer

log = structlog.get_logger(__name__)


def release_dead_leases(engine: Engine) -> int:
    prefix = f"{socket.gethostname()}:"
    with open_session(engine) as session:
        owners = {
            owner
            for owner in session.exec(
                select(Customer.lease_owner)
                .where(col(Customer.lease_owner).startswith(prefix))
                .distinct()
            )
            if owner
        }
        dead = [owner for owner in owners if not _alive(owner.removeprefix(prefix))]
        if not dead:
            return 0
        result = session.execute(
            update(Customer)
            .where(col(Customer.lease_owner).in_(dead))
            .values(lease_owner=None, lease_until=None)
        )
        session.commit()
    released = int(result.rowcount or 0)  # type: ignore[attr-defined]
    log.info("dead_leases_released", accounts=released, owners=len(dead))
    return released


def _alive(pid_text: str) -> bool:
    if not pid_text.isdigit():
        return True  # not ours to judge
    pid = int(pid_text)
    if pid == os.getpid():
        return False  # a previous process that had our pid is gone: we are new
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
