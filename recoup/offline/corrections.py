"""A person's reading of a message, carried by the decision that closes a reading case.

The decision's event says ``corrected reading of message #12: {finding as JSON}``; the
next run acts on that finding as if the reader had found it, without reading the text again.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import ValidationError

from recoup.ledger.models import EventKind
from recoup.ledger.state import AccountState
from recoup.offline.readings import Item
from recoup.reader import Finding

CORRECTED = "corrected reading of message #"
_CORRECTION = re.compile(re.escape(CORRECTED) + r"(\d+): (\{.*\})\s*$", re.DOTALL)


def correction_note(message_id: int, finding: Finding) -> str:
    return f"{CORRECTED}{message_id}: {finding.model_dump_json(exclude_defaults=True)}"


def corrected_finding(detail: str) -> tuple[int, Finding] | None:
    found = _CORRECTION.search(detail)
    if found is None:
        return None
    try:
        return int(found.group(1)), Finding.model_validate_json(found.group(2))
    except ValidationError:
        return None


def corrected_items(events: list[dict[str, Any]], state: AccountState) -> list[Item]:
    """The findings people gave in the decisions that woke this run."""
    items: list[Item] = []
    for event in events:
        if event.get("kind") != EventKind.DECISION.value:
            continue
        corrected = corrected_finding(str(event.get("detail") or ""))
        if corrected is None:
            continue
        message_id, finding = corrected
        message = next((m for m in state.recent_messages if m.id == message_id), None)
        sender = message.from_addr if message else ""
        subject = message.subject if message else ""
        items.append(Item(message_id, sender, subject, finding))
    return items
