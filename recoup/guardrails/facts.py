"""What a rule may look at: the account as stored, the policy, the time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session

from recoup.ledger.state import Account
from recoup.policy import Policy


@dataclass(frozen=True)
class Facts:
    account: Account
    policy: Policy
    now: datetime
    session: Session
    # When the call being approved was held: the cadence is read as it stood then.
    held_since: datetime | None = None

    @property
    def today(self) -> date:
        return self.now.date()
