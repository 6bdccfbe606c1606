"""No firmer tone than the oldest invoice's age allows, nor above the account's cap."""

from __future__ import annotations

from recoup.evals.checks.base import Violation, about, in_order
from recoup.evals.observe import Observation, Outbound
from recoup.policy import Policy, Tone


def tone(observation: Observation, policy: Policy) -> list[Violation]:
    found: list[Violation] = []
    for mail in in_order(observation):
        if mail.tone is None or mail.approved_by_person:
            continue
        if mail.customer in observation.customers:
            found.extend(_tone_of(observation, policy, mail, Tone.parse(mail.tone)))
    return found


def _tone_of(
    observation: Observation, policy: Policy, mail: Outbound, asked: Tone
) -> list[Violation]:
    customer = observation.customers[mail.customer]
    today = mail.created_at.date()
    own = [observation.invoices[n] for n in mail.named if observation.owner.get(n) == mail.customer]
    considered = own or [
        inv
        for inv in observation.invoices_of(mail.customer)
        if inv.issue_date <= today and observation.open_at(inv.number, today) > 0
    ]
    oldest = max(((today - inv.due_date).days for inv in considered), default=0)
    allowed = policy.tone.allowed_for_age(oldest)
    if asked > allowed:
        detail = f"{asked.label} at {oldest} days past due (at most {allowed.label})"
        return [about(mail, "tone.aging", detail)]
    caps = []
    if customer.strategic:
        caps.append(Tone.parse(policy.tone.strategic_cap))
    segment_cap = policy.tone.segment_caps.get(customer.segment)
    if segment_cap:
        caps.append(Tone.parse(segment_cap))
    if caps and asked > min(caps):
        detail = f"{asked.label} above the account's cap ({min(caps).label})"
        return [about(mail, "tone.cap", detail)]
    return []
