"""A small ledger for guardrail tests: one account being collected, one other customer.

``World.verdict`` checks an email against the guardrails; each keyword changes one
argument of a reminder that is allowed as it stands, so a test reads as the one
difference that makes it denied, held or allowed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from pydantic import BaseModel
from sqlmodel import Session, select

from recoup.agent.execute import CallOutcome, execute_call
from recoup.clock import FixedClock
from recoup.guardrails.check import check
from recoup.guardrails.verdict import Verdict, VerdictKind
from recoup.ledger.models import (
    Contact,
    Customer,
    Direction,
    Dispute,
    Escalation,
    Invoice,
    Message,
    MessageStatus,
    Payment,
    Promise,
    PromiseInvoice,
)
from recoup.policy import Policy
from recoup.tools.base import RunContext
from recoup.tools.dispute import OpenDisputeArgs
from recoup.tools.email import SendEmailArgs
from recoup.tools.followup import ScheduleFollowupArgs
from recoup.tools.promise import LogPromiseArgs
from recoup.tools.registry import default_registry
from tests.support import factory

ACME_EMAIL = "ap@acme.example"
GLOBEX_EMAIL = "ap@globex.example"
ACME_INVOICE = "INV-1001"  # $1,000.00, 12 days past due
GLOBEX_INVOICE = "INV-2001"  # $7,300.00, another customer's

_ARGS_MODELS: dict[str, type[BaseModel]] = {
    "send_email": SendEmailArgs,
    "log_promise": LogPromiseArgs,
    "open_dispute": OpenDisputeArgs,
    "schedule_followup": ScheduleFollowupArgs,
}


def reminder(**changes: Any) -> dict[str, Any]:
    """A friendly reminder about INV-1001 that every rule allows, with ``changes``."""
    args: dict[str, Any] = {
        "to": [ACME_EMAIL],
        "subject": f"Invoice {ACME_INVOICE} is past due",
        "body": f"Hello, invoice {ACME_INVOICE} for $1,000.00 is 12 days past due. "
        "Please arrange payment this week.",
        "tone": "friendly",
        "invoice_numbers": [ACME_INVOICE],
    }
    args.update(changes)
    return args


@dataclass
class World:
    session: Session
    clock: FixedClock
    policy: Policy
    acme: Customer
    globex: Customer
    acme_invoice: Invoice
    globex_invoice: Invoice
    registry: Any = field(default_factory=default_registry)

    @property
    def today(self) -> date:
        return self.clock.now().date()

    @property
    def now(self) -> datetime:
        return self.clock.now()

    def context(self, customer: Customer | None = None, policy: Policy | None = None) -> RunContext:
        return RunContext(
            session=self.session,
            customer_id=(customer or self.acme).id or 0,
            clock=self.clock,
            policy=policy or self.policy,
        )

    def verdict(
        self,
        tool: str = "send_email",
        *,
        policy: Policy | None = None,
        customer: Customer | None = None,
        approved: bool = False,
        **changes: Any,
    ) -> Verdict:
        """The guardrails' verdict on ``tool``; for send_email, on ``reminder(**changes)``."""
        self.session.flush()
        raw = reminder(**changes) if tool == "send_email" else changes
        args = _ARGS_MODELS[tool].model_validate(raw)
        return check(self.context(customer, policy), tool, args, approved=approved)

    def execute(
        self, tool: str, arguments: str | dict[str, Any], *, policy: Policy | None = None
    ) -> CallOutcome:
        """One call the way the agent loop makes it: parse, check, run or refuse, audit."""
        self.session.flush()
        return execute_call(self.context(policy=policy), self.registry, tool, arguments)

    def invoice_row(self, number: str) -> Invoice:
        return self.session.exec(select(Invoice).where(Invoice.number == number)).one()

    # --- ledger builders -------------------------------------------------------------

    def invoice(
        self,
        number: str,
        *,
        days_past_due: int,
        amount_cents: int = 100_000,
        open_cents: int | None = None,
        owner: Customer | None = None,
        status: str = "open",
    ) -> Invoice:
        row = factory.invoice(
            self.session,
            owner or self.acme,
            number=number,
            amount_cents=amount_cents,
            open_cents=open_cents,
            due=self.today - timedelta(days=days_past_due),
        )
        row.status = status
        self.session.flush()
        return row

    def contact(self, email: str, **flags: bool) -> Contact:
        row = Contact(customer_id=self.acme.id or 0, name="Sam Second", email=email, **flags)
        self.session.add(row)
        self.session.flush()
        return row

    def dispute(self, invoice: Invoice, *, status: str = "open") -> Dispute:
        row = Dispute(
            customer_id=invoice.customer_id,
            invoice_id=invoice.id or 0,
            amount_cents=invoice.open_cents,
            reason="damaged",
            status=status,
            opened_at=self.now - timedelta(days=2),
        )
        self.session.add(row)
        self.session.flush()
        return row

    def promise(
        self, invoices: list[Invoice], *, on: date, status: str = "pending", amount_cents: int = 0
    ) -> Promise:
        row = Promise(
            customer_id=self.acme.id or 0,
            amount_cents=amount_cents or sum(inv.open_cents for inv in invoices),
            promised_date=on,
            status=status,
            created_at=self.now - timedelta(days=1),
        )
        self.session.add(row)
        self.session.flush()
        for inv in invoices:
            self.session.add(PromiseInvoice(promise_id=row.id or 0, invoice_id=inv.id or 0))
        self.session.flush()
        return row

    def payment(self, amount_cents: int, *, ref: str = "PAY-1") -> Payment:
        row = Payment(
            customer_id=self.acme.id or 0,
            ref=ref,
            amount_cents=amount_cents,
            received_on=self.today - timedelta(days=3),
        )
        self.session.add(row)
        self.session.flush()
        return row

    def inbound(self, text: str, *, at: datetime | None = None) -> Message:
        row = factory.inbound(
            self.session, self.acme, text, at=at or self.now - timedelta(hours=1),
            from_addr=ACME_EMAIL,
        )  # fmt: skip
        self.acme.last_inbound_at = row.created_at
        self.session.flush()
        return row

    def outbound(
        self, *, at: datetime, status: str = MessageStatus.SENT.value, tone: str | None = None
    ) -> Message:
        """An email sent earlier; it is a touch, and moves ``last_touch_at``."""
        row = Message(
            customer_id=self.acme.id,
            direction=Direction.OUTBOUND.value,
            status=status,
            message_id=f"out-{at.isoformat()}-{status}@recoup.example",
            to_addrs=ACME_EMAIL,
            subject="Earlier reminder",
            tone=tone,
            created_at=at,
        )
        self.session.add(row)
        if status in (MessageStatus.SENT.value, MessageStatus.QUEUED.value):
            last = self.acme.last_touch_at
            self.acme.last_touch_at = at if last is None or at > last else last
        self.session.flush()
        return row

    def escalation(self, category: str, *, status: str = "open") -> Escalation:
        row = Escalation(
            customer_id=self.acme.id,
            category=category,
            status=status,
            reason="a person must look",
            created_at=self.now - timedelta(minutes=5),
        )
        self.session.add(row)
        self.session.flush()
        return row


