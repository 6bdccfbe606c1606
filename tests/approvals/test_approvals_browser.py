"""The approvals page in a real headless Chromium, as a person uses it."""

from __future__ import annotations

import asyncio
import importlib.util
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlmodel import select

from recoup.agent.clients.scripted import FunctionModel
from recoup.agent.loop import AgentDeps
from recoup.agent.runner import Runner
from recoup.approvals.web import create_app
from recoup.chat import ChatMessage, ModelResponse, ToolSpec
from recoup.clock import FixedClock
from recoup.ledger.db import session as open_session
from recoup.ledger.models import EscalationCategory, Message
from recoup.policy import Policy
from recoup.prompts import parse_trigger_message
from tests.approvals.approvals_support import (
    WEB_TOKEN,
    escalation,
    held_email_case,
    plain_case,
    serve,
    settings_for,
)
from tests.support.databases import required_in_ci

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        required_in_ci(f"headless Chromium is not installed at {CHROMIUM}")
    if importlib.util.find_spec("playwright") is None:
        required_in_ci("the playwright package is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


def _sign_in(page: Any, base: str, name: str = "Dana Reyes") -> None:
    page.goto(base + "/")
    assert page.url == base + "/login"
    page.fill("input[name=user]", name)
    page.fill("input[name=token]", WEB_TOKEN)
    page.click("button[type=submit]")
    page.wait_for_url(base + "/")


def _outbox(engine: Engine, customer_id: int) -> list[Message]:
    with open_session(engine) as session:
        return list(
            session.exec(
                select(Message).where(
                    Message.customer_id == customer_id, Message.direction == "outbound"
                )
            )
        )


def test_a_person_signs_in_opens_a_case_and_approves_the_held_email(
    engine: Engine, clock: FixedClock, policy: Policy, tmp_path: Path, browser: Any
) -> None:
    case = held_email_case(engine, clock, policy)
    app = create_app(engine, clock=clock, settings=settings_for(tmp_path), policy=policy)
    with serve(app) as base:
        page = browser.new_page()
        page.goto(base + "/cases/1")
        assert page.url == base + "/login"
        page.fill("input[name=user]", "Dana Reyes")
        page.fill("input[name=token]", "not-the-token")
        page.click("button[type=submit]")
        assert "That token is not valid." in page.inner_text(".flash-error")

        _sign_in(page, base)
        assert page.inner_text("h1") == "Open cases 1"
        assert "Signed in as Dana Reyes" in page.inner_text("header.top")
        page.click(f"a[href='/cases/{case.escalation_id}']")
        page.wait_for_url(f"{base}/cases/{case.escalation_id}")

        held = page.inner_text("section.held")
        assert "From\nNorthwind AR <ar@northwind.example>" in held
        assert f"Subject\n{case.subject}" in held
        assert page.inner_text("pre.body") == case.body
        assert f"copy of invoice {case.invoice_number} (PDF)" in held
        assert "exceeds the strategic account cap" in page.inner_text("p.why")
        # Customer text arrives as text: the markup in the reply is shown, not rendered.
        assert "<b>please hold</b>" in page.inner_text("article.message-inbound pre")
        assert page.locator("article.message-inbound b").count() == 0
        page.screenshot(path=str(tmp_path / "case.png"), full_page=True)

        stale = browser.new_page()
        _sign_in(stale, base, name="Sam Ortiz")
        stale.goto(f"{base}/cases/{case.escalation_id}")

        page.click("button[value=approve]")
        page.wait_for_url(f"{base}/cases/{case.escalation_id}")
        flash = page.inner_text(".flash-ok")
        [sent] = _outbox(engine, case.customer_id)
        assert flash == (
            f"Approved by Dana Reyes (web): the email is queued in the outbox (#{sent.id})."
        )
        assert page.inner_text(".state .status") == "Approved"
        assert page.locator("button[value=approve]").count() == 0

        # The same case, approved from a page opened before: nothing changes, and it says so.
        stale.click("button[value=approve]")
        stale.wait_for_url(f"{base}/cases/{case.escalation_id}")
        assert "was already approved by Dana Reyes via web" in stale.inner_text(".flash-warn")

    assert sent.status == "queued"
    assert (sent.subject, sent.text, sent.to_addrs) == (case.subject, case.body, case.contact)
    assert len(_outbox(engine, case.customer_id)) == 1
    row = escalation(engine, case.escalation_id)
    assert (row.status, row.decided_by, row.decision_channel) == ("approved", "Dana Reyes", "web")


def test_a_rejection_note_reaches_the_agents_next_run(
    engine: Engine, clock: FixedClock, policy: Policy, tmp_path: Path, browser: Any
) -> None:
    approved = held_email_case(engine, clock, policy, name="Globex")
    rejected = held_email_case(engine, clock, policy, name="Umbrella")
    app = create_app(engine, clock=clock, settings=settings_for(tmp_path), policy=policy)
    note = "Umbrella's CFO promised payment by phone; hold off until Friday."
    with serve(app) as base:
        page = browser.new_page()
        _sign_in(page, base)
        assert page.inner_text("h1") == "Open cases 2"
        page.click(f"a[href='/cases/{rejected.escalation_id}']")
        page.fill("textarea[name=note]", note)
        page.click("button[value=reject]")
        page.wait_for_url(f"{base}/cases/{rejected.escalation_id}")
        assert page.inner_text(".flash-ok") == f"Rejected by Dana Reyes (web): {note}"
        assert page.inner_text(".state .status") == "Rejected"
        page.goto(base + "/")
        assert page.inner_text("h1") == "Open cases 1"
        assert "Rejected" in page.inner_text("table.decided")

    triggers: list[dict[str, Any]] = []

    def agent(messages: list[ChatMessage], _tools: list[ToolSpec]) -> ModelResponse:
        triggers.append(parse_trigger_message(messages[1]["content"]))
        return ModelResponse(content="Understood: waiting until Friday.")

    deps = AgentDeps(engine=engine, clock=clock, policy=policy, model=FunctionModel(agent))
    # Playwright's sync API holds this thread's event loop: the agent runs on its own.
    with ThreadPoolExecutor(max_workers=1) as worker:
        report = worker.submit(asyncio.run, Runner(deps).tick()).result(timeout=60)

    assert report.leased == 1 and not report.errors
    assert [r.customer_id for r in report.results] == [rejected.customer_id]
    [trigger] = triggers
    assert trigger["kinds"] == ["decision"]
    assert trigger["events"][0]["detail"] == (
        f"escalation #{rejected.escalation_id} rejected by Dana Reyes: {note}"
    )
    assert _outbox(engine, rejected.customer_id) == []
    assert escalation(engine, approved.escalation_id).status == "open"


def test_an_insolvency_case_says_what_each_button_does_and_stops_collection_by_default(
    engine: Engine, clock: FixedClock, policy: Policy, tmp_path: Path, browser: Any
) -> None:
    case_id, customer_id = plain_case(engine, clock, policy, category=EscalationCategory.INSOLVENCY)
    held = held_email_case(engine, clock, policy)
    app = create_app(engine, clock=clock, settings=settings_for(tmp_path), policy=policy)
    with serve(app) as base:
        page = browser.new_page()
        _sign_in(page, base)
        rows = page.locator("table.queue:not(.decided) tbody tr")
        assert rows.count() == 2
        insolvency = rows.nth(0).inner_text()
        assert "stopped until decided" in insolvency
        assert "balance $30,000.00 with no reply for 30+ days" in insolvency
        assert "hand to credit/legal (or resume collection)" in insolvency
        assert "continues" in rows.nth(1).inner_text()
        assert "send an email" in rows.nth(1).inner_text()

        page.goto(f"{base}/cases/{held.escalation_id}")
        labels = page.locator("ul.choices button").all_inner_texts()
        assert labels == ["Send this email", "Don't send it", "Take the account over"]
        assert "Edit the email, then send it" in page.inner_text("details.edit summary")
        assert "Approve the held" not in page.inner_text("main")
        assert "Waiting for your decision" in page.inner_text("section.held h2")

        page.goto(f"{base}/cases/{case_id}")
        buttons = page.locator("ul.choices button")
        assert buttons.all_inner_texts() == [
            "Stop collection and hand to credit/legal",
            "Resume collection",
        ]
        assert buttons.nth(0).get_attribute("class") == "primary"
        assert "Recommended" in page.locator("ul.choices li").nth(0).inner_text()
        assert page.locator("textarea[name=note]").count() == 1
        assert "read by the agent when it re-plans" in page.inner_text("label.note")
        page.screenshot(path=str(tmp_path / "insolvency.png"), full_page=True)

        # The recommended choice: the first button, the form's default.
        page.fill("textarea[name=note]", "Filed under chapter 11; claim lodged.")
        page.click("ul.choices button >> nth=0")
        page.wait_for_url(f"{base}/cases/{case_id}")
        assert "collection stopped and the account handed to credit/legal" in page.inner_text(
            ".flash-ok"
        )
        assert page.inner_text(".state .status") == "Taken over"
        assert page.locator("ul.choices button").all_inner_texts() == [
            "Hand the account back to the agent"
        ]

    row = escalation(engine, case_id)
    assert (row.status, row.decision_note) == (
        "taken_over",
        "Filed under chapter 11; claim lodged.",
    )
    assert _outbox(engine, customer_id) == []
