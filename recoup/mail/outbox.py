"""Delivering the outbox exactly once.

An outbound Message row is created by ``send_email`` with status ``queued``
and its Message-ID already set. Delivering it:

1. claim: in its own committed transaction, ``attempts`` goes up by one and
   ``next_attempt_at`` moves a lease ahead; the update only succeeds if
   nobody changed the row since we read it, so two senders never both own it;
2. if the row had been claimed before (a crash or an error interrupted an
   earlier attempt), ask the delivery records whether a message with its
   Message-ID is already out: the Sent folder and the mailbox that receives
   the SMTP transport's receipt copy, or the maildir outbox. If it is, the row
   is marked sent and nothing is sent again. If the records cannot be asked,
   the row waits: a late email is better than a second one;
3. send, then record the outcome: sent (``sent_at``), a retry with
   exponential backoff for a transient error, failed for a permanent 5xx
   (the refused contacts become undeliverable, and an account left without a
   contact goes to a person);
4. append a copy to the Sent folder.

The remaining window: with SMTP and no IMAP mailbox to search, a crash after
the server accepted the message but before step 3 committed resends it once
the lease runs out. With the receipt copy in our own mailbox the window is
closed for servers that deliver locally before they answer 250; for a
relaying server, its own delivery to our mailbox must happen within the
lease. The lease must be longer than one SMTP transaction can take (the
transport's timeout), or a slow send could be claimed twice.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta
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
)
from recoup.mail.undeliverable import mark_undeliverable
from recoup.policy import Policy

log = structlog.get_logger(__name__)

DEFAULT_LEASE = timedelta(minutes=5)
RETRY_BASE = timedelta(minutes=1)
RETRY_MAX = timedelta(hours=2)
MAX_ATTEMPTS = 12


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
    policy = policy or Policy()
    report = DeliveryReport()
    records: list[DeliveryRecord] = [
        r for r in (sent_copy, transport) if isinstance(r, DeliveryRecord)
    ]
    with open_session(engine) as session:
        now = clock.now()
        due = list(
            session.exec(
                select(Message.id, Message.attempts)
                .where(
                    Message.direction == Direction.OUTBOUND.value,
                    Message.status == MessageStatus.QUEUED.value,
                    or_(
                        col(Message.next_attempt_at).is_(None), col(Message.next_attempt_at) <= now
                    ),
                )
                .order_by(col(Message.next_attempt_at), col(Message.id))
                .limit(limit)
            )
        )
    gate = asyncio.Semaphore(max(1, concurrency))
    sending: list[asyncio.Task[None]] = []

    async def deliver(row_id: int, interrupted: bool) -> None:
        try:
            await _deliver(
                engine,
                row_id,
                interrupted=interrupted,
                transport=transport,
                records=records,
                sent_copy=sent_copy,
                clock=clock,
                from_name=from_name,
                policy=policy,
                report=report,
            )
        finally:
            gate.release()

    try:
        for row_id, attempts in due:
            await gate.acquire()
            # Claimed only when a sender is free, so the lease runs while it is sent.
            if (stop is not None and stop.is_set()) or row_id is None:
                gate.release()
                break
            if not _claim(engine, row_id, attempts, clock, lease):
                gate.release()
                continue
            report.claimed += 1
            sending.append(asyncio.create_task(deliver(row_id, attempts > 0)))
    finally:
        outcomes = await asyncio.gather(*sending, return_exceptions=True)
    failure = next((o for o in outcomes if isinstance(o, BaseException)), None)
    if failure is not None:
        raise failure
    return report


def _claim(engine: Engine, row_id: int, seen_attempts: int, clock: Clock, lease: timedelta) -> bool:
    now = clock.now()
    with open_session(engine) as session:
        result = session.execute(
            update(Message)
            .where(
                col(Message.id) == row_id,
                col(Message.status) == MessageStatus.QUEUED.value,
                col(Message.attempts) == seen_attempts,
                or_(col(Message.next_attempt_at).is_(None), col(Message.next_attempt_at) <= now),
            )
            .values(attempts=seen_attempts + 1, next_attempt_at=now + lease)
        )
        session.commit()
        return bool(result.rowcount == 1)  # type: ignore[attr-defined]


async def _deliver(
    engine: Engine,
    row_id: int,
    *,
    interrupted: bool,
    transport: Transport,
    records: Sequence[DeliveryRecord],
    sent_copy: SentFolder | None,
    clock: Clock,
    from_name: str,
    policy: Policy,
    report: DeliveryReport,
) -> None:
    mime, message_id = _prepare(engine, row_id, clock, from_name, policy, report)
    if mime is None:
        return
    if interrupted and records:
        try:
            delivered = await _already_delivered(records, message_id)
        except Exception as exc:
            log.warning("delivery_record_unavailable", outbox_id=row_id, error=_brief(exc))
            _retry(engine, row_id, clock, policy, report, f"cannot check earlier attempt: {exc}")
            return
        if delivered:
            _sent(engine, row_id, clock, report, refused=[], confirmed=True, policy=policy)
            return
    try:
        refused = await transport.send(mime)
    except PermanentSendError as exc:
        _failed(engine, row_id, clock, policy, report, exc.reason, exc.recipients)
        return
    except TransientSendError as exc:
        _retry(engine, row_id, clock, policy, report, str(exc))
        return
    except Exception as exc:  # an unknown failure is retried, never dropped
        log.exception("send_crashed", outbox_id=row_id)
        _retry(engine, row_id, clock, policy, report, _brief(exc))
        return
    refused_list = list(refused or [])
    _sent(engine, row_id, clock, report, refused=refused_list, confirmed=False, policy=policy)
    if sent_copy is not None:
        try:
            await sent_copy.append(mime)
        except Exception as exc:
            log.warning("sent_copy_failed", outbox_id=row_id, error=_brief(exc))


def _prepare(
    engine: Engine,
    row_id: int,
    clock: Clock,
    from_name: str,
    policy: Policy,
    report: DeliveryReport,
) -> tuple[EmailMessage | None, str]:
    with open_session(engine) as session:
        row = session.get(Message, row_id)
        assert row is not None
        customer = session.get(Customer, row.customer_id) if row.customer_id else None
        try:
            documents: Documents = NO_DOCUMENTS  # a note to a colleague: no account's papers
            if customer is not None:
                documents = LedgerDocuments(
                    session, customer, clock.now(), Letterhead.from_policy(policy)
                )
            elif row.attachments:
                raise ValueError("the message belongs to no account")
            mime = build_mime(
                row, customer=customer, from_name=from_name, documents=documents, now=clock.now()
            )
        except Exception as exc:
            log.warning("compose_failed", outbox_id=row_id, error=_brief(exc))
            _mark_failed(session, row, clock, f"could not build the message: {_brief(exc)}")
            session.commit()
            report.failed += 1
            return None, row.message_id
        return mime, row.message_id


async def _already_delivered(records: Sequence[DeliveryRecord], message_id: str) -> bool:
    for record in records:
        if await record.contains(message_id):
            return True
    return False


def _sent(
    engine: Engine,
    row_id: int,
    clock: Clock,
    report: DeliveryReport,
    *,
    refused: list[str],
    confirmed: bool,
    policy: Policy,
) -> None:
    now = clock.now()
    with open_session(engine) as session:
        row = session.get(Message, row_id)
        assert row is not None
        row.status = MessageStatus.SENT.value
        row.sent_at = now
        row.next_attempt_at = None
        row.last_error = f"refused: {', '.join(refused)}"[:1000] if refused else None
        reason = f"delivered after {row.attempts} attempt(s)"
        if confirmed:
            row.note = reason = "already delivered by an interrupted attempt; not sent again"
        audit.record(
            session,
            at=now,
            actor="system",
            action="deliver_email",
            reason=reason,
            customer_id=row.customer_id,
            detail={"outbox_id": row_id, "refused": refused},
        )
        if refused:
            mark_undeliverable(
                session, refused, now=now, policy=policy, reason="refused by the mail server"
            )
        session.commit()
        report.sent_message_ids.append(row.message_id)
    if confirmed:
        report.confirmed += 1
    else:
        report.sent += 1
    log.info("email_sent", outbox_id=row_id, confirmed=confirmed)


def _retry(
    engine: Engine,
    row_id: int,
    clock: Clock,
    policy: Policy,
    report: DeliveryReport,
    error: str,
) -> None:
    now = clock.now()
    with open_session(engine) as session:
        row = session.get(Message, row_id)
        assert row is not None
        if row.attempts >= MAX_ATTEMPTS:
            _mark_failed(session, row, clock, f"gave up after {row.attempts} attempts: {error}")
            session.commit()
            report.failed += 1
            return
        row.last_error = error[:1000]
        row.next_attempt_at = now + retry_delay(row.attempts)
        session.commit()
    report.retrying += 1
    log.warning("send_retry", outbox_id=row_id, error=error[:300])


def _failed(
    engine: Engine,
    row_id: int,
    clock: Clock,
    policy: Policy,
    report: DeliveryReport,
    reason: str,
    recipients: list[str],
) -> None:
    with open_session(engine) as session:
        row = session.get(Message, row_id)
        assert row is not None
        _mark_failed(session, row, clock, f"refused for good: {reason}")
        if recipients:
            mark_undeliverable(
                session,
                recipients,
                now=clock.now(),
                policy=policy,
                reason=f"refused by the mail server ({reason[:200]})",
                message_id=row_id,
            )
        session.commit()
    report.failed += 1


def _mark_failed(session: Session, row: Message, clock: Clock, error: str) -> None:
    row.status = MessageStatus.FAILED.value
    row.last_error = error[:1000]
    row.next_attempt_at = None
    audit.record(
        session,
        at=clock.now(),
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