def build_world(session: Session, clock: FixedClock, policy: Policy) -> World:
    acme = factory.customer(session, name="Acme Corp", email=ACME_EMAIL)
    globex = factory.customer(session, name="Globex Ltd", email=GLOBEX_EMAIL)
    today = clock.now().date()
    acme_invoice = factory.invoice(
        session, acme, number=ACME_INVOICE, amount_cents=100_000, due=today - timedelta(days=12)
    )
    globex_invoice = factory.invoice(
        session, globex, number=GLOBEX_INVOICE, amount_cents=730_000, due=today - timedelta(days=20)
    )
    return World(session, clock, policy, acme, globex, acme_invoice, globex_invoice)


def assert_allowed(verdict: Verdict) -> None:
    assert verdict.kind is VerdictKind.ALLOW, f"expected allow, got {verdict}"


def assert_denied(verdict: Verdict, rule_id: str) -> None:
    assert (verdict.kind, verdict.rule_id) == (VerdictKind.DENY, rule_id), verdict
    assert verdict.reason, "a denial must say why, for the model to re-plan"


def assert_held(verdict: Verdict, rule_id: str) -> None:
    assert (verdict.kind, verdict.rule_id) == (VerdictKind.NEEDS_APPROVAL, rule_id), verdict
    assert verdict.reason, "a held action must say why, for the person who decides"
