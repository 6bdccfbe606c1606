"""The interactivity endpoint, served by uvicorn, with Slack's Web API mocked by respx."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
import respx
from sqlalchemy import Engine
from sqlmodel import select

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
)
from recoup.approvals.web import create_app
from recoup.clock import FixedClock
from recoup.ledger.db import session as open_session
from recoup.ledger.models import Customer, Escalation, EscalationCategory, Event, Message
from recoup.policy import Policy
from tests.approvals.approvals_support import (
    CHANNEL,
    SLACK_API,
    HeldCase,
    block_actions,
    escalation,
    form_body,
    held_email_case,
    plain_case,
    posted_response,
    serve,
    settings_for,
    signed_headers,
    view_submission,
    wait_for,
)

TS = "1763910000.000300"
URL = "/slack/interactivity"


class SlackStub:
    def __init__(self, mock: respx.MockRouter) -> None:
        self.update = mock.post(f"{SLACK_API}/chat.update").respond(
            json=posted_response(CHANNEL, TS)
        )
        self.ephemeral = mock.post(f"{SLACK_API}/chat.postEphemeral").respond(
            json={"ok": True, "message_ts": "1763910001.000100"}
        )
        self.views = mock.post(f"{SLACK_API}/views.open").respond(
            json={"ok": True, "view": {"id": "VMHU10V25", "type": "modal"}}
        )


@contextmanager
def running(
    engine: Engine, clock: FixedClock, policy: Policy, tmp_path: Path
) -> Iterator[tuple[str, SlackStub, respx.MockRouter]]:
    app = create_app(
        engine, clock=clock, settings=settings_for(tmp_path, slack=True), policy=policy
    )
    with respx.mock(assert_all_called=False) as mock:
        mock.route(host="127.0.0.1").pass_through()
        stub = SlackStub(mock)
        with serve(app) as base:
            yield base, stub, mock


def _posted(engine: Engine, case: HeldCase) -> None:
    """As the notifier leaves a case it has posted."""
    with open_session(engine) as session:
        row = session.get(Escalation, case.escalation_id)
        assert row is not None
        row.notify_ref = f"slack:{CHANNEL}:{TS}"
        session.commit()


def _send(base: str, clock: FixedClock, payload: dict[str, object]) -> httpx.Response:
    body = form_body(payload)
    headers = signed_headers(body, int(clock.now().timestamp()))
    return httpx.post(base + URL, content=body, headers=headers, timeout=10)


def _outbox(engine: Engine, customer_id: int) -> list[Message]:
    with open_session(engine) as session:
        return list(
            session.exec(
                select(Message).where(
                    Message.customer_id == customer_id, Message.direction == "outbound"
                )
            )
        )


def _status(engine: Engine, escalation_id: int) -> str:
    return escalation(engine, escalation_id).status


def test_approve_click_is_acknowledged_at_once_then_applied_and_shown(
    engine: Engine, clock: FixedClock, policy: Policy, tmp_path: Path
) -> None:
    case = held_email_case(engine, clock, policy)
    _posted(engine, case)
    with running(engine, clock, policy, tmp_path) as (base, slack, _mock):
        # Slack is slow to answer chat.update: the click must still be acknowledged at once.
        slack.update.side_effect = lambda request: (
            time.sleep(3.5),
            httpx.Response(200, json=posted_response(CHANNEL, TS)),
        )[1]
        started = time.perf_counter()
        response = _send(
            base, clock, block_actions(case.escalation_id, ACTION_APPROVE, message_ts=TS)
        )
        acknowledged = time.perf_counter() - started
        assert response.status_code == 200 and response.content == b""
        assert acknowledged < 1.0, f"acknowledged after {acknowledged:.2f}s"
        wait_for(lambda: slack.update.called)

    row = escalation(engine, case.escalation_id)
    assert (row.status, row.decided_by, row.decision_channel) == ("approved", "jtorrance", "slack")
    [sent] = _outbox(engine, case.customer_id)
    assert sent.status == "queued" and sent.subject == case.subject
    update = json.loads(slack.update.calls.last.request.content)
    assert (update["channel"], update["ts"]) == (CHANNEL, TS)
    shown = json.dumps(update["blocks"])
    assert "Approved by jtorrance via slack" in shown
    assert all(block["type"] != "actions" for block in update["blocks"])
    assert row.notify_ref == f"slack:{CHANNEL}:{TS}:closed"


def test_a_retried_click_changes_nothing_and_says_so(
    engine: Engine, clock: FixedClock, policy: Policy, tmp_path: Path
) -> None:
    case = held_email_case(engine, clock, policy)
    _posted(engine, case)
    payload = block_actions(case.escalation_id, ACTION_APPROVE, message_ts=TS)
    with running(engine, clock, policy, tmp_path) as (base, slack, _mock):
        assert _send(base, clock, payload).status_code == 200
        wait_for(lambda: slack.update.called)
        assert _send(base, clock, payload).status_code == 200
        wait_for(lambda: slack.ephemeral.called)

    assert len(_outbox(engine, case.customer_id)) == 1
    assert slack.update.call_count == 1
    told = json.loads(slack.ephemeral.calls.last.request.content)
    assert told["user"] == "UA8RXUSPL" and told["channel"] == CHANNEL
    assert "already approved by jtorrance via slack" in told["text"]
    assert "nothing changed" in told["text"]


def test_reject_opens_a_modal_and_its_note_reaches_the_agent(
    engine: Engine, clock: FixedClock, policy: Policy, tmp_path: Path
) -> None:
    case = held_email_case(engine, clock, policy)
    _posted(engine, case)
    with running(engine, clock, policy, tmp_path) as (base, slack, _mock):
        clicked = block_actions(case.escalation_id, ACTION_REJECT, message_ts=TS)
        assert _send(base, clock, clicked).status_code == 200
        wait_for(lambda: slack.views.called)
        opened = json.loads(slack.views.calls.last.request.content)
        assert opened["trigger_id"] == clicked["trigger_id"]
        view = opened["view"]
        assert view["type"] == "modal" and view["callback_id"] == VIEW_REJECT
        assert _status(engine, case.escalation_id) == "open"

        empty = view_submission(
            VIEW_REJECT, view["private_metadata"], {NOTE_BLOCK: {NOTE_INPUT: " "}}
        )
        refused = _send(base, clock, empty)
        assert refused.status_code == 200
        assert refused.json()["response_action"] == "errors"
        assert NOTE_BLOCK in refused.json()["errors"]

        note = "They are switching banks; wait until December."
        submitted = view_submission(
            VIEW_REJECT, view["private_metadata"], {NOTE_BLOCK: {NOTE_INPUT: note}}
        )
        response = _send(base, clock, submitted)
        assert response.status_code == 200 and response.content == b""
        wait_for(lambda: slack.update.called)

    row = escalation(engine, case.escalation_id)
    assert (row.status, row.decision_note, row.decided_by) == ("rejected", note, "jtorrance")
    assert _outbox(engine, case.customer_id) == []
    with open_session(engine) as session:
        [woken] = session.exec(select(Event).where(Event.kind == "decision")).all()
    assert woken.detail == f"escalation #{case.escalation_id} rejected by jtorrance: {note}"
    assert "Rejected by jtorrance via slack" in json.dumps(
        json.loads(slack.update.calls.last.request.content)["blocks"]
    )


def test_edit_opens_the_draft_and_the_edited_email_is_sent(
    engine: Engine, clock: FixedClock, policy: Policy, tmp_path: Path
) -> None:
    case = held_email_case(engine, clock, policy)
    _posted(engine, case)
    with running(engine, clock, policy, tmp_path) as (base, slack, _mock):
        assert (
            _send(
                base, clock, block_actions(case.escalation_id, ACTION_EDIT, message_ts=TS)
            ).status_code
            == 200
        )
        wait_for(lambda: slack.views.called)
        view = json.loads(slack.views.calls.last.request.content)["view"]
        assert view["callback_id"] == VIEW_EDIT
        inputs = {b["block_id"]: b["element"] for b in view["blocks"] if b["type"] == "input"}
        assert inputs[SUBJECT_BLOCK]["initial_value"] == case.subject
        assert inputs[BODY_BLOCK]["initial_value"] == case.body

        edited_body = f"Hello,\n\nA reminder that invoice {case.invoice_number} is open. Thank you."
        submitted = view_submission(
            VIEW_EDIT,
            view["private_metadata"],
            {
                SUBJECT_BLOCK: {SUBJECT_INPUT: "About your open invoice"},
                BODY_BLOCK: {BODY_INPUT: edited_body},
            },
        )
        assert _send(base, clock, submitted).status_code == 200
        wait_for(lambda: slack.update.called)

    [sent] = _outbox(engine, case.customer_id)
    assert (sent.subject, sent.text, sent.status) == (
        "About your open invoice",
        edited_body,
        "queued",
    )
    assert _status(engine, case.escalation_id) == "approved"


def test_take_over_click_hands_the_account_to_a_person(
    engine: Engine, clock: FixedClock, policy: Policy, tmp_path: Path
) -> None:
    case = held_email_case(engine, clock, policy)
    _posted(engine, case)
    with running(engine, clock, policy, tmp_path) as (base, slack, _mock):
        payload = block_actions(case.escalation_id, ACTION_TAKE_OVER, message_ts=TS)
        assert _send(base, clock, payload).status_code == 200
        wait_for(lambda: slack.update.called)

    assert _status(engine, case.escalation_id) == "taken_over"
    with open_session(engine) as session:
        customer = session.get(Customer, case.customer_id)
        assert customer is not None and customer.taken_over is True
    assert "Taken over by jtorrance via slack" in json.dumps(
        json.loads(slack.update.calls.last.request.content)["blocks"]
    )


def test_unsigned_forged_tampered_and_replayed_requests_change_nothing(
    engine: Engine, clock: FixedClock, policy: Policy, tmp_path: Path
) -> None:
    case = held_email_case(engine, clock, policy)
    _posted(engine, case)
    body = form_body(block_actions(case.escalation_id, ACTION_APPROVE, message_ts=TS))
    now = int(clock.now().timestamp())
    tampered = form_body(block_actions(case.escalation_id, ACTION_TAKE_OVER, message_ts=TS))
    attempts = [
        (body, {"Content-Type": "application/x-www-form-urlencoded"}),
        (body, signed_headers(body, now, secret="not-the-signing-secret")),
        (tampered, signed_headers(body, now)),
        (body, signed_headers(body, now - 6 * 60)),
    ]
    with running(engine, clock, policy, tmp_path) as (base, _slack, mock):
        for content, headers in attempts:
            response = httpx.post(base + URL, content=content, headers=headers, timeout=10)
            assert response.status_code == 401
        time.sleep(0.3)
        slack_calls = [c for c in mock.calls if c.request.url.host == "slack.com"]

    assert slack_calls == []
    assert _status(engine, case.escalation_id) == "open"
    assert _outbox(engine, case.customer_id) == []


def test_a_click_on_a_case_id_beyond_any_row_is_not_found(
    engine: Engine, clock: FixedClock, policy: Policy, tmp_path: Path
) -> None:
    case = held_email_case(engine, clock, policy)
    with running(engine, clock, policy, tmp_path) as (base, slack, _mock):
        response = _send(base, clock, block_actions(10**22, ACTION_APPROVE, message_ts=TS))

    assert response.status_code == 404
    assert not slack.update.called and not slack.ephemeral.called
    assert _status(engine, case.escalation_id) == "open"


def _posted_id(engine: Engine, escalation_id: int) -> None:
    with open_session(engine) as session:
        row = session.get(Escalation, escalation_id)
        assert row is not None
        row.notify_ref = f"slack:{CHANNEL}:{TS}"
        session.commit()


@pytest.mark.parametrize(
    ("action_id", "status", "taken_over", "shown"),
    [
        (ACTION_APPROVE, "taken_over", True, "Collection stopped and handed to credit/legal by"),
        (ACTION_RESUME, "approved", False, "Collection resumed by jtorrance via slack"),
    ],
)
def test_an_insolvency_case_in_slack_stops_or_resumes_collection_as_its_buttons_say(
    engine: Engine,
    clock: FixedClock,
    policy: Policy,
    tmp_path: Path,
    action_id: str,
    status: str,
    taken_over: bool,
    shown: str,
) -> None:
    case_id, customer_id = plain_case(engine, clock, policy, category=EscalationCategory.INSOLVENCY)
    _posted_id(engine, case_id)
    with running(engine, clock, policy, tmp_path) as (base, slack, _mock):
        assert (
            _send(base, clock, block_actions(case_id, action_id, message_ts=TS)).status_code == 200
        )
        wait_for(lambda: slack.update.called)

    assert _status(engine, case_id) == status
    with open_session(engine) as session:
        customer = session.get(Customer, customer_id)
        assert customer is not None and customer.taken_over is taken_over
    assert shown in json.dumps(json.loads(slack.update.calls.last.request.content)["blocks"])
