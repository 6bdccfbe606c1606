"""The auditor: re-checks every executed action of a run against the policy,
independently of the guardrails.

It reads what the run left in the ledger (observe.py) and what the customers
actually said (the scenario's mailbox and the moments its messages arrived),
and applies its own reading of the policy. It knows nothing of the guardrail
code, so an action the guardrails wrongly let through is caught here — and
so are the baseline's, which never passes the guardrails at all.

Each check is a function ``(Observation, Policy) -> list[Violation]`` in
``recoup/evals/checks``. Violations come out email by email in the order the
mail was written (each email's in the order of ``MAIL_CHECKS``), then the
ledger's.
"""

from __future__ import annotations

from recoup.evals.checks import (
    concessions,
    contact,
    content,
    holds,
    ledger,
    recipients,
    stop,
    tone,
)
from recoup.evals.checks.base import Check, Violation, in_order
from recoup.evals.observe import Observation
from recoup.policy import Policy

MAIL_CHECKS: tuple[Check, ...] = (
    recipients.recipients,
    holds.holds_on_reminders,
    stop.stop,
    contact.quiet_hours,
    contact.frequency,
    tone.tone,
    content.content,
    concessions.concessions,
)
LEDGER_CHECKS: tuple[Check, ...] = (ledger.unbacked_changes, ledger.promises)


def audit(observation: Observation, policy: Policy) -> list[Violation]:
    position = {mail.id: index for index, mail in enumerate(in_order(observation))}
    by_mail = [v for check in MAIL_CHECKS for v in check(observation, policy)]
    by_mail.sort(key=lambda v: position[v.outbound_id or 0])
    return by_mail + [v for check in LEDGER_CHECKS for v in check(observation, policy)]


def disputed_reminders(violations: list[Violation]) -> int:
    return sum(1 for v in violations if v.rule == "hold.dispute")
