"""Flagged messages go to a person first and are acted on by nobody; reading cases hold
outreach on what the message concerns while a person reads it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session

from recoup.clock import FixedClock
from recoup.ledger.models import EscalationCategory, Message
from recoup.policy import Policy
from tests.guardrails.guardrail_world import (
    ACME_EMAIL,
    ACME_INVOICE,
    World,
    assert_allowed,
    assert_denied,
    build_world,
)

BANK_CHANGE = {"bank_change": "our bank details have changed"}


@pytest.fixture
def world(session: Session, clock: FixedClock, policy: Policy) -> World:
    return build_world(session, clock, policy)


def _flagged(world: World, flags: dict[str, str] | None = None) -> Message:
    message = world.inbound("Please note our bank details have changed. New IBAN below.")
    message.risk_flags = flags if flags is not None else dict(BANK_CHANGE)
    world.session.flush()
    return message


def _acknowledgement(message: Message, **changes: object) -> dict[str, object]:
    args: dict[str, object] = {
        "subject": "Re: your invoice",
        "body": "Thank you for your message. A colleague will read it and reply to you.",
        "tone": "courtesy",
        "invoice_numbers": [],
        "reply_to_message_id": message.id,
    }
    args.update(changes)
    return args


def test_a_flagged_message_must_go_to_a_person_before_any_email(world: World) -> None:
    message = _flagged(world)

    verdict = world.verdict()

    assert_denied(verdict, "risk.security_case")
    assert f"#{message.id}" in verdict.reason and "bank_change" in verdict.reason


def test_a_flag_only_the_learned_model_raised_forces_nothing(world: World) -> None:
    _flagged(world, {"injection": "read by the model"})

    assert_allowed(world.verdict())


def test_an_open_security_case_stops_reminders_but_lets_a_bare_acknowledgement_go(
    world: World,
) -> None:
    message = _flagged(world)
    world.escalation(EscalationCategory.SECURITY.value)
    message.created_at = world.now - timedelta(hours=1)

    assert_denied(world.verdict(), "pause.escalated")
    assert_allowed(world.verdict(**_acknowledgement(message)))
    naming = _acknowledgement(message, invoice_numbers=[ACME_INVOICE])
    assert_denied(world.verdict(**naming), "pause.escalated")
    in_body = _acknowledgement(message, body=f"We have noted {ACME_INVOICE}.")
    assert_denied(world.verdict(**in_body), "pause.escalated")


def test_a_decided_security_case_lets_collection_resume(world: World) -> None:
    _flagged(world)
    world.escalation(EscalationCategory.SECURITY.value, status="approved")

    assert_allowed(world.verdict())


@pytest.mark.parametrize("tool", ["log_promise", "open_dispute"])
def test_nothing_is_logged_on_the_strength_of_a_flagged_message(world: World, tool: str) -> None:
    message = _flagged(world, {"claimed_approval": "your account manager approved"})
    args: dict[str, object] = {"source_message_id": message.id}
    if tool == "log_promise":
        args["promised_date"] = (world.today + timedelta(days=3)).isoformat()
    else:
        args.update(invoice_number=ACME_INVOICE, reason="price")

    assert_denied(world.verdict(tool, **args), "risk.flagged_message")
    # Naming no source does not get round it: the newest message is the one acted on.
    del args["source_message_id"]
    assert_denied(world.verdict(tool, **args), "risk.flagged_message")


def test_a_clean_message_is_acted_on(world: World) -> None:
    message = world.inbound("We'll pay on Friday.")
    promise = {
        "promised_date": (world.today + timedelta(days=3)).isoformat(),
        "source_message_id": message.id,
    }

    assert_allowed(world.verdict("log_promise", **promise))


def test_a_reading_case_holds_reminders_on_its_invoices_for_the_policy_window(
    world: World,
) -> None:
    message = world.inbound("hmm, maybe, the thing with the other one")
    case = world.escalation(EscalationCategory.READING.value)
    case.invoice_numbers = [ACME_INVOICE]
    other = world.invoice("INV-1002", days_past_due=20)
    world.session.flush()

    assert_denied(world.verdict(), "hold.reading")
    assert_allowed(
        world.verdict(invoice_numbers=[other.number], subject="INV-1002", body="INV-1002 is late.")
    )
    assert_allowed(world.verdict(**_acknowledgement(message, to=[ACME_EMAIL])))
    later = world.policy.model_copy(
        update={"reader": world.policy.reader.model_copy(update={"unsure_hold_days": 1})}
    )
    case.created_at = world.now - timedelta(days=2)
    world.session.flush()
    assert_allowed(world.verdict(policy=later))


def test_a_reading_case_naming_no_invoice_holds_the_account(world: World) -> None:
    world.inbound("not sure what to tell you")
    world.escalation(EscalationCategory.READING.value)
    other = world.invoice("INV-1002", days_past_due=20)

    verdict = world.verdict(invoice_numbers=[other.number], subject="INV-1002", body="Late.")

    assert_denied(verdict, "hold.reading")
    assert "this account" in verdict.reason


def test_a_flagged_message_after_the_case_was_opened_counts_once_a_person_decided(
    world: World,
) -> None:
    case = world.escalation(EscalationCategory.SECURITY.value)
    _flagged(world)  # arrived after the case was opened, before the person decided
    assert_denied(world.verdict(), "pause.escalated")

    case.status = "approved"
    case.decided_at = world.now
    world.session.flush()

    assert_allowed(world.verdict())
