"""The IMAP loop: read the collections mailbox, ingest each message once.

imapclient is synchronous, so the whole loop runs in one worker thread;
``run`` bridges it to asyncio. One pass (``sync``):

- select the folder and load the checkpoint (UIDVALIDITY, last UID) for this
  account and folder; a new UIDVALIDITY means the old UIDs mean nothing, so
  the checkpoint restarts at 0 and the folder is read again in full (the
  Message-ID dedupe of the ingest makes already-stored mail a no-op);
- fetch UIDs above the checkpoint in batches (one UID FETCH each, within a
  byte budget) and ingest each batch in one transaction, which also advances
  the checkpoint: a crash reprocesses at most the batch in flight, which was
  not committed. With worker processes (``read_pool``), the next batch is
  parsed while this one is stored;
- flag the batch \\Seen and move it to the processed folder (quarantined mail
  to the quarantine folder when one is set), with MOVE where offered. After
  a reconnect, mail at or below the checkpoint still in the folder (a crash
  between the commit and the move) is filed away without being processed
  again.

Between passes it waits in IDLE (renewed every ``idle_timeout_s``) when the
server offers it, or polls every ``poll_interval_s``. Any error drops the
connection and reconnects with exponential backoff.
"""

from __future__ import annotations

import asyncio
import random
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

import structlog
from imapclient import IMAPClient
from sqlalchemy import Engine
from sqlmodel import Session, select

from recoup.clock import Clock
from recoup.ledger.db import session as open_session
from recoup.ledger.models import MailCheckpoint
from recoup.mail.imap_connect import (
    DEFAULT_TIMEOUT_S,
    FLAGGED,
    SEEN,
    close_imap,
    ensure_folders,
    move_messages,
    open_imap,
)
from recoup.mail.ingest import DEFAULT_LIMITS, Incoming, IngestResult, IngestStatus, ingest_batch
from recoup.mail.parse import MailLimits
from recoup.mail.read_pool import DEFAULT_WORKERS, ReadPool
from recoup.policy import Policy
from recoup.settings import ImapSettings

log = structlog.get_logger(__name__)

BATCH_SIZE = 200
BATCH_BYTES = 50_000_000  # a batch holds this much mail at most (one message, whatever its size)
IDLE_CHECK_S = 1.0
BACKOFF_START_S = 1.0
BACKOFF_MAX_S = 60.0
_NEW_MAIL = {b"EXISTS", b"RECENT"}


@dataclass
class MailboxStatus:
    """What the health endpoint reports about the mailbox loop."""

    connected: bool = False
    last_sync_at: datetime | None = None
    last_error: str | None = None
    reconnects: int = 0
    ingested: int = 0


@dataclass
class SyncReport:
    fetched: int = 0
    filed: int = 0
    resynced: bool = False
    statuses: dict[str, int] = field(default_factory=dict)

    def count(self, result: IngestResult | None) -> None:
        key = result.status.value if result else "vanished"
        self.statuses[key] = self.statuses.get(key, 0) + 1


@dataclass
class _Batch:
    """Fetched mail by UID (None: gone from the server), and its reading under way (wait
    for it before the next batch is read)."""

    raws: dict[int, bytes | None]
    reading: Callable[[], list[Incoming]]

    @property
    def last_uid(self) -> int:
        return max(self.raws)


