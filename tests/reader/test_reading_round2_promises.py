"""Promises and disputes that hide behind everyday wording, and the invoice they are about."""

from __future__ import annotations

import datetime

import pytest

from recoup.reader import DisputeReason, Intent, read_reply

TODAY = datetime.date(2026, 11, 17)  # a Tuesday
LEDGER = {"INV-2001": 120000, "INV-2002": 45000}
D = datetime.date


def _read(text: str, currency: str = "USD"):
    return read_reply(text, subject="", today=TODAY, known_invoices=LEDGER, currency=currency)


@pytest.mark.parametrize(
    ("text", "invoices", "date"),
    [
        (
            "Hi,\n\nWe're paying INV-2001 on Friday. Thanks for your patience.",
            ["INV-2001"],
            D(2026, 11, 20),
        ),
        ("We are settling INV-2002 next Monday.", ["INV-2002"], D(2026, 11, 23)),
        (
            "So sorry about this, I thought it had been paid! I'll sort it out on Thursday when "
            "I'm back in the office.",
            [],
            D(2026, 11, 19),
        ),
        (
            "Our terms are net 60, so INV-2001 isn't late from our side. Either way it's "
            "scheduled to go out on November 27.",
            [],
            D(2026, 11, 27),
        ),
    ],
)
def test_everyday_promises(text: str, invoices: list[str], date: datetime.date) -> None:
    reading = _read(text)
    promises = reading.of(Intent.PROMISE)
    assert promises, reading
    assert promises[0].date == date
    if invoices:
        assert promises[0].invoice_numbers == invoices
    assert not reading.has(Intent.ALREADY_PAID)


def test_paying_without_a_date_is_no_promise() -> None:
    reading = _read("We're paying far too much for freight on these orders.")
    assert not reading.has(Intent.PROMISE)


def test_mistaken_belief_is_not_a_payment_but_a_claim_still_is() -> None:
    assert not _read("Apologies, I thought it had been paid already.").has(Intent.ALREADY_PAID)
    assert _read("We paid INV-2001 last week.").has(Intent.ALREADY_PAID)


def test_own_bookkeeping_error_is_no_dispute() -> None:
    reading = _read(
        "We will transfer EUR 1.200,00 for invoice INV-2001 on Thursday. Our apologies for the "
        "delay, the invoice was booked on the wrong cost centre.",
        currency="EUR",
    )
    assert not reading.has(Intent.DISPUTE)
    assert reading.of(Intent.PROMISE)[0].date == D(2026, 11, 19)
    assert _read("The invoice shows the wrong price for the cables.").has(Intent.DISPUTE)


def test_italian_goods_of_an_invoice_not_arrived_is_a_dispute() -> None:
    reading = _read(
        "Buongiorno,\n\nla merce relativa alla fattura INV-2001 non è mai arrivata presso il "
        "nostro magazzino. Vi chiediamo di verificare.\n\nSaluti",
        currency="EUR",
    )
    dispute = reading.of(Intent.DISPUTE)
    assert dispute and dispute[0].dispute_reason is DisputeReason.NOT_RECEIVED
    assert dispute[0].invoice_numbers == ["INV-2001"]
    assert not reading.has(Intent.COPY_REQUEST)
    # The invoice itself missing is still a copy request.
    assert _read("La fattura INV-2001 non è mai arrivata.", currency="EUR").has(Intent.COPY_REQUEST)


def test_invoice_named_in_the_sentence_before_the_complaint() -> None:
    reading = _read(
        "The order on INV-2001 was shipped to our old site, which closed in the summer.\n"
        "We never got it. Please reship.\n\nFor INV-2002, that's approved and goes out Friday."
    )
    dispute = reading.of(Intent.DISPUTE)[0]
    assert dispute.dispute_reason is DisputeReason.NOT_RECEIVED
    assert dispute.invoice_numbers == ["INV-2001"]


def test_invoice_earlier_in_the_same_sentence() -> None:
    reading = _read(
        "INV-2001 bills the whole order, but only the first delivery has arrived. "
        "INV-2002 is correct and will be paid normally."
    )
    dispute = reading.of(Intent.DISPUTE)[0]
    assert dispute.invoice_numbers == ["INV-2001"]


def test_complaint_after_a_cleared_invoice_stays_unattached() -> None:
    reading = _read(
        "INV-2002 is fine and we're paying it now. Some of the other items arrived broken."
    )
    dispute = reading.of(Intent.DISPUTE)[0]
    assert dispute.invoice_numbers == []


def test_soaked_goods_are_damaged() -> None:
    reading = _read("The boxes on INV-2001 were soaked when they arrived.")
    dispute = reading.of(Intent.DISPUTE)[0]
    assert dispute.dispute_reason is DisputeReason.DAMAGED
    assert dispute.invoice_numbers == ["INV-2001"]
