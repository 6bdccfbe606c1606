"""Stalls, acknowledgements, claimed write-offs, opt-outs and requests put as questions: read
by the rules in every language, and left out beside anything firmer."""

from __future__ import annotations

import datetime

import pytest

from recoup.reader import CopyKind, DisputeReason, Intent, Reading, read_reply
from recoup.reader import classify as classify_module
from recoup.reader.model import ModelFileError

TODAY = datetime.date(2026, 11, 20)
LEDGER = {"INV-3301": 250_000, "INV-3302": 90_000}


def read(text: str) -> Reading:
    return read_reply(text, today=TODAY, known_invoices=LEDGER)


def intents(reading: Reading) -> set[Intent]:
    return {finding.intent for finding in reading.findings}


@pytest.mark.parametrize(
    "text",
    [
        "Thanks, we are looking into it and will get back to you.",
        "INV-3301 is going through our approval process at the moment.",
        "Votre facture est en cours de validation, je reviens vers vous.",
        "Die Rechnung wird geprüft, wir melden uns.",
        "Lo estamos revisando y le respondo en cuanto pueda.",
        "We kijken ernaar en komen erop terug.",
        "Stiamo verificando internamente, vi faremo sapere.",
    ],
)
def test_a_commitment_without_a_date_is_a_stall(text: str) -> None:
    assert intents(read(text)) == {Intent.STALL}


@pytest.mark.parametrize(
    "text",
    [
        "Noted, thanks.",
        "Received, forwarded to our AP team.",
        "Bien reçu, je transmets à la comptabilité.",
        "Danke, erhalten und an die Buchhaltung weitergeleitet.",
        "Recibido, gracias. Reenviado al departamento de contabilidad.",
        "Goed ontvangen, dank. Doorgestuurd naar de crediteurenadministratie.",
        "Ricevuto, grazie. Inoltrato all'ufficio contabilità.",
    ],
)
def test_received_and_passed_on_is_an_acknowledgement(text: str) -> None:
    assert intents(read(text)) == {Intent.ACKNOWLEDGEMENT}


@pytest.mark.parametrize(
    "text",
    [
        "INV-3302 was written off by your team in the summer.",
        "We owe nothing on INV-3302 any more, your manager waived it.",
        "La facture INV-3302 a été annulée, nous ne devons plus rien.",
        "Die Rechnung INV-3302 wurde bereits storniert.",
        "La factura INV-3302 fue anulada, no les debemos nada.",
        "Factuur INV-3302 is al gecrediteerd, wij zijn niets meer verschuldigd.",
        "La fattura INV-3302 è stata stornata, non vi dobbiamo nulla.",
    ],
)
def test_an_invoice_said_to_be_gone_is_a_write_off_claim(text: str) -> None:
    assert Intent.WRITE_OFF_CLAIM in intents(read(text))


def test_we_owe_nothing_because_of_a_fault_is_a_dispute() -> None:
    reading = read("We owe nothing on INV-3302: the goods never arrived.")
    assert intents(reading) == {Intent.DISPUTE}


@pytest.mark.parametrize(
    "text",
    [
        "Please stop emailing me.",
        "Remove this address from your mailing list.",
        "Merci de ne plus m'écrire.",
        "Schreiben Sie mir nicht mehr.",
        "No me escriban más.",
        "Mail mij niet meer.",
        "Non scrivetemi più, rimuovetemi.",
    ],
)
def test_asking_not_to_be_written_to_is_an_opt_out(text: str) -> None:
    assert Intent.OPT_OUT in intents(read(text))


def test_an_opt_out_beside_a_nameless_wrong_contact_is_the_opt_out() -> None:
    reading = read("Please stop emailing me about this. I am not the right person.")
    assert intents(reading) == {Intent.OPT_OUT}


def test_an_opt_out_keeps_the_address_it_points_to() -> None:
    reading = read("Wrong person. Try billing@acme-corp.com and take me off your list.")
    assert intents(reading) == {Intent.OPT_OUT, Intent.WRONG_CONTACT}
    assert reading.of(Intent.WRONG_CONTACT)[0].redirect_email == "billing@acme-corp.com"


