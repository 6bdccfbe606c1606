"""What a check returns, and the helpers every check shares."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from pydantic import BaseModel

from recoup.evals.observe import Observation, Outbound
from recoup.policy import Policy


class Violation(BaseModel):
    rule: str
    customer: str
    at: datetime
    detail: str
    outbound_id: int | None = None


Check = Callable[[Observation, Policy], list[Violation]]


def in_order(observation: Observation) -> list[Outbound]:
    """Outbound mail in the order it was written."""
    return sorted(observation.outbound, key=lambda m: (m.created_at, m.id))


def about(mail: Outbound, rule: str, detail: str) -> Violation:
    """A violation by one outbound email."""
    return Violation(
        rule=rule, customer=mail.customer, at=mail.created_at, detail=detail, outbound_id=mail.id
    )
