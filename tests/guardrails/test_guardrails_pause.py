"""Global pause, account pause, take-over and blocking escalations stop outreach."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session

from recoup.clock import FixedClock
from recoup.guardrails.rules.pause import BLOCKING_CATEGORIES
from recoup.ledger.models import EscalationCategory
from recoup.policy import Policy
from tests.guardrails.guardrail_world import World, assert_allowed, assert_denied, build_world


@pytest.fixture
def world(session: Session, clock: FixedClock, policy: Policy) -> World:
    return build_world(session, clock, policy)


def test_the_reminder_every_other_case_starts_from_is_allowed(world: World) -> None:
    assert_allowed(world.verdict())


def test_a_global_pause_denies_every_email_and_says_why(world: World) -> None:
    paused = world.policy.model_copy(update={"paused": True, "pause_reason": "year-end close"})

    verdict = world.verdict(policy=paused)

    assert_denied(verdict, "pause.global")
    assert "year-end close" in verdict.reason


def test_a_global_pause_still_lets_replies_be_logged(world: World) -> None:
    paused = world.policy.model_copy(update={"paused": True})
    promise = {"promised_date": (world.today + timedelta(days=5)).isoformat()}

    assert_allowed(world.verdict("log_promise", policy=paused, **promise))


def test_an_account_paused_until_a_later_moment_gets_no_email(world: World) -> None:
    world.acme.paused_until = world.now + timedelta(days=2)
    world.acme.pause_reason = "customer on holiday"

    verdict = world.verdict()

    assert_denied(verdict, "pause.account")
    assert "customer on holiday" in verdict.reason


def test_an_account_pause_that_has_ended_allows_email_again(world: World) -> None:
    world.acme.paused_until = world.now - timedelta(minutes=1)

    assert_allowed(world.verdict())


def test_a_pause_on_another_account_does_not_stop_this_one(world: World) -> None:
    world.globex.paused_until = world.now + timedelta(days=30)
    world.globex.taken_over = True

    assert_allowed(world.verdict())


def test_an_account_a_person_took_over_gets_no_email(world: World) -> None:
    world.acme.taken_over = True

    assert_denied(world.verdict(), "pause.taken_over")


@pytest.mark.parametrize("category", sorted(BLOCKING_CATEGORIES))
def test_an_open_blocking_escalation_stops_outreach(world: World, category: str) -> None:
    escalation = world.escalation(category)

    verdict = world.verdict()

    assert_denied(verdict, "pause.escalated")
    assert f"#{escalation.id}" in verdict.reason


@pytest.mark.parametrize(
    "category",
    [
        EscalationCategory.CONCESSION.value,
        EscalationCategory.TONE_APPROVAL.value,
        EscalationCategory.DISPUTE_REVIEW.value,
        EscalationCategory.STEP_BUDGET.value,
    ],
)
def test_an_open_non_blocking_escalation_does_not(world: World, category: str) -> None:
    world.escalation(category)

    assert_allowed(world.verdict())


@pytest.mark.parametrize("status", ["approved", "rejected", "resolved", "expired"])
def test_a_decided_blocking_escalation_no_longer_stops_outreach(world: World, status: str) -> None:
    world.escalation(EscalationCategory.CREDIT_HOLD.value, status=status)

    assert_allowed(world.verdict())
