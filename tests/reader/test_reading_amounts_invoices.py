"""Money and invoice references: formats, look-alikes and the ledger's spelling."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from recoup.reader import Intent, read_reply
from recoup.reader.amounts import find_amounts, parse_number
from recoup.reader.invoices import InvoiceIndex
from recoup.reader.text import fold

TODAY = datetime.date(2026, 11, 23)
LEDGER = {"INV-1001": 120000, "INV-1002": 45000, "INV-1003": 99900}


@pytest.mark.parametrize(
    ("text", "cents"),
    [
        ("We will transfer $1,234.56 tomorrow.", 123456),
        ("We will transfer 1.234,56 € tomorrow.", 123456),
        ("We will transfer EUR 1 234,56 tomorrow.", 123456),
        ("We will transfer €500 tomorrow.", 50000),
        ("We will transfer 500 euros tomorrow.", 50000),
        ("We will transfer USD 2,000 tomorrow.", 200000),
        ("We will transfer 2000.00 tomorrow.", 200000),
        ("We will transfer 1'234.50 CHF tomorrow.", 123450),
        ("We will transfer £75.5 tomorrow.", 7550),
        ("We will transfer $5k tomorrow.", 500000),
    ],
)
def test_amount_formats(text, cents):
    reading = read_reply(text, today=TODAY)
    assert reading.primary.intent is Intent.PROMISE
    assert reading.primary.amount_cents == cents
    assert reading.primary.date == datetime.date(2026, 11, 24)


@pytest.mark.parametrize(
    "text",
    [
        "Call me on +44 20 7946 0958 and we'll pay INV-1001 today.",
        "We'll pay invoice 1001 tomorrow.",
        "We'll pay INV-1002 on 30.11.2026.",
        "We'll pay once PO 4500012345 is approved, probably on 12.12.",
        "We'll pay 50% now and the rest later.",
    ],
)
def test_look_alikes_are_not_money(text):
    reading = read_reply(text, today=TODAY, known_invoices=LEDGER)
    assert reading.primary.intent is Intent.PROMISE
    assert reading.primary.amount_cents is None


def test_promise_without_amount_leaves_it_to_the_caller():
    reading = read_reply("We'll pay INV-1001 on Friday.", today=TODAY, known_invoices=LEDGER)
    assert reading.primary.amount_cents is None
    assert reading.primary.invoice_numbers == ["INV-1001"]


def test_partial_payment_amount_is_the_one_near_the_promise():
    reading = read_reply(
        "Of the $1,200.00 open on INV-1001 we will pay $600.00 on Friday.",
        today=TODAY,
        known_invoices=LEDGER,
    )
    assert reading.primary.amount_cents == 60000


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1.234,56", Decimal("1234.56")),
        ("1,234.56", Decimal("1234.56")),
        ("1,234", Decimal(1234)),
        ("12,5", Decimal("12.5")),
        ("1'234.50", Decimal("1234.50")),
        ("1 234 567,89", Decimal("1234567.89")),
    ],
)
def test_parse_number(text, value):
    assert parse_number(text) == value


def test_amounts_keep_their_currency():
    hits = find_amounts(fold("€500 and 1.000,00 CHF and $20"))
    assert [(hit.cents, hit.currency) for hit in hits] == [
        (50000, "EUR"),
        (100000, "CHF"),
        (2000, "USD"),
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("re inv 1001", ["INV-1001"]),
        ("INV1001 and inv-1002", ["INV-1001", "INV-1002"]),
        ("#INV-1003", ["INV-1003"]),
        ("INV-01001", ["INV-1001"]),
        ("invoice 1002", ["INV-1002"]),
        ("invoices 1001, 1002 and 1003", ["INV-1001", "INV-1002", "INV-1003"]),
        ("facture n° 1003", ["INV-1003"]),
        ("Rechnung Nr. 1002", ["INV-1002"]),
        ("factura nº 1001", ["INV-1001"]),
        ("#1001", ["INV-1001"]),
        ("INV-9999 and 1001 units", []),
        ("INV-10011", []),
    ],
)
def test_invoice_references(text, expected):
    index = InvoiceIndex(LEDGER)
    assert [hit.number for hit in index.find(fold(text))] == expected


def test_ambiguous_numbers_need_the_prefix():
    index = InvoiceIndex(["INV-1001", "CN-1001"])
    assert [h.number for h in index.find(fold("invoice 1001"))] == []
    assert [h.number for h in index.find(fold("CN-1001"))] == ["CN-1001"]


def test_leading_zeros_resolve_to_the_exact_spelling_when_both_exist():
    index = InvoiceIndex(["INV-001", "INV-1"])
    assert [h.number for h in index.find(fold("INV-001"))] == ["INV-001"]
    assert [h.number for h in index.find(fold("INV-1"))] == ["INV-1"]


def test_numeric_ledger_numbers_need_context_when_short():
    index = InvoiceIndex(["4711", "2026-0042", "F2026/118"])
    assert [h.number for h in index.find(fold("we ordered 4711 screws"))] == []
    assert [h.number for h in index.find(fold("Rechnung 4711"))] == ["4711"]
    assert [h.number for h in index.find(fold("ref 2026-0042"))] == ["2026-0042"]
    assert [h.number for h in index.find(fold("f 2026/118"))] == ["F2026/118"]


def test_unknown_invoices_are_not_reported():
    reading = read_reply("We will pay INV-5555 on Friday.", today=TODAY, known_invoices=LEDGER)
    assert reading.primary.intent is Intent.PROMISE
    assert reading.primary.invoice_numbers == []
