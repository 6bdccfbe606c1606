"""A dispute ends from the approvals page and from Slack (signed interactivity, respx on
Slack's documented shapes), through the same desk as the command line."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import respx
from sqlalchemy import Engine
from sqlmodel import select
from starlette.testclient import TestClient

from recoup.approvals.dispute_slack import (
    ACTION_CREDIT,
    ACTION_REJECT,
    AMOUNT_BLOCK,
    AMOUNT_INPUT,
    REASON_BLOCK,
    REASON_INPUT,
    VIEW_CREDIT,
    VIEW_REJECT,
)
from recoup.approvals.web import create_app
from recoup.clock import FixedClock
from recoup.ledger.db import session as open_session
from recoup.ledger.models import Dispute, Event, Invoice
from recoup.policy import Policy
from tests.approvals.approvals_support import (
    CHANNEL,
    SLACK_API,
    block_actions,
    posted_response,
    serve,
    settings_for,
    view_submission,
    wait_for,
)
from tests.approvals.test_approval_slack_interactivity import _send
from tests.approvals.test_approvals_web import _csrf, _sign_in
from tests.approvals.test_dispute_notices import _dispute

TS = "1763910000.000700"


def _row(engine: Engine, dispute_id: int) -> tuple[Dispute, Invoice]:
    with open_session(engine) as session:
        dispute = session.get(Dispute, dispute_id)
        assert dispute is not None
        invoice = session.get(Invoice, dispute.invoice_id)
        assert invoice is not None
        return dispute, invoice


@pytest.fixture
def client(
    engine: Engine, clock: FixedClock, policy: Policy, tmp_path: Path
) -> Iterator[TestClient]:
    app = create_app(engine, clock=clock, settings=settings_for(tmp_path), policy=policy)
    with TestClient(app, base_url="http://127.0.0.1", follow_redirects=False) as test_client:
        yield test_client


def test_the_page_lists_shows_and_ends_a_dispute(
    client: TestClient, engine: Engine, clock: FixedClock
) -> None:
    dispute_id = _dispute(engine, clock, Policy())
    assert client.get("/disputes").headers["location"] == "/login"
    _sign_in(client)
    listed = client.get("/disputes")
    assert listed.status_code == 200 and f'href="/disputes/{dispute_id}"' in listed.text
    assert "$400.00" in listed.text and "Collections team" in listed.text
    shown = client.get(f"/disputes/{dispute_id}")
    # The customer's words are shown as text, never as markup.
    assert "&lt;!channel&gt;" in shown.text and "<!channel>" not in shown.text
    assert "quote-2231.pdf" in shown.text and "undisputed: $800.00" in shown.text
    csrf = _csrf(shown.text)
    forged = client.post(f"/disputes/{dispute_id}/reject", data={"reason": "x", "csrf": "0"})
    assert forged.status_code == 403
    no_approver = client.post(
        f"/disputes/{dispute_id}/write_off", data={"approved_by": " ", "csrf": csrf}
    )
    assert no_approver.status_code == 303
    assert (
        "needs the name of the person who approves it"
        in client.get(no_approver.headers["location"]).text
    )
    assert _row(engine, dispute_id)[0].status == "open"
    written_off = client.post(
        f"/disputes/{dispute_id}/write_off",
        data={"approved_by": "Kim", "note": "goodwill", "csrf": csrf},
    )
    after = client.get(written_off.headers["location"]).text
    assert "written off" in after and "End this dispute" not in after
    dispute, invoice = _row(engine, dispute_id)
    assert (dispute.outcome, dispute.resolved_by) == ("written_off", "person:Dana via web")
    assert invoice.open_cents == 80_000
    assert client.get("/disputes/999").status_code == 404


def test_slack_buttons_open_modals_whose_submission_ends_the_dispute(
    engine: Engine, clock: FixedClock, tmp_path: Path
) -> None:
    rejected_id = _dispute(engine, clock, Policy())
    credited_id = _dispute(engine, clock, Policy(), number="INV-7002")
    app = create_app(
        engine, clock=clock, settings=settings_for(tmp_path, slack=True), policy=Policy()
    )
    with respx.mock(assert_all_called=False) as mock:
        mock.route(host="127.0.0.1").pass_through()
        views = mock.post(f"{SLACK_API}/views.open").respond(
            json={"ok": True, "view": {"id": "VMHU10V25", "type": "modal"}}
        )
        thread = mock.post(f"{SLACK_API}/chat.postMessage").respond(
            json=posted_response(CHANNEL, "1763910000.000800")
        )
        with serve(app) as base:
            assert (
                _send(
                    base, clock, block_actions(rejected_id, ACTION_REJECT, message_ts=TS)
                ).status_code
                == 200
            )
            wait_for(lambda: views.call_count == 1)
            view = json.loads(views.calls.last.request.content)["view"]
            assert view["callback_id"] == VIEW_REJECT
            empty = view_submission(
                VIEW_REJECT, view["private_metadata"], {REASON_BLOCK: {REASON_INPUT: ""}}
            )
            refused = _send(base, clock, empty)
            assert (
                refused.json()["response_action"] == "errors"
                and REASON_BLOCK in refused.json()["errors"]
            )
            reason = "the signed delivery note shows 60 units"
            filled = view_submission(
                VIEW_REJECT, view["private_metadata"], {REASON_BLOCK: {REASON_INPUT: reason}}
            )
            assert _send(base, clock, filled).status_code == 200
            wait_for(lambda: thread.call_count == 1)

            assert (
                _send(
                    base, clock, block_actions(credited_id, ACTION_CREDIT, message_ts=TS)
                ).status_code
                == 200
            )
            wait_for(lambda: views.call_count == 2)
            view = json.loads(views.calls.last.request.content)["view"]
            assert view["callback_id"] == VIEW_CREDIT
            amount = view_submission(
                VIEW_CREDIT, view["private_metadata"], {AMOUNT_BLOCK: {AMOUNT_INPUT: "150"}}
            )
            assert _send(base, clock, amount).status_code == 200
            wait_for(lambda: thread.call_count == 2)

    rejected, _ = _row(engine, rejected_id)
    assert (rejected.outcome, rejected.outcome_note) == ("rejected", reason)
    assert rejected.resolved_by == "person:jtorrance via slack"
    said = json.loads(thread.calls[0].request.content)
    assert said["thread_ts"] == TS and said["channel"] == CHANNEL
    assert f"Dispute #{rejected_id} on INV-" in said["text"] and "rejected" in said["text"]
    credited, invoice = _row(engine, credited_id)
    assert credited.outcome == "credited" and invoice.open_cents == 120_000 - 15_000
    assert "credit of $150.00" in json.loads(thread.calls[1].request.content)["text"]
    with open_session(engine) as session:
        assert len(session.exec(select(Event).where(Event.kind == "decision")).all()) == 2
