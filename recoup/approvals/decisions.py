"""What a person's decision on a case does, each applied at most once.

A decision claims the case with a conditional UPDATE (``WHERE status =
'open'``): of two deciders — a second click, a retried webhook, the web page
and Slack at once — exactly one changes the row; the other is told who
decided first and changes nothing. The claim and its effects commit together,
so a refused approval leaves the case open, as it was.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import CursorResult, Engine, and_, update
from sqlmodel import Session, col

from recoup.agent.execute import execute_call
from recoup.clock import Clock, as_utc
from recoup.guardrails.facts import Facts
from recoup.guardrails.rules.contact import send_ready_at
from recoup.guardrails.rules.pause import BLOCKING_CATEGORIES
from recoup.guardrails.timing import TIMING_RULES
from recoup.ledger import audit
from recoup.ledger.db import session as open_session
from recoup.ledger.events import event
from recoup.ledger.models import (
    Customer,
    Escalation,
    EscalationCategory,
    EscalationStatus,
    EventKind,
    InvoiceStatus,
    ReadingCorrection,
)
from recoup.ledger.operations.disputes import fully_disputed_invoice_ids
from recoup.ledger.state import Account, load_account
from recoup.offline.corrections import correction_note
from recoup.policy import Policy
from recoup.reader import Finding
from recoup.tools.base import RunContext
from recoup.tools.registry import ToolRegistry, default_registry

REFUSED = "decision.refused"
HANDED_TO = {
    EscalationCategory.LEGAL.value: "credit/legal",
    EscalationCategory.INSOLVENCY.value: "credit/legal",
    EscalationCategory.CREDIT_HOLD.value: "credit",
}
SYSTEM_ACTOR = "system"


class Channel(StrEnum):
    SLACK = "slack"
    WEB = "web"
    CLI = "cli"


class Outcome(StrEnum):
    APPLIED = "applied"
    ALREADY_DECIDED = "already_decided"
    REFUSED = "refused"
    NOT_FOUND = "not_found"


@dataclass(frozen=True)
class Person:
    """Who decides, and through which channel."""

    user: str
    channel: Channel
    ref: str | None = None  # a stable id where the channel has one (a Slack user id)

    @property
    def actor(self) -> str:
        return f"person:{self.user}"[:120]


@dataclass(frozen=True)
class Decision:
    escalation_id: int
    action: str
    outcome: Outcome
    message: str
    status: str | None = None
    triggered: dict[str, Any] = field(default_factory=dict)

    @property
    def applied(self) -> bool:
        return self.outcome is Outcome.APPLIED


@dataclass
class Decisions:
    """Approve, reject, take over and release cases for the people who decide them."""

    engine: Engine
    clock: Clock
    policy: Policy
    registry: ToolRegistry = field(default_factory=default_registry)
    mail_from: str = "ar@recoup.example"

    def approve(
        self,
        escalation_id: int,
        by: Person,
        *,
        note: str = "",
        edited_args: dict[str, Any] | None = None,
    ) -> Decision:
        """Do what the case recommends: run the held action (every other guardrail rule
        still applies now); with nothing held, stop collection and hand the account to a
        person on a case that stops outreach (legal, insolvency…), or else let collections
        continue. ``edited_args`` replace the held action's arguments (a person's edit of a
        drafted email)."""
        now = self.clock.now()
        with open_session(self.engine) as session:
            found = session.get(Escalation, escalation_id)
            hand_over = found is not None and hands_over(found)
            status = EscalationStatus.TAKEN_OVER if hand_over else EscalationStatus.APPROVED
            if not _claim(session, escalation_id, status, by, note, now):
                return _unchanged(session, escalation_id, "approve")
            escalation = session.get(Escalation, escalation_id)
            assert escalation is not None
            if hand_over:
                return self._hand_over(session, escalation, by, note)
            customer_id = escalation.customer_id
            account = load_account(session, customer_id, now=now) if customer_id else None
            problem = premise_problem(account, escalation)
            if problem is not None:
                session.rollback()
                return self._refuse(escalation_id, customer_id, by, problem)
            if escalation.held_action is None:
                triggered: dict[str, Any] = {"effect": "collections continue"}
                message = f"Approved by {by.user} ({by.channel}): collections continue."
            else:
                name = str(escalation.held_action["tool"])
                args = edited_args if edited_args is not None else escalation.held_action["args"]
                ctx = RunContext(
                    session=session,
                    customer_id=customer_id or 0,
                    clock=self.clock,
                    policy=self.policy,
                    actor=by.actor,
                    mail_from=self.mail_from,
                )
                held_since = as_utc(escalation.created_at)
                ran = execute_call(
                    ctx, self.registry, name, args, approved=True, held_since=held_since
                )
                if not ran.executed:
                    rule = ran.verdict.rule_id if ran.verdict else None
                    ready = _ready_at(ctx, held_since) if rule in TIMING_RULES else None
                    session.rollback()
                    reason = ran.result.get("reason") or ran.result.get("error") or ran.status
                    return self._refuse(
                        escalation_id, customer_id, by, str(reason), rule, ready_at=ready
                    )
                if edited_args is not None:
                    escalation.held_action = {"tool": name, "args": ran.args}
                triggered = {"tool": name, "result": ran.result, "edited": edited_args is not None}
                message = f"Approved by {by.user} ({by.channel}): {_effect(name, ran.result)}."
            if customer_id is not None:
                done = triggered.get("effect") or f"the held {triggered['tool']} ran"
                detail = f"escalation #{escalation_id} approved by {by.user}: {done}"
                session.add(
                    event(
                        customer_id,
                        EventKind.DECISION,
                        now=now,
                        ref_id=escalation_id,
                        detail=detail + (f"; note: {note}" if note else ""),
                    )
                )
            return self._applied(session, escalation, "approve", by, message, note, triggered)

    def resume(self, escalation_id: int, by: Person, *, note: str = "") -> Decision:
        """Close a case that holds no action and let the agent resume collection: on a case
        that stops outreach, the explicit alternative to handing the account over."""
        now = self.clock.now()
        with open_session(self.engine) as session:
            found = session.get(Escalation, escalation_id)
            if found is not None and found.held_action and found.status == "open":
                message = "This case holds an action: send it, edit it or decline it instead."
                return Decision(escalation_id, "resume", Outcome.REFUSED, message, found.status)
            if not _claim(session, escalation_id, EscalationStatus.APPROVED, by, note, now):
                return _unchanged(session, escalation_id, "resume")
            escalation = session.get(Escalation, escalation_id)
            assert escalation is not None
            detail = f"escalation #{escalation_id}: collection resumed by {by.user}"
            _wake_agent(session, escalation, now, detail + (f"; note: {note}" if note else ""))
            message = (
                f"Collection resumed by {by.user} ({by.channel}): the agent resumes reminders."
            )
            triggered = {"effect": "collection resumed"}
            return self._applied(session, escalation, "resume", by, message, note, triggered)

    def read_as(
        self, escalation_id: int, by: Person, finding: Finding, *, note: str = ""
    ) -> Decision:
        """Close a reading case with a person's reading of its message. The reading is kept
        as a labelled example and carried by the decision's event: the agent acts on it as
        if the reader had found it."""
        now = self.clock.now()
        with open_session(self.engine) as session:
            row = session.get(Escalation, escalation_id)
            if row is None:
                return Decision(
                    escalation_id, "read", Outcome.NOT_FOUND, f"No case #{escalation_id}."
                )
            if row.category != EscalationCategory.READING.value or row.message_id is None:
                return Decision(
                    escalation_id, "read", Outcome.REFUSED, "This case is not a reading case."
                )
            message_id = row.message_id
            read = finding.intent.value.replace("_", " ")
            if finding.dispute_reason is not None:
                read += f" ({finding.dispute_reason.value.replace('_', ' ')})"
            note = note.strip() or f"read as {read}"
            if not _claim(session, escalation_id, EscalationStatus.APPROVED, by, note, now):
                return _unchanged(session, escalation_id, "read")
            escalation = session.get(Escalation, escalation_id)
            assert escalation is not None
            session.add(
                ReadingCorrection(
                    message_id=message_id,
                    customer_id=escalation.customer_id,
                    escalation_id=escalation_id,
                    intent=finding.intent.value,
                    finding=finding.model_dump(mode="json", exclude_defaults=True),
                    decided_by=by.user[:120],
                    created_at=now,
                )
            )
            if escalation.customer_id is not None:
                session.add(
                    event(
                        escalation.customer_id,
                        EventKind.DECISION,
                        now=now,
                        ref_id=escalation_id,
                        detail=f"escalation #{escalation_id} read by {by.user[:60]} as "
                        f"{finding.intent.value}; {correction_note(message_id, finding)}",
                    )
                )
            triggered = {"reading": finding.model_dump(mode="json", exclude_defaults=True)}
            message = f"Read by {by.user} ({by.channel}) as {read}: the agent acts on it."
            return self._applied(session, escalation, "read", by, message, note, triggered)

    def reject(self, escalation_id: int, by: Person, *, note: str) -> Decision:
        """The held action is dropped; the agent is told, with the note, and re-plans."""
        note = note.strip()
        if not note:
            raise ValueError("a rejection needs a note: the agent re-plans from it")
        now = self.clock.now()
        with open_session(self.engine) as session:
            if not _claim(session, escalation_id, EscalationStatus.REJECTED, by, note, now):
                return _unchanged(session, escalation_id, "reject")
            escalation = session.get(Escalation, escalation_id)
            assert escalation is not None
            triggered: dict[str, Any] = {"held_dropped": bool(escalation.held_action)}
            if escalation.customer_id is not None:
                wake = event(
                    escalation.customer_id,
                    EventKind.DECISION,
                    now=now,
                    ref_id=escalation_id,
                    detail=f"escalation #{escalation_id} rejected by {by.user}: {note}",
                )
                session.add(wake)
                session.flush()
                triggered["event_id"] = wake.id
            message = f"Rejected by {by.user} ({by.channel}): {note}"
            return self._applied(session, escalation, "reject", by, message, note, triggered)

    def take_over(self, escalation_id: int, by: Person, *, note: str = "") -> Decision:
        """A person owns the account now: the guardrails deny all outreach until release."""
        now = self.clock.now()
        with open_session(self.engine) as session:
            if not _claim(session, escalation_id, EscalationStatus.TAKEN_OVER, by, note, now):
                return _unchanged(session, escalation_id, "take_over")
            escalation = session.get(Escalation, escalation_id)
            assert escalation is not None
            customer = (
                session.get(Customer, escalation.customer_id) if escalation.customer_id else None
            )
            if customer is not None:
                customer.taken_over = True
            triggered = {"taken_over": customer.ref if customer else None}
            message = f"Taken over by {by.user} ({by.channel}): no outreach until released."
            return self._applied(session, escalation, "take_over", by, message, note, triggered)

    def release(self, escalation_id: int, by: Person, *, note: str = "") -> Decision:
        """Hand a taken-over account back to the agent, which is woken to re-plan."""
        now = self.clock.now()
        with open_session(self.engine) as session:
            claimed: CursorResult[Any] = session.execute(  # type: ignore[assignment]
                update(Escalation)
                .where(
                    and_(
                        col(Escalation.id) == escalation_id,
                        col(Escalation.status) == EscalationStatus.TAKEN_OVER.value,
                    )
                )
                .values(status=EscalationStatus.RESOLVED.value)
            )
            if claimed.rowcount != 1:
                return _unchanged(session, escalation_id, "release")
            escalation = session.get(Escalation, escalation_id)
            assert escalation is not None
            triggered: dict[str, Any] = {}
            if escalation.customer_id is not None:
                customer = session.get(Customer, escalation.customer_id)
                assert customer is not None
                customer.taken_over = False
                triggered["released"] = customer.ref
                detail = f"account released to the agent by {by.user} after escalation "
                _wake_agent(
                    session,
                    escalation,
                    now,
                    f"{detail}#{escalation_id}" + (f": {note}" if note else ""),
                )
            message = f"Released by {by.user} ({by.channel}): the agent resumes the account."
            return self._applied(session, escalation, "release", by, message, note, triggered)

    def unchanged(self, escalation_id: int, action: str) -> Decision:
        """What a decision on a case that is no longer open is told: its state; nothing changes."""
        with open_session(self.engine) as session:
            return _unchanged(session, escalation_id, action)

    def _hand_over(
        self, session: Session, escalation: Escalation, by: Person, note: str
    ) -> Decision:
        """Collection stops: the account is a person's until someone releases it."""
        to = handed_to(escalation.category)
        customer = session.get(Customer, escalation.customer_id) if escalation.customer_id else None
        if customer is not None:
            customer.taken_over = True
        triggered = {"effect": f"collection stopped; handed to {to}", "taken_over": bool(customer)}
        message = (
            f"Approved by {by.user} ({by.channel}): collection stopped and the account handed "
            f"to {to}; the agent writes nothing until someone hands it back."
        )
        return self._applied(session, escalation, "approve", by, message, note, triggered)

    def _refuse(
        self,
        escalation_id: int,
        customer_id: int | None,
        by: Person,
        reason: str,
        rule_id: str | None = None,
        *,
        ready_at: datetime | None = None,
    ) -> Decision:
        """Nothing ran. Refused only for its timing, the case stays open until a full
        decision window after the action can run, and its reminder is due again."""
        kept = ""
        with open_session(self.engine) as session:
            if ready_at is not None:
                until = ready_at + timedelta(hours=self.policy.escalation.open_case_expiry_hours)
                escalation = session.get(Escalation, escalation_id)
                if escalation is not None and escalation.status == EscalationStatus.OPEN.value:
                    current = escalation.expires_at
                    if current is None or as_utc(current) < until:
                        escalation.expires_at = until
                        escalation.reminded_at = None
                    kept = (
                        f" Approve again from {ready_at:%Y-%m-%d %H:%M} UTC; the case stays open "
                        f"until {as_utc(escalation.expires_at or until):%Y-%m-%d %H:%M} UTC."
                    )
            audit.record(
                session,
                at=self.clock.now(),
                actor=by.actor,
                action=REFUSED,
                verdict="deny",
                rule_id=rule_id,
                reason=reason,
                customer_id=customer_id,
                detail={"escalation_id": escalation_id, "channel": by.channel.value},
            )
            session.commit()
        message = f"Approval refused: {reason}. Nothing ran; the case stays open.{kept}"
        return Decision(escalation_id, "approve", Outcome.REFUSED, message, "open")

    def _applied(
        self,
        session: Session,
        escalation: Escalation,
        action: str,
        by: Person,
        message: str,
        note: str,
        triggered: dict[str, Any],
    ) -> Decision:
        """Audit the decision (who, when, which channel, what it triggered) and commit it."""
        audit.record(
            session,
            at=self.clock.now(),
            actor=by.actor,
            action=f"decision.{action}",
            reason=message,
            customer_id=escalation.customer_id,
            detail={
                "escalation_id": escalation.id,
                "channel": by.channel.value,
                "user_ref": by.ref,
                "note": note,
                "triggered": triggered,
            },
        )
        session.commit()
        return Decision(
            escalation.id or 0, action, Outcome.APPLIED, message, escalation.status, triggered
        )


