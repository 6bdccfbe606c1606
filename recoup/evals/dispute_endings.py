"""A scenario's disputes ended by a person (through the desk the command line, the page
and Slack use) or by the system of record (a credit memo through the connector's ingest),
some days after the customer's message arrived."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import Engine
from sqlmodel import col, select

from recoup.approvals.decisions import Channel, Person
from recoup.approvals.dispute_desk import DisputeDesk
from recoup.clock import FixedClock
from recoup.errors import RecoupError
from recoup.evals.scenario import DisputeEndingSpec, Scenario
from recoup.ledger.connectors.base import CreditMemoRecord, RecordBatch
from recoup.ledger.connectors.ingest import ingest
from recoup.ledger.db import session as open_session
from recoup.ledger.models import Dispute, DisputeStatus, Invoice
from recoup.money import from_cents
from recoup.policy import Policy

REVIEWER = Person("dispute owner", Channel.WEB)
MEMO_PREFIX = "SIM-CM-"


@dataclass
class DisputeEndings:
    scenario: Scenario
    engine: Engine
    clock: FixedClock
    policy: Policy
    scheduled: list[tuple[datetime, DisputeEndingSpec]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    _memos: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def arrived(self, message_id: str, now: datetime) -> None:
        for ending in self.scenario.dispute_endings:
            if ending.after_message == message_id:
                self.scheduled.append((now + timedelta(days=ending.days_after), ending))
        self.scheduled.sort(key=lambda pair: pair[0])

    def next_time(self) -> datetime | None:
        return self.scheduled[0][0] if self.scheduled else None

    def run_due(self, now: datetime) -> bool:
        """End what is due; True when the ledger changed."""
        changed = False
        while self.scheduled and self.scheduled[0][0] <= now:
            _, ending = self.scheduled.pop(0)
            try:
                changed |= self._end(ending, now)
            except RecoupError as exc:
                self.errors.append(f"{now:%Y-%m-%d %H:%M} ending {ending.invoice}: {exc}")
        return changed

    def _end(self, ending: DisputeEndingSpec, now: datetime) -> bool:
        dispute_id = self._open_dispute(ending.invoice)
        if dispute_id is None:
            return False  # nothing was disputed: nothing to end
        if ending.outcome == "credit_memo":
            return self._credit_memo(ending, now)
        desk = DisputeDesk(self.engine, self.clock)
        if ending.outcome == "credit":
            amount = str(from_cents(ending.amount_cents)) if ending.amount_cents else None
            desk.credit(dispute_id, REVIEWER, amount=amount)
        elif ending.outcome == "write_off":
            desk.write_off(dispute_id, REVIEWER, approved_by="controller")
        else:
            desk.reject(dispute_id, REVIEWER, reason=ending.reason)
        return True

    def _open_dispute(self, number: str) -> int | None:
        with open_session(self.engine) as session:
            return session.exec(
                select(Dispute.id)
                .join(Invoice, col(Invoice.id) == col(Dispute.invoice_id))
                .where(Invoice.number == number, Dispute.status == DisputeStatus.OPEN.value)
            ).first()

    def _credit_memo(self, ending: DisputeEndingSpec, now: datetime) -> bool:
        owner = next(
            c.ref
            for c in self.scenario.customers
            if ending.invoice in {i.number for i in c.invoices}
        )
        memo = CreditMemoRecord(
            number=f"{MEMO_PREFIX}{next(self._memos):04d}",
            customer_ref=owner,
            invoice_number=ending.invoice,
            amount_cents=ending.amount_cents or 0,
            issued_on=now.date(),
            reason="credit after the customer's dispute",
        )
        with open_session(self.engine) as session:
            ingest(
                session,
                RecordBatch(source="erp:eval", credit_memos=[memo]),
                now=now,
                policy=self.policy,
            )
            session.commit()
        return True
