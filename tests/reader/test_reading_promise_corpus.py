"""Promises to pay as customers word them: the day and the amount an analyst would log."""

from __future__ import annotations

import datetime

import pytest

from recoup.reader import Intent, read_reply

TODAY = datetime.date(2026, 11, 17)  # a Tuesday
LEDGER = {"INV-1001": 120000, "INV-1002": 45000, "INV-1003": 99900}
D = datetime.date

CASES = [
    # (reply, currency, details of the promise)
    (
        "Thanks for the nudge, our controller was out. I'm releasing\nINV-1001 first thing "
        "tomorrow morning.",
        "USD",
        {"invoice_numbers": ["INV-1001"], "date": D(2026, 11, 18)},
    ),
    (
        "Morning, we're doing a BACS run Monday week and INV-1001 will be on it.",
        "GBP",
        {"invoice_numbers": ["INV-1001"], "date": D(2026, 11, 23)},
    ),
    (
        "Hi - slow month here. I'll get the $450.00 over to you early next\nweek at the latest.",
        "USD",
        {"amount_cents": 45000, "date": D(2026, 11, 24)},
    ),
    (
        "still waiting on a customer of ours. should be able to settle INV-1003 in about three "
        "weeks",
        "USD",
        {"invoice_numbers": ["INV-1003"], "date": D(2026, 12, 8)},
    ),
    (
        "We pay twice a month. INV-1002 missed the last cutoff but it's queued for the 25th.",
        "USD",
        {"date": D(2026, 11, 25)},
    ),
    (
        "INV-1001 got approved. It'll go out on our 3rd run of the month, which is the 28th.",
        "USD",
        {"date": D(2026, 11, 28)},
    ),
    (
        "Funds released this morning for INV-1002, ETA 2 business days.",
        "USD",
        {"invoice_numbers": ["INV-1002"], "date": D(2026, 11, 19)},
    ),
    (
        "I can't clear INV-1001 in one go. What I can do is $600.00 this Friday and the rest "
        "next month.",
        "USD",
        {"amount_cents": 60000, "date": D(2026, 11, 20)},
    ),
    (
        "The payment for invoice INV-1003 is planned for 04.12. with\nour weekly payment run.",
        "EUR",
        {"invoice_numbers": ["INV-1003"], "date": D(2026, 12, 4)},
    ),
    (
        "Buenos días, la factura INV-1002 se pagará a finales de mes. Un saludo.",
        "EUR",
        {"invoice_numbers": ["INV-1002"], "date": D(2026, 11, 30)},
    ),
    (
        "Thanks - INV-1001 is on next Wednesday's payment run.",
        "GBP",
        {"invoice_numbers": ["INV-1001"], "date": D(2026, 11, 25)},
    ),
    (
        "I sent INV-1003 for sign-off this morning and it should be with you by the 27th.",
        "USD",
        {"invoice_numbers": ["INV-1003"], "date": D(2026, 11, 27)},
    ),
    (
        "Both of them will be settled in the first week of next month, our books are frozen.",
        "USD",
        {"date": D(2026, 12, 7)},
    ),
]


@pytest.mark.parametrize(("text", "currency", "details"), CASES)
def test_promise_is_read(text: str, currency: str, details: dict[str, object]) -> None:
    reading = read_reply(text, today=TODAY, known_invoices=LEDGER, currency=currency)
    promise = reading.of(Intent.PROMISE)
    assert promise, reading.findings
    for name, value in details.items():
        assert getattr(promise[0], name) == value, name


def test_part_paid_now_and_the_other_half_later() -> None:
    text = "I've just sent £600.00 against INV-1001 and the other half will follow at month end."
    reading = read_reply(text, today=TODAY, known_invoices=LEDGER, currency="GBP")
    assert reading.has(Intent.ALREADY_PAID)
    promise = reading.of(Intent.PROMISE)
    assert promise and promise[0].date == D(2026, 11, 30)


def test_invoice_not_yet_due_paid_on_time_is_no_promise() -> None:
    text = (
        "INV-1001 will be paid this Friday. INV-1002 isn't due until next month so we'll pay "
        "that one on time as usual."
    )
    reading = read_reply(text, today=TODAY, known_invoices=LEDGER)
    promises = reading.of(Intent.PROMISE)
    assert [p.invoice_numbers for p in promises] == [["INV-1001"]]
    assert promises[0].date == D(2026, 11, 20)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("That was our 2nd reminder about it.", []),
        ("Please see the 3rd invoice in the list.", []),
    ],
)
def test_ordinal_before_a_noun_is_not_a_day(text: str, expected: list[object]) -> None:
    reading = read_reply(text, today=TODAY, known_invoices=LEDGER)
    assert [f.date for f in reading.findings if f.date] == expected
