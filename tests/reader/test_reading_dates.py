"""Date expressions, resolved against a fixed Monday, 23 November 2026."""

from __future__ import annotations

import datetime

import pytest

from recoup.reader import Intent, read_reply
from recoup.reader.dates import find_dates
from recoup.reader.text import fold

TODAY = datetime.date(2026, 11, 23)  # a Monday
D = datetime.date


def promised(phrase: str, *, today: datetime.date = TODAY, currency: str = "USD") -> D | None:
    reading = read_reply(phrase, today=today, currency=currency)
    assert reading.primary.intent is Intent.PROMISE, reading
    return reading.primary.date


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # English
        ("We will pay tomorrow.", D(2026, 11, 24)),
        ("We will pay next week.", D(2026, 12, 4)),
        ("We will pay this Friday.", D(2026, 11, 27)),
        ("We will pay next Friday.", D(2026, 12, 4)),
        ("We will pay on Friday.", D(2026, 11, 27)),
        ("We will pay in 10 days.", D(2026, 12, 3)),
        ("We will pay in two weeks.", D(2026, 12, 7)),
        ("We will pay within 30 days.", D(2026, 12, 23)),
        ("We will pay at the end of the month.", D(2026, 11, 30)),
        ("We will pay at the end of next month.", D(2026, 12, 31)),
        ("We will pay by the end of the week.", D(2026, 11, 27)),
        ("We will pay on the 15th.", D(2026, 12, 15)),
        ("We will pay on the 30th.", D(2026, 11, 30)),
        ("We will pay on 2026-12-05.", D(2026, 12, 5)),
        ("We will pay on December 5.", D(2026, 12, 5)),
        ("We will pay on Dec 5th.", D(2026, 12, 5)),
        ("We will pay on 5 December.", D(2026, 12, 5)),
        ("We will pay by mid-December.", D(2026, 12, 15)),
        ("We will pay early next month.", D(2026, 12, 7)),
        ("We will pay in January.", D(2027, 1, 31)),
        ("We will pay on 5 November.", D(2027, 11, 5)),
        # French
        ("Nous paierons demain.", D(2026, 11, 24)),
        ("Nous paierons la semaine prochaine.", D(2026, 12, 4)),
        ("Nous paierons à la fin du mois.", D(2026, 11, 30)),
        ("Nous paierons vendredi prochain.", D(2026, 12, 4)),
        ("Nous paierons le 5 décembre.", D(2026, 12, 5)),
        ("Nous paierons dans 15 jours.", D(2026, 12, 8)),
        ("Nous paierons fin décembre.", D(2026, 12, 31)),
        # German
        ("Wir zahlen morgen.", D(2026, 11, 24)),
        ("Wir zahlen nächste Woche.", D(2026, 12, 4)),
        ("Wir zahlen Ende des Monats.", D(2026, 11, 30)),
        ("Wir zahlen zum Monatsende.", D(2026, 11, 30)),
        ("Wir zahlen nächsten Freitag.", D(2026, 12, 4)),
        ("Wir zahlen am 5. Dezember.", D(2026, 12, 5)),
        ("Wir zahlen bis 15.12.", D(2026, 12, 15)),
        ("Wir zahlen in zwei Wochen.", D(2026, 12, 7)),
        # Spanish
        ("Pagaremos mañana.", D(2026, 11, 24)),
        ("Pagaremos la próxima semana.", D(2026, 12, 4)),
        ("Pagaremos a fin de mes.", D(2026, 11, 30)),
        ("Pagaremos el viernes que viene.", D(2026, 12, 4)),
        ("Pagaremos el 5 de diciembre.", D(2026, 12, 5)),
        ("Pagaremos el día 20.", D(2026, 12, 20)),
        # Dutch
        ("We betalen morgen.", D(2026, 11, 24)),
        ("We betalen volgende week.", D(2026, 12, 4)),
        ("We betalen eind van de maand.", D(2026, 11, 30)),
        ("We betalen volgende week vrijdag.", D(2026, 12, 4)),
        ("We betalen op 5 december.", D(2026, 12, 5)),
        # Italian
        ("Pagheremo domani.", D(2026, 11, 24)),
        ("Pagheremo la prossima settimana.", D(2026, 12, 4)),
        ("Pagheremo entro fine mese.", D(2026, 11, 30)),
        ("Pagheremo venerdì prossimo.", D(2026, 12, 4)),
        ("Pagheremo il 5 dicembre.", D(2026, 12, 5)),
        ("Pagheremo tra 10 giorni.", D(2026, 12, 3)),
        # A range promises its far end.
        ("We will pay in 1-2 business days.", D(2026, 11, 25)),
        ("We will pay within two to three days.", D(2026, 11, 26)),
        ("Nous paierons dans 2 ou 3 semaines.", D(2026, 12, 14)),
        ("Wir zahlen in 2 bis 3 Tagen.", D(2026, 11, 26)),
        # A day said earlier in the message.
        ("You gave us until 4 December for INV-3301. We will pay on that date.", D(2026, 12, 4)),
        ("Wir haben bis zum 4. Dezember Zeit. Wir zahlen an diesem Tag.", D(2026, 12, 4)),
        # A dotted abbreviation does not end the sentence before the date.
        ("La fattura verrà pagata tramite Ri.Ba. con scadenza 30 novembre.", D(2026, 11, 30)),
        ("La facture est programmée pour paiement le 4 décembre.", D(2026, 12, 4)),
        ("Bonifico in partenza mercoledì.", D(2026, 11, 25)),
    ],
)
def test_promise_dates(text, expected):
    assert promised(text) == expected