def _wake_agent(session: Session, escalation: Escalation, now: datetime, detail: str) -> None:
    """Tell the agent of the decision: it runs on the account with ``detail``."""
    if escalation.customer_id is not None:
        session.add(
            event(
                escalation.customer_id,
                EventKind.DECISION,
                now=now,
                ref_id=escalation.id,
                detail=detail,
            )
        )


def handed_to(category: str) -> str:
    """Who an account goes to when a case that stops outreach is approved."""
    return HANDED_TO.get(category, "a person")


def hands_over(escalation: Escalation) -> bool:
    """Approving this case stops collection: it stops outreach and holds no action."""
    return escalation.category in BLOCKING_CATEGORIES and not escalation.held_action


def _ready_at(ctx: RunContext, held_since: datetime) -> datetime:
    facts = Facts(
        account=ctx.account(),
        policy=ctx.policy,
        now=ctx.clock.now(),
        session=ctx.session,
        held_since=held_since,
    )
    return send_ready_at(facts)


def edited_email(held_args: dict[str, Any], *, subject: str, body: str) -> dict[str, Any]:
    """A held email's arguments with a person's edit of its subject and body."""
    return {**held_args, "subject": subject.strip(), "body": body.strip()}


def premise_problem(account: Account | None, escalation: Escalation) -> str | None:
    """Why approving this case no longer makes sense, read from the ledger now."""
    if account is None:
        return None
    if account.customer.taken_over:
        return "a person has taken this account over; release it first"
    if escalation.held_action is None:
        return None
    args = escalation.held_action.get("args") or {}
    named = [*escalation.invoice_numbers, *(args.get("invoice_numbers") or [])]
    if args.get("invoice_number"):
        named.append(args["invoice_number"])
    # A promise may rest on the undisputed part of a partly disputed invoice.
    promising = escalation.held_action.get("tool") == "log_promise"
    disputed = fully_disputed_invoice_ids(account) if promising else account.disputed_invoice_ids()
    for number in dict.fromkeys(n.strip().upper() for n in named):
        invoice = account.invoice(number)
        if invoice is None:
            return f"invoice {number} is no longer on this account"
        if invoice.status == InvoiceStatus.PAID.value:
            return f"invoice {invoice.number} has been paid since the case was opened"
        if invoice.status == InvoiceStatus.VOID.value:
            return f"invoice {invoice.number} has been voided"
        if invoice.id in disputed:
            return f"invoice {invoice.number} is now disputed"
    if not named and account.balance_cents <= 0:
        return "nothing is owed on this account any more"
    return None


