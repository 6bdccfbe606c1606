"""A dispute's owner ends it from Slack: the notice's buttons open a modal (a credit with
its amount, or a rejection with the reason the customer is given); the submission goes to
the same desk as the command line and the page, and the outcome is posted in the notice's
thread. A write-off needs its approver named, on the page or the command line."""

from __future__ import annotations

import json
from typing import Any

import structlog
from starlette.concurrency import run_in_threadpool

from recoup.approvals.decisions import Person
from recoup.approvals.dispute_case import DisputeCase, assemble_dispute
from recoup.approvals.dispute_desk import DisputeDesk
from recoup.approvals.slack import SlackClient, SlackError
from recoup.errors import RecoupError
from recoup.ledger.db import session as open_session

log = structlog.get_logger(__name__)

PREFIX = "recoup.dispute."
ACTION_CREDIT = f"{PREFIX}credit"
ACTION_REJECT = f"{PREFIX}reject"
VIEW_CREDIT = f"{PREFIX}credit_view"
VIEW_REJECT = f"{PREFIX}reject_view"
AMOUNT_BLOCK, AMOUNT_INPUT = "amount", "amount_input"
REASON_BLOCK, REASON_INPUT = "reason", "reason_input"


def buttons(case: DisputeCase) -> dict[str, Any]:
    """The actions block of an open dispute's notice."""
    value = str(case.id)
    return {
        "type": "actions",
        "block_id": f"dispute:{case.id}",
        "elements": [
            _button(f"Resolve with a credit (default {case.amount})", ACTION_CREDIT, value),
            _button("Reject: the invoice stands", ACTION_REJECT, value, style="danger"),
        ],
    }


def modal(action_id: str, case: DisputeCase, *, channel: str, ts: str) -> dict[str, Any]:
    metadata = json.dumps({"dispute": case.id, "channel": channel, "ts": ts})
    if action_id == ACTION_CREDIT:
        title, submit, callback = f"Credit #{case.id}", "Issue the credit", VIEW_CREDIT
        block = _input(
            AMOUNT_BLOCK, AMOUNT_INPUT, f"Amount (blank: the disputed {case.amount})", optional=True
        )
    else:
        title, submit, callback = f"Reject #{case.id}", "Reject", VIEW_REJECT
        block = _input(REASON_BLOCK, REASON_INPUT, "Why the invoice stands (the customer is told)")
    return {
        "type": "modal",
        "callback_id": callback,
        "private_metadata": metadata,
        "title": _plain(title[:24]),
        "submit": _plain(submit),
        "close": _plain("Cancel"),
        "blocks": [block],
    }


class DisputeSlack:
    def __init__(self, desk: DisputeDesk) -> None:
        self.desk = desk

    async def open_modal(
        self,
        slack: SlackClient,
        action_id: str,
        dispute_id: int,
        trigger_id: str,
        where: tuple[str, str],
    ) -> None:
        case = await run_in_threadpool(self._case, dispute_id)
        if case is None or not case.is_open:
            return
        channel, ts = where
        try:
            await slack.open_view(trigger_id, modal(action_id, case, channel=channel, ts=ts))
        except SlackError as exc:
            log.warning("slack_modal_failed", dispute_id=dispute_id, error=exc.error)

    def submission_problem(self, view: dict[str, Any]) -> dict[str, str] | None:
        """What the modal lacks, per block (Slack shows it under the field)."""
        if view.get("callback_id") == VIEW_REJECT and not _value(view, REASON_BLOCK, REASON_INPUT):
            return {REASON_BLOCK: "The customer is given this reason: it cannot be empty."}
        return None

    async def submit(self, slack: SlackClient | None, view: dict[str, Any], person: Person) -> None:
        try:
            data = json.loads(str(view.get("private_metadata", "")))
            dispute_id, channel, ts = int(data["dispute"]), str(data["channel"]), str(data["ts"])
        except (ValueError, KeyError, TypeError):
            return
        try:
            if view.get("callback_id") == VIEW_CREDIT:
                amount = _value(view, AMOUNT_BLOCK, AMOUNT_INPUT) or None
                said = await run_in_threadpool(self.desk.credit, dispute_id, person, amount=amount)
            else:
                reason = _value(view, REASON_BLOCK, REASON_INPUT)
                said = await run_in_threadpool(self.desk.reject, dispute_id, person, reason=reason)
        except RecoupError as exc:
            said = f"Not done: {exc.one_line()}"
        if slack is not None and channel:
            try:
                await slack.post_message(channel, text=said, thread_ts=ts or None)
            except SlackError as exc:
                log.warning("slack_outcome_failed", dispute_id=dispute_id, error=exc.error)

    def _case(self, dispute_id: int) -> DisputeCase | None:
        with open_session(self.desk.engine) as session:
            try:
                return assemble_dispute(session, dispute_id)
            except LookupError:
                return None


def _value(view: dict[str, Any], block: str, action: str) -> str:
    values = (view.get("state") or {}).get("values") or {}
    return str(((values.get(block) or {}).get(action) or {}).get("value") or "").strip()


def _button(text: str, action_id: str, value: str, *, style: str = "") -> dict[str, Any]:
    button: dict[str, Any] = {
        "type": "button",
        "text": _plain(text[:75]),
        "action_id": action_id,
        "value": value,
    }
    if style:
        button["style"] = style
    return button


def _input(block_id: str, action_id: str, label: str, *, optional: bool = False) -> dict[str, Any]:
    return {
        "type": "input",
        "block_id": block_id,
        "optional": optional,
        "label": _plain(label[:2000]),
        "element": {"type": "plain_text_input", "action_id": action_id, "max_length": 1000},
    }


def _plain(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text, "emoji": True}