@pytest.mark.parametrize(
    ("text", "currency", "expected"),
    [
        ("We will pay on 12/05/2026.", "USD", D(2026, 12, 5)),
        ("We will pay on 05/12/2027.", "USD", D(2027, 5, 12)),
        ("We will pay on 05/12/2026.", "EUR", D(2026, 12, 5)),
        ("Nous paierons le 05/12/2026.", "USD", D(2026, 12, 5)),
        ("We will pay on 25/12/2026.", "USD", D(2026, 12, 25)),
        ("Wir zahlen am 05.12.2026.", "EUR", D(2026, 12, 5)),
    ],
)
def test_numeric_dates_are_day_first_unless_us(text, currency, expected):
    assert promised(text, currency=currency) == expected


def test_a_promise_is_never_in_the_past():
    assert promised("We will pay on 2026-11-02.") == TODAY
    assert promised("We will pay on the 2nd.") == D(2026, 12, 2)


def test_weekend_this_week_rolls_to_next_friday():
    saturday = D(2026, 11, 28)
    assert promised("We will pay by the end of the week.", today=saturday) == D(2026, 12, 4)


def test_month_end_on_the_last_day_is_today():
    assert promised("We will pay at month end.", today=D(2026, 11, 30)) == D(2026, 11, 30)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("We paid yesterday.", D(2026, 11, 22)),
        ("We paid last Friday.", D(2026, 11, 20)),
        ("We paid on Friday.", D(2026, 11, 20)),
        ("We paid on 20 November.", D(2026, 11, 20)),
        ("We paid on the 15th.", D(2026, 11, 15)),
        ("We paid 3 days ago.", D(2026, 11, 20)),
        ("Nous avons payé hier.", D(2026, 11, 22)),
        ("Wir haben gestern überwiesen.", D(2026, 11, 22)),
        ("Pagamos la factura ayer.", D(2026, 11, 22)),
        ("We hebben vorige week betaald.", D(2026, 11, 20)),
        ("Abbiamo pagato ieri.", D(2026, 11, 22)),
    ],
)
def test_payment_dates_look_back(text, expected):
    reading = read_reply(text, today=TODAY)
    assert reading.primary.intent is Intent.ALREADY_PAID
    assert reading.primary.date == expected


def test_spanish_present_tense_looks_forward_without_a_past_marker():
    reading = read_reply("Pagamos el viernes.", today=TODAY)
    assert reading.primary.intent is Intent.PROMISE
    assert reading.primary.date == D(2026, 11, 27)


def test_greetings_are_not_dates():
    hits = find_dates(fold("Guten Morgen Herr Braun, por la mañana"), TODAY, language="de")
    assert hits == []


def test_dutch_hier_is_not_yesterday():
    assert find_dates(fold("hier is de betaling"), TODAY, language="nl") == []
    assert [h.past[0] for h in find_dates(fold("payé hier"), TODAY, language="fr")] == [
        D(2026, 11, 22)
    ]


def test_invalid_dates_are_ignored():
    assert find_dates(fold("on 31/02/2026 or 2026-13-01"), TODAY) == []
