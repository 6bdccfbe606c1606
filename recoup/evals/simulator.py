"""Run one scenario over its horizon on a simulated clock, through the code
`recoup run` uses: mail ingest, the runner, the agent loop, the guardrails,
the tools, the outbox and its transport, cash application.

Time jumps from one moment something happens to the next (an event falling
due, a customer's mail or payment, the outbox, the baseline's daily batch),
so 90 days take a fraction of a second. Each run gets its own SQLite file
(database.py).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Literal

from sqlalchemy import Engine, func
from sqlmodel import col, select

from recoup.agent.loop import AgentDeps
from recoup.agent.runner import Runner
from recoup.chat import ModelClient
from recoup.clock import FixedClock, as_utc
from recoup.evals.approver import ScriptedApprover
from recoup.evals.baseline import DunningBaseline
from recoup.evals.calibration import Calibration
from recoup.evals.customers import Customers, PlannedMail, PlannedPayment
from recoup.evals.database import database_from, seeded_ledger
from recoup.evals.dice import Dice
from recoup.evals.dispute_endings import DisputeEndings
from recoup.evals.scenario import Scenario
from recoup.evals.seed import Ledger, issue_time, new_invoices_batch
from recoup.ledger.cash import apply_payment
from recoup.ledger.connectors.ingest import ingest
from recoup.ledger.db import session as open_session
from recoup.ledger.models import (
    Direction,
    Event,
    Invoice,
    InvoiceStatus,
    Message,
    MessageStatus,
    Payment,
)
from recoup.mail.ingest import ingest_message
from recoup.mail.outbox import deliver_due
from recoup.mail.transports.base import bare_message_id
from recoup.mail.transports.memory import InMemoryTransport
from recoup.policy import Policy
from recoup.tools.registry import ToolRegistry, default_registry

MAX_TICKS_PER_MOMENT = 2
STUCK_RETRY = timedelta(hours=1)
SIM_PAYMENT_PREFIX = "SIM-"


@dataclass(frozen=True)
class Contender:
    """Who works the ledger: recoup with a model, or the dunning baseline."""

    kind: Literal["agent", "baseline"]
    label: str
    model_factory: Callable[[], ModelClient] | None = None

    @classmethod
    def agent(cls, label: str, model_factory: Callable[[], ModelClient]) -> Contender:
        return cls("agent", label, model_factory)

    @classmethod
    def dunning(cls) -> Contender:
        return cls("baseline", "dunning")


@dataclass(frozen=True)
class Arrival:
    spec_id: str
    customer: str
    at: datetime
    db_id: int | None
    status: str


@dataclass
class SimulationLog:
    scenario_id: str
    contender: str
    arrivals: dict[str, Arrival] = field(default_factory=dict)
    delivered: list[tuple[datetime, str, list[str]]] = field(default_factory=list)
    payments: list[tuple[datetime, str, int, str]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    model_calls: int = 0


@dataclass
class Simulation:
    """A finished run whose database is still open for scoring."""

    scenario: Scenario
    contender: Contender
    engine: Engine
    ledger: Ledger
    log: SimulationLog
    policy: Policy
    clock: FixedClock


class _Run:
    def __init__(
        self,
        scenario: Scenario,
        contender: Contender,
        *,
        seed: int,
        calibration: Calibration,
        policy: Policy,
        engine: Engine,
    ) -> None:
        self.scenario = scenario
        self.contender = contender
        self.policy = policy
        self.engine = engine
        self.clock = FixedClock(scenario.start)
        self.transport = InMemoryTransport()
        self.customers = Customers(
            scenario, calibration, Dice(seed, scenario.id), to_address=scenario.mail_from
        )
        self.log = SimulationLog(scenario.id, contender.label)
        self._payment_refs = itertools.count(1)
        self._seen_sent = 0
        self._outbox_dirty = False
        self._outbox_next: datetime | None = None
        # Outbox and event times are read again only after the ledger changed.
        self._ledger_changed = True
        self._event_next: datetime | None = None
        with open_session(engine) as session:
            self.ledger = Ledger.read(session)
        self.endings = DisputeEndings(scenario, engine, self.clock, policy)
        self.model: ModelClient | None = None
        self.runner: Runner | None = None
        self.baseline: DunningBaseline | None = None
        self.approver = ScriptedApprover(
            engine,
            self.clock,
            policy,
            scenario.decisions,
            ledger=self.ledger,
            registry=_registry(),
            mail_from=scenario.mail_from,
        )
        self._decision_next: datetime | None = None
        if contender.kind == "agent":
            assert contender.model_factory is not None
            self.model = contender.model_factory()
            deps = AgentDeps(
                engine=engine,
                clock=self.clock,
                policy=policy,
                model=self.model,
                registry=_registry(),
                mail_from=scenario.mail_from,
            )
            self.runner = Runner(deps, concurrency=4, owner="eval")
        else:
            self.baseline = DunningBaseline(
                engine,
                self.clock,
                mail_from=scenario.mail_from,
                company_name=policy.company_name,
                sender_name=policy.sender_name,
            )
        self._issue_days = sorted(
            {
                inv.issued
                for customer in scenario.customers
                for inv in customer.invoices
                if inv.issued > scenario.start.date()
            }
        )

    async def run(self) -> None:
        end = self.scenario.end
        while True:
            now = self.clock.now()
            self._issue_invoices(now)
            for item in self.customers.due(now):
                if isinstance(item, PlannedMail):
                    self._receive(item, now)
                else:
                    self._pay(item, now)
            self._ledger_changed |= self.endings.run_due(now)
            if self.approver.decide(now):
                self._outbox_dirty = self._ledger_changed = True
            await self._work(now)
            if self._outbox_dirty or (self._outbox_next is not None and self._outbox_next <= now):
                await self._deliver(now)
            upcoming = self._next_moment(now)
            if upcoming >= end:
                break
            self.clock.set(upcoming)
        self.clock.set(end)
        self.log.errors.extend(self.endings.errors)
        if self.model is not None:
            self.log.model_calls = int(getattr(self.model, "calls", 0))

    # --- the moments -----------------------------------------------------------

    def _issue_invoices(self, now: datetime) -> None:
        while self._issue_days and issue_time(self._issue_days[0]) <= now:
            day = self._issue_days.pop(0)
            batch = new_invoices_batch(self.scenario, day)
            if batch is None:
                continue
            with open_session(self.engine) as session:
                ingest(session, batch, now=now, policy=self.policy)
                session.commit()
            self._ledger_changed = True
            if self.baseline is not None:
                self.baseline.refresh()
            for record in batch.invoices:
                self.customers.invoice_issued(record.customer_ref, record.number, now)

    def _receive(self, mail: PlannedMail, now: datetime) -> None:
        with open_session(self.engine) as session:
            result = ingest_message(session, mail.raw, now=now, policy=self.policy)
            session.commit()
        self._ledger_changed = True
        if mail.spec_id is not None:
            self.log.arrivals[mail.spec_id] = Arrival(
                mail.spec_id, mail.customer, now, result.message_db_id, result.status.value
            )
            self.endings.arrived(mail.spec_id, now)
        self.customers.stored(mail, now)

    def _pay(self, plan: PlannedPayment, now: datetime) -> None:
        happens, numbers = self.customers.payable(plan, now.date())
        if not happens:
            return
        customer_id = self.ledger.ids[plan.customer]
        with open_session(self.engine) as session:
            open_rows = list(
                session.exec(
                    select(Invoice).where(
                        Invoice.customer_id == customer_id,
                        Invoice.status == InvoiceStatus.OPEN.value,
                        col(Invoice.number).in_(numbers or ["-"]),
                    )
                )
            )
            owed = sum(row.open_cents for row in open_rows)
            if plan.amount_cents is not None:
                amount = plan.amount_cents
            elif plan.instalment is not None:
                index, count = plan.instalment
                amount = owed // max(1, count - index)
            else:
                amount = owed
            if amount <= 0:
                return
            payment = Payment(
                customer_id=customer_id,
                ref=f"{SIM_PAYMENT_PREFIX}{next(self._payment_refs):05d}",
                amount_cents=amount,
                received_on=now.date(),
                references=plan.references,
                method=plan.method,
            )
            session.add(payment)
            session.flush()
            application = apply_payment(
                session,
                payment,
                now=now,
                grace_days=self.policy.promises.grace_days,
                policy=self.policy,
            )
            session.commit()
            self._ledger_changed = True
            closed = (session.get(Invoice, a.invoice_id) for a in application.allocations)
            settled = [
                inv.number for inv in closed if inv and inv.status != InvoiceStatus.OPEN.value
            ]
        self.customers.paid(plan.customer, settled)
        self.log.payments.append((now, plan.customer, amount, plan.reason))

    async def _work(self, now: datetime) -> None:
        if self.runner is not None:
            if not self._ledger_changed and (self._event_next is None or self._event_next > now):
                return
            for _ in range(MAX_TICKS_PER_MOMENT):
                report = await self.runner.tick()
                self.log.errors.extend(f"{now:%Y-%m-%d %H:%M} {e}" for _, e in report.errors)
                if not report.leased:
                    break
                self._outbox_dirty = self._ledger_changed = True
        elif self.baseline is not None and self.baseline.run(now):
            self._outbox_dirty = self._ledger_changed = True

    async def _deliver(self, now: datetime) -> None:
        self._outbox_dirty = False
        self._ledger_changed = True
        await deliver_due(
            self.engine,
            self.transport,
            clock=self.clock,
            policy=self.policy,
            from_name=self.policy.sender_name,
        )
        fresh = self.transport.sent[self._seen_sent :]
        self._seen_sent = len(self.transport.sent)
        if not fresh:
            return
        with open_session(self.engine) as session:
            rows = {
                row.message_id: row
                for row in session.exec(
                    select(Message).where(
                        col(Message.message_id).in_([bare_message_id(e) for e in fresh])
                    )
                )
            }
        for email in fresh:
            row = rows.get(bare_message_id(email))
            ref = self.ledger.ref_of(row.customer_id if row else None)
            recipients = [*email.get_all("To", []), *email.get_all("Cc", [])]
            self.log.delivered.append((now, ref or "", [str(r) for r in recipients]))
            if ref is not None and row is not None:
                self.customers.delivered(email, customer=ref, tone=row.tone, now=now)

    def _next_moment(self, now: datetime) -> datetime:
        if self._ledger_changed:
            self._read_schedule()
        candidates = [
            self._outbox_next,
            self._event_next,
            self._decision_next,
            self.customers.next_time(),
            self.endings.next_time(),
        ]
        if self._issue_days:
            candidates.append(issue_time(self._issue_days[0]))
        if self.baseline is not None:
            candidates.append(self.baseline.next_time(now))  # None: nothing left to send
        upcoming = min((m for m in candidates if m is not None), default=self.scenario.end)
        return upcoming if upcoming > now else now + STUCK_RETRY

    def _read_schedule(self) -> None:
        self._ledger_changed = False
        self._decision_next = self.approver.next_time()
        outbox = (
            select(func.min(Message.next_attempt_at))
            .where(
                Message.direction == Direction.OUTBOUND.value,
                Message.status == MessageStatus.QUEUED.value,
            )
            .scalar_subquery()
        )
        events = (
            select(func.min(Event.due_at))
            .where(col(Event.processed_at).is_(None))
            .scalar_subquery()
        )
        with open_session(self.engine) as session:
            outbox_next, event_next = session.exec(select(outbox, events)).one()
        self._outbox_next = as_utc(outbox_next) if outbox_next is not None else None
        if self.runner is not None and event_next is not None:
            self._event_next = as_utc(event_next)
        else:
            self._event_next = None


@cache
def _registry() -> ToolRegistry:
    """The tools, built once per process (building their schemas is not free)."""
    return default_registry()


async def simulate(
    scenario: Scenario,
    contender: Contender,
    *,
    seed: int,
    calibration: Calibration,
    policy: Policy,
    directory: Path,
    ledger: bytes | None = None,
) -> Simulation:
    """Run ``scenario`` to its horizon in a fresh database under ``directory``,
    starting from ``ledger`` (``seeded_ledger``) when given; under ``policy`` with the
    scenario's own changes to it."""
    policy = scenario.policy_over(policy)
    engine = database_from(ledger or seeded_ledger(scenario, policy), directory)
    run = _Run(
        scenario, contender, seed=seed, calibration=calibration, policy=policy, engine=engine
    )
    await run.run()
    return Simulation(scenario, contender, engine, run.ledger, run.log, policy, run.clock)
