from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx
from pydantic import SecretStr
from sqlalchemy import Engine

from recoup.approvals.blocks import ACTION_APPROVE, ACTION_EDIT, ACTION_REJECT, ACTION_TAKE_OVER
from recoup.approvals.decisions import Channel, Decisions, Person
from recoup.approvals.notifier import Notifier
from recoup.approvals.slack import (
    SignatureError,
    SlackClient,
    SlackError,
    sign,
    verify_signature,
)
from recoup.clock import FixedClock
from recoup.ledger.db import session as open_session
from recoup.ledger.models import Escalation
from recoup.policy import Policy
from tests.approvals.approvals_support import (
    BOT_TOKEN,
    CHANNEL,
    SIGNING_SECRET,
    SLACK_API,
    escalation,
    held_email_case,
    plain_case,
    posted_response,
    settings_for,
)

# Slack's own worked example ("Verifying requests from Slack").
DOC_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
DOC_TIMESTAMP = "1531420618"
DOC_BODY = (
    b"token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id="
    b"G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-"
    b"collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F3977008"
    b"85554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c4"
    b"47fce8b6703c"
)
DOC_SIGNATURE = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"
TS = "1763910000.000200"


def _verify(body: bytes, timestamp: str, signature: str, clock: FixedClock) -> None:
    verify_signature(
        SIGNING_SECRET, timestamp=timestamp, signature=signature, body=body, now=clock.now()
    )


def test_slack_worked_example_signs_and_verifies() -> None:
    assert sign(DOC_SECRET, DOC_TIMESTAMP, DOC_BODY) == DOC_SIGNATURE
    verify_signature(
        DOC_SECRET,
        timestamp=DOC_TIMESTAMP,
        signature=DOC_SIGNATURE,
        body=DOC_BODY,
        now=datetime.fromtimestamp(int(DOC_TIMESTAMP) + 60, tz=UTC),
    )


def test_valid_request_passes(clock: FixedClock) -> None:
    body = b"payload=%7B%22type%22%3A%22block_actions%22%7D"
    stamp = str(int(clock.now().timestamp()) - 30)
    _verify(body, stamp, sign(SIGNING_SECRET, stamp, body), clock)


def test_forged_signature_is_refused(clock: FixedClock) -> None:
    body = b"payload=%7B%7D"
    stamp = str(int(clock.now().timestamp()))
    with pytest.raises(SignatureError, match="does not match"):
        _verify(body, stamp, sign("someone-elses-secret", stamp, body), clock)
    with pytest.raises(SignatureError, match="does not match"):
        _verify(body, stamp, "v0=" + "0" * 64, clock)


def test_tampered_body_is_refused(clock: FixedClock) -> None:
    stamp = str(int(clock.now().timestamp()))
    signature = sign(SIGNING_SECRET, stamp, b"payload=%7B%22value%22%3A%221%22%7D")
    with pytest.raises(SignatureError, match="does not match"):
        _verify(b"payload=%7B%22value%22%3A%222%22%7D", stamp, signature, clock)
    # The timestamp is signed too: moving it breaks the signature.
    with pytest.raises(SignatureError, match="does not match"):
        _verify(b"payload=%7B%22value%22%3A%221%22%7D", str(int(stamp) - 1), signature, clock)


def test_replayed_request_older_than_five_minutes_is_refused(clock: FixedClock) -> None:
    body = b"payload=%7B%7D"
    fresh = str(int(clock.now().timestamp()) - 299)
    _verify(body, fresh, sign(SIGNING_SECRET, fresh, body), clock)
    old = str(int(clock.now().timestamp()) - 301)
    with pytest.raises(SignatureError, match="more than 5 minutes"):
        _verify(body, old, sign(SIGNING_SECRET, old, body), clock)
    ahead = str(int(clock.now().timestamp()) + 400)
    with pytest.raises(SignatureError, match="more than 5 minutes"):
        _verify(body, ahead, sign(SIGNING_SECRET, ahead, body), clock)


def test_missing_or_malformed_headers_are_refused(clock: FixedClock) -> None:
    with pytest.raises(SignatureError, match="missing"):
        _verify(b"x", "", "v0=abc", clock)
    with pytest.raises(SignatureError, match="missing"):
        verify_signature(SIGNING_SECRET, timestamp="1", signature=None, body=b"x", now=clock.now())
    with pytest.raises(SignatureError, match="not a number"):
        _verify(b"x", "yesterday", "v0=abc", clock)


