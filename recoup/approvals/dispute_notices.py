"""Tell each dispute's owner: once when it opens, and again when it outlives its SLA.

Through Slack (the owner's channel, else the approvals channel) and by email through the
outbox (a note that belongs to no account, so it is never a touch on the customer). A
notice is claimed with a conditional UPDATE of ``Dispute.notify_ref`` first, so two
notifiers never tell an owner twice.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import structlog
from sqlalchemy import Engine, and_, update
from sqlmodel import col, select

from recoup.approvals.dispute_case import (
    DisputeCase,
    assemble_dispute,
    notice_blocks,
    notice_email,
    owner_of,
)
from recoup.approvals.dispute_slack import buttons
from recoup.approvals.slack import SlackClient, SlackError
from recoup.clock import Clock, as_utc
from recoup.ledger import audit
from recoup.ledger.db import session as open_session
from recoup.ledger.models import Direction, Dispute, DisputeStatus, Message, MessageStatus
from recoup.ledger.operations.disputes import due_for_reminder
from recoup.policy import Policy
from recoup.tools.email import new_message_id

log = structlog.get_logger(__name__)

PENDING = "pending"
STALE_CLAIM = timedelta(minutes=10)


@dataclass
class NoticeReport:
    told: list[int] = field(default_factory=list)
    reminded: list[int] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


@dataclass
class DisputeNotices:
    engine: Engine
    clock: Clock
    policy: Policy
    slack: SlackClient | None = None
    default_channel: str = ""
    mail_from: str = "ar@recoup.example"
    page_url: str = ""
    batch: int = 20

    async def tick(self) -> NoticeReport:
        report = NoticeReport()
        for dispute_id in await asyncio.to_thread(self._untold):
            if await self._tell(dispute_id, report, reminder=False):
                report.told.append(dispute_id)
        for dispute_id in await asyncio.to_thread(self._overdue):
            if await self._tell(dispute_id, report, reminder=True):
                report.reminded.append(dispute_id)
        return report

    async def _tell(self, dispute_id: int, report: NoticeReport, *, reminder: bool) -> bool:
        claim = f"{PENDING}:{self.clock.now().isoformat()}"
        if not reminder and not await asyncio.to_thread(self._claim, dispute_id, claim):
            return False
        case = await asyncio.to_thread(self._case, dispute_id)
        owner = owner_of(self.policy, case.owner)
        channel = owner.slack_channel or self.default_channel
        ref = await asyncio.to_thread(self._ref, dispute_id)
        where: list[str] = []
        if self.slack is not None and channel:
            try:
                where.append(await self._post(case, channel, ref if reminder else None))
            except SlackError as exc:
                log.warning("dispute_notice_failed", dispute_id=dispute_id, error=exc.error)
                report.errors.append(f"dispute #{dispute_id}: {exc}")
        if owner.email:
            where.append("email")
        await asyncio.to_thread(
            self._record, dispute_id, case, owner.email, where, reminder=reminder
        )
        return bool(where)

    async def _post(self, case: DisputeCase, channel: str, thread: str | None) -> str:
        assert self.slack is not None
        if thread and thread.startswith("slack:"):
            _, thread_channel, ts = thread.split(":", 2)
            text = f"Overdue since {case.due_at:%Y-%m-%d}: {case.title}"
            await self.slack.post_message(thread_channel, text=text, thread_ts=ts)
            return thread
        text, blocks = notice_blocks(case, page_url=self.page_url, actions=buttons(case))
        posted = await self.slack.post_message(channel, text=text, blocks=blocks)
        return f"slack:{posted.channel}:{posted.ts}"

    def _case(self, dispute_id: int) -> DisputeCase:
        with open_session(self.engine) as session:
            return assemble_dispute(session, dispute_id)

    def _untold(self) -> list[int]:
        now = self.clock.now()
        with open_session(self.engine) as session:
            rows = session.exec(
                select(Dispute.id, Dispute.notify_ref)
                .where(Dispute.status == DisputeStatus.OPEN.value)
                .where(
                    col(Dispute.notify_ref).is_(None) | col(Dispute.notify_ref).like("pending:%")
                )
                .order_by(col(Dispute.id))
                .limit(self.batch)
            )
            return [i for i, ref in rows if i is not None and (ref is None or _stale(ref, now))]

    def _overdue(self) -> list[int]:
        with open_session(self.engine) as session:
            due = due_for_reminder(session, now=self.clock.now())
            return [d.id or 0 for d in due if d.notify_ref and not d.notify_ref.startswith(PENDING)]

    def _ref(self, dispute_id: int) -> str | None:
        with open_session(self.engine) as session:
            dispute = session.get(Dispute, dispute_id)
            return dispute.notify_ref if dispute else None

    def _claim(self, dispute_id: int, claim: str) -> bool:
        with open_session(self.engine) as session:
            stored = session.get(Dispute, dispute_id)
            expected = stored.notify_ref if stored else None
            current = (
                col(Dispute.notify_ref).is_(None)
                if expected is None
                else col(Dispute.notify_ref) == expected
            )
            swapped = session.execute(
                update(Dispute)
                .where(and_(col(Dispute.id) == dispute_id, current))
                .values(notify_ref=claim)
            )
            session.commit()
            return bool(swapped.rowcount == 1)  # type: ignore[attr-defined]

    def _record(
        self,
        dispute_id: int,
        case: DisputeCase,
        email: str,
        where: list[str],
        *,
        reminder: bool,
    ) -> None:
        """Queue the owner's email and remember where the owner was told, together."""
        now = self.clock.now()
        with open_session(self.engine) as session:
            dispute = session.get(Dispute, dispute_id)
            assert dispute is not None
            if email:
                subject, body = notice_email(case, reminder=reminder)
                session.add(self._note(email, subject, body, now))
            if reminder:
                dispute.reminded_at = now
            else:
                slack = next((w for w in where if w.startswith("slack:")), None)
                dispute.notify_ref = slack or ("email" if where else "untold")
            told = " and ".join(w.split(":")[0] for w in where) or "nowhere (no channel set)"
            audit.record(
                session,
                at=now,
                actor="system",
                action="dispute_reminder" if reminder else "dispute_notice",
                reason=f"{case.owner} told of dispute #{dispute_id} on {case.invoice} by {told}",
                customer_id=dispute.customer_id,
                detail={"dispute_id": dispute_id, "where": where},
            )
            session.commit()

    def _note(self, to: str, subject: str, body: str, now: datetime) -> Message:
        domain = self.mail_from.rpartition("@")[2] or "recoup.example"
        return Message(
            customer_id=None,  # a note to a colleague: never a touch on the account
            direction=Direction.OUTBOUND.value,
            status=MessageStatus.QUEUED.value,
            message_id=new_message_id(domain),
            from_addr=self.mail_from,
            to_addrs=to,
            subject=subject,
            text=body,
            created_at=now,
            next_attempt_at=now,
        )


def _stale(ref: str, now: datetime) -> bool:
    _, _, since = ref.partition(":")
    try:
        return now - as_utc(datetime.fromisoformat(since)) > STALE_CLAIM
    except ValueError:
        return True
