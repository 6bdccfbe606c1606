"""What a person can decide on a case, in words: each choice says what it will do.

The page, Slack and the CLI all show these, in this order, the recommended one first
(it is the default: the first button, the one ``recoup approvals approve`` runs). What
each choice runs is what it says: approving a case that stops outreach (legal,
insolvency, credit hold…) stops collection and hands the account to a person; resuming
collection is a separate, explicit choice.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from recoup.approvals.case import Case
from recoup.approvals.decisions import handed_to
from recoup.guardrails.rules.pause import BLOCKING_CATEGORIES
from recoup.ledger.models import EscalationCategory, EscalationStatus

NOTE_PURPOSE = (
    "Note: kept with your decision and read by the agent when it re-plans. "
    "Required if you tell the agent not to go ahead."
)


class Action(StrEnum):
    """The decisions, as the page's routes, Slack's action ids and the CLI's commands name them."""

    APPROVE = "approve"
    EDIT = "edit"
    RESUME = "resume"
    REJECT = "reject"
    TAKE_OVER = "takeover"
    RELEASE = "release"


@dataclass(frozen=True)
class Choice:
    action: Action
    label: str  # what the button says
    effect: str  # one sentence: what happens when it is chosen
    recommended: bool = False
    needs_note: bool = False


def stops_outreach(case: Case) -> bool:
    """While this case is open, the agent writes nothing to the customer."""
    return case.category in BLOCKING_CATEGORIES


def hands_over_to(case: Case) -> str:
    return handed_to(case.category)


def choices(case: Case) -> list[Choice]:
    """The choices for an open case, the recommended one first; for a taken-over one, release."""
    if case.status == EscalationStatus.TAKEN_OVER.value:
        return [
            Choice(
                Action.RELEASE,
                "Hand the account back to the agent",
                "The agent resumes the account and re-plans, reading your note.",
                recommended=True,
            )
        ]
    if not case.is_open:
        return []
    if stops_outreach(case) and case.held is None:
        return _stop_or_resume(case)
    return [*_go_ahead(case), *_other_ways(case)]


def recommended(case: Case) -> Choice | None:
    return next((choice for choice in choices(case) if choice.recommended), None)


def what_it_does(action: Action, case: Case) -> str:
    """The label of ``action`` on this case, for a decision's confirmation."""
    found = next((choice for choice in choices(case) if choice.action is action), None)
    return found.label if found else action.value


def _stop_or_resume(case: Case) -> list[Choice]:
    to = hands_over_to(case)
    return [
        Choice(
            Action.APPROVE,
            f"Stop collection and hand to {to}",
            f"The agent stops all outreach on this account; it stays with {to} "
            "until someone hands it back.",
            recommended=True,
        ),
        Choice(
            Action.RESUME,
            "Resume collection",
            "The case closes and the agent resumes reminders on this account.",
        ),
    ]


def _go_ahead(case: Case) -> list[Choice]:
    held = case.held
    plan = _is_plan(case)
    if held is None:
        return [
            Choice(
                Action.APPROVE,
                "Let the agent continue",
                "The case closes and the agent carries on with the account as planned.",
                recommended=True,
            )
        ]
    if held.email is not None:
        to = ", ".join(held.email.to)
        label = "Accept the plan and send this email" if plan else "Send this email"
        return [
            Choice(
                Action.APPROVE,
                label,
                f"The email below goes to {to} as it stands.",
                recommended=True,
            ),
            Choice(
                Action.EDIT,
                "Edit the email, then send it",
                f"Your edited subject and body go to {to}.",
            ),
        ]
    label = "Accept the plan" if plan or held.tool == "log_promise" else "Go ahead"
    return [Choice(Action.APPROVE, label, f"{held.summary}.", recommended=True)]


def _other_ways(case: Case) -> list[Choice]:
    held = case.held
    if held is None:
        decline = "Tell the agent to do something else"
        effect = "The case closes and the agent re-plans from your note."
    elif held.email is not None:
        decline = "Decline the plan" if _is_plan(case) else "Don't send it"
        effect = "Nothing is sent; the agent re-plans from your note."
    else:
        decline = "Decline the plan" if held.tool == "log_promise" else "Don't do it"
        effect = "Nothing is recorded; the agent re-plans from your note."
    return [
        Choice(Action.REJECT, decline, effect, needs_note=True),
        Choice(
            Action.TAKE_OVER,
            "Take the account over",
            "You handle the account yourself; the agent does no outreach until you hand it back.",
        ),
    ]


def _is_plan(case: Case) -> bool:
    return case.category == EscalationCategory.PAYMENT_PLAN.value


WHY_CHARS = 140


def one_line(text: str) -> str:
    """A case's reason on one line, for a list."""
    line = " ".join(text.split())
    return line if len(line) <= WHY_CHARS else line[: WHY_CHARS - 1] + "…"


def waiting_to(case: Case) -> str:
    """What the case waits to do, in a few words, for a list."""
    if case.held is None:
        if stops_outreach(case):
            return f"hand to {hands_over_to(case)} (or resume collection)"
        return "let the agent continue"
    if case.held.email is not None:
        return "accept a plan and send an email" if _is_plan(case) else "send an email"
    if case.held.tool == "log_promise":
        return "accept a plan"
    return case.held.summary


def outreach_word(case: Case) -> str:
    """Whether the agent writes to the customer while the case is open."""
    return "stopped until decided" if stops_outreach(case) else "continues"
