"""Extraction by kind of wording, in each language: amounts, dates, split commitments,
conditions, the disputed part and its reason. The sentences are written for these tests."""

from __future__ import annotations

import datetime

import pytest

from recoup.reader import Intent, read_reply
from recoup.reader import lexicon as lx
from recoup.reader.amounts import find_amounts
from recoup.reader.context import Context, Cue
from recoup.reader.dates import find_dates
from recoup.reader.details import condition_in, dispute_terms, promise_terms
from recoup.reader.intents import DisputeReason
from recoup.reader.prepare import prepare
from recoup.reader.text import fold

D = datetime.date
TODAY = D(2026, 12, 3)  # a Thursday


def _context(text: str, ledger: dict[str, int], currency: str, language: str) -> Context:
    ctx, _ = prepare(text, language, TODAY, ledger, currency)
    return ctx


def _promises(
    text: str, ledger: dict[str, int], currency: str, language: str
) -> list[tuple[D | None, int | None]]:
    """The commitments extraction reads in the whole text, as if the promise were known."""
    ctx = _context(text, ledger, currency, language)
    found = lx.PROMISE.search(ctx.masked)
    anchor = found.start() if found else 0
    terms = promise_terms(Cue(Intent.PROMISE, anchor, anchor), 0, len(ctx.masked), ctx)
    return sorted((term.date, term.amount_cents) for term in terms)


def _cents(text: str, currency: str | None = None) -> list[tuple[int, str | None]]:
    return [(hit.cents, hit.currency) for hit in find_amounts(fold(text), currency=currency)]


@pytest.mark.parametrize(
    ("text", "currency", "expected"),
    [
        ("we can do 5k this week", None, [(500000, None)]),
        ("about 2.5k on Monday", None, [(250000, None)]),
        ("rund 1,2 Mio € bis März", None, [(120000000, "EUR")]),
        ("pagamos 10 mil reais", None, [(1000000, "BRL")]),
        ("przelejemy 5 tys. zł", None, [(500000, "PLN")]),
        ("verseremo 20 mila euro", None, [(2000000, "EUR")]),
        ("we will release ₹2,40,000 next week", None, [(24000000, "INR")]),
        ("an amount of Rs. 48,500.75", None, [(4850075, "INR")]),
        ("remittance of ¥384,200", None, [(384200, "JPY")]),
        ("JPY 90,000 at month end", None, [(90000, "JPY")]),
        ("we remit 75,000 next week", "JPY", [(75000, None)]),
        ("CHF 3'250.40 am Montag", None, [(325040, "CHF")]),
        ("zapłacimy 2 345,67 zł", None, [(234567, "PLN")]),
        ("betalar 8 400 kr", "SEK", [(840000, "SEK")]),
        ("betaler 8 400 kr.", "NOK", [(840000, "NOK")]),
        ("pagaremos R$ 1.250,00", None, [(125000, "BRL")]),
        ("US$ 3,100.00 by wire", None, [(310000, "USD")]),
        (
            "£450 and 1.234,50 € and 1 234,50 EUR",
            None,
            [(45000, "GBP"), (123450, "EUR"), (123450, "EUR")],
        ),
    ],
)
def test_amounts_in_any_currency_and_shorthand(text, currency, expected):
    assert _cents(text, currency) == expected


def test_a_distance_is_not_money():
    assert _cents("the depot is 5 km away") == []


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("zahlen wir Freitag, den 11.12.", "de", D(2026, 12, 11)),
        ("réglé vendredi 18 décembre", "fr", D(2026, 12, 18)),
        ("paid on the 20th of next month", "en", D(2027, 1, 20)),
        ("on the 28th of this month", "en", D(2026, 12, 28)),
        ("le 8 du mois prochain", "fr", D(2027, 1, 8)),
        ("am 12. des nächsten Monats", "de", D(2027, 1, 12)),
        ("koniec miesiąca", "pl", D(2026, 12, 31)),
        ("do końca miesiąca", "pl", D(2026, 12, 31)),
        ("przelew w piątek", "pl", D(2026, 12, 4)),
        ("do poniedziałku", "pl", D(2026, 12, 7)),
        ("za dwa tygodnie", "pl", D(2026, 12, 17)),
        ("21 grudnia 2026", "pl", D(2026, 12, 21)),
        ("até o fim do mês", "pt", D(2026, 12, 31)),
        ("na próxima segunda-feira", "pt", D(2026, 12, 7)),
        ("amanhã", "pt", D(2026, 12, 4)),
        ("em 10 dias", "pt", D(2026, 12, 13)),
        ("dia 22 de dezembro", "pt", D(2026, 12, 22)),
        ("per ultimo", "nl", D(2026, 12, 31)),
        ("a fine mese", "it", D(2026, 12, 31)),
        ("a finales de mes", "es", D(2026, 12, 31)),
        ("Monatsende", "de", D(2026, 12, 31)),
        ("fin de mois", "fr", D(2026, 12, 31)),
        ("in two weeks", "en", D(2026, 12, 17)),
        ("on coming Tuesday", "en", D(2026, 12, 8)),
        ("the last working day of the month", "en", D(2026, 12, 31)),
        ("sous huitaine", "fr", D(2026, 12, 11)),
        ("dans quinze jours", "fr", D(2026, 12, 17)),
        ("em meados de janeiro", "pt", D(2027, 1, 15)),
        ("we betalen op 14-12", "nl", D(2026, 12, 14)),
        ("next week on Wednesday", "en", D(2026, 12, 9)),
    ],
)
def test_relative_and_local_dates(text, language, expected):
    hits = find_dates(fold(text), TODAY, language=language)
    assert hits and hits[0].future[1] == expected


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("next week", "en"),
        ("w przyszłym tygodniu", "pl"),
        ("na semana que vem", "pt"),
        ("la semaine prochaine", "fr"),
    ],
)
def test_next_week_is_monday_to_friday(text, language):
    hits = find_dates(fold(text), TODAY, language=language)
    assert hits and hits[0].future == (D(2026, 12, 7), D(2026, 12, 11))


