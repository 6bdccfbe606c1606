"""The rules and the learned model read together: new intents, footers, confidence, unsure."""

from __future__ import annotations

import datetime

import pytest

from recoup.reader import CopyKind, Intent, Reading, read_reply
from recoup.reader import classify as classify_module
from recoup.reader.model import ModelFileError

TODAY = datetime.date(2026, 11, 20)
LEDGER = {"INV-3301": 250_000, "INV-3302": 90_000}


def read(text: str) -> Reading:
    return read_reply(text, today=TODAY, known_invoices=LEDGER)


def intents(reading: Reading) -> list[Intent]:
    return [finding.intent for finding in reading.findings]


@pytest.mark.parametrize(
    "text",
    [
        "Looking into it, will get back to you.",
        "Still sorting this out on our end, hope to have an update for you shortly.",
    ],
)
def test_a_commitment_without_a_date_is_a_stall(text: str) -> None:
    assert intents(read(text)) == [Intent.STALL]


def test_a_write_off_claim_names_its_invoice() -> None:
    reading = read("INV-3302 was written off by your team in the summer, we owe nothing on it.")
    assert intents(reading) == [Intent.WRITE_OFF_CLAIM]
    assert reading.primary.invoice_numbers == ["INV-3302"]


@pytest.mark.parametrize(
    "text",
    [
        "Kindly remove this address from your mailing list; do not write to me about this again.",
        "Merci de ne plus m'écrire à cette adresse.",
    ],
)
def test_asking_not_to_be_written_to_is_an_opt_out(text: str) -> None:
    assert read(text).primary.intent is Intent.OPT_OUT


@pytest.mark.parametrize(
    "text",
    [
        "Received, passed on to accounts payable.",
        "Noted with thanks, I have forwarded it to the people who handle payments.",
        "Ontvangen, ik heb het doorgestuurd naar de boekhouding.",
    ],
)
def test_received_and_forwarded_is_an_acknowledgement(text: str) -> None:
    assert intents(read(text)) == [Intent.ACKNOWLEDGEMENT]


@pytest.mark.parametrize(
    "text",
    [
        "Please send a balance confirmation for our account as of 30 September.",
        "Bitte senden Sie uns eine Saldenbestätigung.",
    ],
)
def test_a_balance_confirmation_is_a_statement_request(text: str) -> None:
    reading = read(text)
    assert reading.primary.intent is Intent.COPY_REQUEST
    assert CopyKind.STATEMENT in reading.primary.copy_kinds


def test_a_company_register_block_says_nothing() -> None:
    footer = (
        "Max Mustermann\nGeschäftsführer\nMustermann Logistik GmbH\n"
        "Amtsgericht Hamburg HRB 998877\nSitz der Gesellschaft: Hamburg"
    )
    assert intents(read(footer)) == [Intent.UNKNOWN]


def test_a_register_line_inside_a_reply_is_no_legal_threat() -> None:
    reading = read(
        "Hallo,\nwir zahlen INV-3301 am 4. Dezember.\n"
        "Registergericht: Amtsgericht Köln, HRB 4711\nGeschäftsführer: Hans Beispiel\nGrüße"
    )
    assert intents(reading) == [Intent.PROMISE]
    assert reading.primary.date == datetime.date(2026, 12, 4)


def test_a_clear_promise_is_confident() -> None:
    reading = read("We will pay INV-3301 on 4 December.")
    assert 0.5 <= reading.confidence <= 1.0
    assert not reading.unsure and reading.unsure_why is None


def test_a_promise_with_no_date_is_unsure() -> None:
    reading = read("INV-3301 will be paid in the next payment run.")
    assert reading.has(Intent.PROMISE)
    assert reading.unsure
    assert reading.unsure_why == "a promise with no date it can place"


def test_paid_and_promised_for_the_same_invoice_is_unsure() -> None:
    reading = read("We paid INV-3301 last week, and we will pay INV-3301 next week.")
    assert reading.has(Intent.ALREADY_PAID) and reading.has(Intent.PROMISE)
    assert reading.unsure
    assert "paid already and a promise" in (reading.unsure_why or "")


def test_a_cancellation_for_work_not_done_is_a_dispute_alone() -> None:
    reading = read("Please cancel INV-3302, the service was never delivered.")
    assert intents(reading) == [Intent.DISPUTE]
    assert not reading.unsure


def test_a_dateless_promise_beside_a_copy_request_is_not_a_doubt() -> None:
    reading = read("Could you send a copy of INV-3301? We will pay once we have it.")
    assert set(intents(reading)) == {Intent.COPY_REQUEST, Intent.PROMISE}
    assert not reading.unsure and reading.confidence >= 0.5


def test_without_a_model_file_the_rules_read_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    def missing() -> None:
        raise ModelFileError("no model here")

    monkeypatch.setattr(classify_module, "load", missing)
    reading = read("We will pay INV-3301 on 4 December. Looking into the rest.")
    assert intents(reading) == [Intent.PROMISE]
    assert reading.confidence == 1.0 and not reading.unsure
