"""A conditional offer is not a promise: "we'll settle for $30,250 if you accept 50% off",
"we'll pay by the 18th provided you waive the late fee".

The reader states what an offer hangs on (``Finding.condition``); the wording of the
finding's own sentence is read here as well, so an offer the reader gave no condition is
still never logged as an accepted promise.
"""

from __future__ import annotations

import re

from recoup.guardrails.rules.concessions import MONEY_OFF_LANGUAGE
from recoup.offline.readings import Item
from recoup.reader import Intent

_CONDITION = re.compile(
    r"(?<!\w)(?:if (?:you|u) (?:can |could |would |will )?(?:accept|agree|waive|cancel|drop"
    r"|reduce|remove|credit|take off|knock off)|provided (?:that )?you|on (?:the )?condition"
    r"|as long as you|subject to your|in (?:full and )?final settlement|full and final"
    r"|settle (?:for|at)|in exchange for)(?!\w)",
    re.IGNORECASE,
)
_SETTLEMENT = re.compile(
    r"(?<!\w)(?:settle(?:ment)?|full and final|close (?:the|this|our) account"
    r"|% off|percent off|discount\w*)(?!\w)",
    re.IGNORECASE,
)


def offer_condition(item: Item) -> str | None:
    """What the promise in ``item`` hangs on, or None when it is a plain promise."""
    if item.intent is not Intent.PROMISE:
        return None
    finding = item.finding
    if finding.condition:
        return finding.condition
    found = _CONDITION.search(finding.evidence) or MONEY_OFF_LANGUAGE.search(finding.evidence)
    return found.group(0) if found else None


def settles_for_less(item: Item, covered_cents: int) -> bool:
    """An amount below what it covers, offered to close the invoices: a discount."""
    amount = item.finding.amount_cents
    if amount is None or not 0 < amount < covered_cents:
        return False
    return bool(item.finding.condition or _SETTLEMENT.search(item.finding.evidence))
