"""What happened in a run, read back from the ledger it left behind.

The auditor, the attack checks, the expectations and the scores all judge
this record, never what the agent said it did.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlmodel import Session, col, select

from recoup.clock import as_utc
from recoup.evals.scenario import Scenario
from recoup.evals.simulator import Arrival, Simulation
from recoup.ledger.db import session as open_session
from recoup.ledger.models import (
    AgentRun,
    AuditEvent,
    Contact,
    CreditMemo,
    Customer,
    Direction,
    Dispute,
    DisputeOutcome,
    Escalation,
    Event,
    EventKind,
    Invoice,
    Message,
    MessageStatus,
    Payment,
    PaymentAllocation,
    Promise,
    PromiseInvoice,
)

_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9/_-]*[A-Za-z0-9]")


def tokens(text: str) -> set[str]:
    return {token.upper() for token in _TOKEN.findall(text)}


@dataclass(frozen=True)
class Outbound:
    id: int
    customer: str
    created_at: datetime
    status: str
    recipients: tuple[str, ...]
    subject: str
    text: str
    tone: str | None
    named: frozenset[str]  # every ledger invoice number it names, any customer's
    attachments: tuple[dict[str, Any], ...]
    answers: int | None  # the inbound message (db id) it replies to, same account
    actor: str
    run_id: int | None
    concession: dict[str, Any] | None

    @property
    def acknowledgement(self) -> bool:
        """A courtesy answer to the customer's own message: not a reminder."""
        return self.tone == "courtesy" and self.answers is not None

    @property
    def approved_by_person(self) -> bool:
        return self.actor.startswith("person:")

    @property
    def body(self) -> str:
        return f"{self.subject}\n{self.text}"


@dataclass(frozen=True)
class ExecutedCall:
    run_id: int
    customer_id: int
    name: str
    args: dict[str, Any]
    status: str
    result: Any


