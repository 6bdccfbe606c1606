"""Reading cases: a person says what the customer's message means in one click, on the
page or in Slack; the answer closes the case, reaches the agent and is kept as a
labelled example that `recoup reader corrections` exports."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx
from sqlalchemy import Engine
from sqlmodel import select
from starlette.testclient import TestClient
from typer.testing import CliRunner

from recoup.approvals.blocks import ACTION_READ, case_message
from recoup.approvals.corrections import labelled_corrections
from recoup.approvals.decisions import Channel, Decisions, Person
from recoup.approvals.desk import CaseDesk
from recoup.approvals.reading import Suggestion, answer_finding
from recoup.approvals.web import create_app
from recoup.cli.app import app as cli
from recoup.clock import FixedClock
from recoup.ledger.db import make_engine
from recoup.ledger.db import session as open_session
from recoup.ledger.models import (
    Escalation,
    EscalationCategory,
    Event,
    EventKind,
    ReadingCorrection,
)
from recoup.ledger.operations.actor import Actor
from recoup.ledger.operations.escalations import open_escalation
from recoup.ledger.state import load_account
from recoup.offline.corrections import corrected_finding
from recoup.policy import Policy
from recoup.reader import Intent
from recoup.reader.corpus import read_corrections
from tests.approvals.approvals_support import (
    CHANNEL,
    SLACK_API,
    WEB_TOKEN,
    block_actions,
    escalation,
    form_body,
    posted_response,
    serve,
    settings_for,
    signed_headers,
    wait_for,
)
from tests.approvals.test_approvals_browser import _sign_in
from tests.approvals.test_approvals_browser import browser as chromium  # noqa: F401
from tests.support import factory

TEXT = "Hi, we will pay INV-5501 on 2026-11-27, 1,200.00 now and the rest later. Thanks"
TS = "1763910000.000400"
CSRF_FIELD = re.compile(r'name="csrf" value="([0-9a-f]+)"')


def _reading_case(engine: Engine, clock: FixedClock, policy: Policy) -> tuple[int, int, int]:
    """(case id, customer id, message id) of an open reading case about INV-5501."""
    with open_session(engine) as session:
        owner = factory.customer(session, name="Umbrella", email="ap@umbrella.example")
        factory.invoice(
            session,
            owner,
            number="INV-5501",
            amount_cents=300_000,
            due=clock.now().date() - timedelta(days=15),
        )
        message = factory.inbound(
            session,
            owner,
            TEXT,
            at=clock.now() - timedelta(hours=2),
            from_addr="ap@umbrella.example",
        )
        case = open_escalation(
            session,
            load_account(session, owner.id or 0, now=clock.now()),
            now=clock.now(),
            actor=Actor("agent"),
            policy=policy,
            category=EscalationCategory.READING,
            reason=f"message #{message.id} could not be read with confidence",
            recommendation="Read the message and say what it means.",
            invoice_numbers=["INV-5501"],
            message_id=message.id,
        )
        session.commit()
        return case.id or 0, owner.id or 0, message.id or 0


def _decision_events(engine: Engine, customer_id: int) -> list[Event]:
    with open_session(engine) as session:
        return list(
            session.exec(
                select(Event).where(
                    Event.customer_id == customer_id, Event.kind == EventKind.DECISION.value
                )
            )
        )


@pytest.fixture
def client(
    engine: Engine, clock: FixedClock, policy: Policy, tmp_path: Path
) -> Iterator[TestClient]:
    app = create_app(engine, clock=clock, settings=settings_for(tmp_path), policy=policy)
    with TestClient(app, base_url="http://127.0.0.1", follow_redirects=False) as test_client:
        form = test_client.get("/login")
        token = CSRF_FIELD.search(form.text)
        assert token
        test_client.post("/login", data={"user": "Dana", "token": WEB_TOKEN, "csrf": token[1]})
        yield test_client


def test_the_page_offers_each_answer_prefilled_and_a_promise_is_applied_as_read(
    engine: Engine, clock: FixedClock, policy: Policy, client: TestClient
) -> None:
    case_id, customer_id, message_id = _reading_case(engine, clock, policy)

    page = client.get(f"/cases/{case_id}")

    assert page.status_code == 200
    for label in ("Promise to pay", "Dispute", "Already paid", "Redirect", "Question"):
        assert label in page.text
    assert "Nothing to do" in page.text
    assert 'name="promised_date" value="2026-11-27"' in page.text
    token = CSRF_FIELD.search(page.text)
    assert token
    answered = client.post(
        f"/cases/{case_id}/read",
        data={"csrf": token[1], "answer": "promise", "promised_date": "2026-11-27", "amount": ""},
    )

    assert answered.status_code == 303
    row = escalation(engine, case_id)
    assert (row.status, row.decided_by, row.decision_channel) == ("approved", "Dana", "web")
    (wake,) = _decision_events(engine, customer_id)
    found = corrected_finding(wake.detail)
    assert found is not None
    read_message, finding = found
    assert read_message == message_id
    assert (finding.intent, finding.date) == (Intent.PROMISE, date(2026, 11, 27))
    assert finding.invoice_numbers == ["INV-5501"]


def test_a_wrong_answer_is_refused_and_the_case_stays_open(
    engine: Engine, clock: FixedClock, policy: Policy, client: TestClient
) -> None:
    case_id, customer_id, _ = _reading_case(engine, clock, policy)
    page = client.get(f"/cases/{case_id}")
    token = CSRF_FIELD.search(page.text)
    assert token

    client.post(
        f"/cases/{case_id}/read",
        data={"csrf": token[1], "answer": "dispute", "reason": "not-a-reason"},
    )

    assert escalation(engine, case_id).status == "open"
    assert _decision_events(engine, customer_id) == []
    shown = client.get(f"/cases/{case_id}")
    assert "unknown dispute reason" in shown.text


def test_a_slack_click_answers_a_reading_case_and_the_correction_is_exported(
    engine: Engine, clock: FixedClock, policy: Policy, tmp_path: Path
) -> None:
    case_id, customer_id, message_id = _reading_case(engine, clock, policy)
    settings = settings_for(tmp_path, slack=True)
    desk = CaseDesk(
        engine, clock=clock, settings=settings, decisions=Decisions(engine, clock, policy)
    )
    case = desk.case(case_id)
    assert case is not None
    _, blocks = case_message(case)
    reading = next(b for b in blocks if b.get("block_id") == f"reading_{case_id}")
    ids = [element["action_id"] for element in reading["elements"]]
    assert ACTION_READ + "promise" in ids and ACTION_READ + "dispute" in ids
    dispute_menu = next(e for e in reading["elements"] if e["type"] == "static_select")
    assert {o["value"] for o in dispute_menu["options"]} >= {f"{case_id}:price"}

    payload = block_actions(case_id, ACTION_READ + "dispute", message_ts=TS)
    action = payload["actions"][0]
    action.pop("value")
    action.update(
        type="static_select",
        selected_option={
            "text": {"type": "plain_text", "text": "price"},
            "value": f"{case_id}:price",
        },
    )
    app = create_app(engine, clock=clock, settings=settings, policy=policy)
    with respx.mock(assert_all_called=False) as mock:
        mock.route(host="127.0.0.1").pass_through()
        update = mock.post(f"{SLACK_API}/chat.update").respond(json=posted_response(CHANNEL, TS))
        with open_session(engine) as session:
            row = session.get(Escalation, case_id)
            assert row is not None
            row.notify_ref = f"slack:{CHANNEL}:{TS}"
            session.commit()
        with serve(app) as base:
            body = form_body(payload)
            response = httpx.post(
                base + "/slack/interactivity",
                content=body,
                headers=signed_headers(body, int(clock.now().timestamp())),
                timeout=10,
            )
            assert response.status_code == 200
            wait_for(lambda: update.called)

    assert escalation(engine, case_id).status == "approved"
    shown = json.dumps(json.loads(update.calls.last.request.content)["blocks"])
    assert "Approved by jtorrance via slack" in shown and "read as dispute (price)" in shown
    (wake,) = _decision_events(engine, customer_id)
    found = corrected_finding(wake.detail)
    assert found is not None and found[1].dispute_reason == "price"
    with open_session(engine) as session:
        (stored,) = session.exec(select(ReadingCorrection)).all()
        assert (stored.message_id, stored.intent) == (message_id, "dispute")
        (labelled,) = labelled_corrections(session)
    out = tmp_path / "corrections.jsonl"
    out.write_text(labelled.model_dump_json(by_alias=True, exclude_none=True) + "\n")
    (reread,) = read_corrections(out)
    assert reread.intents[0].value == "dispute" and reread.body == TEXT
    assert reread.dispute is not None and reread.dispute.reason == "price"


@pytest.mark.browser
def test_in_a_browser_the_prefilled_promise_is_one_click(
    engine: Engine,
    clock: FixedClock,
    policy: Policy,
    tmp_path: Path,
    chromium: Any,  # noqa: F811
) -> None:
    case_id, customer_id, _ = _reading_case(engine, clock, policy)
    app = create_app(engine, clock=clock, settings=settings_for(tmp_path), policy=policy)
    with serve(app) as base:
        page = chromium.new_page()
        _sign_in(page, base)
        page.goto(f"{base}/cases/{case_id}")
        form = page.locator("section.reading form", has_text="Promise to pay")
        assert form.locator("input[name=promised_date]").input_value() == "2026-11-27"
        form.locator("button").click()
        page.wait_for_url(f"{base}/cases/{case_id}")
        assert "as promise" in page.inner_text(".flash-ok")
        page.screenshot(path=str(tmp_path / "reading-case.png"), full_page=True)

    assert escalation(engine, case_id).status == "approved"
    (wake,) = _decision_events(engine, customer_id)
    found = corrected_finding(wake.detail)
    assert found is not None and found[1].date == date(2026, 11, 27)


def test_recoup_reader_corrections_writes_what_train_reads(
    tmp_path: Path, clock: FixedClock, policy: Policy, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RECOUP_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("RECOUP_DATABASE_URL", raising=False)
    runner = CliRunner()
    assert runner.invoke(cli, ["init", "--company", "Northwind"]).exit_code == 0
    engine = make_engine(f"sqlite:///{tmp_path / 'home' / 'recoup.db'}")
    case_id, _, _ = _reading_case(engine, clock, policy)
    finding = answer_finding(
        "redirect",
        Suggestion(message_id=1, invoices=["INV-5501"], evidence="write to AP"),
        address="payables@umbrella.example",
    )
    assert Decisions(engine, clock, policy).read_as(case_id, Person("jane", Channel.CLI), finding)
    engine.dispose()

    out = tmp_path / "corrections.jsonl"
    result = runner.invoke(cli, ["reader", "corrections", "--out", str(out)])

    assert result.exit_code == 0, result.output
    assert "wrote 1 corrected readings" in result.output
    (reply,) = read_corrections(out)
    assert reply.intents[0].value == "wrong_contact"
    assert reply.redirect_email == "payables@umbrella.example" and reply.body == TEXT
