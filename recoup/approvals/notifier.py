"""Bring open cases to people: post each new case once, remind before expiry,
expire overdue cases, and show every decision on the message it answers.

``Escalation.notify_ref`` remembers what was posted where:
``pending:WHEN`` while a post is in flight, ``slack:CHANNEL:TS`` for a
message with buttons (``…:closed`` once it shows the decision), ``webhook``
for a notification without buttons. A post is claimed with a conditional
UPDATE, so two notifiers never post the same case twice; a claim left behind
by a crash is taken again after ten minutes, so no case goes unannounced.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import httpx
import structlog
from sqlalchemy import Engine, and_, or_, update
from sqlmodel import col, select

from recoup.approvals.blocks import case_message, decided_message, reminder_text
from recoup.approvals.case import Case, assemble_case, sender_header
from recoup.approvals.choices import hands_over_to, stops_outreach
from recoup.approvals.decisions import claim_reminders, expire_overdue
from recoup.approvals.dispute_notices import DisputeNotices, NoticeReport
from recoup.approvals.slack import SlackError, app_client, webhook
from recoup.clock import Clock, as_utc
from recoup.ledger.db import session as open_session
from recoup.ledger.models import Escalation, EscalationStatus
from recoup.policy import Policy
from recoup.settings import Settings

log = structlog.get_logger(__name__)

PENDING = "pending"
STALE_CLAIM = timedelta(minutes=10)
CLOSED_SUFFIX = ":closed"
WEBHOOK = "webhook"


@dataclass(frozen=True)
class NotifyRef:
    kind: str
    channel: str = ""
    ts: str = ""
    closed: bool = False

    def dump(self) -> str:
        if self.kind != "slack":
            return self.kind
        return f"slack:{self.channel}:{self.ts}" + (CLOSED_SUFFIX if self.closed else "")

    @classmethod
    def parse(cls, value: str | None) -> NotifyRef | None:
        if not value:
            return None
        kind, _, rest = value.partition(":")
        if kind != "slack":
            return cls(kind)
        closed = rest.endswith(CLOSED_SUFFIX)
        channel, _, ts = rest.removesuffix(CLOSED_SUFFIX).partition(":")
        return cls("slack", channel, ts, closed)


@dataclass
class NotifierReport:
    expired: list[int] = field(default_factory=list)
    reminded: list[int] = field(default_factory=list)
    posted: list[int] = field(default_factory=list)
    reflected: list[int] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    disputes: NoticeReport = field(default_factory=NoticeReport)


class Notifier:
    def __init__(
        self,
        engine: Engine,
        *,
        clock: Clock,
        policy: Policy,
        settings: Settings,
        http: httpx.AsyncClient | None = None,
        batch: int = 20,
    ) -> None:
        self.engine = engine
        self.clock = clock
        self.policy = policy
        self.channel = settings.slack.channel or ""
        self.slack = app_client(settings.slack, http) if http is not None else None
        self.webhook = webhook(settings.slack, http) if http is not None else None
        self.sender = sender_header(settings.mail.from_name, settings.mail.from_address)
        self.batch = batch
        self.disputes = DisputeNotices(
            engine,
            clock,
            policy,
            slack=self.slack,
            default_channel=self.channel,
            mail_from=settings.mail.from_address,
        )

    async def tick(self) -> NotifierReport:
        """One pass: expire, remind, post new cases, show decisions. Never raises for Slack."""
        report = NotifierReport()
        report.expired = await asyncio.to_thread(self._expire)
        for escalation_id in await asyncio.to_thread(self._claim_reminders):
            if await self._remind(escalation_id, report):
                report.reminded.append(escalation_id)
        if self.slack is not None or self.webhook is not None:
            for escalation_id in await asyncio.to_thread(self._unposted):
                if await self.post(escalation_id, report):
                    report.posted.append(escalation_id)
        if self.slack is not None:
            for escalation_id in await asyncio.to_thread(self._decided_unreflected):
                if await self.reflect(escalation_id, report):
                    report.reflected.append(escalation_id)
        report.disputes = await self.disputes.tick()
        return report

    def case(self, escalation_id: int) -> Case:
        with open_session(self.engine) as session:
            return assemble_case(
                session, escalation_id, now=self.clock.now(), policy=self.policy, sender=self.sender
            )

    async def post(self, escalation_id: int, report: NotifierReport | None = None) -> bool:
        """Post one open case, once: with buttons through the app, else through the webhook."""
        stored = await asyncio.to_thread(self._ref, escalation_id)
        if stored is not None and not self._stale_claim(stored):
            return False
        claim = f"{PENDING}:{self.clock.now().isoformat()}"
        if not await asyncio.to_thread(self._swap_ref, escalation_id, stored, claim):
            return False
        case = await asyncio.to_thread(self.case, escalation_id)
        ref: NotifyRef | None = None
        try:
            if self.slack is not None:
                text, blocks = case_message(case)
                posted = await self.slack.post_message(self.channel, text=text, blocks=blocks)
                ref = NotifyRef("slack", posted.channel, posted.ts)
            elif self.webhook is not None:
                text, blocks = case_message(case, interactive=False)
                await self.webhook.post(text=text, blocks=blocks)
                ref = NotifyRef(WEBHOOK)
        except SlackError as exc:
            _failed(report, escalation_id, exc)
        await asyncio.to_thread(self._swap_ref, escalation_id, claim, ref.dump() if ref else None)
        return ref is not None

    def _stale_claim(self, stored: str) -> bool:
        kind, _, since = stored.partition(":")
        if kind != PENDING:
            return False
        try:
            claimed_at = as_utc(datetime.fromisoformat(since))
        except ValueError:
            return True
        return self.clock.now() - claimed_at > STALE_CLAIM

    async def reflect(self, escalation_id: int, report: NotifierReport | None = None) -> bool:
        """Replace a decided case's message with who decided what (``chat.update``)."""
        if self.slack is None:
            return False
        case = await asyncio.to_thread(self.case, escalation_id)
        stored = await asyncio.to_thread(self._ref, escalation_id)
        ref = NotifyRef.parse(stored)
        if case.is_open or ref is None or ref.kind != "slack" or ref.closed:
            return False
        text, blocks = decided_message(case, outcome_line(case))
        try:
            await self.slack.update_message(ref.channel, ref.ts, text=text, blocks=blocks)
        except SlackError as exc:
            _failed(report, escalation_id, exc)
            return False
        closed = NotifyRef("slack", ref.channel, ref.ts, closed=True).dump()
        await asyncio.to_thread(self._swap_ref, escalation_id, stored, closed)
        return True

    async def _remind(self, escalation_id: int, report: NotifierReport) -> bool:
        case = await asyncio.to_thread(self.case, escalation_id)
        ref = NotifyRef.parse(await asyncio.to_thread(self._ref, escalation_id))
        text = reminder_text(case)
        try:
            if self.slack is not None:
                thread = ref.ts if ref is not None and ref.kind == "slack" else None
                await self.slack.post_message(self.channel, text=text, thread_ts=thread)
            elif self.webhook is not None:
                await self.webhook.post(text=text)
            else:
                log.info("case_reminder", escalation_id=escalation_id, expires_at=case.expires_at)
        except SlackError as exc:
            _failed(report, escalation_id, exc)
            return False
        return True

    def _expire(self) -> list[int]:
        with open_session(self.engine) as session:
            return expire_overdue(session, now=self.clock.now())

    def _claim_reminders(self) -> list[int]:
        with open_session(self.engine) as session:
            return claim_reminders(session, now=self.clock.now(), policy=self.policy)

    def _unposted(self) -> list[int]:
        with open_session(self.engine) as session:
            rows = session.exec(
                select(Escalation.id, Escalation.notify_ref)
                .where(
                    Escalation.status == EscalationStatus.OPEN.value,
                    or_(
                        col(Escalation.notify_ref).is_(None),
                        col(Escalation.notify_ref).like(f"{PENDING}:%"),
                    ),
                )
                .order_by(col(Escalation.id))
                .limit(self.batch)
            )
            return [
                escalation_id
                for escalation_id, ref in rows
                if escalation_id is not None and (ref is None or self._stale_claim(ref))
            ]

    def _decided_unreflected(self) -> list[int]:
        with open_session(self.engine) as session:
            rows = session.exec(
                select(Escalation.id)
                .where(
                    Escalation.status != EscalationStatus.OPEN.value,
                    col(Escalation.notify_ref).like("slack:%"),
                    col(Escalation.notify_ref).not_like(f"%{CLOSED_SUFFIX}"),
                )
                .order_by(col(Escalation.id))
                .limit(self.batch)
            )
            return [row for row in rows if row is not None]

    def _ref(self, escalation_id: int) -> str | None:
        with open_session(self.engine) as session:
            escalation = session.get(Escalation, escalation_id)
            return escalation.notify_ref if escalation else None

    def _swap_ref(self, escalation_id: int, expected: str | None, new: str | None) -> bool:
        """Set ``notify_ref`` to ``new`` only if it still is ``expected``."""
        current = (
            col(Escalation.notify_ref).is_(None)
            if expected is None
            else col(Escalation.notify_ref) == expected
        )
        with open_session(self.engine) as session:
            swapped = session.execute(
                update(Escalation)
                .where(and_(col(Escalation.id) == escalation_id, current))
                .values(notify_ref=new)
            )
            session.commit()
            return bool(swapped.rowcount == 1)  # type: ignore[attr-defined]


