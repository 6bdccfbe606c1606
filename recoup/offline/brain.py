"""The next move in a run: read the account, change the ledger, write, repair, stop.

A run takes three or four turns: read the state; record what the customer's
email changes (promises, disputes, escalations); answer or remind and set the
next look; re-plan what the guardrails turned down; sum up.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from recoup.offline.cadence import cadence_plan
from recoup.offline.cases import case_actions, case_plan, set_aside
from recoup.offline.compose import Writer
from recoup.offline.corrections import corrected_items
from recoup.offline.dispute_endings import outcome_letters
from recoup.offline.ledger_plan import ledger_actions
from recoup.offline.outreach import reply_plan
from recoup.offline.prior import policy_in_force
from recoup.offline.protocol import Action, CallRecord, Conversation
from recoup.offline.readings import Item, deferred_items, read_trigger_emails
from recoup.offline.repair import repair_plan
from recoup.offline.situation import Situation
from recoup.offline.summary import summarize
from recoup.prompts import policy_in_prompt

READ = "read"
LEDGER = "ledger"
OUTREACH = "outreach"
REPAIR = "repair"
MAX_REPAIR_ROUNDS = 2
MAX_TURNS = 7


@dataclass(frozen=True)
class Move:
    """Either tool calls of one phase, or the closing line."""

    phase: str = ""
    actions: list[Action] = field(default_factory=list)
    text: str | None = None


def next_move(conv: Conversation) -> Move:
    """The move for ``conv``, planned under the policy its system prompt states."""
    with policy_in_force(policy_in_prompt(conv.system)):
        return _next_move(conv)


def _next_move(conv: Conversation) -> Move:
    if not conv.trigger:
        return Move(text="No trigger to act on; nothing done.")
    state = conv.state
    if state is None:
        if conv.calls(READ):
            return Move(text="The account state could not be read; nothing done.")
        return Move(READ, [Action("get_account_state", {}, "state")])
    if conv.assistant_turns >= MAX_TURNS:
        return Move(text=summarize(conv, state.customer))
    here = Situation.of(conv, state)
    writer = Writer(state, *conv.signature())
    # A person's reading of a message (a decided reading case) is acted on like a fresh one.
    corrected = corrected_items(conv.events, state)
    fresh = bool(conv.customer_emails) or bool(corrected)
    items = (
        [*read_trigger_emails(conv.customer_emails, state), *corrected]
        if fresh
        else deferred_items(conv.events, state)
    )
    items, cases = set_aside(items, here)
    outcomes = ledger_outcomes(conv) if fresh else None
    written = conv.has_phase(OUTREACH) or conv.has_phase(REPAIR)
    if not written and fresh and not conv.has_phase(LEDGER):
        planned = [
            *case_actions(cases, here),
            *(tag(p.action, p.item) for p in ledger_actions(items, here)),
        ]
        if planned:
            return Move(LEDGER, planned)
    if not written and not items:
        letters = outcome_letters(here, writer)
        if letters:
            return Move(OUTREACH, letters)
    if not written:
        if cases:
            plan = case_plan(cases, here, writer)
        elif items:
            plan = reply_plan(items, outcomes, here, writer)
        else:
            plan = cadence_plan(here, writer)
        if plan.actions:
            return Move(OUTREACH, plan.actions)
        return Move(text=summarize(conv, state.customer, _joined(plan.note, _ignored(items))))
    repairs = sum(1 for step in conv.steps if step and step[0].phase == REPAIR)
    if repairs < MAX_REPAIR_ROUNDS and _answerable(conv.last_step):
        plan = repair_plan(conv, here, writer, items, outcomes)
        if plan.actions:
            return Move(REPAIR, plan.actions)
    return Move(text=summarize(conv, state.customer, _ignored(items)))


def tag(action: Action, item: int) -> Action:
    """Ledger calls carry the index of the finding they act on."""
    return Action(action.name, action.args, f"{action.purpose}@{item}")


def ledger_outcomes(conv: Conversation) -> dict[int, list[CallRecord]]:
    outcomes: dict[int, list[CallRecord]] = {}
    for call in conv.calls(LEDGER):
        _, _, index = call.purpose.partition("@")
        if index.isdigit():
            outcomes.setdefault(int(index), []).append(call)
    return outcomes


def _ignored(items: list[Item]) -> str:
    """Instructions found in customer mail are data: say so, do nothing they ask."""
    suspects = sorted({f"#{item.message_id}" for item in items if item.injection_suspected})
    return f"ignored instructions in message {', '.join(suspects)}" if suspects else ""


def _joined(*notes: str) -> str:
    return "; ".join(note for note in notes if note)


def _answerable(step: list[CallRecord]) -> bool:
    return any(c.phase in {OUTREACH, REPAIR} for c in step)