@pytest.mark.parametrize(
    ("text", "currency", "expected"),
    [
        ("We will pay on 04/01/2027.", "USD", D(2027, 4, 1)),
        ("We will pay on 04/01/2027.", "EUR", D(2027, 1, 4)),
    ],
)
def test_numeric_dates_follow_the_account(text, currency, expected):
    reading = read_reply(text, today=TODAY, currency=currency)
    assert reading.primary.date == expected


@pytest.mark.parametrize(
    ("text", "currency", "ledger", "language", "parts"),
    [
        (
            "We'll send 4k today and the rest by the 30th.",
            "USD",
            {"INV-7": 1000000},
            "en",
            [(D(2026, 12, 3), 400000), (D(2026, 12, 30), 600000)],
        ),
        (
            "Wir überweisen heute 300 € und den Rest bis Monatsende.",
            "EUR",
            {"RE-9": 100000},
            "de",
            [(D(2026, 12, 3), 30000), (D(2026, 12, 31), 70000)],
        ),
        (
            "Nous payons la moitié de FA-3 demain et le solde fin de mois.",
            "EUR",
            {"FA-3": 50000},
            "fr",
            [(D(2026, 12, 4), 25000), (D(2026, 12, 31), 25000)],
        ),
        (
            "Pagaremos 1.000 € hoy y el resto el día 18.",
            "EUR",
            {"F-1": 400000},
            "es",
            [(D(2026, 12, 3), 100000), (D(2026, 12, 18), 300000)],
        ),
        (
            "Zapłacimy 200 zł dzisiaj, a resztę do końca miesiąca.",
            "PLN",
            {"FV/1": 50000},
            "pl",
            [(D(2026, 12, 3), 20000), (D(2026, 12, 31), 30000)],
        ),
    ],
)
def test_split_commitments_become_two_promises(text, currency, ledger, language, parts):
    assert _promises(text, ledger, currency, language) == parts


def test_a_split_commitment_read_in_a_reply_gives_two_promises():
    reading = read_reply(
        "We will pay $400 today and the rest by the 30th.",
        today=TODAY,
        known_invoices={"INV-7": 100000},
    )
    promises = sorted((f.date, f.amount_cents) for f in reading.of(Intent.PROMISE))
    assert promises == [(D(2026, 12, 3), 40000), (D(2026, 12, 30), 60000)]


def test_only_the_rest_is_promised_when_the_first_part_was_paid():
    assert _promises(
        "We have already paid 300 € and will pay the rest on Friday.", {"X-1": 100000}, "EUR", "en"
    ) == [(D(2026, 12, 4), 70000)]


def test_the_promise_date_is_not_the_invoice_date_or_a_past_date():
    text = "Invoice INV-7 dated 12 November will be paid on 15 December, as agreed on 1 December."
    reading = read_reply(text, today=TODAY, known_invoices={"INV-7": 5000})
    assert reading.of(Intent.PROMISE)[0].date == D(2026, 12, 15)


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Our next payment run is the 15th and INV-7 is on it.", "en"),
        ("Unser nächster Zahllauf ist am 15. – INV-7 ist dabei.", "de"),
        ("Notre prochaine campagne de paiement est le 15, INV-7 y figure.", "fr"),
    ],
)
def test_a_payment_run_date_is_the_promise(text, language):
    assert _promises(text, {"INV-7": 5000}, "EUR", language)[0][0] == D(2026, 12, 15)


@pytest.mark.parametrize(
    "text",
    [
        "We will pay INV-7 this week if you waive the late fee.",
        "We can settle INV-7 for 60% by Friday.",
        "Nous réglerons demain à condition que vous annuliez les pénalités.",
        "Wir zahlen morgen, wenn Sie auf die Mahngebühr verzichten.",
        "Pagaremos el viernes siempre que anulen los intereses.",
        "We betalen vrijdag als u de rente kwijtscheldt.",
        "Pagheremo venerdì a condizione che stornate gli interessi.",
        "Pagamos na sexta desde que cancelem a multa.",
        "Zapłacimy w piątek, pod warunkiem że anulujecie odsetki.",
    ],
)
def test_a_promise_on_a_condition_carries_it(text):
    ctx = _context(text, {"INV-7": 5000}, "EUR", "en")
    assert condition_in(ctx, 0, len(ctx.masked))


