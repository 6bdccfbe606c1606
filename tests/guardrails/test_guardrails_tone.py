"""The firmest tone allowed: by the aging of the invoices named, then segment and strategic caps."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session

from recoup.clock import FixedClock
from recoup.policy import Policy
from tests.guardrails.guardrail_world import (
    World,
    assert_allowed,
    assert_denied,
    assert_held,
    build_world,
)

TONES = ["courtesy", "friendly", "firm", "final"]
FIRM_REMINDER_DAYS_AGO = 5


@pytest.fixture
def world(session: Session, clock: FixedClock, policy: Policy) -> World:
    return build_world(session, clock, policy)


def _about(number: str, tone: str) -> dict[str, object]:
    return {
        "subject": f"Invoice {number}",
        "body": f"About invoice {number}: please arrange payment.",
        "invoice_numbers": [number],
        "tone": tone,
    }


@pytest.mark.parametrize(
    ("days_past_due", "firmest"),
    [
        (-10, "courtesy"),  # not yet due
        (0, "courtesy"),  # due today
        (1, "friendly"),
        (30, "friendly"),
        (31, "firm"),
        (60, "firm"),
        (61, "firm"),
        (90, "firm"),
        (91, "final"),
        (400, "final"),
    ],
)
def test_aging_sets_the_firmest_tone(world: World, days_past_due: int, firmest: str) -> None:
    world.invoice("INV-3000", days_past_due=days_past_due)
    if days_past_due > FIRM_REMINDER_DAYS_AGO:
        world.outbound(at=world.now - timedelta(days=FIRM_REMINDER_DAYS_AGO), tone="firm")
    allowed = TONES[: TONES.index(firmest) + 1]

    for tone in TONES:
        verdict = world.verdict(**_about("INV-3000", tone))
        if tone in allowed:
            assert_allowed(verdict)
        else:
            assert_denied(verdict, "tone.aging")
            assert f"({firmest} at most)" in verdict.reason


def test_the_oldest_invoice_named_decides(world: World) -> None:
    world.invoice("INV-3001", days_past_due=95)
    world.outbound(at=world.now - timedelta(days=FIRM_REMINDER_DAYS_AGO), tone="firm")
    args = {"subject": "Invoices", "body": "Invoices INV-1001 and INV-3001 are past due."}

    assert_allowed(world.verdict(**args, invoice_numbers=["INV-1001", "INV-3001"], tone="final"))
    assert_denied(world.verdict(**args, invoice_numbers=["INV-1001"], tone="final"), "tone.aging")


def test_without_invoices_named_the_oldest_open_one_decides(world: World) -> None:
    world.invoice("INV-3002", days_past_due=45)
    world.invoice("INV-3003", days_past_due=200, open_cents=0, status="paid")
    args = {"subject": "Your account", "body": "Please settle your account.", "invoice_numbers": []}

    assert_allowed(world.verdict(**args, tone="firm"))
    assert_denied(world.verdict(**args, tone="final"), "tone.aging")  # a paid one does not count


def test_a_segment_cap_holds_a_firmer_email_for_a_person(world: World) -> None:
    world.acme.segment = "enterprise"
    world.invoice("INV-3004", days_past_due=120)
    world.outbound(at=world.now - timedelta(days=FIRM_REMINDER_DAYS_AGO), tone="firm")

    assert_allowed(world.verdict(**_about("INV-3004", "firm")))
    verdict = world.verdict(**_about("INV-3004", "final"))
    assert_held(verdict, "tone.cap")
    assert "segment cap (firm)" in verdict.reason


def test_a_strategic_account_is_capped_lower_still(world: World) -> None:
    world.acme.strategic = True
    world.acme.segment = "enterprise"
    world.invoice("INV-3005", days_past_due=45)

    assert_allowed(world.verdict(**_about("INV-3005", "friendly")))
    verdict = world.verdict(**_about("INV-3005", "firm"))
    assert_held(verdict, "tone.cap")
    assert "strategic account cap (friendly)" in verdict.reason


def test_aging_is_denied_before_a_cap_is_considered(world: World) -> None:
    world.acme.strategic = True

    assert_denied(world.verdict(tone="final"), "tone.aging")  # 12 days: friendly at most


def test_a_person_may_approve_a_capped_tone_but_not_one_aging_forbids(world: World) -> None:
    world.acme.strategic = True
    world.invoice("INV-3006", days_past_due=45)

    assert_allowed(world.verdict(**_about("INV-3006", "firm"), approved=True))
    assert_denied(world.verdict(**_about("INV-3006", "final"), approved=True), "tone.aging")


def test_the_policy_sets_the_ladder(world: World) -> None:
    gentle = world.policy.model_copy(
        update={"tone": world.policy.tone.model_copy(update={"days_1_30": "courtesy"})}
    )

    assert_denied(world.verdict(policy=gentle), "tone.aging")  # friendly at 12 days
    assert_allowed(world.verdict(policy=gentle, tone="courtesy"))


def test_the_first_contact_on_a_very_old_invoice_is_firm_never_final(world: World) -> None:
    world.invoice("INV-3010", days_past_due=120)

    assert_allowed(world.verdict(**_about("INV-3010", "firm")))
    verdict = world.verdict(**_about("INV-3010", "final"))
    assert_denied(verdict, "tone.aging")
    assert "(firm at most)" in verdict.reason and "only after a firm reminder" in verdict.reason
    # A person's approval does not skip the ladder either.
    assert_denied(world.verdict(**_about("INV-3010", "final"), approved=True), "tone.aging")


def test_a_final_notice_follows_a_firm_reminder_not_a_friendly_one(world: World) -> None:
    world.invoice("INV-3011", days_past_due=120)
    world.outbound(at=world.now - timedelta(days=10), tone="friendly")

    assert_denied(world.verdict(**_about("INV-3011", "final")), "tone.aging")

    world.outbound(at=world.now - timedelta(days=4), tone="firm")
    assert_allowed(world.verdict(**_about("INV-3011", "final")))


def test_reminders_sent_before_the_invoice_fell_due_do_not_count(world: World) -> None:
    world.invoice("INV-3012", days_past_due=95)
    world.outbound(at=world.now - timedelta(days=100), tone="firm")  # about something older

    assert_denied(world.verdict(**_about("INV-3012", "final")), "tone.aging")
