"""Disputes and insolvency notices as customers word them, and the reason they give."""

from __future__ import annotations

import datetime

import pytest

from recoup.reader import DisputeReason, Intent, read_reply

TODAY = datetime.date(2026, 11, 23)
LEDGER = {"INV-2001": 250000, "INV-2002": 80000}

DISPUTES = [
    (
        "We cannot pay INV-2001 as it stands. Your quotation was $12.40 a box and you have "
        "billed us $14.10. Send us a corrected invoice and it will go through.",
        DisputeReason.PRICE,
    ),
    (
        "The framework contract gives us 5% off list and it hasn't been applied on INV-2001.",
        DisputeReason.PRICE,
    ),
    (
        "There's a handling surcharge on INV-2001 that nobody agreed to.",
        DisputeReason.PRICE,
    ),
    (
        "INV-2001 is charged at the weekend rate for a Tuesday job. That is not right.",
        DisputeReason.PRICE,
    ),
    (
        "INV-2001 is being queried, the delivery was short by three cartons.",
        DisputeReason.QUANTITY,
    ),
    (
        "The approved timesheets add up to 40 hours, INV-2001 says 46.",
        DisputeReason.QUANTITY,
    ),
    (
        "INV-2001 charges the full order, but only the first half has arrived.",
        DisputeReason.QUANTITY,
    ),
    ("Four of the pumps on INV-2001 were dead on arrival.", DisputeReason.DAMAGED),
    (
        "The castings on INV-2001 failed our incoming inspection and QA has the batch on hold.",
        DisputeReason.QUALITY,
    ),
    (
        "The repair on INV-2001 was shoddy. The door is leaking again already.",
        DisputeReason.QUALITY,
    ),
    (
        "The posters on INV-2001 were printed in the wrong shade of green.",
        DisputeReason.QUALITY,
    ),
    (
        "INV-2001 looks to be a re-issue of an invoice we settled in August, please check.",
        DisputeReason.DUPLICATE,
    ),
    (
        "The PO quoted on INV-2001 (PO-5512) isn't one of ours.",
        DisputeReason.MISSING_PO,
    ),
    (
        "The site survey on INV-2001 never took place, your surveyor cancelled.",
        DisputeReason.NOT_RECEIVED,
    ),
    (
        "INV-2002 is fine. But we never received anything for INV-2001 - there is no "
        "delivery on record.",
        DisputeReason.NOT_RECEIVED,
    ),
    (
        "The pallets for INV-2001 went to our old depot, which is closed. We never got them.",
        DisputeReason.NOT_RECEIVED,
    ),
    (
        "We haven't received the subscription licences for INV-2001 yet.",
        DisputeReason.NOT_RECEIVED,
    ),
]


@pytest.mark.parametrize(("text", "reason"), DISPUTES)
def test_dispute_and_its_reason(text: str, reason: DisputeReason) -> None:
    reading = read_reply(text, today=TODAY, known_invoices=LEDGER)
    assert reading.primary.intent is Intent.DISPUTE, reading.findings
    assert reading.primary.dispute_reason is reason, reading.findings


@pytest.mark.parametrize(
    "text",
    [
        "You've charged VAT on INV-2001 but it should be reverse charged.",
        "INV-2001 is made out to a different entity, our AP can't process it as is.",
    ],
)
def test_dispute_without_a_named_reason(text: str) -> None:
    reading = read_reply(text, today=TODAY, known_invoices=LEDGER)
    assert reading.primary.intent is Intent.DISPUTE, reading.findings


def test_appointed_administrators_is_an_insolvency() -> None:
    text = (
        "Dear Creditor, on 2 November the directors appointed Jane Roe and John Doe of Example "
        "LLP as joint administrators of the Company. Please send your claim to them."
    )
    reading = read_reply(text, today=TODAY, known_invoices=LEDGER)
    assert reading.primary.intent is Intent.INSOLVENCY
