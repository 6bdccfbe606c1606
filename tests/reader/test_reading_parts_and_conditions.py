"""Commitments in parts, promises that hang on something, the part of an invoice disputed,
and anger that is abuse: what the agent acts on depends on telling each apart."""

from __future__ import annotations

import datetime

import pytest

from recoup.reader import DisputeReason, Intent, Reading, read_reply

TODAY = datetime.date(2026, 7, 6)  # a Monday
LEDGER = {"NE-71902": 820000, "RK-26-0733": 521248}
D = datetime.date


def _read(text: str, currency: str = "GBP") -> Reading:
    return read_reply(text, subject="", today=TODAY, known_invoices=LEDGER, currency=currency)


def _promises(reading: Reading) -> list[tuple[int | None, datetime.date | None]]:
    return [(f.amount_cents, f.date) for f in reading.of(Intent.PROMISE)]


def test_a_split_commitment_in_shorthand_is_two_promises_each_with_its_day() -> None:
    reading = _read("Hi mate can do 5k on Weds and the other 3.2k next Friday.")

    assert _promises(reading) == [(500000, D(2026, 7, 8)), (320000, D(2026, 7, 17))]


def test_a_day_and_month_that_name_a_payment_run_are_its_date() -> None:
    reading = _read(
        "INV NE-71902 is approved and scheduled for our 5/14 payment run.", currency="EUR"
    )

    assert [f.date for f in reading.of(Intent.PROMISE)] == [D(2027, 5, 14)]


def test_a_schedule_is_not_the_day_promised() -> None:
    reading = _read(
        "I've told Shelley to put yours through with the others on the 18th, she does the "
        "supplier payments every other Tuesday now."
    )

    assert [f.date for f in reading.of(Intent.PROMISE)] == [D(2026, 7, 18)]


@pytest.mark.parametrize(
    "text",
    [
        "We can pay this today, but only if you confirm that no late interest will be added.",
        "Wir zahlen sofort, aber nur wenn Sie die Mahngebühr stornieren.",
    ],
)
def test_a_promise_that_hangs_on_a_condition_carries_it(text: str) -> None:
    promise = _read(text, currency="EUR").of(Intent.PROMISE)[0]

    assert promise.condition is not None


@pytest.mark.parametrize(
    "text",
    [
        "You billed 400 sheets but we received 340, so we've been overbilled. Can you send a "
        "credit note for the difference and we'll pay the balance straight away.",
        "Die Rechnung NE-71902 weist falsche Umsatzsteuer aus. Bitte stornieren Sie sie. Nach "
        "Eingang der korrigierten Rechnung überweisen wir umgehend.",
    ],
)
def test_a_payment_that_waits_for_the_correction_a_dispute_asks_for_has_no_day_of_its_own(
    text: str,
) -> None:
    reading = _read(text, currency="EUR")

    assert reading.has(Intent.DISPUTE)
    assert all(f.date is None for f in reading.of(Intent.PROMISE))


def test_the_disputed_part_is_the_total_not_the_price_per_unit_and_the_reason_said_before() -> None:
    reading = _read(
        "Zu Rechnung RK-26-0733: geliefert wurden 38 Ringe, berechnet wurden jedoch 48 Ringe. "
        "Die Differenz von 10 Ringen à 61,20 € netto, d. h. 728,28 € brutto, erkennen wir "
        "nicht an.",
        currency="EUR",
    )

    dispute = reading.of(Intent.DISPUTE)[0]
    assert dispute.amount_cents == 72828
    assert dispute.dispute_reason is DisputeReason.QUANTITY


def test_abuse_is_marked_as_such_and_an_angry_tone_is_not() -> None:
    abuse = _read("Keep sending these and you'll regret it. NE-71902 was damaged anyway.")
    angry = _read(
        "I have told you THREE times that the panels on NE-71902 are the wrong colour. "
        "Honestly the service this year has been shocking."
    )

    assert [f.abusive for f in abuse.of(Intent.HOSTILE)] == [True]
    assert all(not f.abusive for f in angry.of(Intent.HOSTILE))


@pytest.mark.parametrize(
    "text",
    [
        "Vi proponiamo un pagamento immediato di € 9.000,00 a saldo e stralcio di tutte le "
        "fatture aperte (€ 11.742,60).",
        "Wir bieten Ihnen 9.000,00 € zur endgültigen Erledigung aller offenen Rechnungen an.",
    ],
)
def test_an_offer_to_settle_for_less_is_read_with_its_amount_and_terms(text: str) -> None:
    (offer,) = _read(text, currency="EUR").of(Intent.PROMISE)

    assert offer.amount_cents == 900000
    assert offer.condition is not None


@pytest.mark.parametrize(
    ("text", "currency", "expected"),
    [
        ("pd next wk. been slammed sorry", "USD", [(None, D(2026, 7, 17))]),
        (
            "Le paiement de vos factures, soit CHF 9'105.50 au total, sera effectué le 30 courant.",
            "CHF",
            [(910550, D(2026, 7, 30))],
        ),
        (
            "On vous paie dès que c'est déposé, au plus tard le 31 juillet.",
            "CAD",
            [(None, D(2026, 7, 31))],
        ),
        (
            "You'll be paid in full before the quarter closes on 30 Sept.",
            "AUD",
            [(None, D(2026, 9, 30))],
        ),
        (
            "Pls note we will release 2.5 lakh next Monday against inv. no. NE-71902. Balance inv. "
            "RK-26-0733 for Rs. 1,18,420/- will be cleared by month end.",
            "INR",
            [(25000000, D(2026, 7, 13)), (11842000, D(2026, 7, 31))],
        ),
    ],
)
def test_promises_in_shorthand_local_forms_and_the_passive(
    text: str, currency: str, expected: list[tuple[int | None, datetime.date]]
) -> None:
    assert _promises(_read(text, currency=currency)) == expected


def test_each_part_of_a_split_keeps_the_invoice_it_names() -> None:
    reading = _read(
        "NE-71902 we pay this week on Friday. The remaining invoice RK-26-0733 (5 212,48 zł) "
        "will be paid by the 20th.",
        currency="PLN",
    )

    assert [f.invoice_numbers for f in reading.of(Intent.PROMISE)] == [
        ["NE-71902"],
        ["RK-26-0733"],
    ]


def test_a_refusal_to_pay_one_invoice_is_a_dispute_of_it() -> None:
    reading = _read("I'll pay NE-71902 Friday. I am not paying RK-26-0733, we returned it.")

    assert [f.invoice_numbers for f in reading.of(Intent.DISPUTE)] == [["RK-26-0733"]]


def test_someone_elses_address_given_in_spanish_is_a_redirect() -> None:
    reading = _read(
        "yo nomas soy el cocinero, mandele al patron, su correo es hilario@losprimos.example",
        currency="USD",
    )

    assert reading.has(Intent.WRONG_CONTACT)
