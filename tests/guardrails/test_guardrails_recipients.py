"""An email goes only to this account's own, reachable contacts."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from recoup.clock import FixedClock
from recoup.policy import Policy
from tests.guardrails.guardrail_world import (
    ACME_EMAIL,
    GLOBEX_EMAIL,
    World,
    assert_allowed,
    assert_denied,
    build_world,
)


@pytest.fixture
def world(session: Session, clock: FixedClock, policy: Policy) -> World:
    return build_world(session, clock, policy)


def test_an_address_that_is_no_contact_is_denied(world: World) -> None:
    verdict = world.verdict(to=["evil@attacker.example"])

    assert_denied(verdict, "contact.recipient_unknown")
    assert "evil@attacker.example" in verdict.reason


def test_another_customers_contact_is_denied(world: World) -> None:
    assert_denied(world.verdict(to=[GLOBEX_EMAIL]), "contact.recipient_unknown")


def test_one_bad_address_among_good_ones_is_denied(world: World) -> None:
    assert_denied(
        world.verdict(to=[ACME_EMAIL, "evil@attacker.example"]), "contact.recipient_unknown"
    )


def test_a_bad_address_in_cc_is_denied(world: World) -> None:
    assert_denied(world.verdict(cc=[GLOBEX_EMAIL]), "contact.recipient_unknown")


def test_a_lookalike_of_a_contact_is_denied(world: World) -> None:
    assert_denied(world.verdict(to=["ap@acme.example.evil.example"]), "contact.recipient_unknown")
    assert_denied(world.verdict(to=["Pat <ap@acme.example>"]), "contact.recipient_unknown")


def test_a_do_not_contact_address_is_denied(world: World) -> None:
    world.contact("legal@acme.example", do_not_contact=True)

    assert_denied(world.verdict(cc=["legal@acme.example"]), "contact.do_not_contact")


def test_an_undeliverable_address_is_denied(world: World) -> None:
    world.contact("old@acme.example", undeliverable=True)

    assert_denied(world.verdict(to=["old@acme.example"]), "contact.undeliverable")


def test_every_reachable_contact_of_the_account_is_allowed(world: World) -> None:
    world.contact("controller@acme.example")

    assert_allowed(world.verdict(to=[ACME_EMAIL], cc=["controller@acme.example"]))


def test_addresses_match_whatever_their_case_and_surrounding_spaces(world: World) -> None:
    world.contact("Controller@Acme.Example")

    assert_allowed(world.verdict(to=["  AP@ACME.example "], cc=["controller@acme.EXAMPLE"]))


def test_the_same_address_on_another_account_is_judged_for_that_account(world: World) -> None:
    verdict = world.verdict(
        customer=world.globex,
        to=[ACME_EMAIL],
        subject="Invoice INV-2001",
        body="Invoice INV-2001 is past due.",
        invoice_numbers=["INV-2001"],
    )

    assert_denied(verdict, "contact.recipient_unknown")
