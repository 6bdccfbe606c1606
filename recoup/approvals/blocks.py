"""Block Kit for a case: the channel message, its decided form, and the modals.

Customer text is untrusted: everything interpolated into mrkdwn is escaped, so
an email cannot mention @channel, fake a link or break the layout.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from recoup.approvals.case import Case
from recoup.approvals.choices import Action, Choice, choices, outreach_word, stops_outreach
from recoup.approvals.reading import Answer, Suggestion
from recoup.clock import as_utc
from recoup.ledger.models import DisputeReason

ACTION_APPROVE = "recoup.approve"
ACTION_REJECT = "recoup.reject"
ACTION_TAKE_OVER = "recoup.take_over"
ACTION_EDIT = "recoup.edit"
ACTION_RESUME = "recoup.resume"
SLACK_ACTIONS = {
    Action.APPROVE: ACTION_APPROVE,
    Action.EDIT: ACTION_EDIT,
    Action.RESUME: ACTION_RESUME,
    Action.REJECT: ACTION_REJECT,
    Action.TAKE_OVER: ACTION_TAKE_OVER,
}
BUTTON_CHARS = 75
# A reading case's answers: ``recoup.read.<answer>``; the dispute's reason comes from a menu.
ACTION_READ = "recoup.read."
VIEW_REJECT = "recoup.reject_note"
VIEW_EDIT = "recoup.edit_email"
NOTE_BLOCK, NOTE_INPUT = "note", "note_input"
SUBJECT_BLOCK, SUBJECT_INPUT = "subject", "subject_input"
BODY_BLOCK, BODY_INPUT = "body", "body_input"
SECTION_CHARS = 2900
INPUT_CHARS = 3000
EXCERPT_CHARS = 500
Blocks = list[dict[str, Any]]


def escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def case_message(case: Case, *, interactive: bool = True) -> tuple[str, Blocks]:
    """The message posted for a new case: a summary and, in app mode, the buttons."""
    blocks = _summary(case)
    if interactive and case.is_open:
        blocks.append(_effects(case))
        if case.reading is not None:
            blocks.append(reading_buttons(case, case.reading))
        blocks.append(_buttons(case))
    return _fallback(case), blocks


def reading_buttons(case: Case, suggested: Suggestion) -> dict[str, Any]:
    """One click per answer, with what the reader found already filled in."""
    value = str(case.id)
    elements: list[dict[str, Any]] = []
    if suggested.promised_date is not None:
        amount = case.money(suggested.amount_cents) if suggested.amount_cents else "in full"
        label = f"Promise: {suggested.promised_date:%d %b} · {amount}"
        elements.append(_read_button(Answer.PROMISE, label[:75], value, style="primary"))
    elements.append(
        {
            "type": "static_select",
            "action_id": ACTION_READ + Answer.DISPUTE.value,
            "placeholder": _plain("Dispute: the reason"),
            "options": [
                {
                    "text": _plain(reason.value.replace("_", " ")),
                    "value": f"{case.id}:{reason.value}",
                }
                for reason in DisputeReason
            ],
        }
    )
    elements.append(_read_button(Answer.ALREADY_PAID, Answer.ALREADY_PAID.label, value))
    if suggested.redirect_email:
        label = f"Redirect to {suggested.redirect_email}"[:75]
        elements.append(_read_button(Answer.REDIRECT, label, value))
    elements.append(_read_button(Answer.QUESTION, Answer.QUESTION.label, value))
    elements.append(_read_button(Answer.NOTHING, Answer.NOTHING.label, value))
    return {"type": "actions", "block_id": f"reading_{case.id}", "elements": elements}


def read_choice(action: dict[str, Any]) -> tuple[str, str, str] | None:
    """(answer, case id, dispute reason) from a reading case's click; None for others."""
    action_id = str(action.get("action_id", ""))
    if not action_id.startswith(ACTION_READ):
        return None
    answer = action_id.removeprefix(ACTION_READ)
    selected = (action.get("selected_option") or {}).get("value")
    if selected:
        case_id, _, reason = str(selected).partition(":")
        return answer, case_id, reason
    return answer, str(action.get("value", "")), ""


