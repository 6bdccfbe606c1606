"""The inbound loop of the embedded default: poll the inbox maildir.

Messages are ingested and committed a batch at a time, then renamed into
processed/ (or quarantine/). A crash between the two leaves them in the inbox,
and the next pass finds them already stored: nothing is processed twice.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from pathlib import Path

import structlog
from sqlalchemy import Engine

from recoup.clock import Clock
from recoup.ledger.db import session as open_session
from recoup.mail.imap_source import MailboxStatus
from recoup.mail.ingest import DEFAULT_LIMITS, IngestResult, ingest_batch, read_message
from recoup.mail.parse import MailLimits
from recoup.mail.transports.maildir import MaildirInbox
from recoup.policy import Policy

log = structlog.get_logger(__name__)

BATCH_SIZE = 200


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
        results: list[IngestResult] = []
        pending = self.inbox.pending()
        for start in range(0, len(pending), BATCH_SIZE):
            if should_stop():
                break
            results += self._ingest(pending[start : start + BATCH_SIZE])
        self.status.connected = True
        self.status.last_sync_at = self.clock.now()
        self.status.last_error = None  # a pass that worked: what failed before is over
        if results and self.on_new_mail is not None:
            self.on_new_mail()
        return results

    def _ingest(self, paths: list[Path]) -> list[IngestResult]:
        """Ingest a batch in one transaction, then file it away."""
        now = self.clock.now()
        raws = {path: self.inbox.read(path) for path in paths}
        present = [(path, raw) for path, raw in raws.items() if raw is not None]
        incoming = [read_message(raw, limits=self.limits, today=now.date()) for _, raw in present]
        with open_session(self.engine) as session:
            results = ingest_batch(
                session, incoming, now=now, policy=self.policy, mailbox="maildir"
            )
            session.commit()
        for (path, _), result in zip(present, results, strict=True):
            self.inbox.file_away(path, quarantined=result.quarantined)
        self.status.ingested += len(results)
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
