"""The person who decides a scenario's cases: each scripted decision is taken through the
approvals code a person uses (the page, Slack, the CLI), once its case has been open for
the hours the scenario gives."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Engine
from sqlmodel import col, select

from recoup.approvals.decisions import Channel, Decision, Decisions, Person
from recoup.clock import Clock, as_utc
from recoup.evals.scenario import DecisionSpec
from recoup.evals.seed import Ledger
from recoup.ledger.db import session as open_session
from recoup.ledger.models import Escalation, EscalationStatus
from recoup.policy import Policy
from recoup.tools.registry import ToolRegistry

APPROVER = Person("collections manager", Channel.WEB)


class ScriptedApprover:
    def __init__(
        self,
        engine: Engine,
        clock: Clock,
        policy: Policy,
        specs: list[DecisionSpec],
        *,
        ledger: Ledger,
        registry: ToolRegistry,
        mail_from: str,
    ) -> None:
        self.engine = engine
        self.ledger = ledger
        self.pending = list(specs)
        self.decisions = Decisions(engine, clock, policy, registry, mail_from=mail_from)
        self.taken: list[Decision] = []

    def next_time(self) -> datetime | None:
        """When the next scripted decision falls due, for a case open now."""
        moments = [when for _, _, when in self._open_cases()]
        return min(moments, default=None)

    def decide(self, now: datetime) -> bool:
        """Take every decision due by ``now``; whether any changed the ledger."""
        changed = False
        for spec, case_id, when in self._open_cases():
            if when > now:
                continue
            decision = self._take(spec, case_id)
            self.taken.append(decision)
            self.pending.remove(spec)
            changed = changed or decision.applied
        return changed

    def _take(self, spec: DecisionSpec, case_id: int) -> Decision:
        if spec.action == "approve":
            return self.decisions.approve(case_id, APPROVER, note=spec.note)
        if spec.action == "resume":
            return self.decisions.resume(case_id, APPROVER, note=spec.note)
        if spec.action == "reject":
            return self.decisions.reject(case_id, APPROVER, note=spec.note or "not this")
        return self.decisions.take_over(case_id, APPROVER, note=spec.note)

    def _open_cases(self) -> list[tuple[DecisionSpec, int, datetime]]:
        if not self.pending:
            return []
        found = []
        with open_session(self.engine) as session:
            for spec in self.pending:
                customer_id = self.ledger.ids.get(spec.customer)
                case = session.exec(
                    select(Escalation)
                    .where(
                        Escalation.customer_id == customer_id,
                        Escalation.category == spec.category.value,
                        Escalation.status == EscalationStatus.OPEN.value,
                    )
                    .order_by(col(Escalation.id))
                ).first()
                if case is not None and case.id is not None:
                    when = as_utc(case.created_at) + timedelta(hours=spec.after_hours)
                    found.append((spec, case.id, when))
        return found