def _read_button(answer: Answer, label: str, value: str, *, style: str = "") -> dict[str, Any]:
    button: dict[str, Any] = {
        "type": "button",
        "action_id": ACTION_READ + answer.value,
        "text": _plain(label),
        "value": value,
    }
    if style:
        button["style"] = style
    return button


def decided_message(case: Case, outcome: str) -> tuple[str, Blocks]:
    """The original message after the decision: who decided what, no buttons."""
    blocks = _summary(case)
    blocks.append({"type": "section", "text": _mrkdwn(f"*{escape(outcome)}*")})
    return f"{_fallback(case)} — {outcome}", blocks


def reminder_text(case: Case) -> str:
    expires = _when(case.expires_at) if case.expires_at else "soon"
    return f"Reminder: case #{case.id} ({case.title}) is still undecided and expires {expires}."


def reject_modal(case: Case, *, channel: str, ts: str) -> dict[str, Any]:
    return {
        "type": "modal",
        "callback_id": VIEW_REJECT,
        "private_metadata": _metadata(case, channel, ts),
        "title": _plain(f"Case #{case.id}"[:24]),
        "submit": _plain(_reject_label(case)[:24]),
        "close": _plain("Cancel"),
        "blocks": [
            {
                "type": "input",
                "block_id": NOTE_BLOCK,
                "label": _plain("Note for the agent: what to do instead (it re-plans from it)"),
                "element": {
                    "type": "plain_text_input",
                    "action_id": NOTE_INPUT,
                    "multiline": True,
                    "max_length": INPUT_CHARS,
                },
            }
        ],
    }


def edit_modal(case: Case, *, channel: str, ts: str) -> dict[str, Any]:
    """Edit a held email's subject and body, then approve the edited email."""
    assert case.held is not None and case.held.email is not None
    email = case.held.email
    return {
        "type": "modal",
        "callback_id": VIEW_EDIT,
        "private_metadata": _metadata(case, channel, ts),
        "title": _plain(f"Edit case #{case.id}"[:24]),
        "submit": _plain("Send edited email"),
        "close": _plain("Cancel"),
        "blocks": [
            {
                "type": "context",
                "elements": [_mrkdwn(f"To: {escape(', '.join(email.to))}")],
            },
            _text_input(SUBJECT_BLOCK, SUBJECT_INPUT, "Subject", email.subject, multiline=False),
            _text_input(BODY_BLOCK, BODY_INPUT, "Body", email.body, multiline=True),
        ],
    }


def _reject_label(case: Case) -> str:
    found = next((c for c in choices(case) if c.action is Action.REJECT), None)
    return found.label if found else "Decline"


def editable_in_slack(case: Case) -> bool:
    email = case.held.email if case.held else None
    return email is not None and len(email.body) <= INPUT_CHARS


def modal_metadata(private_metadata: str) -> tuple[int, str, str]:
    """(case id, channel, message ts) from a submitted modal."""
    data = json.loads(private_metadata)
    return int(data["case"]), str(data["channel"]), str(data["ts"])


