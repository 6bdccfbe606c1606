"""The runner: find the accounts that need attention now, lease each, and run
them concurrently within a bound.

A lease is a row-level claim on the customer (owner + expiry). On PostgreSQL
the claim is taken under ``FOR UPDATE SKIP LOCKED``, so several recoup
processes can share one database without ever working the same account at
once; on SQLite (one writer) a conditional UPDATE does the same.
"""

from __future__ import annotations

import asyncio
import os
import socket
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import structlog
from sqlalchemy import ColumnElement, and_, or_, update
from sqlmodel import Session, col, select

from recoup.agent.loop import AgentDeps, RunResult, run_account
from recoup.ledger.cash import settle_due_promises
from recoup.ledger.db import is_postgres
from recoup.ledger.db import session as open_session
from recoup.ledger.events import event, next_aging_event
from recoup.ledger.models import Customer, Event, EventKind, Invoice, InvoiceStatus

log = structlog.get_logger(__name__)
# How many due events the attention query reads for each account it is asked for.
EVENTS_PER_ACCOUNT_READ = 4


@dataclass
class TickReport:
    due: int = 0
    leased: int = 0
    results: list[RunResult] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)


def default_owner() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


class Runner:
    def __init__(
        self,
        deps: AgentDeps,
        *,
        concurrency: int = 8,
        owner: str | None = None,
        lease_seconds: int = 600,
    ) -> None:
        self.deps = deps
        self.concurrency = concurrency
        self.owner = (owner or default_owner())[:64]
        self.lease_seconds = lease_seconds

    def due_accounts(self, session: Session, limit: int | None = None) -> list[int]:
        """Accounts with an event due now that nobody is working, longest due first: the
        attention query. It walks the index on (processed_at, due_at) and stops at the
        limit (a DISTINCT would read every due event first); leased accounts are left
        out, so that several runners sharing the book each find work of their own."""
        now = self.deps.clock.now()
        query = (
            select(Event.customer_id)
            .join(Customer, col(Customer.id) == col(Event.customer_id))
            .where(col(Event.processed_at).is_(None), Event.due_at <= now, _lease_free(now))
            .order_by(col(Event.due_at))
        )
        if limit is not None:
            query = query.limit(limit * EVENTS_PER_ACCOUNT_READ)
        accounts = list(dict.fromkeys(session.exec(query)))
        return accounts[:limit] if limit is not None else accounts

    def lease(self, session: Session, customer_ids: list[int]) -> list[int]:
        now = self.deps.clock.now()
        free = _lease_free(now)
        if not customer_ids:
            return []
        if is_postgres(session.get_bind()):  # type: ignore[arg-type]
            locked = list(
                session.exec(
                    select(Customer.id)
                    .where(col(Customer.id).in_(customer_ids), free)
                    .with_for_update(skip_locked=True)
                )
            )
            customer_ids = [cid for cid in locked if cid is not None]
            if not customer_ids:
                session.commit()
                return []
        claimed = session.execute(
            update(Customer)
            .where(and_(col(Customer.id).in_(customer_ids), free))
            .values(lease_owner=self.owner, lease_until=now + timedelta(seconds=self.lease_seconds))
            .returning(col(Customer.id))
        )
        ids = [row[0] for row in claimed]
        session.commit()
        return ids

    def release(self, session: Session, customer_id: int) -> None:
        """Give the account back; the caller commits (with its own last writes)."""
        session.execute(
            update(Customer)
            .where(and_(col(Customer.id) == customer_id, col(Customer.lease_owner) == self.owner))
            .values(lease_owner=None, lease_until=None)
        )

    async def tick(
        self, limit: int | None = None, on_done: Callable[[int], None] | None = None
    ) -> TickReport:
        """One pass: every account due now (up to ``limit``), each run once."""
        report = TickReport()
        with open_session(self.deps.engine) as session:
            due = self.due_accounts(session, limit)
            report.due = len(due)
            leased = self.lease(session, due)
            report.leased = len(leased)
        gate = asyncio.Semaphore(self.concurrency)

        async def work(customer_id: int) -> None:
            async with gate:
                try:
                    result = await self.work_account(customer_id)
                    if result is not None:
                        report.results.append(result)
                except Exception as exc:  # one account's failure must not stop the others
                    log.exception("account_run_failed", customer_id=customer_id)
                    report.errors.append((customer_id, f"{type(exc).__name__}: {exc}"))
                    with open_session(self.deps.engine) as session:
                        self.release(session, customer_id)
                        session.commit()
                finally:
                    if on_done:
                        on_done(customer_id)

        await asyncio.gather(*(work(customer_id) for customer_id in leased))
        return report

    async def work_account(self, customer_id: int) -> RunResult | None:
        """Run the account for its due events; the run's close marks them done."""
        now = self.deps.clock.now()
        with open_session(self.deps.engine) as session:
            events = list(
                session.exec(
                    select(Event)
                    .where(
                        Event.customer_id == customer_id,
                        col(Event.processed_at).is_(None),
                        Event.due_at <= now,
                    )
                    .order_by(col(Event.due_at), col(Event.id))
                )
            )
            if not events:
                self.release(session, customer_id)
                session.commit()
                return None
            promise_due = any(e.kind == EventKind.PROMISE_DUE.value for e in events)
            settled = (
                settle_due_promises(session, customer_id, now, self.deps.policy.promises.grace_days)
                if promise_due
                else []
            )
            for promise in settled:
                if promise.status == "broken":
                    events.append(
                        event(
                            customer_id,
                            EventKind.PROMISE_BROKEN,
                            now=now,
                            ref_id=promise.id,
                            detail=f"promise #{promise.id} for {promise.promised_date} was broken",
                        )
                    )
            if settled:
                session.commit()
        return await run_account(
            self.deps,
            customer_id,
            events,
            on_finish=lambda session, run_id: self._close_events(
                session, customer_id, events, run_id
            ),
        )

    def _close_events(
        self, session: Session, customer_id: int, events: list[Event], run_id: int
    ) -> None:
        """Mark the run's events done, wake the account at its next aging threshold and
        give the lease back: with the run's close, in its transaction."""
        done_at = self.deps.clock.now()
        stored = [e.id for e in events if e.id is not None]
        session.execute(
            update(Event)
            .where(col(Event.id).in_(stored))
            .values(processed_at=done_at, run_id=run_id)
        )
        for pending in events:
            if pending.id is None:  # made during this pass (a broken promise): keep a record
                pending.processed_at = done_at
                pending.run_id = run_id
                session.add(pending)
            elif pending.kind == EventKind.AGING.value and pending.ref_id:
                schedule_next_aging(session, self.deps, pending.ref_id)
        self.release(session, customer_id)


def _lease_free(now: datetime) -> ColumnElement[bool]:
    return or_(col(Customer.lease_until).is_(None), col(Customer.lease_until) < now)


def schedule_next_aging(session: Session, deps: AgentDeps, invoice_id: int) -> None:
    """Wake the account again when this invoice crosses its next aging threshold."""
    invoice = session.get(Invoice, invoice_id)
    if invoice is None or invoice.status != InvoiceStatus.OPEN.value:
        return
    upcoming = next_aging_event(
        invoice, deps.policy.cadence.aging_thresholds_days, now=deps.clock.now()
    )
    if upcoming is not None:
        session.add(upcoming)
