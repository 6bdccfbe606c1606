"""Delivering the outbox exactly once, in batches.

An outbound Message row is created by ``send_email`` with status ``queued``
and its Message-ID already set. Delivering it:

1. claim: one committed ``UPDATE … RETURNING`` takes a batch of due rows,
   raising ``attempts`` by one and moving ``next_attempt_at`` a lease ahead;
   it takes only rows still queued and due, so two senders never both own a
   row. A batch is claimed when the senders are about to run out of work, so
   the lease runs while it is sent; a row whose turn comes after half its
   lease is handed back unsent;
2. if the row had been claimed before (a crash or an error interrupted an
   earlier attempt), ask the delivery records whether a message with its
   Message-ID is already out: the Sent folder and the mailbox that receives
   the SMTP transport's receipt copy, or the maildir outbox. If it is, the row
   is marked sent and nothing is sent again. If the records cannot be asked,
   the row waits: a late email is better than a second one;
3. send the message, serialized once for the wire and the Sent copy, then
   record the outcome: sent rows (``sent_at``) and their audit events in
   batched commits, none waiting longer than ``RECORD_WAIT_S``; a retry with
   exponential backoff for a transient error; failed for a permanent 5xx (the
   refused contacts become undeliverable, and an account left without a
   contact goes to a person);
4. append the copies to the Sent folder, many per IMAP command.

The remaining window: with SMTP and no IMAP mailbox to search, a crash after
the server accepted a message but before its batch was recorded resends it
once the lease runs out. With the receipt copy in our own mailbox the window
is closed for servers that deliver locally before they answer 250; for a
relaying server, its own delivery to our mailbox must happen within the
lease. The lease must be longer than one SMTP transaction can take (the
transport's timeout) plus half a lease, or a slow send could be claimed twice.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage

import structlog
from sqlalchemy import Engine, func, or_, update
from sqlmodel import Session, col, select

from recoup.clock import Clock
from recoup.ledger import audit
from recoup.ledger.db import session as open_session
from recoup.ledger.documents import Letterhead
from recoup.ledger.models import Customer, Direction, Message, MessageStatus
from recoup.mail.compose import NO_DOCUMENTS, Documents, LedgerDocuments, build_mime
from recoup.mail.transports.base import (
    DeliveryRecord,
    PermanentSendError,
    SentFolder,
    TransientSendError,
    Transport,
    wire_bytes,
)
from recoup.mail.undeliverable import mark_undeliverable
from recoup.policy import Policy

log = structlog.get_logger(__name__)

DEFAULT_LEASE = timedelta(minutes=5)
RETRY_BASE = timedelta(minutes=1)
RETRY_MAX = timedelta(hours=2)
MAX_ATTEMPTS = 12
CLAIM_BATCH = 16
RECORD_BATCH = 32
RECORD_WAIT_S = 1.0
COPY_BATCH = 50


@dataclass
class DeliveryReport:
    claimed: int = 0
    sent: int = 0
    confirmed: int = 0  # found already delivered after an interrupted attempt
    retrying: int = 0
    failed: int = 0
    sent_message_ids: list[str] = field(default_factory=list)

    @property
    def handled(self) -> int:
        return self.sent + self.confirmed + self.retrying + self.failed


@dataclass(frozen=True)
class _Outgoing:
    """A claimed row, composed and serialized, waiting for a sender."""

    row_id: int
    message_id: str
    customer_id: int | None
    attempts: int  # this attempt included
    mime: EmailMessage
    data: bytes
    claimed_at: float  # time.monotonic()

    @property
    def interrupted(self) -> bool:
        return self.attempts > 1


@dataclass(frozen=True)
class _Delivered:
    outgoing: _Outgoing
    refused: list[str]
    confirmed: bool


def retry_delay(attempts: int) -> timedelta:
    """1 min, 2, 4, … capped at 2 h: the wait after the ``attempts``-th failure."""
    factor: int = 2 ** max(0, attempts - 1)
    return min(RETRY_BASE * factor, RETRY_MAX)


def outbox_depth(session: Session) -> int:
    """Messages waiting to be sent (queued, including those between retries)."""
    return session.exec(
        select(func.count())
        .select_from(Message)
        .where(
            Message.direction == Direction.OUTBOUND.value,
            Message.status == MessageStatus.QUEUED.value,
        )
    ).one()


async def deliver_due(
    engine: Engine,
    transport: Transport,
    *,
    clock: Clock,
    sent_copy: SentFolder | None = None,
    limit: int = 100,
    from_name: str = "Accounts Receivable",
    policy: Policy | None = None,
    lease: timedelta = DEFAULT_LEASE,
    stop: asyncio.Event | None = None,
    concurrency: int = 1,
) -> DeliveryReport:
    """Send every queued message that is due now (up to ``limit``), each at most once,
    up to ``concurrency`` at a time. When ``stop`` is set, the sends in flight
    finish and no new one starts."""
    delivery = _Delivery(
        engine,
        transport,
        clock=clock,
        sent_copy=sent_copy,
        from_name=from_name,
        policy=policy or Policy(),
        lease=lease,
    )
    await delivery.run(limit=limit, stop=stop or asyncio.Event(), senders=max(1, concurrency))
    return delivery.report


class _Delivery:
    """One ``deliver_due``: claims feed a queue that ``senders`` tasks drain."""

    def __init__(
        self,
        engine: Engine,
        transport: Transport,
        *,
        clock: Clock,
        sent_copy: SentFolder | None,
        from_name: str,
        policy: Policy,
        lease: timedelta,
    ) -> None:
        self.engine = engine
        self.transport = transport
        self.clock = clock
        self.from_name = from_name
        self.policy = policy
        self.lease = lease
        self.records: list[DeliveryRecord] = [
            r for r in (sent_copy, transport) if isinstance(r, DeliveryRecord)
        ]
        self.copies = _SentCopies(sent_copy) if sent_copy is not None else None
        self.report = DeliveryReport()
        self._ready: asyncio.Queue[_Outgoing | None] = asyncio.Queue()
        self._hungry = asyncio.Event()
        self._halt = asyncio.Event()  # a sender or the recorder failed
        self._delivered: list[_Delivered] = []
        self._unsent: list[_Outgoing] = []

    async def run(self, *, limit: int, stop: asyncio.Event, senders: int) -> None:
        tasks = [asyncio.create_task(self._send_loop(stop, senders)) for _ in range(senders)]
        recorder = asyncio.create_task(self._record_loop())
        try:
            await self._claim_loop(limit, stop, senders)
        except BaseException:
            self._halt.set()  # what is claimed but not yet sent goes back, unsent
            raise
        finally:
            for _ in tasks:
                self._ready.put_nowait(None)
            outcomes = await asyncio.gather(*tasks, return_exceptions=True)
            recorder.cancel()
            outcomes += await asyncio.gather(recorder, return_exceptions=True)
            try:
                self._record()
                self._release(self._unsent)
            finally:
                if self.copies is not None:
                    await self.copies.finish()
        failure = next((o for o in outcomes if isinstance(o, Exception)), None)
        if failure is not None:
            raise failure

    async def _claim_loop(self, limit: int, stop: asyncio.Event, senders: int) -> None:
        claimed = 0
        while claimed < limit:
            while self._ready.qsize() >= senders and not self._halted(stop):
                self._hungry.clear()
                await self._hungry.wait()
            if self._halted(stop):
                return
            wanted = min(CLAIM_BATCH, limit - claimed)
            taken, ready = self._claim(wanted)
            claimed += taken
            for outgoing in ready:
                self._ready.put_nowait(outgoing)
            if taken < wanted:
                return

    async def _send_loop(self, stop: asyncio.Event, senders: int) -> None:
        try:
            while (outgoing := await self._ready.get()) is not None:
                if self._ready.qsize() < senders:
                    self._hungry.set()
                if self._halted(stop) or self._stale(outgoing):
                    self._unsent.append(outgoing)
                    continue
                await self._deliver(outgoing)
        except Exception:
            self._halt.set()
            raise
        finally:
            self._hungry.set()

    async def _record_loop(self) -> None:
        every = max(0.05, min(RECORD_WAIT_S, self.lease.total_seconds() / 4))
        try:
            while True:
                await asyncio.sleep(every)
                self._record()
        except Exception:
            self._halt.set()
            self._hungry.set()
            raise

    def _halted(self, stop: asyncio.Event) -> bool:
        return stop.is_set() or self._halt.is_set()

    def _stale(self, outgoing: _Outgoing) -> bool:
        return time.monotonic() - outgoing.claimed_at > self.lease.total_seconds() / 2

    def _claim(self, count: int) -> tuple[int, list[_Outgoing]]:
        """Claim up to ``count`` rows: how many were taken, and those composed."""
        now = self.clock.now()
        with open_session(self.engine) as session:
            rows = _claim_due(session, now, self.lease, count)
            session.commit()
            self.report.claimed += len(rows)
            claimed_at = time.monotonic()
            ready = self._compose_all(session, rows, claimed_at) if rows else []
            session.commit()
        self.report.failed += len(rows) - len(ready)
        return len(rows), ready

    def _compose_all(
        self, session: Session, rows: Sequence[Message], claimed_at: float
    ) -> list[_Outgoing]:
        owners = {row.customer_id for row in rows if row.customer_id}
        customers = {
            c.id: c for c in session.exec(select(Customer).where(col(Customer.id).in_(owners)))
        }
        letterhead = Letterhead.from_policy(self.policy)
        composed = (
            self._compose(session, row, customers.get(row.customer_id), letterhead, claimed_at)
            for row in rows
        )
        return [outgoing for outgoing in composed if outgoing is not None]

    def _compose(
        self,
        session: Session,
        row: Message,
        customer: Customer | None,
        letterhead: Letterhead,
        claimed_at: float,
    ) -> _Outgoing | None:
        now = self.clock.now()
        try:
            documents: Documents = NO_DOCUMENTS  # a note to a colleague: no account's papers
            if customer is not None:
                documents = LedgerDocuments(session, customer, now, letterhead)
            elif row.attachments:
                raise ValueError("the message belongs to no account")
            mime = build_mime(
                row, customer=customer, from_name=self.from_name, documents=documents, now=now
            )
            data = wire_bytes(mime)
        except Exception as exc:
            log.warning("compose_failed", outbox_id=row.id, error=_brief(exc))
            _mark_failed(session, row, now, f"could not build the message: {_brief(exc)}")
            return None
        return _Outgoing(
            row.id or 0, row.message_id, row.customer_id, row.attempts, mime, data, claimed_at
        )

    async def _deliver(self, outgoing: _Outgoing) -> None:
        if outgoing.interrupted and self.records:
            try:
                delivered = await _already_delivered(self.records, outgoing.message_id)
            except Exception as exc:
                log.warning(
                    "delivery_record_unavailable", outbox_id=outgoing.row_id, error=_brief(exc)
                )
                self._retry(outgoing, f"cannot check earlier attempt: {exc}")
                return
            if delivered:
                self._done(_Delivered(outgoing, [], confirmed=True))
                return
        try:
            refused = await self.transport.send(outgoing.mime, data=outgoing.data)
        except PermanentSendError as exc:
            self._failed(outgoing, exc.reason, exc.recipients)
            return
        except TransientSendError as exc:
            self._retry(outgoing, str(exc))
            return
        except Exception as exc:  # an unknown failure is retried, never dropped
            log.exception("send_crashed", outbox_id=outgoing.row_id)
            self._retry(outgoing, _brief(exc))
            return
        if self.copies is not None:
            self.copies.add(outgoing.data)
        self._done(_Delivered(outgoing, list(refused or []), confirmed=False))

    def _done(self, delivered: _Delivered) -> None:
        self._delivered.append(delivered)
        if len(self._delivered) >= RECORD_BATCH:
            self._record()

    def _record(self) -> None:
        batch, self._delivered = self._delivered, []
        if not batch:
            return
        with open_session(self.engine) as session:
            _record_sent(session, batch, now=self.clock.now(), policy=self.policy)
            session.commit()
        for delivered in batch:
            self.report.sent_message_ids.append(delivered.outgoing.message_id)
            if delivered.confirmed:
                self.report.confirmed += 1
            else:
                self.report.sent += 1
            log.info(
                "email_sent", outbox_id=delivered.outgoing.row_id, confirmed=delivered.confirmed
            )

    def _release(self, unsent: Sequence[_Outgoing]) -> None:
        """Hand claimed rows that were never tried back, due at once and as unattempted."""
        if not unsent:
            return
        now = self.clock.now()
        with open_session(self.engine) as session:
            for outgoing in unsent:
                session.execute(
                    update(Message)
                    .where(
                        col(Message.id) == outgoing.row_id,
                        col(Message.status) == MessageStatus.QUEUED.value,
                        col(Message.attempts) == outgoing.attempts,
                    )
                    .values(attempts=outgoing.attempts - 1, next_attempt_at=now)
                )
            session.commit()

    def _retry(self, outgoing: _Outgoing, error: str) -> None:
        now = self.clock.now()
        with open_session(self.engine) as session:
            row = session.get(Message, outgoing.row_id)
            assert row is not None
            if row.attempts >= MAX_ATTEMPTS:
                _mark_failed(session, row, now, f"gave up after {row.attempts} attempts: {error}")
                session.commit()
                self.report.failed += 1
                return
            row.last_error = error[:1000]
            row.next_attempt_at = now + retry_delay(row.attempts)
            session.commit()
        self.report.retrying += 1
        log.warning("send_retry", outbox_id=outgoing.row_id, error=error[:300])

    def _failed(self, outgoing: _Outgoing, reason: str, recipients: list[str]) -> None:
        now = self.clock.now()
        with open_session(self.engine) as session:
            row = session.get(Message, outgoing.row_id)
            assert row is not None
            _mark_failed(session, row, now, f"refused for good: {reason}")
            if recipients:
                mark_undeliverable(
                    session,
                    recipients,
                    now=now,
                    policy=self.policy,
                    reason=f"refused by the mail server ({reason[:200]})",
                    message_id=outgoing.row_id,
                )
            session.commit()
        self.report.failed += 1


class _SentCopies:
    """Appends Sent copies in the background, as many per call as have piled up."""

    def __init__(self, folder: SentFolder) -> None:
        self.folder = folder
        self._waiting: list[bytes] = []
        self._appending: asyncio.Task[None] | None = None

    def add(self, data: bytes) -> None:
        self._waiting.append(data)
        if self._appending is None or self._appending.done():
            self._appending = asyncio.create_task(self._drain())

    async def finish(self) -> None:
        if self._appending is not None:
            await self._appending

    async def _drain(self) -> None:
        while self._waiting:
            batch = self._waiting[:COPY_BATCH]
            del self._waiting[:COPY_BATCH]
            try:
                await self.folder.append(batch)
            except Exception as exc:
                log.warning("sent_copy_failed", count=len(batch), error=_brief(exc))


def _claim_due(session: Session, now: datetime, lease: timedelta, count: int) -> list[Message]:
    """Take up to ``count`` due rows, oldest due first; returned in id order."""
    due = or_(col(Message.next_attempt_at).is_(None), col(Message.next_attempt_at) <= now)
    queued = col(Message.status) == MessageStatus.QUEUED.value
    wanted = (
        select(Message.id)
        .where(col(Message.direction) == Direction.OUTBOUND.value, queued, due)
        .order_by(col(Message.next_attempt_at), col(Message.id))
        .limit(count)
        .with_for_update(skip_locked=True)  # PostgreSQL: leave rows another claim holds
        .cte("wanted")
        # Chosen once: a subquery PostgreSQL re-ran while updating would see the
        # claimed rows gone and take the next ones, past ``count``.
        .prefix_with("MATERIALIZED")
    )
    claim = (
        update(Message)
        .where(col(Message.id).in_(select(wanted.c.id)), queued, due)
        .values(attempts=col(Message.attempts) + 1, next_attempt_at=now + lease)
        .returning(Message)
        .execution_options(synchronize_session=False)
    )
    rows = list(session.scalars(claim))
    return sorted(rows, key=lambda row: row.id or 0)


def _record_sent(
    session: Session, batch: Sequence[_Delivered], *, now: datetime, policy: Policy
) -> None:
    plain = [d.outgoing.row_id for d in batch if not d.confirmed and not d.refused]
    if plain:
        session.execute(
            update(Message)
            .where(col(Message.id).in_(plain))
            .values(_sent_values(now))
            .execution_options(synchronize_session=False)
        )
    for delivered in batch:
        outgoing, refused = delivered.outgoing, delivered.refused
        reason = f"delivered after {outgoing.attempts} attempt(s)"
        if delivered.confirmed:
            reason = "already delivered by an interrupted attempt; not sent again"
        if delivered.confirmed or refused:
            values = _sent_values(now)
            if refused:
                values["last_error"] = f"refused: {', '.join(refused)}"[:1000]
            if delivered.confirmed:
                values["note"] = reason
            session.execute(
                update(Message)
                .where(col(Message.id) == outgoing.row_id)
                .values(values)
                .execution_options(synchronize_session=False)
            )
        audit.record(
            session,
            at=now,
            actor="system",
            action="deliver_email",
            reason=reason,
            customer_id=outgoing.customer_id,
            detail={"outbox_id": outgoing.row_id, "refused": refused},
        )
        if refused:
            mark_undeliverable(
                session, refused, now=now, policy=policy, reason="refused by the mail server"
            )


def _sent_values(now: datetime) -> dict[str, object]:
    return {
        "status": MessageStatus.SENT.value,
        "sent_at": now,
        "next_attempt_at": None,
        "last_error": None,
    }


async def _already_delivered(records: Sequence[DeliveryRecord], message_id: str) -> bool:
    for record in records:
        if await record.contains(message_id):
            return True
    return False


def _mark_failed(session: Session, row: Message, now: datetime, error: str) -> None:
    row.status = MessageStatus.FAILED.value
    row.last_error = error[:1000]
    row.next_attempt_at = None
    audit.record(
        session,
        at=now,
        actor="system",
        action="deliver_email",
        verdict="failed",
        reason=error[:2000],
        customer_id=row.customer_id,
        detail={"outbox_id": row.id},
    )
    log.warning("email_failed", outbox_id=row.id, error=error[:300])


def _brief(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:500]
