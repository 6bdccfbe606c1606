"""The cases a person decides, as the page and Slack both need them: one case,
the queue, and approving a held email after editing it."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Engine
from sqlmodel import col, select

from recoup.approvals.case import Case, assemble_case, sender_header
from recoup.approvals.decisions import Decision, Decisions, Outcome, Person, edited_email
from recoup.approvals.reading import answer_finding
from recoup.clock import Clock
from recoup.ledger.db import session as open_session
from recoup.ledger.models import Escalation, EscalationStatus
from recoup.settings import Settings

RECENTLY_DECIDED = 20


class CaseDesk:
    def __init__(
        self, engine: Engine, *, clock: Clock, settings: Settings, decisions: Decisions
    ) -> None:
        self.engine = engine
        self.clock = clock
        self.settings = settings
        self.decisions = decisions

    def approve_edited(self, case_id: int, by: Person, subject: str, body: str) -> Decision:
        with open_session(self.engine) as session:
            escalation = session.get(Escalation, case_id)
            held = escalation.held_action if escalation else None
        if held is None or held.get("tool") != "send_email":
            return Decision(
                case_id, "approve", Outcome.REFUSED, "This case holds no email to edit."
            )
        if not subject.strip() or not body.strip():
            return Decision(
                case_id, "approve", Outcome.REFUSED, "Subject and body cannot be empty."
            )
        edited = edited_email(held["args"], subject=subject, body=body)
        return self.decisions.approve(case_id, by, edited_args=edited)

    def read_case(
        self, case_id: int, by: Person, answer: str, *, note: str = "", **given: str
    ) -> Decision:
        """A person's one-click reading of a reading case's message; ``given`` holds what
        they filled in (promised_date, amount, reason, address) over the prefilled values."""
        case = self.case(case_id)
        if case is None:
            return Decision(case_id, "read", Outcome.NOT_FOUND, f"No case #{case_id}.")
        if case.reading is None:
            return Decision(case_id, "read", Outcome.REFUSED, "This case is not a reading case.")
        try:
            finding = answer_finding(answer, case.reading, **given)
        except ValueError as exc:
            return Decision(case_id, "read", Outcome.REFUSED, f"{exc}.")
        return self.decisions.read_as(case_id, by, finding, note=note)

    def queue(self) -> tuple[list[Case], list[Case]]:
        with open_session(self.engine) as session:
            open_ids = session.exec(
                select(Escalation.id)
                .where(Escalation.status == EscalationStatus.OPEN.value)
                .order_by(col(Escalation.created_at), col(Escalation.id))
            ).all()
            decided_ids = session.exec(
                select(Escalation.id)
                .where(Escalation.status != EscalationStatus.OPEN.value)
                .order_by(col(Escalation.decided_at).desc(), col(Escalation.id).desc())
                .limit(RECENTLY_DECIDED)
            ).all()
        return self.cases(open_ids), self.cases(decided_ids)

    def cases(self, ids: Sequence[int | None]) -> list[Case]:
        return [case for i in ids if i is not None and (case := self.case(i)) is not None]

    def case(self, case_id: int) -> Case | None:
        mail = self.settings.mail
        with open_session(self.engine) as session:
            try:
                return assemble_case(
                    session,
                    case_id,
                    now=self.clock.now(),
                    policy=self.decisions.policy,
                    sender=sender_header(mail.from_name, mail.from_address),
                )
            except LookupError:
                return None