@dataclass
class Observation:
    scenario: Scenario
    contender: str
    start: datetime
    end: datetime
    ids: dict[str, int]
    customers: dict[str, Customer]
    contacts: dict[str, list[Contact]]
    invoices: dict[str, Invoice]
    owner: dict[str, str]  # invoice number -> customer ref
    outbound: list[Outbound]
    inbound_rows: dict[int, Message]
    arrivals: dict[str, Arrival]
    disputes: list[Dispute]
    promises: list[Promise]
    promise_invoices: dict[int, list[str]]
    escalations: list[Escalation]
    runs: list[AgentRun]
    calls: list[ExecutedCall]
    audit: list[AuditEvent]  # the emails sent (who sent each)
    message_runs: dict[int, int]  # inbound db id -> run that read it
    allocations: list[tuple[str, date, int, str]]  # invoice, received_on, cents, payment ref
    payments: list[Payment]
    delivered: list[tuple[datetime, str, list[str]]]
    # What left an invoice without money: credit memos, and disputes a person wrote off
    # (invoice, the day, cents).
    credits: list[tuple[str, date, int]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    model_calls: int = 0

    def ref_of(self, customer_id: int | None) -> str | None:
        return next((ref for ref, cid in self.ids.items() if cid == customer_id), None)

    def arrived(self, spec_id: str) -> Arrival | None:
        return self.arrivals.get(spec_id)

    def escalations_of(self, ref: str) -> list[Escalation]:
        customer_id = self.ids.get(ref)
        return [e for e in self.escalations if e.customer_id == customer_id]

    def invoices_of(self, ref: str) -> list[Invoice]:
        return [inv for number, inv in self.invoices.items() if self.owner[number] == ref]

    def open_at(self, number: str, day: date) -> int:
        """An invoice's open balance at the end of ``day``, rebuilt from the cash."""
        invoice = self.invoices[number]
        later = sum(c for n, received, c, _ in self.allocations if n == number and received > day)
        later += sum(c for n, on, c in self.credits if n == number and on > day)
        return invoice.open_cents + later

    @property
    def credited(self) -> dict[str, int]:
        """Per invoice, all that credits took off it."""
        total: dict[str, int] = {}
        for number, _, cents in self.credits:
            total[number] = total.get(number, 0) + cents
        return total


def _aware(moment: datetime | None) -> datetime | None:
    return as_utc(moment) if moment is not None else None


def _declared(runs: list[AgentRun]) -> tuple[list[ExecutedCall], dict[int, dict[str, Any]]]:
    """Tool calls from the runs' traces, and the concession each sent email declared."""
    calls: list[ExecutedCall] = []
    concessions: dict[int, dict[str, Any]] = {}
    for run in runs:
        pending: list[dict[str, Any]] = []
        for entry in run.trace or []:
            if entry.get("type") == "model":
                pending = list(entry.get("tool_calls") or [])
            elif entry.get("type") == "tool" and pending:
                call = pending.pop(0)
                try:
                    args = json.loads(call.get("arguments") or "{}")
                except (TypeError, ValueError):
                    args = {}
                if not isinstance(args, dict):
                    args = {}
                result = entry.get("result")
                calls.append(
                    ExecutedCall(
                        run.id or 0,
                        run.customer_id,
                        entry.get("name", call.get("name", "")),
                        args,
                        entry.get("status", ""),
                        result,
                    )
                )
                if (
                    entry.get("name") == "send_email"
                    and entry.get("status") == "ok"
                    and isinstance(result, dict)
                    and args.get("concession")
                ):
                    concessions[int(result.get("outbox_id", 0))] = args["concession"]
    return calls, concessions


def observe(simulation: Simulation) -> Observation:
    with open_session(simulation.engine) as session:
        return _observe(session, simulation)


def _observe(session: Session, simulation: Simulation) -> Observation:
    scenario = simulation.scenario
    ids = dict(simulation.ledger.ids)
    refs = {cid: ref for ref, cid in ids.items()}
    invoices = {inv.number: inv for inv in session.exec(select(Invoice))}
    runs = list(session.exec(select(AgentRun).order_by(col(AgentRun.id))))
    calls, concessions = _declared(runs)
    concessions.update(_approved_concessions(session))
    audit = _sent_email_audit(session)
    messages = list(session.exec(select(Message).order_by(col(Message.id))))
    inbound_rows = {m.id or 0: m for m in messages if m.direction == Direction.INBOUND.value}
    mail = _MailContext(refs, invoices, inbound_rows, _senders(audit), concessions)
    payments = list(session.exec(select(Payment)))
    return Observation(
        scenario=scenario,
        contender=simulation.contender.label,
        start=scenario.start,
        end=scenario.end,
        ids=ids,
        customers={refs[c.id]: c for c in session.exec(select(Customer)) if c.id in refs},
        contacts=_contacts(session, refs),
        invoices=invoices,
        owner={number: refs.get(inv.customer_id, "") for number, inv in invoices.items()},
        outbound=[mail.outbound(m) for m in messages if m.direction == Direction.OUTBOUND.value],
        inbound_rows=inbound_rows,
        arrivals=dict(simulation.log.arrivals),
        disputes=list(session.exec(select(Dispute))),
        promises=list(session.exec(select(Promise).order_by(col(Promise.id)))),
        promise_invoices=_promise_invoices(session, invoices),
        escalations=list(session.exec(select(Escalation).order_by(col(Escalation.id)))),
        runs=runs,
        calls=calls,
        audit=audit,
        message_runs=_message_runs(session),
        allocations=_allocations(session, invoices, payments),
        payments=payments,
        delivered=list(simulation.log.delivered),
        errors=list(simulation.log.errors),
        model_calls=simulation.log.model_calls,
        credits=_credits(session, invoices),
    )


def _credits(session: Session, invoices: dict[str, Invoice]) -> list[tuple[str, date, int]]:
    """Credit memos and written-off disputes, each with its day (a person's or the system
    of record's decision, in the audit trail)."""
    numbers = {inv.id: number for number, inv in invoices.items()}
    rows = [(m.invoice_id, m.issued_on, m.amount_cents) for m in session.exec(select(CreditMemo))]
    rows += [
        (d.invoice_id, as_utc(d.resolved_at).date(), d.amount_cents)
        for d in session.exec(select(Dispute))
        if d.outcome == DisputeOutcome.WRITTEN_OFF.value and d.resolved_at is not None
    ]
    return [
        (numbers[invoice_id], day, cents)
        for invoice_id, day, cents in rows
        if invoice_id is not None and invoice_id in numbers
    ]


def _contacts(session: Session, refs: dict[int, str]) -> dict[str, list[Contact]]:
    contacts: dict[str, list[Contact]] = {ref: [] for ref in refs.values()}
    for contact in session.exec(select(Contact)):
        contacts.setdefault(refs.get(contact.customer_id, ""), []).append(contact)
    return contacts


def _sent_email_audit(session: Session) -> list[AuditEvent]:
    """The audit events of the emails that were queued (who sent each)."""
    return list(
        session.exec(
            select(AuditEvent)
            .where(AuditEvent.action == "send_email", col(AuditEvent.verdict).is_(None))
            .order_by(col(AuditEvent.id))
        )
    )


def _approved_concessions(session: Session) -> dict[int, dict[str, Any]]:
    """Outbox id -> the concession a held email declared, for those a person approved."""
    found: dict[int, dict[str, Any]] = {}
    decisions = session.exec(select(AuditEvent).where(AuditEvent.action == "decision.approve"))
    for decision in decisions:
        triggered = (decision.detail or {}).get("triggered") or {}
        outbox_id = (triggered.get("result") or {}).get("outbox_id")
        case = session.get(Escalation, (decision.detail or {}).get("escalation_id") or 0)
        held = case.held_action if case is not None else None
        if outbox_id and held and held.get("tool") == "send_email":
            concession = (held.get("args") or {}).get("concession")
            if concession:
                found[int(outbox_id)] = concession
    return found


def _senders(audit: list[AuditEvent]) -> dict[int, str]:
    """Outbox id -> the actor that queued it."""
    return {
        int(event.detail.get("outbox_id", 0)): event.actor
        for event in audit
        if event.action == "send_email" and event.verdict is None and event.detail
    }


@dataclass
class _MailContext:
    """What reading an outbound message needs to know about the rest of the ledger."""

    refs: dict[int, str]
    invoices: dict[str, Invoice]
    inbound_rows: dict[int, Message]
    senders: dict[int, str]
    concessions: dict[int, dict[str, Any]]

    def __post_init__(self) -> None:
        self.numbers_upper = {number.upper(): number for number in self.invoices}
        self.by_message_id = {m.message_id: m for m in self.inbound_rows.values()}

    def outbound(self, message: Message) -> Outbound:
        return Outbound(
            id=message.id or 0,
            customer=self.refs.get(message.customer_id or 0, ""),
            created_at=as_utc(message.created_at),
            status=message.status,
            recipients=_recipients(message),
            subject=message.subject,
            text=message.text,
            tone=message.tone,
            named=self.named(message),
            attachments=tuple(message.attachments or []),
            answers=self.answers(message),
            actor=self.senders.get(message.id or 0, "agent"),
            run_id=message.run_id,
            concession=self.concessions.get(message.id or 0),
        )

    def named(self, message: Message) -> frozenset[str]:
        """Every ledger invoice number the message names, in its text or its fields."""
        upper = self.numbers_upper
        in_text = {
            upper[token] for token in tokens(f"{message.subject}\n{message.text}") if token in upper
        }
        declared = {upper[n.upper()] for n in message.invoice_numbers or [] if n.upper() in upper}
        return frozenset(in_text | declared)

    def answers(self, message: Message) -> int | None:
        """The inbound message of the same account this one replies to."""
        replied = self.by_message_id.get(message.in_reply_to or "")
        if replied is not None and replied.customer_id == message.customer_id:
            return replied.id
        return None


def _recipients(message: Message) -> tuple[str, ...]:
    return tuple(
        address.strip().lower()
        for address in f"{message.to_addrs},{message.cc_addrs}".split(",")
        if address.strip()
    )


def _promise_invoices(session: Session, invoices: dict[str, Invoice]) -> dict[int, list[str]]:
    numbers_by_id = {inv.id: inv.number for inv in invoices.values()}
    promise_invoices: dict[int, list[str]] = {}
    for link in session.exec(select(PromiseInvoice)):
        promise_invoices.setdefault(link.promise_id, []).append(
            numbers_by_id.get(link.invoice_id, "")
        )
    return promise_invoices


def _message_runs(session: Session) -> dict[int, int]:
    """Inbound message db id -> the run that read it."""
    return {
        event.ref_id: event.run_id
        for event in session.exec(
            select(Event).where(
                Event.kind == EventKind.MESSAGE.value, col(Event.run_id).is_not(None)
            )
        )
        if event.ref_id is not None and event.run_id is not None
    }


def _allocations(
    session: Session, invoices: dict[str, Invoice], payments: list[Payment]
) -> list[tuple[str, date, int, str]]:
    """Invoice number, received on, cents, payment ref: one per allocation."""
    numbers_by_id = {inv.id: inv.number for inv in invoices.values()}
    received = {p.id: (p.received_on, p.ref) for p in payments}
    return [
        (
            numbers_by_id.get(a.invoice_id, ""),
            received[a.payment_id][0],
            a.amount_cents,
            received[a.payment_id][1],
        )
        for a in session.exec(select(PaymentAllocation))
    ]


def sent(outbound: list[Outbound]) -> list[Outbound]:
    """Outbound mail that was queued or went out (failed sends never reached anyone)."""
    return [
        m for m in outbound if m.status in (MessageStatus.QUEUED.value, MessageStatus.SENT.value)
    ]
