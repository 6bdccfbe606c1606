"""Concessions: declared, as large as the email says, within the policy or held for a person."""

from __future__ import annotations

from typing import Any

import pytest
from sqlmodel import Session

from recoup.clock import FixedClock
from recoup.guardrails.verdict import VerdictKind
from recoup.policy import ConcessionLimits, Policy
from tests.guardrails.guardrail_world import (
    World,
    assert_allowed,
    assert_denied,
    assert_held,
    build_world,
)

LIMITS = ConcessionLimits(
    max_discount_pct=2.0,
    max_fee_waiver_cents=5_000,
    max_plan_installments=3,
    max_plan_months=3,
    min_plan_balance_cents=50_000,
    max_extension_days=14,
)


@pytest.fixture
def world(session: Session, clock: FixedClock, policy: Policy) -> World:
    return build_world(session, clock, policy.model_copy(update={"concessions": LIMITS}))


def _offer(body: str, concession: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"subject": "Invoice INV-1001", "body": body, "concession": concession}


# --- offers must be declared ------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "word"),
    [
        ("We can offer you a 10% discount if you pay today.", "discount"),
        ("Pay this week and take 5 % off.", "5 % off"),
        ("We could agree a price reduction.", "price reduction"),
        ("We will waive the late fee.", "waive"),
        ("We can cancel the late fees for you.", "cancel the late fees"),
        ("You may pay in three instalments.", "instalments"),
        ("We can set up a payment plan.", "payment plan"),
        ("We can extend the due date for you.", "extend the due date"),
        ("An extension is possible.", "extension"),
        ("We will issue a credit note.", "credit note"),
        ("We can write off the rest.", "write off"),
        ("Wir gewähren Ihnen Skonto.", "Skonto"),
    ],
)
def test_offer_language_without_a_declared_concession_is_denied(
    world: World, body: str, word: str
) -> None:
    verdict = world.verdict(**_offer(f"Invoice INV-1001 is past due. {body}"))

    assert_denied(verdict, "concession.undeclared")
    assert f"'{word}'" in verdict.reason


def test_offer_language_in_the_subject_is_denied_too(world: World) -> None:
    assert_denied(world.verdict(subject="A discount for you"), "concession.undeclared")


def test_declaring_one_kind_does_not_cover_another(world: World) -> None:
    waiver = {"kind": "fee_waiver", "fee_waiver_amount": 10}

    verdict = world.verdict(**_offer("We waive the fee and give you a 50% discount.", waiver))

    assert_denied(verdict, "concession.undeclared")
    assert "declares a fee waiver" in verdict.reason


@pytest.mark.parametrize(
    "concession",
    [
        {"kind": "discount"},
        {"kind": "fee_waiver"},
        {"kind": "payment_plan", "installments": 3},
        {"kind": "payment_plan", "months": 3},
        {"kind": "extended_terms"},
    ],
)
def test_a_concession_without_its_size_is_denied(world: World, concession: dict[str, Any]) -> None:
    assert_denied(world.verdict(**_offer("Please pay.", concession)), "concession.incomplete")


@pytest.mark.parametrize(
    ("body", "concession", "stated"),
    [
        ("Take a 50% discount.", {"kind": "discount", "discount_pct": 2}, "50% discount"),
        ("A discount of 2.5 percent.", {"kind": "discount", "discount_pct": 2}, "2.5% discount"),
        (
            "A payment plan: 12 monthly instalments.",
            {"kind": "payment_plan", "installments": 3, "months": 3},
            "12 instalments",
        ),
        (
            "A payment plan spread over 9 months.",
            {"kind": "payment_plan", "installments": 3, "months": 3},
            "9 months",
        ),
        (
            "We can extend the due date by 60 days.",
            {"kind": "extended_terms", "extension_days": 14},
            "60 days",
        ),
    ],
)
def test_an_email_offering_more_than_it_declares_is_denied(
    world: World, body: str, concession: dict[str, Any], stated: str
) -> None:
    verdict = world.verdict(**_offer(body, concession))

    assert_denied(verdict, "concession.mismatch")
    assert stated in verdict.reason


# --- declared offers against the policy's limits -----------------------------------------


