"""Promises, disputes and follow-ups must fit this account's ledger and the policy's horizon."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session

from recoup.clock import FixedClock
from recoup.policy import Policy
from tests.guardrails.guardrail_world import (
    ACME_INVOICE,
    GLOBEX_INVOICE,
    World,
    assert_allowed,
    assert_denied,
    assert_held,
    build_world,
)


@pytest.fixture
def world(session: Session, clock: FixedClock, policy: Policy) -> World:
    return build_world(session, clock, policy)


def _in_days(world: World, days: int) -> str:
    return (world.today + timedelta(days=days)).isoformat()


# --- log_promise -------------------------------------------------------------------------


def test_a_promise_dated_in_the_past_is_denied(world: World) -> None:
    verdict = world.verdict("log_promise", promised_date=_in_days(world, -1))

    assert_denied(verdict, "promise.past_date")


@pytest.mark.parametrize("days", [0, 1, 45])
def test_a_promise_up_to_the_horizon_is_allowed(world: World, days: int) -> None:
    assert_allowed(world.verdict("log_promise", promised_date=_in_days(world, days)))


def test_a_promise_beyond_the_horizon_is_held_for_a_person(world: World) -> None:
    verdict = world.verdict("log_promise", promised_date=_in_days(world, 46))

    assert_held(verdict, "promise.horizon")
    assert "45-day horizon" in verdict.reason


def test_a_promise_for_more_than_the_open_balance_it_covers_is_denied(world: World) -> None:
    world.invoice("INV-1002", days_past_due=3, amount_cents=50_000)
    on = _in_days(world, 5)

    assert_allowed(world.verdict("log_promise", promised_date=on, amount=1500.00))  # the balance
    verdict = world.verdict("log_promise", promised_date=on, amount=1500.01)
    assert_denied(verdict, "promise.amount")
    assert "($1,500.00)" in verdict.reason

    covered = {"promised_date": on, "invoice_numbers": [ACME_INVOICE]}
    assert_allowed(world.verdict("log_promise", **covered, amount=1000))
    assert_denied(world.verdict("log_promise", **covered, amount=1000.01), "promise.amount")


def test_a_promise_on_all_invoices_covers_only_the_undisputed_ones(world: World) -> None:
    disputed = world.invoice("INV-1002", days_past_due=3, amount_cents=50_000)
    world.dispute(disputed)
    on = _in_days(world, 5)

    assert_allowed(world.verdict("log_promise", promised_date=on, amount=1000))
    assert_denied(world.verdict("log_promise", promised_date=on, amount=1500), "promise.amount")


@pytest.mark.parametrize("number", [GLOBEX_INVOICE, "INV-9999", "INV-1000"])
def test_a_promise_on_an_invoice_that_is_not_open_here_is_denied(world: World, number: str) -> None:
    world.invoice("INV-1000", days_past_due=40, open_cents=0, status="paid")

    verdict = world.verdict(
        "log_promise", promised_date=_in_days(world, 5), invoice_numbers=[number]
    )

    assert_denied(verdict, "promise.unknown_invoice")


# --- open_dispute ------------------------------------------------------------------------


def test_a_dispute_on_an_open_invoice_of_this_account_is_allowed(world: World) -> None:
    verdict = world.verdict("open_dispute", invoice_number="inv-1001", reason="damaged")

    assert_allowed(verdict)


@pytest.mark.parametrize("number", [GLOBEX_INVOICE, "INV-9999", "INV-1000", "INV-1008"])
def test_a_dispute_on_an_invoice_that_is_not_open_here_is_denied(world: World, number: str) -> None:
    world.invoice("INV-1000", days_past_due=40, open_cents=0, status="paid")
    world.invoice("INV-1008", days_past_due=40, status="void")

    verdict = world.verdict("open_dispute", invoice_number=number, reason="price")

    assert_denied(verdict, "dispute.unknown_invoice")
    assert number in verdict.reason


def test_a_dispute_for_more_than_the_invoice_owes_is_denied(world: World) -> None:
    dispute = {"invoice_number": ACME_INVOICE, "reason": "price"}

    assert_allowed(world.verdict("open_dispute", **dispute, amount=1000))
    assert_denied(world.verdict("open_dispute", **dispute, amount=1000.01), "dispute.amount")


# --- schedule_followup -------------------------------------------------------------------


def test_a_follow_up_in_the_past_is_denied(world: World) -> None:
    verdict = world.verdict("schedule_followup", on=_in_days(world, -1), reason="look again")

    assert_denied(verdict, "followup.past_date")


@pytest.mark.parametrize("days", [0, 7, 120])
def test_a_follow_up_within_the_horizon_is_allowed(world: World, days: int) -> None:
    assert_allowed(world.verdict("schedule_followup", on=_in_days(world, days), reason="wait"))


def test_a_follow_up_too_far_out_is_denied(world: World) -> None:
    verdict = world.verdict("schedule_followup", on=_in_days(world, 121), reason="much later")

    assert_denied(verdict, "followup.too_far")