def outcome_line(case: Case) -> str:
    """What became of a case, for the message that asked for the decision."""
    when = f" at {as_utc(case.decided_at):%Y-%m-%d %H:%M} UTC" if case.decided_at else ""
    who = f" by {case.decided_by}" if case.decided_by else ""
    via = f" via {case.decision_channel}" if case.decision_channel else ""
    note = f": {case.decision_note}" if case.decision_note else ""
    if case.status == EscalationStatus.EXPIRED.value:
        return f"Expired undecided{when}"
    if case.status == EscalationStatus.RESOLVED.value:
        return f"Taken over{who}{via}, then handed back to the agent"
    if case.status == EscalationStatus.TAKEN_OVER.value and stops_outreach(case):
        return f"Collection stopped and handed to {hands_over_to(case)}{who}{via}{when}{note}"
    if case.status == EscalationStatus.APPROVED.value and stops_outreach(case):
        return f"Collection resumed{who}{via}{when}{note}"
    verb = {"approved": "Approved", "rejected": "Rejected", "taken_over": "Taken over"}.get(
        case.status, case.status.capitalize()
    )
    return f"{verb}{who}{via}{when}{note}"


def _failed(report: NotifierReport | None, escalation_id: int, exc: SlackError) -> None:
    log.warning(
        "slack_call_failed", escalation_id=escalation_id, method=exc.method, error=exc.error
    )
    if report is not None:
        report.errors.append(f"case #{escalation_id}: {exc}")
