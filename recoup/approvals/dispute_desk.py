"""Ending a dispute for the person who decides it, from any channel (the command line, the
page, Slack): a credit, a write-off in the customer's favour (named approver), or a
rejection with the reason the customer is given. The ledger does the work; the account's
agent is woken by it and tells the customer."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import InvalidOperation

from sqlalchemy import Engine
from sqlmodel import Session

from recoup.approvals.decisions import Person
from recoup.clock import Clock
from recoup.errors import InputError, NotFound
from recoup.ledger.db import session as open_session
from recoup.ledger.models import Dispute
from recoup.ledger.operations import disputes
from recoup.ledger.operations.actor import Actor
from recoup.ledger.operations.refused import OperationRefused
from recoup.money import to_cents

Operation = Callable[[Session, Actor], disputes.Ending]


class DisputeRefused(InputError):
    """The dispute cannot end as asked (already ended, an amount out of range...)."""


@dataclass
class DisputeDesk:
    engine: Engine
    clock: Clock

    def credit(self, dispute_id: int, by: Person, *, amount: str | None, note: str = "") -> str:
        """A credit memo for ``amount`` (a decimal in the invoice's currency), by default
        the disputed amount."""
        cents = parse_amount(amount) if amount else None
        return self._end(
            dispute_id,
            lambda session, actor: disputes.resolve_with_credit(
                session,
                dispute_id,
                now=self.clock.now(),
                actor=actor,
                amount_cents=cents,
                note=note,
            ),
            by,
        )

    def write_off(self, dispute_id: int, by: Person, *, approved_by: str, note: str = "") -> str:
        return self._end(
            dispute_id,
            lambda session, actor: disputes.write_off(
                session,
                dispute_id,
                now=self.clock.now(),
                actor=actor,
                approved_by=approved_by,
                note=note,
            ),
            by,
        )

    def reject(self, dispute_id: int, by: Person, *, reason: str) -> str:
        return self._end(
            dispute_id,
            lambda session, actor: disputes.reject(
                session, dispute_id, now=self.clock.now(), actor=actor, reason=reason
            ),
            by,
        )

    def _end(self, dispute_id: int, operation: Operation, by: Person) -> str:
        with open_session(self.engine) as session:
            if session.get(Dispute, dispute_id) is None:
                raise NotFound(f"no dispute #{dispute_id}", hint="see `recoup disputes list`")
            try:
                ending = operation(session, Actor(f"{by.actor} via {by.channel.value}"[:120]))
            except OperationRefused as exc:
                raise DisputeRefused(str(exc)) from exc
            told = disputes.describe_outcome(ending.dispute, ending.invoice, ending.changed_cents)
            session.commit()
        return f"{told[0].upper()}{told[1:]} (by {by.user}); the customer will be told."


def parse_amount(text: str) -> int:
    """``"400"``, ``"400.50"``, ``"1,250.00"``: cents; anything else is a one-line error."""
    try:
        cents = to_cents(text.replace(",", "").strip())
    except (InvalidOperation, ValueError) as exc:
        raise InputError(f"{text!r} is not an amount", hint="write it like 400.50") from exc
    if cents <= 0:
        raise InputError(f"{text!r} is not an amount above zero")
    return cents
