"""What an email says must be true of this account: its invoices and its amounts."""

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
    build_world,
)


@pytest.fixture
def world(session: Session, clock: FixedClock, policy: Policy) -> World:
    return build_world(session, clock, policy)


def _about(body: str) -> dict[str, object]:
    """An email whose body says ``body`` and names no invoice in its arguments."""
    return {"subject": "Your account", "body": body, "invoice_numbers": []}


# --- invoices -----------------------------------------------------------------------


def test_an_invoice_not_on_the_account_in_invoice_numbers_is_denied(world: World) -> None:
    verdict = world.verdict(invoice_numbers=[ACME_INVOICE, "INV-9999"])

    assert_denied(verdict, "content.unknown_invoice")
    assert "INV-9999" in verdict.reason


def test_another_customers_invoice_in_invoice_numbers_is_denied(world: World) -> None:
    assert_denied(world.verdict(invoice_numbers=[GLOBEX_INVOICE]), "content.unknown_invoice")


def test_an_attachment_of_another_customers_invoice_is_denied(world: World) -> None:
    verdict = world.verdict(attach_invoice_copies=[GLOBEX_INVOICE])

    assert_denied(verdict, "content.unknown_invoice")
    assert GLOBEX_INVOICE in verdict.reason


def test_a_made_up_invoice_number_in_the_body_is_denied(world: World) -> None:
    verdict = world.verdict(**_about("Please also settle INV-1077 this week."))

    assert_denied(verdict, "content.unknown_invoice")
    assert "INV-1077" in verdict.reason


@pytest.mark.parametrize(
    "text",
    [
        "Globex still owes INV-2001, by the way.",
        "Please compare with inv-2001.",
        "Invoices INV-1001/INV-2001 are open.",
        "(INV-2001)",
    ],
)
def test_another_customers_invoice_number_in_the_body_is_denied(world: World, text: str) -> None:
    verdict = world.verdict(**_about(text))

    assert_denied(verdict, "content.foreign_invoice")
    assert GLOBEX_INVOICE in verdict.reason


def test_another_customers_invoice_number_in_the_subject_is_denied(world: World) -> None:
    assert_denied(world.verdict(subject=f"About {GLOBEX_INVOICE}"), "content.foreign_invoice")


def test_this_accounts_invoices_may_be_named_and_attached(world: World) -> None:
    world.invoice("INV-1002", days_past_due=3, amount_cents=50_000)

    verdict = world.verdict(
        invoice_numbers=[ACME_INVOICE, "inv-1002"],
        attach_invoice_copies=["INV-1002"],
        attach_statement=True,
        body="Invoices INV-1001 ($1,000.00) and INV-1002 ($500.00) are past due; copies attached.",
    )

    assert_allowed(verdict)


# --- amounts --------------------------------------------------------------------------


@pytest.fixture
def ledger(world: World) -> World:
    """INV-1001 $1,000.00 open; INV-1003 $2,500.00 of which $1,500.00 open after a $1,000.00
    payment; INV-1004 $300.00 open, not yet due; INV-1000 $400.00 paid; a $450.00 promise.
    Balance $2,800.00; INV-1001 and INV-1003 together, also all that is overdue: $2,500.00."""
    world.invoice("INV-1003", days_past_due=20, amount_cents=250_000, open_cents=150_000)
    world.invoice("INV-1004", days_past_due=-10, amount_cents=30_000)
    world.invoice("INV-1000", days_past_due=60, amount_cents=40_000, open_cents=0, status="paid")
    world.payment(100_000)
    world.promise([], on=world.today + timedelta(days=10), amount_cents=45_000)
    return world


@pytest.mark.parametrize(
    "text",
    [
        "Invoice INV-1001 for $1,000.00 is past due.",  # an invoice amount
        "Invoice INV-1003 was for $2,500.00.",  # the original amount of a part-paid invoice
        "Invoice INV-1003 still has $1,500.00 open.",  # what is left of it
        "Your balance is $2,800.00.",  # the account's open balance
        "Overdue in total: $2,500.00.",  # what is past due
        "Thank you for your payment of $1,000.00.",  # a payment
        "As promised, $450.00 by the 3rd.",  # a promise
        "Invoice INV-1000 for $400.00 is paid, thank you.",  # a paid invoice's amount
        "Invoice INV-1001: 1.000,00 €.",  # European digits
        "Invoice INV-1001: USD 1000.",  # a code before, no separators
        "Invoice INV-1001: $1000.00.",
        "Invoice INV-1001: 1,000.00 USD.",
        "Invoice INV-1001: 1000 dollars.",
        "Invoice INV-1001: CHF 1'000.00.",
        "Invoice INV-1001: $ 1 000,00.",
        "No amount at all, just 3 invoices and 12 days.",
    ],
)
def test_amounts_that_are_on_the_ledger_are_allowed(ledger: World, text: str) -> None:
    assert_allowed(ledger.verdict(**_about(text)))


def test_the_total_of_the_invoices_named_is_allowed(ledger: World) -> None:
    ledger.invoice("INV-1005", days_past_due=5, amount_cents=12_300)
    text = "INV-1001 and INV-1005 come to $1,123.00."

    assert_allowed(ledger.verdict(invoice_numbers=["INV-1001", "INV-1005"], body=text))
    assert_allowed(ledger.verdict(**_about(text)))  # named only in the text, still named


@pytest.mark.parametrize(
    ("text", "stated"),
    [
        ("Invoice INV-1001 for $1,200.00 is past due.", "$1,200.00"),
        ("Invoice INV-1001: USD 1200.", "$1,200.00"),
        ("Invoice INV-1001: 1.200,00 €.", "$1,200.00"),
        ("Invoice INV-1001: $100.00.", "$100.00"),  # a digit dropped
        ("Invoice INV-1001: $10,000.00.", "$10,000.00"),  # a digit added
        ("Your account is settled: balance $0.00.", "$0.00"),  # "mark everything paid"
        ("Pay only $1,999.00 and we are even.", "$1,999.00"),
        ("Your balance is 2.799,99 EUR.", "$2,799.99"),
    ],
)
def test_an_amount_that_is_on_no_record_is_denied(ledger: World, text: str, stated: str) -> None:
    verdict = ledger.verdict(**_about(text))

    assert_denied(verdict, "content.amount_mismatch")
    assert stated in verdict.reason


def test_a_made_up_amount_in_the_subject_is_denied(ledger: World) -> None:
    assert_denied(ledger.verdict(subject="$5,000.00 due today"), "content.amount_mismatch")


def test_one_false_amount_among_true_ones_is_denied(ledger: World) -> None:
    text = "INV-1001 is $1,000.00, INV-1003 is $1,500.00, together $2,600.00."

    assert_denied(ledger.verdict(**_about(text)), "content.amount_mismatch")


def test_nothing_overdue_does_not_vouch_for_a_zero_balance(world: World) -> None:
    world.acme_invoice.due_date = world.today  # due today: open, not yet overdue

    assert_denied(world.verdict(**_about("Your balance is $0.00.")), "content.amount_mismatch")