class ImapSource:
    def __init__(
        self,
        engine: Engine,
        settings: ImapSettings,
        *,
        clock: Clock,
        policy: Policy,
        limits: MailLimits = DEFAULT_LIMITS,
        batch_size: int = BATCH_SIZE,
        status: MailboxStatus | None = None,
        on_new_mail: Callable[[], None] | None = None,
        timeout_s: float = DEFAULT_TIMEOUT_S,
        backoff_max_s: float = BACKOFF_MAX_S,
        read_workers: int = DEFAULT_WORKERS,
    ) -> None:
        self.engine = engine
        self.settings = settings
        self.clock = clock
        self.policy = policy
        self.limits = limits
        self.batch_size = batch_size
        self.status = status or MailboxStatus()
        self.on_new_mail = on_new_mail
        self.timeout_s = timeout_s
        self.backoff_max_s = backoff_max_s
        self.reader = ReadPool(limits, workers=read_workers)
        self._swept = False

    @property
    def account(self) -> str:
        return f"{self.settings.user}@{self.settings.host}:{self.settings.port}"[:320]

    # --- the loop -------------------------------------------------------------

    async def run(self, stop: asyncio.Event) -> None:
        """Serve until ``stop`` is set; the batch in flight is finished first."""
        halt = threading.Event()

        async def relay_stop() -> None:
            await stop.wait()
            halt.set()

        watcher = asyncio.create_task(relay_stop())
        try:
            await asyncio.to_thread(self.serve, halt)
        finally:
            halt.set()
            watcher.cancel()

    def serve(self, stop: threading.Event) -> None:
        delay = BACKOFF_START_S
        while not stop.is_set():
            client: IMAPClient | None = None
            try:
                client = self.connect()
                while not stop.is_set():
                    self.sync(client, stop)
                    delay = BACKOFF_START_S
                    if stop.is_set():
                        break
                    self.wait_for_mail(client, stop)
            except Exception as exc:
                self.status.connected = False
                self.status.last_error = f"{type(exc).__name__}: {exc}"[:500]
                self.status.reconnects += 1
                wait = delay * (1 + random.random() / 4)
                log.warning("imap_disconnected", error=self.status.last_error, retry_in_s=wait)
                close_imap(client)
                client = None
                stop.wait(wait)
                delay = min(delay * 2, self.backoff_max_s)
            finally:
                close_imap(client)
        self.reader.close()
        self.status.connected = False

    def connect(self) -> IMAPClient:
        client = open_imap(self.settings, timeout_s=self.timeout_s)
        try:
            ensure_folders(
                client, [self.settings.processed_folder, self.settings.quarantine_folder]
            )
        except Exception:
            close_imap(client)
            raise
        self._swept = False
        self.reader.start()
        self.status.connected = True
        self.status.last_error = None  # connected again: the failure is over
        log.info("imap_connected", folder=self.settings.folder)
        return client

    def wait_for_mail(self, client: IMAPClient, stop: threading.Event) -> None:
        """Return when new mail may have arrived, the IDLE period ended, or on stop."""
        if b"IDLE" not in client.capabilities():
            stop.wait(self.settings.poll_interval_s)
            client.noop()
            return
        # Mail that arrived since the last pass shows up on a NOOP: no need to idle.
        if _announces_mail(client.noop()[1]):
            return
        client.idle()
        try:
            deadline = time.monotonic() + self.settings.idle_timeout_s
            while not stop.is_set() and time.monotonic() < deadline:
                responses = client.idle_check(timeout=IDLE_CHECK_S)
                if any(_is_bye(r) for r in responses):
                    raise ConnectionError("the server closed the IDLE session")
                if _announces_mail(responses):
                    break
        finally:
            client.idle_done()

    # --- one pass -------------------------------------------------------------

    def sync(self, client: IMAPClient, stop: threading.Event | None = None) -> SyncReport:
        report = SyncReport()
        selected = client.select_folder(self.settings.folder)
        uidvalidity = int(selected[b"UIDVALIDITY"])
        last_uid = self._checkpoint(uidvalidity, report)
        if not self._swept:
            self._sweep(client, last_uid, report)
            self._swept = True
        batch = self._fetch_after(client, last_uid)
        while batch is not None and (stop is None or not stop.is_set()):
            incoming = batch.reading()
            following = self._fetch_after(client, batch.last_uid) if self.reader.running else None
            self._store(client, batch, incoming, uidvalidity, report)
            batch = following or self._fetch_after(client, batch.last_uid)
        self.status.last_sync_at = self.clock.now()
        if report.fetched:
            log.info("imap_synced", fetched=report.fetched, statuses=report.statuses)
        return report

    def _checkpoint(self, uidvalidity: int, report: SyncReport) -> int:
        with open_session(self.engine) as session:
            checkpoint = self._load_checkpoint(session)
            if checkpoint is None:
                checkpoint = MailCheckpoint(
                    account=self.account, folder=self.settings.folder, uidvalidity=uidvalidity
                )
                session.add(checkpoint)
            elif checkpoint.uidvalidity != uidvalidity:
                log.warning(
                    "imap_uidvalidity_changed",
                    folder=self.settings.folder,
                    old=checkpoint.uidvalidity,
                    new=uidvalidity,
                )
                checkpoint.uidvalidity = uidvalidity
                checkpoint.last_uid = 0
                report.resynced = True
            session.commit()
            return checkpoint.last_uid

    def _load_checkpoint(self, session: Session) -> MailCheckpoint | None:
        return session.exec(
            select(MailCheckpoint).where(
                MailCheckpoint.account == self.account,
                MailCheckpoint.folder == self.settings.folder,
            )
        ).first()

    def _fetch_after(self, client: IMAPClient, last_uid: int) -> _Batch | None:
        uids = sorted(u for u in client.search(["UID", f"{last_uid + 1}:*"]) if u > last_uid)
        return self._fetch(client, uids[: self.batch_size]) if uids else None

    def _fetch(self, client: IMAPClient, uids: list[int]) -> _Batch:
        """The first of ``uids`` whose mail fits in BATCH_BYTES (at least one), being read."""
        sizes = client.fetch(uids, ["RFC822.SIZE"])
        total = 0
        for count, uid in enumerate(uids):
            total += int((sizes.get(uid) or {}).get(b"RFC822.SIZE", 0))
            if total > BATCH_BYTES and count:
                uids = uids[:count]
                break
        fetched = client.fetch(uids, ["RFC822"])
        raws = {uid: (fetched.get(uid) or {}).get(b"RFC822") for uid in uids}
        present = [bytes(raw) for raw in raws.values() if raw is not None]
        return _Batch(raws, self.reader.read(present, self.clock.now().date()))

    def _store(
        self,
        client: IMAPClient,
        batch: _Batch,
        incoming: list[Incoming],
        uidvalidity: int,
        report: SyncReport,
    ) -> None:
        routes: dict[tuple[str, bool], list[int]] = {}
        for uid, result in self._ingest(batch, incoming, uidvalidity).items():
            report.fetched += 1
            report.count(result)
            if result is not None:
                routes.setdefault(self._destination(result), []).append(uid)
                self.status.ingested += 1
        report.filed += self._file_away(client, routes)
        if self.on_new_mail is not None:
            self.on_new_mail()

    def _ingest(
        self, batch: _Batch, incoming: list[Incoming], uidvalidity: int | None = None
    ) -> dict[int, IngestResult | None]:
        """Ingest a batch and, given ``uidvalidity``, advance the checkpoint past it, in one
        transaction. A message gone from the server has no result."""
        with open_session(self.engine) as session:
            stored = ingest_batch(
                session,
                incoming,
                now=self.clock.now(),
                policy=self.policy,
                mailbox=self.settings.folder,
            )
            if uidvalidity is not None:
                checkpoint = self._load_checkpoint(session)
                if checkpoint is not None and checkpoint.uidvalidity == uidvalidity:
                    checkpoint.last_uid = max(checkpoint.last_uid, batch.last_uid)
            session.commit()
        present = [uid for uid, raw in batch.raws.items() if raw is not None]
        results = dict(zip(present, stored, strict=True))
        return {uid: results.get(uid) for uid in batch.raws}

    def _sweep(self, client: IMAPClient, last_uid: int, report: SyncReport) -> None:
        """File away mail that was processed but not yet moved when we last stopped."""
        if last_uid <= 0:
            return
        moving = bool(self.settings.processed_folder or self.settings.quarantine_folder)
        if not moving:
            unseen = client.search(["UNSEEN", "UID", f"1:{last_uid}"])
            if unseen:
                client.add_flags(unseen, [SEEN], silent=True)
            return
        leftovers = sorted(u for u in client.search(["UID", f"1:{last_uid}"]) if u <= last_uid)
        remaining = leftovers
        while remaining:
            batch = self._fetch(client, remaining[: self.batch_size])
            remaining = remaining[len(batch.raws) :]
            routes: dict[tuple[str, bool], list[int]] = {}
            for uid, result in self._ingest(batch, batch.reading()).items():
                if result is not None:
                    report.count(result)
                    routes.setdefault(self._destination(result), []).append(uid)
            report.filed += self._file_away(client, routes)
        if leftovers:
            log.info("imap_swept", messages=len(leftovers))

    def _destination(self, result: IngestResult) -> tuple[str, bool]:
        """(folder, quarantined); the folder is "" when mail stays where it is."""
        if result.quarantined:
            return self.settings.quarantine_folder or self.settings.processed_folder or "", True
        return self.settings.processed_folder or "", False

    def _file_away(self, client: IMAPClient, routes: dict[tuple[str, bool], list[int]]) -> int:
        """Flag \\Seen (quarantined mail \\Flagged too, for a person) and move."""
        filed = 0
        for (folder, quarantined), uids in routes.items():
            client.add_flags(uids, [SEEN, FLAGGED] if quarantined else [SEEN], silent=True)
            if folder:
                move_messages(client, uids, folder)
            filed += len(uids)
        return filed


def _announces_mail(responses: Iterable[object]) -> bool:
    return any(isinstance(r, tuple) and len(r) >= 2 and r[1] in _NEW_MAIL for r in responses or ())


def _is_bye(response: object) -> bool:
    return isinstance(response, tuple) and len(response) >= 1 and response[0] == b"BYE"


__all__ = ["ImapSource", "IngestStatus", "MailboxStatus", "SyncReport"]