def expire_overdue(session: Session, *, now: datetime) -> list[int]:
    """Close every open case past its expiry; each is expired once, whoever runs this.

    The agent is woken for each, so it re-plans without the decision it waited for.
    Cases that stop all outreach (legal, insolvency, credit hold…) never expire: an
    undecided one must keep the account quiet, so it stays open for a person."""
    rows = session.execute(
        update(Escalation)
        .where(
            and_(
                col(Escalation.status) == EscalationStatus.OPEN.value,
                col(Escalation.expires_at).is_not(None),
                col(Escalation.expires_at) <= now,
                col(Escalation.category).notin_(BLOCKING_CATEGORIES),
            )
        )
        .values(
            status=EscalationStatus.EXPIRED.value,
            decided_at=now,
            decision_note="expired undecided",
        )
        .returning(col(Escalation.id), col(Escalation.customer_id), col(Escalation.held_action))
    ).all()
    for escalation_id, customer_id, held in rows:
        undone = f"; the held {held['tool']} was not done" if held else ""
        reason = f"escalation #{escalation_id} expired undecided{undone}"
        audit.record(
            session,
            at=now,
            actor=SYSTEM_ACTOR,
            action="decision.expire",
            reason=reason,
            customer_id=customer_id,
            detail={"escalation_id": escalation_id},
        )
        if customer_id is not None:
            session.add(
                event(customer_id, EventKind.DECISION, now=now, ref_id=escalation_id, detail=reason)
            )
    session.commit()
    return sorted(row[0] for row in rows)


