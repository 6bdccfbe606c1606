"""Through ``execute_call``: every verdict is audited, and only an allowed call has an effect."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlmodel import Session, col, select

from recoup.agent.execute import execute_call
from recoup.clock import FixedClock
from recoup.ledger.models import AuditEvent, Escalation, Message, Promise
from recoup.policy import Policy
from tests.guardrails.guardrail_world import World, build_world, reminder


@pytest.fixture
def world(session: Session, clock: FixedClock, policy: Policy) -> World:
    return build_world(session, clock, policy)


def _audits(world: World) -> list[AuditEvent]:
    return list(world.session.exec(select(AuditEvent).order_by(col(AuditEvent.id))))


def _outbox(world: World) -> list[Message]:
    return list(world.session.exec(select(Message).where(Message.direction == "outbound")))


def test_an_allowed_email_is_queued_and_audited(world: World) -> None:
    outcome = world.execute("send_email", json.dumps(reminder()))

    assert outcome.status == "ok" and outcome.verdict is not None and outcome.verdict.allowed
    [queued] = _outbox(world)
    assert (queued.status, queued.to_addrs, queued.tone) == (
        "queued",
        "ap@acme.example",
        "friendly",
    )
    [audit] = _audits(world)
    assert (audit.action, audit.verdict, audit.detail["outbox_id"]) == (
        "send_email",
        None,
        queued.id,
    )


def test_a_denied_email_goes_back_to_the_model_is_audited_and_has_no_effect(world: World) -> None:
    outcome = world.execute("send_email", reminder(to=["evil@attacker.example"]))

    assert outcome.status == "denied"
    assert outcome.result["denied"] is True
    assert outcome.result["rule"] == "contact.recipient_unknown"
    assert "evil@attacker.example" in outcome.result["reason"]
    assert _outbox(world) == []
    [audit] = _audits(world)
    assert (audit.action, audit.verdict, audit.rule_id) == (
        "send_email",
        "deny",
        "contact.recipient_unknown",
    )
    assert audit.customer_id == world.acme.id
    assert audit.detail["args"]["to"] == ["evil@attacker.example"]


def test_a_held_email_waits_as_an_escalation_with_the_exact_action(world: World) -> None:
    world.acme.strategic = True
    world.invoice("INV-1009", days_past_due=45)
    held_args = reminder(
        subject="Invoice INV-1009",
        body="Invoice INV-1009 is 45 days past due.",
        invoice_numbers=["INV-1009"],
        tone="firm",
    )

    outcome = world.execute("send_email", held_args)

    assert outcome.status == "held" and outcome.result["rule"] == "tone.cap"
    assert _outbox(world) == []
    escalation = world.session.get(Escalation, outcome.result["escalation_id"])
    assert escalation is not None
    assert (escalation.category, escalation.status, escalation.rule_id) == (
        "tone_approval",
        "open",
        "tone.cap",
    )
    assert escalation.held_action is not None
    assert escalation.held_action["tool"] == "send_email"
    assert escalation.held_action["args"]["tone"] == "firm"
    assert escalation.held_action["args"]["body"] == held_args["body"]
    assert escalation.invoice_numbers == ["INV-1009"]
    verdicts = [(a.action, a.verdict, a.rule_id) for a in _audits(world)]
    assert verdicts == [
        ("send_email", "needs_approval", "tone.cap"),
        ("escalate", None, "tone.cap"),
    ]

    approved = execute_call(
        world.context(), world.registry, "send_email", escalation.held_action["args"], approved=True
    )
    assert approved.status == "ok"
    assert [m.subject for m in _outbox(world)] == ["Invoice INV-1009"]


def test_a_held_promise_is_not_recorded(world: World) -> None:
    far = (world.today + timedelta(days=90)).isoformat()

    outcome = world.execute("log_promise", {"promised_date": far})

    assert outcome.status == "held" and outcome.result["rule"] == "promise.horizon"
    assert list(world.session.exec(select(Promise))) == []
    escalation = world.session.get(Escalation, outcome.result["escalation_id"])
    assert escalation is not None and escalation.category == "payment_plan"
    assert escalation.held_action == {
        "tool": "log_promise",
        "args": {
            "promised_date": far,
            "invoice_numbers": [],
            "amount": None,
            "source_message_id": None,
            "note": "",
            "condition": None,
            "settles_in_full": False,
        },
    }


@pytest.mark.parametrize(
    ("tool", "arguments", "error"),
    [
        ("send_email", '{"to": ["ap@acme.example"], "subject": "x"', "not valid JSON"),
        ("send_email", "[1, 2]", "must be a JSON object"),
        ("send_email", json.dumps({k: v for k, v in reminder().items() if k != "tone"}), "tone"),
        ("send_email", json.dumps(reminder(bcc=["evil@attacker.example"])), "bcc"),
        ("mark_invoices_paid", '{"invoice_numbers": ["INV-1001"]}', "unknown tool"),
        ("log_promise", '{"promised_date": "next Friday"}', "promised_date"),
        ("open_dispute", '{"invoice_number": "INV-1001", "reason": "too expensive"}', "reason"),
    ],
)
def test_a_malformed_call_is_invalid_audited_and_has_no_effect(
    world: World, tool: str, arguments: str, error: str
) -> None:
    outcome = world.execute(tool, arguments)

    assert outcome.status == "invalid"
    assert error in outcome.result["error"]
    assert _outbox(world) == []
    [audit] = _audits(world)
    assert (audit.action, audit.verdict, audit.rule_id) == (tool, "invalid", None)
    assert error in audit.reason
