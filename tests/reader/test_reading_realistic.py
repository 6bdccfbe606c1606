"""Replies as they arrive in a collections inbox: the reading an analyst would make of them."""

from __future__ import annotations

import datetime

import pytest

from recoup.reader import CopyKind, DisputeReason, Intent, read_reply

TODAY = datetime.date(2026, 11, 23)  # a Monday
LEDGER = {"INV-1001": 120000, "INV-1002": 45000, "INV-1003": 99900}
D = datetime.date

CASES = [
    # (reply, currency, intents in order, details of the primary finding)
    (
        (
            "Hi Sarah, thanks for your patience. Our AP team has approved INV-1001 and it will be "
            "included in this Thursday's payment run.\nBest, Mark"
        ),
        "USD",
        [Intent.PROMISE],
        {"invoice_numbers": ["INV-1001"], "date": D(2026, 11, 26)},
    ),
    (
        (
            "Hello, our payment terms with you are 60 days, not 30. INV-1003 is therefore not due "
            "until 15 December and will be paid then."
        ),
        "USD",
        [Intent.PROMISE],
        {"invoice_numbers": ["INV-1003"], "date": D(2026, 12, 15)},
    ),
    (
        (
            "Hi, we sent a partial payment of $500 last week. The remaining $499 will follow "
            "once we receive the corrected invoice."
        ),
        "USD",
        [Intent.ALREADY_PAID, Intent.PROMISE],
        {"amount_cents": 50000, "date": D(2026, 11, 20)},
    ),
    (
        "Hi! The payment of $1,200 was made via ACH on 11/18. Confirmation number 7734-AB-2291.",
        "USD",
        [Intent.ALREADY_PAID],
        {"amount_cents": 120000, "date": D(2026, 11, 18), "payment_reference": "7734-AB-2291"},
    ),
    (
        (
            "Just checking - did you receive the $1,200 we wired on the 18th? It should have "
            "cleared by now."
        ),
        "USD",
        [Intent.ALREADY_PAID],
        {"amount_cents": 120000, "date": D(2026, 11, 18)},
    ),
    (
        (
            "Hi, I forwarded your email to our accounts payable department at ap@northwind.com, "
            "they will take care of it. Thanks"
        ),
        "USD",
        [Intent.WRONG_CONTACT],
        {"redirect_email": "ap@northwind.com"},
    ),
    (
        (
            "Please stop sending these emails to my personal address. Talk to our accountant, Jane "
            "Doe (jane.doe@acmeaccounting.com)."
        ),
        "USD",
        [Intent.WRONG_CONTACT],
        {"redirect_email": "jane.doe@acmeaccounting.com"},
    ),
    (
        (
            "Our company was acquired by Globex last month, please send future invoices to "
            "ap@globex.com."
        ),
        "USD",
        [Intent.WRONG_CONTACT],
        {"redirect_email": "ap@globex.com"},
    ),
    (
        (
            "We have a problem with invoice INV-1003: you charged VAT although we gave you our "
            "exemption certificate. Please correct it."
        ),
        "USD",
        [Intent.DISPUTE],
        {"invoice_numbers": ["INV-1003"], "dispute_reason": DisputeReason.PRICE},
    ),
    (
        "The payment is on hold pending the delivery of the remaining items.",
        "USD",
        [Intent.DISPUTE],
        {"dispute_reason": DisputeReason.OTHER},
    ),
    (
        "Can you please resend the invoice? The PDF attachment was corrupted.",
        "USD",
        [Intent.COPY_REQUEST],
        {"copy_kinds": [CopyKind.INVOICE]},
    ),
    (
        (
            "Dear Sirs, we are currently experiencing financial difficulties and request an "
            "extension of 30 days for invoice INV-1001."
        ),
        "USD",
        [Intent.PAYMENT_PLAN],
        {"invoice_numbers": ["INV-1001"]},
    ),
    (
        (
            "Hi, is it possible to get an extra two weeks for INV-1002? We'll pay it in full on 7 "
            "December."
        ),
        "USD",
        [Intent.PAYMENT_PLAN, Intent.PROMISE],
        {"invoice_numbers": ["INV-1002"]},
    ),
    (
        "Hi, we will pay $300 today and $300 on the 1st of each month until cleared.",
        "USD",
        [Intent.PAYMENT_PLAN],
        {"amount_cents": 30000},
    ),
    (
        "Can we pay by credit card? If so, please send me a payment link.",
        "USD",
        [Intent.QUESTION],
        {},
    ),
    (
        "Yes, all good, it will be paid this week.",
        "USD",
        [Intent.PROMISE],
        {"date": D(2026, 11, 27)},
    ),
    (
        (
            "Thank you for the reminder. I've asked our finance team to look into it and get back "
            "to you."
        ),
        "USD",
        [Intent.STALL],
        {},
    ),
    (
        (
            "Bonjour, la facture INV-1002 ne correspond pas à notre commande : nous avons commandé "
            "20 unités et non 25. Merci de nous envoyer un avoir.\nCordialement"
        ),
        "EUR",
        [Intent.DISPUTE],
        {"invoice_numbers": ["INV-1002"], "dispute_reason": DisputeReason.QUANTITY},
    ),
    (
        "Bonjour, je vous informe que le paiement a été effectué hier. Bonne journée.",
        "EUR",
        [Intent.ALREADY_PAID],
        {"date": D(2026, 11, 22)},
    ),
    (
        (
            "Guten Tag, die Rechnung INV-1001 wurde am 20.11. per SEPA-Überweisung bezahlt. "
            "Verwendungszweck: INV-1001.\nMfG"
        ),
        "EUR",
        [Intent.ALREADY_PAID],
        {"invoice_numbers": ["INV-1001"], "date": D(2026, 11, 20)},
    ),
    (
        (
            "Hallo, leider können wir die Rechnung aktuell nicht bezahlen. Wäre eine Ratenzahlung "
            "über 6 Monate möglich?\nViele Grüße"
        ),
        "EUR",
        [Intent.PAYMENT_PLAN],
        {"months": 6},
    ),
    (
        (
            "Sehr geehrte Frau Müller, die Ware ist beschädigt bei uns angekommen, daher zahlen "
            "wir die Rechnung INV-1003 nicht. Fotos anbei."
        ),
        "EUR",
        [Intent.DISPUTE],
        {"invoice_numbers": ["INV-1003"], "dispute_reason": DisputeReason.DAMAGED},
    ),
    (
        "Hola, os confirmo que el pago se hará efectivo la semana que viene. Un saludo",
        "EUR",
        [Intent.PROMISE],
        {"date": D(2026, 12, 4)},
    ),
    (
        (
            "Buenos días, la factura INV-1001 está duplicada, ya la pagamos el mes pasado con la "
            "referencia 4471. Saludos"
        ),
        "EUR",
        [Intent.DISPUTE, Intent.ALREADY_PAID],
        {"invoice_numbers": ["INV-1001"], "dispute_reason": DisputeReason.DUPLICATE},
    ),
    (
        (
            "Estimados, les informamos que estaremos fuera de la oficina hasta el 7 de enero.\n"
            "Atentamente"
        ),
        "EUR",
        [Intent.OUT_OF_OFFICE],
        {"date": D(2027, 1, 7)},
    ),
    (
        (
            "Hoi, de factuur INV-1003 klopt niet, het bedrag is te hoog. Graag een creditnota.\n"
            "Groet, Jan"
        ),
        "EUR",
        [Intent.DISPUTE],
        {"invoice_numbers": ["INV-1003"], "dispute_reason": DisputeReason.PRICE},
    ),
    (
        "Goedendag, wij hebben de betaling gisteren overgemaakt.\nMet vriendelijke groet",
        "EUR",
        [Intent.ALREADY_PAID],
        {"date": D(2026, 11, 22)},
    ),
    (
        (
            "Buongiorno, il pagamento della fattura INV-1002 è stato effettuato il 18/11/2026.\n"
            "Cordiali saluti"
        ),
        "EUR",
        [Intent.ALREADY_PAID],
        {"invoice_numbers": ["INV-1002"], "date": D(2026, 11, 18)},
    ),
    (
        "Salve, non abbiamo ancora ricevuto la merce, quindi non possiamo pagare. Saluti",
        "EUR",
        [Intent.DISPUTE],
        {"dispute_reason": DisputeReason.NOT_RECEIVED},
    ),
    (
        (
            "Gentili signori, sono in ferie fino al 6 gennaio. Per urgenze scrivere a "
            "amministrazione@cliente.it"
        ),
        "EUR",
        [Intent.OUT_OF_OFFICE],
        {"date": D(2027, 1, 6), "redirect_email": "amministrazione@cliente.it"},
    ),
]


