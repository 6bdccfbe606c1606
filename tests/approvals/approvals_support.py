"""Builders for approvals tests: cases on a real ledger, Slack's signed requests,
and the approvals app served by uvicorn on a free loopback port."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

import uvicorn
from pydantic import SecretStr
from sqlalchemy import Engine
from starlette.applications import Starlette

from recoup.agent.execute import execute_call
from recoup.approvals.slack import sign
from recoup.clock import Clock
from recoup.ledger.db import session as open_session
from recoup.ledger.models import Escalation, EscalationCategory
from recoup.ledger.operations.actor import Actor
from recoup.ledger.operations.escalations import open_escalation
from recoup.ledger.state import load_account
from recoup.policy import Policy
from recoup.settings import MailSettings, Settings, SlackSettings
from recoup.tools.base import RunContext
from recoup.tools.registry import default_registry
from tests.support import factory

SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
BOT_TOKEN = "xoxb-17653672481-19874698323-pdFZKVeTuE8sk7oOcBrzbqgy"
CHANNEL = "C0123ABCDEF"
SLACK_API = "https://slack.com/api"
WEB_TOKEN = "approvals-test-token-5b1d"


@dataclass(frozen=True)
class HeldCase:
    escalation_id: int
    customer_id: int
    invoice_number: str
    contact: str
    subject: str
    body: str


def held_email_case(
    engine: Engine, clock: Clock, policy: Policy, *, name: str = "Globex"
) -> HeldCase:
    """A strategic customer whose firm reminder is held by the tone cap, exactly as
    the agent's own call would hold it."""
    with open_session(engine) as session:
        owner = factory.customer(session, name=name, strategic=True)
        contact = f"ap@{owner.email_domain}"
        invoice = factory.invoice(
            session, owner, amount_cents=480_000, due=clock.now().date() - timedelta(days=40)
        )
        factory.inbound(
            session,
            owner,
            "We are reviewing the invoice internally, <b>please hold</b> on.",
            at=clock.now() - timedelta(days=20),
        )
        session.commit()
        subject = f"Invoice {invoice.number} is 40 days overdue"
        body = (
            f"Hello,\n\nInvoice {invoice.number} for $4,800.00 is now 40 days past due. "
            "Please arrange payment this week.\n\nAccounts Receivable"
        )
        args = {
            "to": [contact],
            "subject": subject,
            "body": body,
            "tone": "firm",
            "invoice_numbers": [invoice.number],
            "attach_invoice_copies": [invoice.number],
        }
        ctx = RunContext(session=session, customer_id=owner.id or 0, clock=clock, policy=policy)
        outcome = execute_call(ctx, default_registry(), "send_email", args)
        session.commit()
        assert outcome.status == "held", outcome.result
        return HeldCase(
            escalation_id=int(outcome.result["escalation_id"]),
            customer_id=owner.id or 0,
            invoice_number=invoice.number,
            contact=contact,
            subject=subject,
            body=body,
        )


def plain_case(
    engine: Engine,
    clock: Clock,
    policy: Policy,
    *,
    category: EscalationCategory = EscalationCategory.LARGE_SILENT,
) -> tuple[int, int]:
    """(escalation id, customer id) of an escalation with nothing held."""
    with open_session(engine) as session:
        owner = factory.customer(session, name="Initech")
        factory.invoice(
            session, owner, amount_cents=3_000_000, due=clock.now().date() - timedelta(days=70)
        )
        escalation = open_escalation(
            session,
            load_account(session, owner.id or 0, now=clock.now()),
            now=clock.now(),
            actor=Actor("agent"),
            policy=policy,
            category=category,
            reason="balance $30,000.00 with no reply for 30+ days",
            recommendation="Call the controller before the next reminder.",
        )
        session.commit()
        return escalation.id or 0, owner.id or 0


def escalation(engine: Engine, escalation_id: int) -> Escalation:
    with open_session(engine) as session:
        row = session.get(Escalation, escalation_id)
        assert row is not None
        return row


