"""Situations a person must see before the agent writes again."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import select

from recoup.guardrails.facts import Facts
from recoup.guardrails.verdict import Verdict, deny
from recoup.ledger.models import Direction, Escalation, EscalationCategory
from recoup.money import format_money


@dataclass(frozen=True)
class RequiredEscalation:
    category: EscalationCategory
    reason: str
    message_id: int | None = None


def _mentions(text: str, words: list[str]) -> str | None:
    lowered = f" {text.lower()} "
    return next((word for word in words if word.lower() in lowered), None)


def _escalated_since(facts: Facts) -> dict[str, datetime]:
    """The newest escalation of each category on this account, whatever its status."""
    newest: dict[str, datetime] = {}
    rows = facts.session.exec(
        select(Escalation.category, Escalation.created_at).where(
            Escalation.customer_id == facts.account.customer.id
        )
    )
    for category, created_at in rows:
        if category not in newest or created_at > newest[category]:
            newest[category] = created_at
    return newest


def required_escalation(facts: Facts) -> RequiredEscalation | None:
    """The forced escalation this account needs now, if it has not had it yet."""
    account = facts.account
    rules = facts.policy.escalation
    newest: dict[str, datetime] | None = None
    for message in account.recent_messages:
        if message.direction != Direction.INBOUND.value:
            continue
        text = f"{message.subject}\n{message.text}"
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
                category, f"message #{message.id} mentions '{word.strip()}'", message.id
            )
    customer = account.customer
    balance = account.balance_cents
    if balance <= rules.large_balance_cents or customer.last_touch_at is None:
        return None
    horizon = facts.now - timedelta(days=rules.silent_days)
    first_touch = min((m.created_at for m in account.recent_messages), default=facts.now)
    silent = (customer.last_inbound_at or first_touch) < horizon
    newest = newest if newest is not None else _escalated_since(facts)
    already = newest.get(EscalationCategory.LARGE_SILENT.value)
    if silent and (already is None or already < horizon):
        return RequiredEscalation(
            EscalationCategory.LARGE_SILENT,
            f"balance {format_money(balance, customer.currency)} with no reply for "
            f"{rules.silent_days}+ days",
        )
    return None


def forced_escalation(facts: Facts, _args: object) -> Verdict | None:
    needed = required_escalation(facts)
    if needed is None:
        return None
    return deny(
        f"escalation.{needed.category.value}",
        f"{needed.reason}: this needs a person first; call escalate "
        f"(category {needed.category.value}) instead of writing",
    )
