"""Automatic replies and the return dates they state, in six languages."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from recoup.mail.autoreply import AutoKind, find_redirect, find_return_date, is_auto_reply
from recoup.mail.parse import parse_message

CORPUS = Path(__file__).resolve().parent.parent / "data" / "mail"


@pytest.mark.parametrize(
    ("name", "returns"),
    [
        ("oof_en_exchange.eml", date(2026, 12, 7)),  # "returning Monday 7 December"
        ("oof_en_gmail.eml", date(2027, 1, 3)),  # "back on 3 January", sent in December
        ("oof_fr.eml", date(2027, 1, 4)),  # "De retour le 4 janvier"
        ("oof_de.eml", date(2027, 1, 4)),  # "ab dem 04.01.2027 wieder erreichbar"
        ("oof_es.eml", date(2027, 1, 5)),  # "hasta el 5 de enero"
        ("oof_nl.eml", date(2027, 1, 6)),  # "vanaf woensdag 6 januari"
        ("oof_it.eml", date(2027, 1, 7)),  # "fino al 7 gennaio"
    ],
)
def test_out_of_office_corpus(name: str, returns: date) -> None:
    mail = parse_message((CORPUS / name).read_bytes())
    assert mail.auto_kind is AutoKind.AUTO_REPLY
    assert mail.auto_return_date == returns
    assert mail.bounced_recipients == []
    assert mail.bounce_status is None


def test_italian_oof_detected_from_body_and_quote_ignored() -> None:
    mail = parse_message((CORPUS / "oof_it.eml").read_bytes())
    assert mail.text.startswith("Questa è una risposta automatica.")
    # "scaduta il 15 dicembre" sits in the quoted original and must not be the date.
    assert "15 dicembre" in mail.quoted_text


def test_person_back_from_holiday_is_not_an_auto_reply() -> None:
    mail = parse_message((CORPUS / "human_on_holiday.eml").read_bytes())
    assert mail.auto_kind is None
    assert mail.auto_return_date is None


def test_return_date_uses_today_when_the_message_has_no_date() -> None:
    raw = (
        b"From: ooo@customer.example\nSubject: Out of Office\nMessage-ID: <x@customer.example>\n\n"
        b"I am back on 3 January.\n"
    )
    mail = parse_message(raw, today=date(2027, 2, 1))
    assert mail.auto_kind is AutoKind.AUTO_REPLY
    assert mail.auto_return_date == date(2028, 1, 3)
    assert parse_message(raw).auto_return_date is None


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"auto-submitted": "auto-replied"}, True),
        ({"auto-submitted": "auto-generated"}, True),
        ({"auto-submitted": "no"}, False),
        ({"x-autoreply": "yes"}, True),
        ({"x-autorespond": "Vacation"}, True),
        ({"precedence": "bulk"}, True),
        ({"precedence": "junk"}, True),
        ({"precedence": "auto_reply"}, True),
        ({"precedence": "list"}, False),
        ({"x-auto-response-suppress": "DR, OOF, AutoReply"}, True),
        ({"x-auto-response-suppress": "All"}, True),
        ({"x-auto-response-suppress": "DR, RN, NRN"}, False),
        ({}, False),
    ],
)
def test_auto_reply_headers(headers: dict[str, str], expected: bool) -> None:
    assert is_auto_reply(headers, "Re: Invoice INV-1", "Thanks, paid.") is expected


@pytest.mark.parametrize(
    "subject",
    [
        "Out of Office: Invoice INV-1",
        "Automatic reply: Invoice INV-1",
        "Autoreply: Invoice INV-1",
        "Réponse automatique : Facture INV-1",
        "Absence: Facture INV-1",
        "Abwesenheitsnotiz: Rechnung INV-1",
        "Automatische Antwort: Rechnung INV-1",
        "Respuesta automática: Factura INV-1",
        "Fuera de la oficina: Factura INV-1",
        "Afwezig: Factuur INV-1",
        "Automatisch antwoord: Factuur INV-1",
        "Risposta automatica: Fattura INV-1",
        "Fuori sede: Fattura INV-1",
        "[EXTERNAL] Automatic reply: Invoice INV-1",
    ],
)
def test_auto_reply_subjects(subject: str) -> None:
    assert is_auto_reply({}, subject, "Thanks.")


@pytest.mark.parametrize(
    "subject",
    ["Re: Invoice INV-1", "Absence of remittance advice", "Automation of payments", "Afwezigheid"],
)
def test_ordinary_subjects_are_not_auto_replies(subject: str) -> None:
    assert not is_auto_reply({}, subject, "We will pay on Friday.")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I am currently out of the office and will reply on my return.", True),
        ("This is an automatic reply. Your message has been received.", True),
        ("Je suis actuellement absente et je n'ai pas accès à mes e-mails.", True),
        ("Ich bin bis zum 4. Januar nicht im Büro.", True),
        ("Estoy fuera de la oficina hasta el lunes.", True),
        ("Ik ben momenteel afwezig.", True),
        ("Sono fuori ufficio fino al 7 gennaio.", True),
        ("I was on holiday last week, sorry. Paying today.", False),
        ("We will be out of stock until March; the invoice is fine.", False),
    ],
)
def test_auto_reply_body_wording(text: str, expected: bool) -> None:
    assert is_auto_reply({}, "Re: Invoice INV-1", text) is expected


_DEC_20 = date(2026, 12, 20)


@pytest.mark.parametrize(
    ("text", "reference", "expected"),
    [
        ("I will be back on 3 January.", _DEC_20, date(2027, 1, 3)),
        ("Returning Monday 7 December.", date(2026, 11, 20), date(2026, 12, 7)),
        ("Je serai de retour le 4 janvier.", _DEC_20, date(2027, 1, 4)),
        ("Ich bin ab dem 04.01.2027 wieder erreichbar.", _DEC_20, date(2027, 1, 4)),
        ("Estaré fuera hasta el 5 de enero.", _DEC_20, date(2027, 1, 5)),
        ("Ik ben vanaf 6 januari weer op kantoor.", _DEC_20, date(2027, 1, 6)),
        ("Sono assente fino al 7 gennaio.", _DEC_20, date(2027, 1, 7)),
        ("Ich bin am 8. Januar wieder im Büro.", _DEC_20, date(2027, 1, 8)),
        ("Out from 21 December to 2 January.", _DEC_20, date(2027, 1, 2)),
        ("Back on January 4th, 2027.", _DEC_20, date(2027, 1, 4)),
        ("Back 2027-01-05.", _DEC_20, date(2027, 1, 5)),
        ("Back on Monday.", _DEC_20, date(2026, 12, 21)),  # 20 Dec 2026 is a Sunday
        ("Back tomorrow.", _DEC_20, date(2026, 12, 21)),
        # A stated year in the past is not a return date; next year's is.
        ("Back on 3 January 2026, or rather 3 January 2027.", _DEC_20, date(2027, 1, 3)),
        # Phone numbers and 24/7 are not dates.
        ("Je suis joignable au 06.12.34.56.78, support 24/7.", _DEC_20, None),
        ("No dates in here at all.", _DEC_20, None),
    ],
)
def test_find_return_date(text: str, reference: date, expected: date | None) -> None:
    assert find_return_date(text, reference) == expected


def test_return_date_without_reference_needs_a_year() -> None:
    assert find_return_date("Back on 3 January.", None) is None
    assert find_return_date("Back on 3 January 2027.", None) == date(2027, 1, 3)


def test_weekday_picks_the_matching_year() -> None:
    # 7 December is a Monday in 2026; with a reference in early 2025 the next
    # 7 December (2025, a Sunday) does not fit "Monday", the one after does.
    assert find_return_date("Returning Monday 7 December.", date(2025, 1, 10)) == date(2026, 12, 7)


@pytest.mark.parametrize(
    ("text", "redirect"),
    [
        (
            "I have left Acme Ltd. Please send invoices to Payables@Acme.example.",
            "payables@acme.example",
        ),
        (
            "Maria no longer works at Acme. Please write to accounts@acme.example",
            "accounts@acme.example",
        ),
        (
            "I am on leave until Monday. For invoices and payments please contact ap@acme.example.",
            "ap@acme.example",
        ),
        (
            "Ich bin nicht mehr im Unternehmen. Rechnungen bitte an buchhaltung@firma.example.",
            "buchhaltung@firma.example",
        ),
        # A colleague for urgent matters while someone is away is not where invoices go.
        (
            "I am out of the office until 4 January. For urgent matters contact jane@acme.example.",
            None,
        ),
        ("I am out of the office until 4 January.", None),
    ],
)
def test_an_automatic_reply_names_where_invoices_go_now(text: str, redirect: str | None) -> None:
    assert find_redirect(text) == redirect
