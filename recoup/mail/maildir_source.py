"""The inbound loop of the embedded default: poll the inbox maildir.

Each message is ingested and committed, then renamed into processed/ (or
quarantine/). A crash between the two leaves it in the inbox, and the next
pass finds it already stored: nothing is processed twice.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable

import structlog
from sqlalchemy import Engine

from recoup.clock import Clock
from recoup.ledger.db import session as open_session
from recoup.mail.imap_source import MailboxStatus
from recoup.mail.ingest import DEFAULT_LIMITS, IngestResult, ingest_message
from recoup.mail.parse import MailLimits
from recoup.mail.transports.maildir import MaildirInbox
from recoup.policy import Policy

log = structlog.get_logger(__name__)


class MaildirSource:
    def __init__(
        self,
        engine: Engine,
        inbox: MaildirInbox,
        *,
        clock: Clock,
        policy: Policy,
        limits: MailLimits = DEFAULT_LIMITS,
        status: MailboxStatus | None = None,
        on_new_mail: Callable[[], None] | None = None,
    ) -> None:
        self.engine = engine
        self.inbox = inbox
        self.clock = clock
        self.policy = policy
        self.limits = limits
        self.status = status or MailboxStatus()
        self.on_new_mail = on_new_mail

    def sync(self, should_stop: Callable[[], bool] = lambda: False) -> list[IngestResult]:
        results = []
        for path in self.inbox.pending():
            if should_stop():
                break
            raw = self.inbox.read(path)
            if raw is None:
                continue
            with open_session(self.engine) as session:
                result = ingest_message(
                    session,
                    raw,
                    now=self.clock.now(),
                    policy=self.policy,
                    mailbox="maildir",
                    limits=self.limits,
                )
                session.commit()
            self.inbox.file_away(path, quarantined=result.quarantined)
            results.append(result)
            self.status.ingested += 1
        self.status.connected = True
        self.status.last_sync_at = self.clock.now()
        self.status.last_error = None  # a pass that worked: what failed before is over
        if results and self.on_new_mail is not None:
            self.on_new_mail()
        return results

    async def run(self, stop: asyncio.Event, *, interval_s: float) -> None:
        while not stop.is_set():
            try:
                await asyncio.to_thread(self.sync, stop.is_set)
            except Exception as exc:  # the loop outlives any one bad pass
                self.status.last_error = f"{type(exc).__name__}: {exc}"[:500]
                log.exception("maildir_sync_failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=interval_s)
