"""Situations a person must see before the agent writes again."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from sqlmodel import col, func, select

from recoup.guardrails.facts import Facts
from recoup.guardrails.verdict import Verdict, deny
from recoup.ledger.models import (
    Direction,
    EscalationCategory,
    Message,
    MessageStatus,
)
from recoup.money import format_money
from recoup.reader.prepare import written_text


@dataclass(frozen=True)
class RequiredEscalation:
    category: EscalationCategory
    reason: str
    message_id: int | None = None


@cache
def _word_pattern(word: str) -> re.Pattern[str]:
    """A policy word or phrase as a whole word; ``*`` at either end allows any letters
    there (``lawyer*`` also finds "lawyers", ``*gericht`` also "Amtsgericht")."""
    core = word.strip().strip("*").strip()
    phrase = r"\s+".join(re.escape(part) for part in core.split())
    head = r"\w*" if word.strip().startswith("*") else ""
    tail = r"\w*" if word.strip().endswith("*") else ""
    return re.compile(rf"(?<!\w){head}{phrase}{tail}(?!\w)", re.IGNORECASE)


def _mentions(text: str, words: list[str]) -> str | None:
    return next(
        (word for word in words if word.strip("* ") and _word_pattern(word).search(text)), None
    )


def _escalated_since(facts: Facts) -> dict[str, datetime]:
    """The newest escalation of each category on this account, whatever its status."""
    newest: dict[str, datetime] = {}
    for mark in facts.account.escalation_history:
        if mark.category not in newest or mark.opened_at > newest[mark.category]:
            newest[mark.category] = mark.opened_at
    return newest


def required_escalation(facts: Facts) -> RequiredEscalation | None:
    """The forced escalation this account needs now, if it has not had it yet."""
    account = facts.account
    rules = facts.policy.escalation
    newest: dict[str, datetime] | None = None
    for message in account.recent_messages:
        if message.direction != Direction.INBOUND.value:
            continue
        text = f"{message.subject}\n{written_text(message.text)}"
        for category, words in (
            (EscalationCategory.INSOLVENCY, rules.insolvency_words),
            (EscalationCategory.LEGAL, rules.legal_words),
        ):
            word = _mentions(text, words)
            if word is None:
                continue
            newest = newest if newest is not None else _escalated_since(facts)
            already = newest.get(category.value)
            if already is not None and already >= message.created_at:
                continue
            return RequiredEscalation(
                category, f"message #{message.id} mentions '{word.strip('* ')}'", message.id
            )
    customer = account.customer
    balance = account.balance_cents
    if balance <= rules.large_balance_cents or customer.last_touch_at is None:
        return None
    horizon = facts.now - timedelta(days=rules.silent_days)
    silent = (customer.last_inbound_at or _first_touch(facts) or facts.now) < horizon
    newest = newest if newest is not None else _escalated_since(facts)
    already = newest.get(EscalationCategory.LARGE_SILENT.value)
    if silent and (already is None or already < horizon):
        return RequiredEscalation(
            EscalationCategory.LARGE_SILENT,
            f"balance {format_money(balance, customer.currency)} with no reply for "
            f"{rules.silent_days}+ days",
        )
    return None


def _first_touch(facts: Facts) -> datetime | None:
    """When this account was first written to: silence is counted from then."""
    return facts.session.exec(
        select(func.min(Message.created_at)).where(
            Message.customer_id == facts.account.customer.id,
            Message.direction == Direction.OUTBOUND.value,
            col(Message.status).in_([MessageStatus.QUEUED.value, MessageStatus.SENT.value]),
        )
    ).one()


def forced_escalation(facts: Facts, _args: object) -> Verdict | None:
    needed = required_escalation(facts)
    if needed is None:
        return None
    return deny(
        f"escalation.{needed.category.value}",
        f"{needed.reason}: this needs a person first; call escalate "
        f"(category {needed.category.value}) instead of writing",
    )