@pytest.mark.parametrize(("text", "currency", "expected", "details"), CASES)
def test_realistic_replies(text, currency, expected, details):
    reading = read_reply(text, today=TODAY, known_invoices=LEDGER, currency=currency)
    assert [finding.intent for finding in reading.findings] == expected
    for name, value in details.items():
        assert getattr(reading.primary, name) == value, name
    assert all(len(finding.evidence) <= 120 for finding in reading.findings)
    assert not reading.injection_suspected


def test_empty_reply_is_unknown():
    reading = read_reply("", today=TODAY)
    assert [finding.intent for finding in reading.findings] == [Intent.UNKNOWN]
    assert reading.language == "en"


def test_reading_is_deterministic():
    text = CASES[2][0]
    first = read_reply(text, today=TODAY, known_invoices=LEDGER)
    second = read_reply(text, today=TODAY, known_invoices=LEDGER)
    assert first == second
    assert first.model_dump() == second.model_dump()


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("Le règlement sera effectué sous 8 jours.", D(2026, 12, 1)),
        ("Le paiement est prévu pour le 30/11.", D(2026, 11, 30)),
        ("Die Rechnung wird nächste Woche beglichen.", D(2026, 12, 4)),
        ("Wir überweisen morgen.", D(2026, 11, 24)),
        ("Die Zahlung ist für den 30.11. eingeplant.", D(2026, 11, 30)),
        ("Le haremos la transferencia mañana.", D(2026, 11, 24)),
        ("El abono se realizará el próximo lunes.", D(2026, 11, 30)),
        ("Te pago el viernes sin falta.", D(2026, 11, 27)),
        ("Wij maken het bedrag morgen over.", D(2026, 11, 24)),
        ("De factuur wordt vrijdag betaald.", D(2026, 11, 27)),
        ("Betaling staat gepland voor 30 november.", D(2026, 11, 30)),
        ("Provvederemo al saldo entro venerdì.", D(2026, 11, 27)),
        ("Il bonifico verrà effettuato domani.", D(2026, 11, 24)),
        ("Vi paghiamo la prossima settimana.", D(2026, 12, 4)),
        ("I'll pay you on Monday.", D(2026, 11, 30)),
        ("Payment should be with you by Wednesday.", D(2026, 11, 25)),
        ("We're processing it now; expect funds early next week.", D(2026, 12, 1)),
        (
            "Your invoice has been approved and will go out in our next check run on Dec 1.",
            D(2026, 12, 1),
        ),
    ],
)
def test_ways_of_promising(text, date):
    reading = read_reply(text, today=TODAY, currency="EUR")
    assert [finding.intent for finding in reading.findings] == [Intent.PROMISE]
    assert reading.primary.date == date


def test_waiting_for_a_credit_note_is_a_dispute_before_the_promise():
    reading = read_reply("Nous réglerons la facture dès réception de l'avoir.", today=TODAY)
    assert [finding.intent for finding in reading.findings] == [Intent.DISPUTE, Intent.PROMISE]
    assert reading.primary.dispute_reason is DisputeReason.OTHER
