"""No reminder about an invoice in dispute, or under a promise not yet due (plus grace)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session

from recoup.clock import FixedClock
from recoup.policy import Policy
from tests.guardrails.guardrail_world import (
    ACME_INVOICE,
    World,
    assert_allowed,
    assert_denied,
    build_world,
)


@pytest.fixture
def world(session: Session, clock: FixedClock, policy: Policy) -> World:
    world = build_world(session, clock, policy)
    world.invoice("INV-1002", days_past_due=5, amount_cents=50_000)
    return world


def _about_1002(**changes: object) -> dict[str, object]:
    args: dict[str, object] = {
        "subject": "Invoice INV-1002",
        "body": "Invoice INV-1002 for $500.00 is past due.",
        "invoice_numbers": ["INV-1002"],
    }
    args.update(changes)
    return args


def test_a_reminder_about_a_disputed_invoice_is_denied(world: World) -> None:
    world.dispute(world.acme_invoice)

    verdict = world.verdict()

    assert_denied(verdict, "hold.dispute")
    assert f"invoice {ACME_INVOICE} has an open dispute" in verdict.reason


@pytest.mark.parametrize(
    "mention",
    ["INV-1001", "inv-1001", "INV 1001", "INV1001", "INV-1002/INV-1001", "#INV-1001."],
)
def test_a_disputed_invoice_named_only_in_the_text_is_denied(world: World, mention: str) -> None:
    world.dispute(world.acme_invoice)

    verdict = world.verdict(**_about_1002(body=f"Invoice INV-1002 and {mention} are past due."))

    assert_denied(verdict, "hold.dispute")


def test_other_invoices_of_an_account_with_a_dispute_are_allowed(world: World) -> None:
    world.dispute(world.acme_invoice)

    assert_allowed(world.verdict(**_about_1002()))


def test_a_number_that_only_contains_the_disputed_one_is_not_a_mention(world: World) -> None:
    world.dispute(world.acme_invoice)
    world.invoice("INV-10010", days_past_due=5, amount_cents=50_000)

    verdict = world.verdict(**_about_1002(body="Invoices INV-1002 and INV-10010 are past due."))

    assert_allowed(verdict)


@pytest.mark.parametrize("status", ["resolved", "rejected"])
def test_a_closed_dispute_no_longer_holds_the_invoice(world: World, status: str) -> None:
    world.dispute(world.acme_invoice, status=status)

    assert_allowed(world.verdict())


def test_a_promise_holds_its_invoices_until_its_date_plus_grace(world: World) -> None:
    grace = world.policy.promises.grace_days
    on = world.today + timedelta(days=4)
    world.promise([world.acme_invoice], on=on)

    assert_denied(world.verdict(), "hold.promise")
    assert_allowed(world.verdict(**_about_1002()))  # an invoice the promise does not cover

    world.clock.set(world.now + timedelta(days=4 + grace))  # the last day of grace
    assert_denied(world.verdict(), "hold.promise")

    world.clock.set(world.now + timedelta(days=1))  # grace is over: a reminder may go
    assert_allowed(world.verdict())


@pytest.mark.parametrize("status", ["kept", "broken", "cancelled"])
def test_a_settled_promise_holds_nothing(world: World, status: str) -> None:
    world.promise([world.acme_invoice], on=world.today + timedelta(days=4), status=status)

    assert_allowed(world.verdict())


def test_a_promise_named_only_in_the_text_is_held_too(world: World) -> None:
    world.promise([world.acme_invoice], on=world.today + timedelta(days=4))

    verdict = world.verdict(**_about_1002(body="INV-1002 ($500.00) and INV-1001 are open."))

    assert_denied(verdict, "hold.promise")


# --- the acknowledgement: a courtesy answer to the customer's own message ------------------


def test_a_courtesy_answer_to_the_customers_message_may_name_held_invoices(world: World) -> None:
    message = world.inbound("INV-1001 arrived damaged, we won't pay it. INV-1002 we pay Friday.")
    world.dispute(world.acme_invoice)
    world.promise([world.invoice_row("INV-1002")], on=world.today + timedelta(days=4))

    verdict = world.verdict(**_acknowledgement(message.id))

    assert_allowed(verdict)


def _acknowledgement(message_id: int | None, **changes: object) -> dict[str, object]:
    args: dict[str, object] = {
        "tone": "courtesy",
        "reply_to_message_id": message_id,
        "subject": "Re: your message",
        "body": "Thank you. We have opened a dispute on INV-1001 and noted that INV-1002 "
        "($500.00) will be paid on Friday.",
        "invoice_numbers": [ACME_INVOICE, "INV-1002"],
    }
    args.update(changes)
    return args


def test_the_same_answer_in_a_firmer_tone_is_a_reminder(world: World) -> None:
    message = world.inbound("INV-1001 arrived damaged.")
    world.dispute(world.acme_invoice)

    verdict = world.verdict(**_acknowledgement(message.id, tone="friendly"))

    assert_denied(verdict, "hold.dispute")


def test_a_courtesy_email_that_answers_no_message_is_a_reminder(world: World) -> None:
    world.dispute(world.acme_invoice)

    assert_denied(world.verdict(**_acknowledgement(None)), "hold.dispute")


def test_answering_an_already_answered_message_again_is_a_reminder(world: World) -> None:
    message = world.inbound("INV-1001 arrived damaged.", at=world.now - timedelta(days=5))
    world.dispute(world.acme_invoice)
    world.outbound(at=world.now - timedelta(days=4))  # the answer it already had

    verdict = world.verdict(**_acknowledgement(message.id))

    assert_denied(verdict, "hold.dispute")


def test_answering_our_own_email_is_no_acknowledgement(world: World) -> None:
    world.dispute(world.acme_invoice)
    ours = world.outbound(at=world.now - timedelta(days=4))

    assert_denied(world.verdict(**_acknowledgement(ours.id)), "hold.dispute")