@respx.mock
async def test_chat_post_message_sends_block_kit_with_the_bot_token() -> None:
    route = respx.post(f"{SLACK_API}/chat.postMessage").respond(
        json=posted_response(CHANNEL, TS, "hello")
    )
    async with httpx.AsyncClient() as http:
        client = SlackClient(http, token=SecretStr(BOT_TOKEN), base_url=SLACK_API)
        blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": "hi"}}]
        posted = await client.post_message(CHANNEL, text="hello", blocks=blocks)

    assert (posted.channel, posted.ts) == (CHANNEL, TS)
    request = route.calls.last.request
    assert request.headers["Authorization"] == f"Bearer {BOT_TOKEN}"
    assert request.headers["Content-Type"].startswith("application/json")
    sent = json.loads(request.content)
    assert sent["channel"] == CHANNEL and sent["text"] == "hello" and sent["blocks"] == blocks


@respx.mock
async def test_slack_errors_are_raised_without_the_token() -> None:
    respx.post(f"{SLACK_API}/chat.postMessage").respond(
        json={"ok": False, "error": "channel_not_found"}
    )
    respx.post(f"{SLACK_API}/chat.update").respond(429, headers={"Retry-After": "7"})
    async with httpx.AsyncClient() as http:
        client = SlackClient(http, token=SecretStr(BOT_TOKEN), base_url=SLACK_API)
        with pytest.raises(SlackError) as missing:
            await client.post_message(CHANNEL, text="x")
        with pytest.raises(SlackError) as limited:
            await client.update_message(CHANNEL, TS, text="x", blocks=[])
    assert missing.value.error == "channel_not_found"
    assert BOT_TOKEN not in str(missing.value)
    assert (limited.value.error, limited.value.retry_after_s) == ("ratelimited", 7.0)


def _notifier(
    engine: Engine,
    clock: FixedClock,
    policy: Policy,
    http: httpx.AsyncClient,
    tmp_path: Path,
    **mode: bool,
) -> Notifier:
    return Notifier(
        engine, clock=clock, policy=policy, settings=settings_for(tmp_path, **mode), http=http
    )


def _texts(blocks: list[dict[str, Any]]) -> str:
    return json.dumps(blocks, ensure_ascii=False)


async def test_each_new_case_is_posted_once_with_buttons(
    engine: Engine, clock: FixedClock, policy: Policy, tmp_path: Path
) -> None:
    held = held_email_case(engine, clock, policy)
    with respx.mock:
        route = respx.post(f"{SLACK_API}/chat.postMessage").respond(
            json=posted_response(CHANNEL, TS)
        )
        async with httpx.AsyncClient() as http:
            notifier = _notifier(engine, clock, policy, http, tmp_path, slack=True)
            first = await notifier.tick()
            second = await notifier.tick()

    assert first.posted == [held.escalation_id] and second.posted == []
    assert route.call_count == 1
    sent = json.loads(route.calls.last.request.content)
    assert sent["channel"] == CHANNEL
    actions = next(b for b in sent["blocks"] if b["type"] == "actions")
    buttons = {e["action_id"]: e["value"] for e in actions["elements"]}
    assert buttons == dict.fromkeys(
        (ACTION_APPROVE, ACTION_EDIT, ACTION_REJECT, ACTION_TAKE_OVER), str(held.escalation_id)
    )
    labels = [(e["text"]["text"], e.get("style")) for e in actions["elements"]]
    assert labels == [
        ("Send this email", "primary"),
        ("Edit the email, then send it", None),
        ("Don't send it", None),
        ("Take the account over", "danger"),
    ]
    assert "*Send this email* (recommended): The email below goes to" in json.dumps(sent["blocks"])
    shown = _texts(sent["blocks"])
    assert held.subject in shown and sent["text"].startswith(f"Case #{held.escalation_id}")
    assert "Globex" in sent["blocks"][0]["text"]["text"]
    # Customer text is escaped: it cannot inject markup or mentions.
    assert "&lt;b&gt;please hold&lt;/b&gt;" in shown and "<b>" not in shown
    assert escalation(engine, held.escalation_id).notify_ref == f"slack:{CHANNEL}:{TS}"


async def test_a_failed_post_is_retried_on_the_next_tick(
    engine: Engine, clock: FixedClock, policy: Policy, tmp_path: Path
) -> None:
    held = held_email_case(engine, clock, policy)
    with respx.mock:
        route = respx.post(f"{SLACK_API}/chat.postMessage")
        route.side_effect = [
            httpx.Response(200, json={"ok": False, "error": "not_in_channel"}),
            httpx.Response(200, json=posted_response(CHANNEL, TS)),
        ]
        async with httpx.AsyncClient() as http:
            notifier = _notifier(engine, clock, policy, http, tmp_path, slack=True)
            failed = await notifier.tick()
            assert escalation(engine, held.escalation_id).notify_ref is None
            retried = await notifier.tick()

    assert failed.posted == [] and "not_in_channel" in failed.errors[0]
    assert retried.posted == [held.escalation_id]
    assert escalation(engine, held.escalation_id).notify_ref == f"slack:{CHANNEL}:{TS}"


