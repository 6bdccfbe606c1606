"""Slack's interactivity endpoint: signed button clicks and modal submissions.

It verifies the signature over the raw body, answers at once and does the
work (the decision, then ``chat.update`` or a modal) in a background task,
well inside Slack's 3 seconds.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qs

import structlog
from starlette.applications import Starlette
from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from recoup.approvals.blocks import (
    ACTION_APPROVE,
    ACTION_EDIT,
    ACTION_REJECT,
    ACTION_RESUME,
    ACTION_TAKE_OVER,
    BODY_BLOCK,
    BODY_INPUT,
    NOTE_BLOCK,
    NOTE_INPUT,
    SUBJECT_BLOCK,
    SUBJECT_INPUT,
    VIEW_EDIT,
    VIEW_REJECT,
    edit_modal,
    editable_in_slack,
    modal_metadata,
    read_choice,
    reject_modal,
)
from recoup.approvals.decisions import Channel, Decision, Person
from recoup.approvals.desk import CaseDesk
from recoup.approvals.dispute_desk import DisputeDesk
from recoup.approvals.dispute_slack import PREFIX as DISPUTE_ACTIONS
from recoup.approvals.dispute_slack import DisputeSlack
from recoup.approvals.notifier import Notifier
from recoup.approvals.slack import SIGNATURE_HEADER, TIMESTAMP_HEADER, SignatureError, SlackError
from recoup.approvals.slack import verify_signature as verify_slack_signature
from recoup.ledger.ids import row_id

log = structlog.get_logger(__name__)


class SlackInteractivity:
    def __init__(self, desk: CaseDesk) -> None:
        self.desk = desk
        self.disputes = DisputeSlack(DisputeDesk(desk.engine, desk.clock))

    async def interactivity(self, request: Request) -> Response:
        secret = self.desk.settings.slack.signing_secret
        if secret is None:
            return Response("Slack interactivity is not configured", status_code=404)
        body = await request.body()
        try:
            verify_slack_signature(
                secret.get_secret_value(),
                timestamp=request.headers.get(TIMESTAMP_HEADER),
                signature=request.headers.get(SIGNATURE_HEADER),
                body=body,
                now=self.desk.clock.now(),
            )
        except SignatureError as exc:
            log.warning("slack_request_refused", reason=str(exc))
            return Response("invalid request signature", status_code=401)
        try:
            payload = json.loads(parse_qs(body.decode("utf-8"))["payload"][0])
        except (KeyError, IndexError, ValueError):
            return Response("no interaction payload", status_code=400)
        kind = payload.get("type")
        if kind == "block_actions":
            return self._block_actions(request.app, payload)
        if kind == "view_submission":
            return self._view_submission(request.app, payload)
        return Response(status_code=200)

    def _block_actions(self, app: Starlette, payload: dict[str, Any]) -> Response:
        actions = payload.get("actions") or []
        if not actions:
            return Response(status_code=200)
        action = actions[0]
        container = payload.get("container") or {}
        channel = container.get("channel_id") or (payload.get("channel") or {}).get("id", "")
        read = read_choice(action)
        if read is not None:
            return self._read_action(app, payload, read, str(channel))
        case_id = row_id(action.get("value", ""))
        if case_id is None:
            return Response("no such case", status_code=404)
        container = payload.get("container") or {}
        channel = container.get("channel_id") or (payload.get("channel") or {}).get("id", "")
        action_id = str(action.get("action_id", ""))
        if action_id.startswith(DISPUTE_ACTIONS) and app.state.notifier.slack is not None:
            where = (str(channel), str(container.get("message_ts", "")))
            trigger = str(payload.get("trigger_id", ""))
            opened = self.disputes.open_modal
            task = BackgroundTask(
                opened, app.state.notifier.slack, action_id, case_id, trigger, where
            )
            return Response(status_code=200, background=task)
        task = BackgroundTask(
            self._slack_action,
            app,
            str(action.get("action_id", "")),
            case_id,
            _slack_person(payload),
            str(channel),
            str(container.get("message_ts", "")),
            str(payload.get("trigger_id", "")),
        )
        return Response(status_code=200, background=task)

    def _read_action(
        self, app: Starlette, payload: dict[str, Any], read: tuple[str, str, str], channel: str
    ) -> Response:
        answer, raw_id, reason = read
        case_id = row_id(raw_id)
        if case_id is None:
            return Response("no such case", status_code=404)
        task = BackgroundTask(
            self._slack_read, app, case_id, _slack_person(payload), channel, answer, reason
        )
        return Response(status_code=200, background=task)

    async def _slack_read(
        self, app: Starlette, case_id: int, person: Person, channel: str, answer: str, reason: str
    ) -> None:
        decision = await run_in_threadpool(
            lambda: self.desk.read_case(case_id, person, answer, reason=reason)
        )
        await _answer_in_slack(app.state.notifier, decision, person, channel)

    def _view_submission(self, app: Starlette, payload: dict[str, Any]) -> Response:
        view = payload.get("view") or {}
        if str(view.get("callback_id", "")).startswith(DISPUTE_ACTIONS):
            problem = self.disputes.submission_problem(view)
            if problem:
                return _modal_errors(problem)
            submit = self.disputes.submit
            person = _slack_person(payload)
            task = BackgroundTask(submit, app.state.notifier.slack, view, person)
            return Response(status_code=200, background=task)
        values = (view.get("state") or {}).get("values") or {}
        try:
            case_id, channel, _ts = modal_metadata(str(view.get("private_metadata", "")))
        except (ValueError, KeyError):
            return Response(status_code=200)
        if row_id(case_id) is None:
            return Response("no such case", status_code=404)
        person = _slack_person(payload)
        callback = view.get("callback_id")
        if callback == VIEW_REJECT:
            note = _input(values, NOTE_BLOCK, NOTE_INPUT)
            if not note:
                return _modal_errors({NOTE_BLOCK: "A note is needed: the agent re-plans from it."})
            work = BackgroundTask(self._slack_reject, app, case_id, person, channel, note)
        elif callback == VIEW_EDIT:
            subject = _input(values, SUBJECT_BLOCK, SUBJECT_INPUT)
            body = _input(values, BODY_BLOCK, BODY_INPUT)
            if not subject or not body:
                return _modal_errors(
                    {SUBJECT_BLOCK if not subject else BODY_BLOCK: "This cannot be empty."}
                )
            work = BackgroundTask(
                self._slack_approve_edited, app, case_id, person, channel, subject, body
            )
        else:
            return Response(status_code=200)
        return Response(status_code=200, background=work)

    async def _slack_action(
        self,
        app: Starlette,
        action_id: str,
        case_id: int,
        person: Person,
        channel: str,
        ts: str,
        trigger_id: str,
    ) -> None:
        notifier: Notifier = app.state.notifier
        if action_id == ACTION_APPROVE:
            decision = await run_in_threadpool(self.desk.decisions.approve, case_id, person)
        elif action_id == ACTION_RESUME:
            decision = await run_in_threadpool(self.desk.decisions.resume, case_id, person)
        elif action_id == ACTION_TAKE_OVER:
            decision = await run_in_threadpool(self.desk.decisions.take_over, case_id, person)
        elif action_id in (ACTION_REJECT, ACTION_EDIT):
            await self._open_modal(notifier, action_id, case_id, person, channel, ts, trigger_id)
            return
        else:
            return
        await _answer_in_slack(notifier, decision, person, channel)

    async def _open_modal(
        self,
        notifier: Notifier,
        action_id: str,
        case_id: int,
        person: Person,
        channel: str,
        ts: str,
        trigger_id: str,
    ) -> None:
        if notifier.slack is None:
            return
        case = await run_in_threadpool(self.desk.case, case_id)
        try:
            if case is None or not case.is_open:
                unchanged = await run_in_threadpool(
                    self.desk.decisions.unchanged, case_id, action_id
                )
                await _answer_in_slack(notifier, unchanged, person, channel)
            elif action_id == ACTION_REJECT:
                await notifier.slack.open_view(
                    trigger_id, reject_modal(case, channel=channel, ts=ts)
                )
            elif editable_in_slack(case):
                await notifier.slack.open_view(trigger_id, edit_modal(case, channel=channel, ts=ts))
        except SlackError as exc:
            log.warning("slack_modal_failed", escalation_id=case_id, error=exc.error)

    async def _slack_reject(
        self, app: Starlette, case_id: int, person: Person, channel: str, note: str
    ) -> None:
        decision = await run_in_threadpool(self.desk.decisions.reject, case_id, person, note=note)
        await _answer_in_slack(app.state.notifier, decision, person, channel)

    async def _slack_approve_edited(
        self, app: Starlette, case_id: int, person: Person, channel: str, subject: str, body: str
    ) -> None:
        decision = await run_in_threadpool(self.desk.approve_edited, case_id, person, subject, body)
        await _answer_in_slack(app.state.notifier, decision, person, channel)


async def _answer_in_slack(
    notifier: Notifier, decision: Decision, person: Person, channel: str
) -> None:
    """Update the case's message with the outcome; tell the clicker privately when
    their click changed nothing (already decided, refused)."""
    await notifier.reflect(decision.escalation_id)
    if decision.applied or notifier.slack is None or not person.ref or not channel:
        return
    try:
        await notifier.slack.post_ephemeral(channel, person.ref, text=decision.message)
    except SlackError as exc:
        log.warning("slack_ephemeral_failed", escalation_id=decision.escalation_id, error=exc.error)


def _slack_person(payload: dict[str, Any]) -> Person:
    user = payload.get("user") or {}
    name = user.get("username") or user.get("name") or user.get("id") or "slack user"
    return Person(str(name), Channel.SLACK, ref=user.get("id"))


def _input(values: dict[str, Any], block: str, action: str) -> str:
    value = ((values.get(block) or {}).get(action) or {}).get("value")
    return str(value or "").strip()


def _modal_errors(errors: dict[str, str]) -> Response:
    return JSONResponse({"response_action": "errors", "errors": errors})