def test_anger_at_the_reminders_is_not_an_opt_out() -> None:
    reading = read("Arrêtez de nous envoyer ces relances, c'est inadmissible.")
    assert Intent.OPT_OUT not in intents(reading)


def test_an_acknowledgement_beside_a_promise_is_the_promise() -> None:
    reading = read("Noted. We will pay INV-3301 on 4 December.")
    assert intents(reading) == {Intent.PROMISE}
    assert reading.primary.date == datetime.date(2026, 12, 4)


def test_the_rules_leave_a_stall_out_beside_a_promise_and_when_negated(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def missing() -> None:
        raise ModelFileError("rules alone")

    monkeypatch.setattr(classify_module, "load", missing)
    beside = read("We are looking into it; INV-3301 will be paid on 4 December.")
    assert intents(beside) == {Intent.PROMISE}
    assert intents(read("We are not looking into it until you credit us.")) == {Intent.UNKNOWN}


@pytest.mark.parametrize(
    "text",
    [
        "Ich befinde mich bis zum 30.11. im Urlaub und bin ab dem 1.12. wieder für Sie da.",
        "Estou de férias e retorno em 30/11.",
        "Jestem na urlopie do 30 listopada.",
    ],
)
def test_out_of_office_notes_in_more_word_orders(text: str) -> None:
    assert intents(read(text)) == {Intent.OUT_OF_OFFICE}


@pytest.mark.parametrize(
    "text",
    [
        "Could you send us your signed W-9 form?",
        "Pouvez-vous nous renvoyer la facture INV-3301 ?",
        "Könnten Sie uns bitte die Rechnung INV-3301 noch einmal zukommen lassen?",
        "¿Pueden reenviarnos la factura INV-3301?",
        "Kunt u ons factuur INV-3301 opnieuw sturen?",
    ],
)
def test_a_request_to_send_put_as_a_question_is_no_question(text: str) -> None:
    found = intents(read(text))
    assert Intent.QUESTION not in found
    assert Intent.COPY_REQUEST in found


def test_a_signed_tax_form_is_a_tax_form_request() -> None:
    reading = read("Could you please send us a completed and signed IRS Form W-9?")
    assert reading.primary.intent is Intent.COPY_REQUEST
    assert reading.primary.copy_kinds == [CopyKind.TAX_FORM]


def test_a_real_question_is_still_one() -> None:
    assert Intent.QUESTION in intents(read("What is the extra line on INV-3301 for?"))


@pytest.mark.parametrize(
    "text",
    [
        "The delivery for INV-3301 never arrived. Can you check with the carrier?",
        "De levering van INV-3301 is bij ons niet aangekomen. Kunt u dit nagaan?",
        "La marchandise de la facture INV-3301 n'est jamais arrivée chez nous.",
    ],
)
def test_goods_named_before_their_invoice_are_what_did_not_arrive(text: str) -> None:
    reading = read(text)
    assert reading.primary.intent is Intent.DISPUTE
    assert reading.primary.dispute_reason is DisputeReason.NOT_RECEIVED


def test_an_invoice_named_before_its_delivery_is_what_did_not_arrive() -> None:
    reading = read("The invoice for the May delivery never arrived.")
    assert reading.primary.intent is Intent.COPY_REQUEST


@pytest.mark.parametrize(
    "text",
    [
        "INV-3301 was included in their payment run this week.",
        "It went out in Friday's BACS run.",
        "I think our payment crossed with your email.",
        "INV-3301 went out Friday, should be in your account by now.",
    ],
)
def test_a_payment_run_in_the_past_is_a_payment_made(text: str) -> None:
    assert intents(read(text)) == {Intent.ALREADY_PAID}


def test_a_payment_run_ahead_is_a_promise() -> None:
    reading = read("INV-3301 will be included in next week's payment run.")
    assert intents(reading) == {Intent.PROMISE}