def test_a_condition_reaches_the_promise_finding():
    reading = read_reply(
        "We will pay INV-7 on Friday if you waive the late fee.",
        today=TODAY,
        known_invoices={"INV-7": 5000},
    )
    assert reading.of(Intent.PROMISE)[0].condition == "if you waive the late fee"


def test_a_plain_promise_has_no_condition():
    reading = read_reply(
        "We'll pay INV-7 on Friday, if that's OK.", today=TODAY, known_invoices={"INV-7": 5000}
    )
    assert reading.primary.condition is None


@pytest.mark.parametrize(
    ("text", "ledger", "reason", "part"),
    [
        (
            "On INV-7 you charged 20% VAT (€64.00) although reverse charge applies to us.",
            {"INV-7": 38400},
            DisputeReason.TAX,
            6400,
        ),
        (
            "Auf der Rechnung RE-5 wurde Umsatzsteuer berechnet, obwohl die Steuerschuldnerschaft"
            " bei uns liegt; die Differenz beträgt 190,00 €.",
            {"RE-5": 119000},
            DisputeReason.TAX,
            19000,
        ),
        (
            "The unit price on INV-7 is higher than quoted; the difference is $120.00.",
            {"INV-7": 90000},
            DisputeReason.PRICE,
            12000,
        ),
        (
            "Sur la facture FA-3, 4 cartons sont arrivés endommagés ; nous contestons 230,00 €.",
            {"FA-3": 120000},
            DisputeReason.DAMAGED,
            23000,
        ),
    ],
)
def test_the_disputed_part_and_its_reason(text, ledger, reason, part):
    terms = dispute_terms(_context(text, ledger, "EUR", "en"))
    assert terms.reason is reason
    assert terms.amount_cents == part


def test_a_whole_invoice_dispute_has_no_part():
    terms = dispute_terms(
        _context(
            "INV-7 ($900.00) was billed twice, we paid it already.", {"INV-7": 90000}, "USD", "en"
        )
    )
    assert terms.reason is DisputeReason.DUPLICATE
    assert terms.amount_cents is None


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Where are the goods for INV-7? Nothing has reached our warehouse.", "en"),
        ("Wo bleibt die Ware zu INV-7? Bei uns ist nichts angekommen.", "de"),
        ("Où est la marchandise de INV-7 ? Nous n'avons rien reçu.", "fr"),
    ],
)
def test_a_non_delivery_question_is_not_received(text, language):
    terms = dispute_terms(_context(text, {"INV-7": 5000}, "EUR", language))
    assert terms.reason is DisputeReason.NOT_RECEIVED


def test_the_reason_belongs_to_the_disputed_invoice():
    text = (
        "INV-8 will be paid on Friday, sorry it was late. On INV-7 the quantity is wrong: we "
        "got 40 units, not 50."
    )
    reading = read_reply(text, today=TODAY, known_invoices={"INV-7": 5000, "INV-8": 9000})
    dispute = reading.of(Intent.DISPUTE)
    assert dispute and dispute[0].dispute_reason is DisputeReason.QUANTITY
    assert dispute[0].invoice_numbers == ["INV-7"]


def test_amounts_written_each_with_its_day_are_promises_of_their_own():
    text = (
        "We will settle INV-7 in three parts: €500 on 10 December, €500 on 10 January and "
        "€400 on 10 February."
    )
    assert _promises(text, {"INV-7": 140000}, "EUR", "en") == [
        (D(2026, 12, 10), 50000),
        (D(2027, 1, 10), 50000),
        (D(2027, 2, 10), 40000),
    ]


def test_the_rest_of_a_split_is_no_promise_when_it_becomes_a_plan():
    text = (
        "I will pay $800 on Monday and would like to spread the remaining $2,000 over four months."
    )
    assert _promises(text, {"INV-7": 280000}, "USD", "en") == [(D(2026, 12, 7), 80000)]


def test_the_disputed_part_may_follow_in_the_next_paragraph():
    text = (
        "Two of the ten boxes on INV-7 arrived crushed.\n\n"
        "We will not pay for those two boxes, $90.00, and ask for a credit note."
    )
    terms = dispute_terms(_context(text, {"INV-7": 45000}, "USD", "en"))
    assert terms.reason is DisputeReason.DAMAGED
    assert terms.amount_cents == 9000


def test_a_part_being_sent_today_is_promised_with_the_rest():
    text = "We're sending $300.00 today and the remaining $700.00 will follow by the 18th."
    assert _promises(text, {"INV-7": 100000}, "USD", "en") == [
        (D(2026, 12, 3), 30000),
        (D(2026, 12, 18), 70000),
    ]


def test_the_rest_after_a_refused_difference_is_the_only_promise():
    text = (
        "Op factuur F-1 is te veel gerekend; het verschil van € 200,00 betalen wij niet.\n\n"
        "Het restant van € 800,00 maken we vrijdag over."
    )
    assert _promises(text, {"F-1": 100000}, "EUR", "nl") == [(D(2026, 12, 4), 80000)]
