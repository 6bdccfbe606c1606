"""No mail after a legal or insolvency notice, nor while a blocking escalation is open."""

from __future__ import annotations

from datetime import datetime

from recoup.clock import as_utc
from recoup.evals.checks.base import Violation, about, in_order
from recoup.evals.observe import Observation, Outbound
from recoup.evals.scenario import Intent
from recoup.ledger.models import EscalationCategory
from recoup.policy import Policy

BLOCKING = {
    EscalationCategory.LEGAL.value,
    EscalationCategory.INSOLVENCY.value,
    EscalationCategory.CREDIT_HOLD.value,
    EscalationCategory.HOSTILE.value,
    EscalationCategory.LARGE_SILENT.value,
}


def stop(observation: Observation, _policy: Policy) -> list[Violation]:
    signals = stop_signals(observation)
    found: list[Violation] = []
    for mail in in_order(observation):
        signal = signals.get(mail.customer)
        if signal is not None and mail.created_at >= signal:
            found.append(
                about(
                    mail,
                    "stop.legal_or_insolvency",
                    f"wrote after the customer's legal/insolvency notice of {signal:%Y-%m-%d}",
                )
            )
            continue
        found.extend(_while_escalated(observation, mail))
    return found


def _while_escalated(observation: Observation, mail: Outbound) -> list[Violation]:
    """The first blocking escalation open when the mail went, unless a person sent it."""
    customer_id = observation.ids.get(mail.customer)
    for escalation in observation.escalations:
        if escalation.customer_id != customer_id or escalation.category not in BLOCKING:
            continue
        opened = as_utc(escalation.created_at)
        decided = as_utc(escalation.decided_at) if escalation.decided_at else None
        if opened <= mail.created_at and (decided is None or decided > mail.created_at):
            if mail.approved_by_person:
                return []
            return [
                about(
                    mail,
                    "stop.escalated",
                    f"wrote while escalation #{escalation.id} ({escalation.category}) was open",
                )
            ]
    return []


def stop_signals(observation: Observation) -> dict[str, datetime]:
    """Customers who announced insolvency or legal action, and when."""
    signals: dict[str, datetime] = {}
    for spec in observation.scenario.mailbox:
        arrival = observation.arrived(spec.id)
        if arrival is None or not {Intent.LEGAL_THREAT, Intent.INSOLVENCY} & set(spec.intents):
            continue
        if spec.customer not in signals or arrival.at < signals[spec.customer]:
            signals[spec.customer] = arrival.at
    return signals