def _summary(case: Case) -> Blocks:
    blocks: Blocks = [
        {"type": "header", "text": _plain(case.title[:150])},
        {"type": "section", "text": _mrkdwn(f"*Why:* {escape(case.why)}"[:SECTION_CHARS])},
    ]
    if case.account is not None:
        account = case.account
        oldest = max((line.days_past_due for line in case.invoices), default=0)
        habits = account.habits
        paid = (
            f"{habits.avg_days_late:g} days late on average" if habits.avg_days_late is not None
            else "no payment history"
        )  # fmt: skip
        blocks.append(
            {
                "type": "section",
                "fields": [
                    _mrkdwn(f"*Balance*\n{case.money(account.balance_cents)}"),
                    _mrkdwn(f"*Overdue*\n{case.money(account.overdue_cents)}"),
                    _mrkdwn(f"*Oldest named*\n{oldest} days past due"),
                    _mrkdwn(f"*Pays*\n{paid}"),
                    _mrkdwn(f"*Segment*\n{escape(account.segment)}"),
                    _mrkdwn(f"*Strategic*\n{'yes' if account.strategic else 'no'}"),
                ],
            }
        )
    if case.invoices:
        lines = [
            f"• {escape(i.number)}: {case.money(i.open_cents)} open, "
            f"{i.days_past_due} days past due" + (" (disputed)" if i.disputed else "")
            for i in case.invoices[:10]
        ]
        blocks.append({"type": "section", "text": _mrkdwn("*Invoices*\n" + "\n".join(lines))})
    blocks.append(
        {
            "type": "section",
            "text": _mrkdwn(f"*Recommends:* {escape(case.recommendation)}"[:SECTION_CHARS]),
        }
    )
    if stops_outreach(case) and case.is_open:
        blocks.append(
            {"type": "context", "elements": [_mrkdwn(f"Outreach: {outreach_word(case)}")]}
        )
    if case.held is not None:
        blocks.append({"type": "divider"})
        heading = "Waiting for your decision" if case.is_open else "Held"
        held_line = f"*{heading}:* {escape(case.held.summary)}"
        blocks.append({"type": "section", "text": _mrkdwn(held_line)})
        if case.held.email is not None:
            email = case.held.email
            shown = escape(email.as_text())
            if len(shown) > SECTION_CHARS - 10:
                shown = shown[: SECTION_CHARS - 11] + "…"
            blocks.append({"type": "section", "text": _mrkdwn(f"```{shown}```")})
        elif case.held.details:
            detail = "\n".join(f"*{escape(k)}:* {escape(v)}" for k, v in case.held.details)
            blocks.append({"type": "section", "text": _mrkdwn(detail[:SECTION_CHARS])})
    latest = next((m for m in case.correspondence if m.direction == "inbound"), None)
    if latest is not None:
        excerpt = latest.excerpt[:EXCERPT_CHARS]
        blocks.append(
            {
                "type": "section",
                "text": _mrkdwn(
                    f"*Latest from the customer* ({_when(latest.at)}):\n>"
                    + escape(excerpt).replace("\n", "\n>")
                ),
            }
        )
    if case.expires_at is not None and case.is_open:
        blocks.append(
            {"type": "context", "elements": [_mrkdwn(f"Expires {_when(case.expires_at)}")]}
        )
    return blocks


def _offered(case: Case) -> list[Choice]:
    """The case's choices Slack can carry out, the recommended one first."""
    return [
        choice
        for choice in choices(case)
        if choice.action in SLACK_ACTIONS
        and (choice.action is not Action.EDIT or editable_in_slack(case))
    ]


def _effects(case: Case) -> dict[str, Any]:
    lines = [
        f"*{escape(choice.label)}*{' (recommended)' if choice.recommended else ''}: "
        f"{escape(choice.effect)}"
        for choice in _offered(case)
    ]
    return {"type": "section", "text": _mrkdwn("\n".join(lines)[:SECTION_CHARS])}


def _buttons(case: Case) -> dict[str, Any]:
    elements = []
    for choice in _offered(case):
        button: dict[str, Any] = {
            "type": "button",
            "action_id": SLACK_ACTIONS[choice.action],
            "text": _plain(choice.label[:BUTTON_CHARS]),
            "value": str(case.id),
        }
        if choice.recommended:
            button["style"] = "primary"
        elif choice.action is Action.TAKE_OVER:
            button["style"] = "danger"
        elements.append(button)
    return {"type": "actions", "block_id": f"case_{case.id}", "elements": elements}


def _text_input(
    block: str, action: str, label: str, value: str, *, multiline: bool
) -> dict[str, Any]:
    return {
        "type": "input",
        "block_id": block,
        "label": _plain(label),
        "element": {
            "type": "plain_text_input",
            "action_id": action,
            "multiline": multiline,
            "initial_value": value[:INPUT_CHARS],
            "max_length": INPUT_CHARS,
        },
    }


def _metadata(case: Case, channel: str, ts: str) -> str:
    return json.dumps({"case": case.id, "channel": channel, "ts": ts})


def _fallback(case: Case) -> str:
    return escape(f"{case.title}: {case.why}"[:300])


def _when(moment: datetime) -> str:
    return f"{as_utc(moment):%Y-%m-%d %H:%M} UTC"


def _plain(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text, "emoji": True}


def _mrkdwn(text: str) -> dict[str, Any]:
    return {"type": "mrkdwn", "text": text}