def test_a_discount_within_the_policy_is_allowed(world: World) -> None:
    offer = _offer("Pay by Friday and take a 2% discount.", {"kind": "discount", "discount_pct": 2})

    assert_allowed(world.verdict(**offer))


def test_a_discount_beyond_the_policy_is_held_for_a_person(world: World) -> None:
    offer = _offer("Take a 2.5% discount.", {"kind": "discount", "discount_pct": 2.5})

    verdict = world.verdict(**offer)

    assert_held(verdict, "concession.discount")
    assert "2.5% discount exceeds the policy's 2%" in verdict.reason


def test_the_default_policy_allows_no_discount_at_all(world: World) -> None:
    offer = _offer("Take a 1% discount.", {"kind": "discount", "discount_pct": 1})

    assert_held(world.verdict(**offer, policy=Policy()), "concession.discount")


def test_a_fee_waiver_within_the_policy_is_allowed_and_may_state_its_amount(world: World) -> None:
    offer = _offer(
        "We waive the late fee of $50.00.", {"kind": "fee_waiver", "fee_waiver_amount": 50}
    )

    assert_allowed(world.verdict(**offer))


def test_a_fee_waiver_beyond_the_policy_is_held(world: World) -> None:
    offer = _offer("We waive fees of $50.01.", {"kind": "fee_waiver", "fee_waiver_amount": 50.01})

    assert_held(world.verdict(**offer), "concession.fee_waiver")


PLAN_BODY = "We can agree to a payment plan: 3 instalments over 3 months."


@pytest.mark.parametrize(
    ("installments", "months", "expected"),
    [(3, 3, "allow"), (2, 1, "allow"), (4, 3, "held"), (3, 4, "held")],
)
def test_a_payment_plan_within_the_policys_size_is_allowed(
    world: World, installments: int, months: int, expected: str
) -> None:
    plan = {"kind": "payment_plan", "installments": installments, "months": months}
    body = f"We can agree to a payment plan: {installments} instalments over {months} months."

    verdict = world.verdict(**_offer(body, plan))

    if expected == "allow":
        assert_allowed(verdict)
    else:
        assert_held(verdict, "concession.payment_plan")


def test_a_payment_plan_on_a_balance_below_the_minimum_is_held(world: World) -> None:
    world.acme_invoice.open_cents = 40_000
    plan = {"kind": "payment_plan", "installments": 2, "months": 2}

    verdict = world.verdict(**_offer(PLAN_BODY.replace("3", "2"), plan))

    assert_held(verdict, "concession.payment_plan")
    assert "below the policy's minimum of $500.00" in verdict.reason


@pytest.mark.parametrize(
    ("days", "kind"), [(14, VerdictKind.ALLOW), (15, VerdictKind.NEEDS_APPROVAL)]
)
def test_extended_terms_up_to_the_policys_days(world: World, days: int, kind: VerdictKind) -> None:
    offer = _offer(
        f"We can extend the due date by {days} days.",
        {"kind": "extended_terms", "extension_days": days},
    )

    verdict = world.verdict(**offer)

    assert verdict.kind is kind
    if kind is VerdictKind.NEEDS_APPROVAL:
        assert verdict.rule_id == "concession.extension"


def test_a_held_email_names_every_objection_a_person_approves(world: World) -> None:
    world.acme.strategic = True
    world.invoice("INV-1009", days_past_due=45)
    offer = {
        "subject": "Invoice INV-1009",
        "body": "Invoice INV-1009 must be paid now; take a 5% discount.",
        "invoice_numbers": ["INV-1009"],
        "tone": "firm",
        "concession": {"kind": "discount", "discount_pct": 5},
    }

    verdict = world.verdict(**offer)

    assert_held(verdict, "tone.cap")
    assert "(tone.cap)" in verdict.reason and "(concession.discount)" in verdict.reason


def test_approval_clears_the_limits_but_never_a_denial(world: World) -> None:
    held = _offer("Take a 5% discount.", {"kind": "discount", "discount_pct": 5})

    assert_allowed(world.verdict(**held, approved=True))
    assert_denied(
        world.verdict(**held, approved=True, to=["evil@attacker.example"]),
        "contact.recipient_unknown",
    )