def claim_reminders(session: Session, *, now: datetime, policy: Policy) -> list[int]:
    """Open cases within the reminder window that have not been reminded: each is
    claimed (``reminded_at``) once, so a reminder goes out at most once."""
    lead = timedelta(hours=policy.escalation.reminder_before_expiry_hours)
    if not lead:
        return []
    rows = session.execute(
        update(Escalation)
        .where(
            and_(
                col(Escalation.status) == EscalationStatus.OPEN.value,
                col(Escalation.reminded_at).is_(None),
                col(Escalation.expires_at).is_not(None),
                col(Escalation.expires_at) > now,
                col(Escalation.expires_at) <= now + lead,
            )
        )
        .values(reminded_at=now)
        .returning(col(Escalation.id))
    ).all()
    for (escalation_id,) in rows:
        audit.record(
            session,
            at=now,
            actor=SYSTEM_ACTOR,
            action="decision.remind",
            reason=f"escalation #{escalation_id} expires within {lead}; reminder sent",
            detail={"escalation_id": escalation_id},
        )
    session.commit()
    return sorted(row[0] for row in rows)


def _claim(
    session: Session,
    escalation_id: int,
    status: EscalationStatus,
    by: Person,
    note: str,
    now: datetime,
) -> bool:
    claimed: CursorResult[Any] = session.execute(  # type: ignore[assignment]
        update(Escalation)
        .where(
            and_(
                col(Escalation.id) == escalation_id,
                col(Escalation.status) == EscalationStatus.OPEN.value,
            )
        )
        .values(
            status=status.value,
            decided_at=now,
            decided_by=by.user[:120],
            decision_channel=by.channel.value,
            decision_note=note or None,
        )
    )
    return claimed.rowcount == 1


