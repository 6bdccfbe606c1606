"""Check one tool call against the policy and the ledger, before it runs.

The rules for each tool run in order; the first denial wins. Approval-level
objections are collected: the call is held for a person, with every objection
in the reason (approving it approves them all), unless this call carries that
person's approval already (an approved held action), in which case only
denials can stop it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from pydantic import BaseModel

from recoup.guardrails.facts import Facts
from recoup.guardrails.rules import (
    concessions,
    contact,
    content,
    escalation,
    holds,
    ledger_calls,
    pause,
    risk,
    tone,
)
from recoup.guardrails.verdict import ALLOW, Verdict, VerdictKind, needs_approval
from recoup.tools.base import RunContext

Rule = Callable[[Facts, Any], Verdict | None]

OUTREACH_RULES: tuple[Rule, ...] = (
    pause.global_pause,
    pause.account_pause,
    pause.blocking_escalation,
    risk.security_case,
    contact.recipients,
    contact.reminder_role,
    content.invoices_exist,
    holds.invoices_on_hold,
    risk.reading_hold,
    escalation.forced_escalation,
    contact.quiet_hours,
    contact.frequency,
    content.amounts_match,
    concessions.declared_concession,
    tone.tone,
    concessions.concession_limits,
)

RULES: dict[str, Sequence[Rule]] = {
    "send_email": OUTREACH_RULES,
    "log_promise": (
        risk.flagged_source,
        ledger_calls.promise_terms,
        concessions.conditional_promise,
    ),
    "open_dispute": (risk.flagged_source, ledger_calls.dispute_target),
    "schedule_followup": (ledger_calls.followup_date,),
    "update_contact": (contact.contact_change,),
    "escalate": (),
    "get_account_state": (),
}


def check(
    ctx: RunContext,
    tool_name: str,
    args: BaseModel,
    *,
    approved: bool = False,
    held_since: datetime | None = None,
) -> Verdict:
    """``approved``: a person approved this call; ``held_since``: when it was held for them."""
    rules = RULES.get(tool_name)
    if rules is None:
        return Verdict(VerdictKind.DENY, "tool.unknown", f"no guardrail rules for {tool_name}")
    if not rules:
        return ALLOW
    facts = Facts(
        account=ctx.account(),
        policy=ctx.policy,
        now=ctx.clock.now(),
        session=ctx.session,
        held_since=held_since if approved else None,
    )
    held: list[Verdict] = []
    for rule in rules:
        verdict = rule(facts, args)
        if verdict is None or verdict.allowed:
            continue
        if verdict.kind is VerdictKind.DENY:
            return verdict
        held.append(verdict)
    if held and not approved:
        return _all_objections(held)
    return ALLOW


def _all_objections(held: list[Verdict]) -> Verdict:
    """One verdict under the first rule's id whose reason names every objection."""
    if len(held) == 1:
        return held[0]
    reason = "; ".join(f"{verdict.reason} ({verdict.rule_id})" for verdict in held)
    return needs_approval(held[0].rule_id or "approval", reason)