def settings_for(tmp_home: Any, *, slack: bool = False, webhook: bool = False) -> Settings:
    slack_settings = SlackSettings()
    if slack:
        slack_settings = SlackSettings(
            bot_token=SecretStr(BOT_TOKEN),
            signing_secret=SecretStr(SIGNING_SECRET),
            channel=CHANNEL,
            api_base_url=SLACK_API,
        )
    elif webhook:
        slack_settings = SlackSettings(
            webhook_url=SecretStr("https://hooks.slack.com/services/T000/B000/XXXXXXXX")
        )
    return Settings(
        home=tmp_home,
        approvals_token=SecretStr(WEB_TOKEN),
        slack=slack_settings,
        mail=MailSettings(from_address="ar@northwind.example", from_name="Northwind AR"),
    )


def signed_headers(body: bytes, timestamp: int, *, secret: str = SIGNING_SECRET) -> dict[str, str]:
    stamp = str(timestamp)
    return {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Slack-Request-Timestamp": stamp,
        "X-Slack-Signature": sign(secret, stamp, body),
    }


def form_body(payload: dict[str, Any]) -> bytes:
    """An interaction as Slack posts it: form-encoded ``payload=<json>``."""
    return urlencode({"payload": json.dumps(payload)}).encode()


def block_actions(
    case_id: int, action_id: str, *, message_ts: str, user: str = "jtorrance"
) -> dict[str, Any]:
    """A ``block_actions`` payload in Slack's documented shape."""
    return {
        "type": "block_actions",
        "team": {"id": "T9TK3CUKW", "domain": "northwind"},
        "user": {"id": "UA8RXUSPL", "username": user, "name": user, "team_id": "T9TK3CUKW"},
        "api_app_id": "AABA1ABCD",
        "token": "9s8d9as89d8as9d8as989",
        "container": {
            "type": "message",
            "message_ts": message_ts,
            "channel_id": CHANNEL,
            "is_ephemeral": False,
        },
        "trigger_id": "12321423423.333649436676.d8c1bb837935619ccad0f624c448ffb3",
        "channel": {"id": CHANNEL, "name": "collections-approvals"},
        "message": {"type": "message", "ts": message_ts, "text": f"Case #{case_id}"},
        "response_url": "https://hooks.slack.com/actions/AABA1ABCD/1232321423432/D09sSasdasdAS9091209",
        "actions": [
            {
                "action_id": action_id,
                "block_id": f"case_{case_id}",
                "text": {"type": "plain_text", "text": "Approve", "emoji": True},
                "value": str(case_id),
                "type": "button",
                "action_ts": "1548426417.840180",
            }
        ],
    }


def view_submission(
    callback_id: str, private_metadata: str, values: dict[str, dict[str, str]]
) -> dict[str, Any]:
    """A ``view_submission`` payload: ``values`` maps block id to {action id: text}."""
    state = {
        block: {
            action: {"type": "plain_text_input", "value": text} for action, text in inputs.items()
        }
        for block, inputs in values.items()
    }
    return {
        "type": "view_submission",
        "team": {"id": "T9TK3CUKW", "domain": "northwind"},
        "user": {
            "id": "UA8RXUSPL",
            "username": "jtorrance",
            "name": "jtorrance",
            "team_id": "T9TK3CUKW",
        },
        "api_app_id": "AABA1ABCD",
        "token": "9s8d9as89d8as9d8as989",
        "trigger_id": "12321423423.333649436676.d8c1bb837935619ccad0f624c448ffb3",
        "view": {
            "id": "VNHU13V36",
            "type": "modal",
            "callback_id": callback_id,
            "private_metadata": private_metadata,
            "state": {"values": state},
            "hash": "156663117.cd33ad1f",
        },
        "response_urls": [],
    }


def posted_response(channel: str, ts: str, text: str = "") -> dict[str, Any]:
    """Slack's documented chat.postMessage / chat.update answer."""
    return {
        "ok": True,
        "channel": channel,
        "ts": ts,
        "message": {"type": "message", "subtype": "bot_message", "text": text, "ts": ts},
    }


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def serve(app: Starlette) -> Iterator[str]:
    """The app under uvicorn on 127.0.0.1 in a background thread; yields its base URL."""
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    )
    thread = threading.Thread(target=server.run, name="approvals-test-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the approvals app did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=15)


def wait_for(condition: Callable[[], bool], *, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("the condition did not hold in time")
        time.sleep(0.05)