def _unchanged(session: Session, escalation_id: int, action: str) -> Decision:
    session.rollback()
    escalation = session.get(Escalation, escalation_id)
    if escalation is None:
        return Decision(escalation_id, action, Outcome.NOT_FOUND, f"No case #{escalation_id}.")
    return Decision(
        escalation_id,
        action,
        Outcome.ALREADY_DECIDED,
        f"Case #{escalation_id} {describe_status(escalation)}; nothing changed.",
        escalation.status,
    )


def describe_status(escalation: Escalation) -> str:
    """``was already approved by jane via slack at 2026-11-23 15:02 UTC`` and the like."""
    status = escalation.status
    if status == EscalationStatus.OPEN.value:
        return "is open"
    if status == EscalationStatus.EXPIRED.value:
        return f"has expired undecided{_at(escalation.decided_at)}"
    if status == EscalationStatus.RESOLVED.value:
        return "is resolved (its account was handed back to the agent)"
    verb = {"approved": "approved", "rejected": "rejected", "taken_over": "taken over"}.get(
        status, status
    )
    who = f" by {escalation.decided_by}" if escalation.decided_by else ""
    via = f" via {escalation.decision_channel}" if escalation.decision_channel else ""
    return f"was already {verb}{who}{via}{_at(escalation.decided_at)}"


def _at(moment: datetime | None) -> str:
    return f" at {as_utc(moment):%Y-%m-%d %H:%M} UTC" if moment else ""


def _effect(tool: str, result: dict[str, Any]) -> str:
    if tool == "send_email" and "outbox_id" in result:
        return f"the email is queued in the outbox (#{result['outbox_id']})"
    if tool == "log_promise" and "promise_id" in result:
        return f"promise #{result['promise_id']} is recorded"
    return f"{tool} ran"
