"""A person's decision on an escalation, as its event note tells it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from recoup.ledger.models import EventKind

_NO_PLAN = re.compile(r"\b(no|not?|don'?t|do not|never)\b[^.;]{0,30}\b(plan|instal+ments?)\b", re.I)
_HOLD = re.compile(
    r"\b(do not contact|don'?t contact|no contact|no outreach|hold off|stop (?:chasing|contact"
    r"|outreach|reminders)|leave (?:it|them|the account) alone)\b",
    re.I,
)
_WAIT = re.compile(r"\b(?:until|till|after|from)\s+(\d{4}-\d{2}-\d{2})\b", re.I)


@dataclass(frozen=True)
class Decisions:
    no_plan: bool = False
    hold: bool = False
    wait_until: date | None = None
    notes: tuple[str, ...] = ()


def read_decisions(events: list[dict[str, Any]]) -> Decisions:
    notes = tuple(
        str(e.get("detail") or "") for e in events if e.get("kind") == EventKind.DECISION.value
    )
    text = " ".join(notes)
    dates = [date.fromisoformat(found) for found in _WAIT.findall(text) if _valid(found)]
    return Decisions(
        no_plan=bool(_NO_PLAN.search(text)),
        hold=bool(_HOLD.search(text)),
        wait_until=max(dates) if dates else None,
        notes=notes,
    )


def _valid(raw: str) -> bool:
    try:
        date.fromisoformat(raw)
    except ValueError:
        return False
    return True
