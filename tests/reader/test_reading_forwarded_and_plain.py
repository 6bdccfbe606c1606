"""Forwarded messages, second-language English and other wordings the rules read in passing."""

from __future__ import annotations

import datetime

import pytest

from recoup.reader import CopyKind, DisputeReason, Intent, Reading, read_reply
from recoup.reader.text import strip_history

TODAY = datetime.date(2026, 11, 20)
LEDGER = {"INV-3301": 250_000, "INV-3302": 90_000}

APPROVAL = """See the approval below.

---------- Forwarded message ---------
From: Jane Roe <jane@acme-corp.com>
Sent: Thursday, 19 November 2026 16:02
To: Payables <ap@acme-corp.com>
Subject: RE: INV-3301

Approved - please release payment for INV-3301 on Tuesday 1 December.

> Can I pay the supplier?
"""

OUR_REMINDER_BACK = """FYI

---------- Forwarded message ---------
From: Credit Control <ar@supplier.example>
Subject: Reminder: INV-3301

Our records show INV-3301 is overdue. Please pay by 30 November.
"""


def read(text: str) -> Reading:
    return read_reply(text, today=TODAY, known_invoices=LEDGER)


def test_a_forwarded_internal_approval_is_read_as_the_promise() -> None:
    reading = read(APPROVAL)
    assert reading.primary.intent is Intent.PROMISE
    assert reading.primary.date == datetime.date(2026, 12, 1)
    assert reading.primary.invoice_numbers == ["INV-3301"]


def test_the_forwarded_body_keeps_out_its_headers_and_quotes() -> None:
    kept = strip_history(APPROVAL)
    assert "release payment" in kept
    assert "Sent:" not in kept and "Can I pay" not in kept


def test_our_own_reminder_forwarded_back_says_nothing() -> None:
    assert read(OUR_REMINDER_BACK).primary.intent is Intent.UNKNOWN


def test_a_reply_quote_is_still_history() -> None:
    text = (
        "Thanks.\n\nOn Thu, 19 Nov 2026 at 10:00, AR <ar@supplier.example> wrote:\n> pay by Friday"
    )
    assert strip_history(text) == "Thanks."


def test_an_amount_offered_now_and_the_rest_later_are_two_promises() -> None:
    reading = read("We can do 2.5k now and the balance by 15 December.")
    terms = sorted((f.date, f.amount_cents) for f in reading.of(Intent.PROMISE))
    assert terms == [(TODAY, 250_000), (datetime.date(2026, 12, 15), 90_000)]


def test_a_list_of_open_items_is_a_statement_request() -> None:
    reading = read("Please send us a list of open items as at 30 November.")
    copy = reading.of(Intent.COPY_REQUEST)
    assert copy and copy[0].copy_kinds == [CopyKind.STATEMENT]


def test_nothing_came_is_a_non_delivery_claim() -> None:
    reading = read("Where are the goods for INV-3301? Nothing came.")
    (dispute,) = reading.of(Intent.DISPUTE)
    assert dispute.dispute_reason is DisputeReason.NOT_RECEIVED


def test_plain_present_tense_with_a_day_ahead_is_a_promise() -> None:
    reading = read("We make transfer tomorrow morning for both invoices.")
    assert reading.primary.intent is Intent.PROMISE
    assert reading.primary.date == datetime.date(2026, 11, 21)


def test_money_going_out_on_a_day_is_a_promise() -> None:
    reading = read("Director say is ok, the money go out on monday for INV-3301.")
    assert reading.primary.intent is Intent.PROMISE
    assert reading.primary.date == datetime.date(2026, 11, 23)


def test_the_object_of_not_received_is_what_did_not_arrive() -> None:
    reading = read("The invoice INV-3301 we not receive the goods still, how we can pay?")
    (dispute,) = reading.of(Intent.DISPUTE)
    assert dispute.dispute_reason is DisputeReason.NOT_RECEIVED


def test_a_balance_that_does_not_agree_asks_for_a_statement_not_a_dispute() -> None:
    reading = read("Could you send us a statement? Our balances don't agree with yours.")
    assert Intent.DISPUTE not in {f.intent for f in reading.findings}
    assert reading.of(Intent.COPY_REQUEST)[0].copy_kinds == [CopyKind.STATEMENT]


def test_a_statement_of_open_invoices_is_a_statement_alone() -> None:
    reading = read("Pouvez-vous m'envoyer un relevé de nos factures en attente ?")
    assert reading.of(Intent.COPY_REQUEST)[0].copy_kinds == [CopyKind.STATEMENT]


def test_payment_done_is_a_payment_made() -> None:
    reading = read("Payment done today.")
    assert reading.primary.intent is Intent.ALREADY_PAID
    assert reading.primary.date == TODAY


def test_payment_done_by_a_day_ahead_is_a_promise() -> None:
    assert read("Payment done by Friday.").primary.intent is Intent.PROMISE


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        (
            "Para su información, abajo tienen la autorización interna del pago.\n\n"
            "Saludos cordiales,\nCarmen García\n\n"
            "---------- Mensaje reenviado ---------\n"
            "De: María García <maria@farmasur.es>\nFecha: lunes, 23 de noviembre de 2026\n"
            "Asunto: RE: Recordatorio\nPara: Carmen García <carmen@farmasur.es>\n\n"
            "Carmen, ok, que entren en la remesa del día 20.\n",
            "remesa del día 20",
        ),
        (
            # Outlook heads a forward like a reply; the note says it is one.
            "anbei die interne Freigabe. Die Zahlung erfolgt wie unten angegeben.\n\n"
            "Mit freundlichen Grüßen\nSabine Krüger\nBuchhaltung\nZürcher Feinmechanik AG\n"
            "Diese Nachricht ist vertraulich und ausschliesslich für den Adressaten bestimmt.\n\n"
            "-----Ursprüngliche Nachricht-----\nVon: Uwe Koch <uwe@zfm-ag.ch>\n"
            "Gesendet: Mittwoch, 10. März 2027 14:38\nAn: Sabine Krüger\nBetreff: AW: Mahnung\n\n"
            "Zahlung kann zum Monatsende raus.\n",
            "zum Monatsende raus",
        ),
        (
            "Do wiadomości: płatność została zaakceptowana, szczegóły poniżej.\n\n"
            "Z wyrazami szacunku,\nPiotr Kamiński\n\n-----Original Message-----\n"
            "Od: Ewa Mazur <ewa@kowalski.pl>\nWysłano: środa, 17 marca 2027\n"
            "Do: Piotr Kamiński\nTemat: RE: Przypomnienie\n\n"
            "Proszę zlecić przelew z datą 31.03.2027.\n",
            "przelew z datą 31.03.2027",
        ),
    ],
)
def test_an_approval_forwarded_under_a_note_that_points_to_it_is_read(text: str, kept: str) -> None:
    said = strip_history(text)

    assert kept in said
    assert "Gesendet" not in said and "Wysłano" not in said and "Fecha" not in said
    assert "vertraulich" not in said  # the note's signature and footer are not part of it


def test_a_reply_under_an_outlook_header_without_such_a_note_is_history() -> None:
    text = (
        "Thanks, we have noted it on file.\n\nBest regards\nAna\n\n-----Original Message-----\n"
        "From: Ana <ana@acme.example>\nSent: Monday\nTo: AR\nSubject: RE: INV-3301\n\n"
        "We will pay INV-3301 on Friday.\n"
    )
    assert strip_history(text) == "Thanks, we have noted it on file."