async def test_webhook_only_mode_notifies_without_buttons(
    engine: Engine, clock: FixedClock, policy: Policy, tmp_path: Path
) -> None:
    escalation_id, _ = plain_case(engine, clock, policy)
    with respx.mock:
        hook = respx.post("https://hooks.slack.com/services/T000/B000/XXXXXXXX").respond(
            200, text="ok"
        )
        async with httpx.AsyncClient() as http:
            notifier = _notifier(engine, clock, policy, http, tmp_path, webhook=True)
            report = await notifier.tick()
            again = await notifier.tick()

    assert report.posted == [escalation_id] and again.posted == []
    sent = json.loads(hook.calls.last.request.content)
    assert all(block["type"] != "actions" for block in sent["blocks"])
    assert "Call the controller" in _texts(sent["blocks"])
    assert escalation(engine, escalation_id).notify_ref == "webhook"


async def test_reminder_in_thread_then_expiry_updates_the_message(
    engine: Engine, clock: FixedClock, policy: Policy, tmp_path: Path
) -> None:
    held = held_email_case(engine, clock, policy)
    with respx.mock:
        post = respx.post(f"{SLACK_API}/chat.postMessage").respond(
            json=posted_response(CHANNEL, TS)
        )
        update = respx.post(f"{SLACK_API}/chat.update").respond(json=posted_response(CHANNEL, TS))
        async with httpx.AsyncClient() as http:
            notifier = _notifier(engine, clock, policy, http, tmp_path, slack=True)
            await notifier.tick()
            clock.advance(timedelta(hours=49))
            reminded = await notifier.tick()
            again = await notifier.tick()
            clock.advance(timedelta(hours=24))
            expired = await notifier.tick()
            after = await notifier.tick()

    assert reminded.reminded == [held.escalation_id] and again.reminded == []
    reminder = json.loads(post.calls.last.request.content)
    assert reminder["thread_ts"] == TS and "Reminder" in reminder["text"]
    assert post.call_count == 2
    assert expired.expired == [held.escalation_id] and expired.reflected == [held.escalation_id]
    assert after.expired == [] and after.reflected == []
    assert update.call_count == 1
    updated = json.loads(update.calls.last.request.content)
    assert (updated["channel"], updated["ts"]) == (CHANNEL, TS)
    assert "Expired undecided" in _texts(updated["blocks"])
    assert all(block["type"] != "actions" for block in updated["blocks"])
    row = escalation(engine, held.escalation_id)
    assert row.status == "expired" and row.notify_ref == f"slack:{CHANNEL}:{TS}:closed"


async def test_a_decision_from_another_channel_shows_on_the_slack_message(
    engine: Engine, clock: FixedClock, policy: Policy, tmp_path: Path
) -> None:
    held = held_email_case(engine, clock, policy)
    with respx.mock:
        respx.post(f"{SLACK_API}/chat.postMessage").respond(json=posted_response(CHANNEL, TS))
        update = respx.post(f"{SLACK_API}/chat.update").respond(json=posted_response(CHANNEL, TS))
        async with httpx.AsyncClient() as http:
            notifier = _notifier(engine, clock, policy, http, tmp_path, slack=True)
            await notifier.tick()
            Decisions(engine, clock, policy).reject(
                held.escalation_id, Person("jane", Channel.CLI), note="too firm for Globex"
            )
            report = await notifier.tick()

    assert report.reflected == [held.escalation_id]
    shown = _texts(json.loads(update.calls.last.request.content)["blocks"])
    assert "Rejected by jane via cli" in shown and "too firm for Globex" in shown


async def test_a_post_claim_left_by_a_crash_is_taken_again_later(
    engine: Engine, clock: FixedClock, policy: Policy, tmp_path: Path
) -> None:
    held = held_email_case(engine, clock, policy)
    with open_session(engine) as session:
        row = session.get(Escalation, held.escalation_id)
        assert row is not None
        row.notify_ref = f"pending:{(clock.now() - timedelta(minutes=1)).isoformat()}"
        session.commit()
    with respx.mock:
        route = respx.post(f"{SLACK_API}/chat.postMessage").respond(
            json=posted_response(CHANNEL, TS)
        )
        async with httpx.AsyncClient() as http:
            notifier = _notifier(engine, clock, policy, http, tmp_path, slack=True)
            in_flight = await notifier.tick()
            clock.advance(timedelta(minutes=10))
            abandoned = await notifier.tick()

    assert in_flight.posted == [] and abandoned.posted == [held.escalation_id]
    assert route.call_count == 1
    assert escalation(engine, held.escalation_id).notify_ref == f"slack:{CHANNEL}:{TS}"
