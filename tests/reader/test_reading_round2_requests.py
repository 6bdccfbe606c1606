"""Copies, payment plans, abuse, tax forms, a changed contact and a payment claim, as written."""

from __future__ import annotations

import datetime

import pytest

from recoup.reader import CopyKind, Intent, read_reply

TODAY = datetime.date(2026, 11, 23)  # a Monday
LEDGER = {"INV-2201": 120000, "INV-2202": 45000, "INV-2203": 300000}


def read(text: str, **kwargs):
    kwargs.setdefault("today", TODAY)
    kwargs.setdefault("known_invoices", LEDGER)
    return read_reply(text, **kwargs)


@pytest.mark.parametrize(
    ("text", "invoices", "kinds"),
    [
        (
            "Hi,\n\nThe file you attached would not open on our side. Could you resend\n"
            "INV-2201? A plain PDF is fine.\n\nThanks\nRoss",
            ["INV-2201"],
            {CopyKind.INVOICE},
        ),
        (
            "Hey, we can't seem to find INV-2202 anywhere - can you send it over? Cheers, Paul",
            ["INV-2202"],
            {CopyKind.INVOICE},
        ),
        (
            "Hello, I have no record of INV-2203 in our system, could you send it again?\n\nJo",
            ["INV-2203"],
            {CopyKind.INVOICE},
        ),
        (
            "hi, not sure how much is open with you at the moment. a statement would be great\n\n"
            "thanks, Dee",
            [],
            {CopyKind.STATEMENT},
        ),
    ],
)
def test_copy_requests_worded_as_questions(text, invoices, kinds):
    reading = read(text)
    assert reading.primary.intent is Intent.COPY_REQUEST
    assert reading.primary.invoice_numbers == invoices
    assert set(reading.primary.copy_kinds) == kinds


def test_resending_a_payment_is_not_a_copy_request():
    reading = read("We will resend the payment for INV-2201 tomorrow, the first one bounced.")
    assert not reading.has(Intent.COPY_REQUEST)


@pytest.mark.parametrize(
    ("text", "installments", "months"),
    [
        ("Hi, could I pay the $450.00 in two halves? Half now, half next month. Dan", 2, None),
        ("hey, any chance we can pay INV-2202 in 3 goes? money is tight this quarter", 3, None),
        ("Hi,\n\nCan we do 3 payments of $1,000.00 for INV-2203? First one on the 1st.", 3, None),
        (
            "Dear Sir or Madam,\n\nWe would like to propose four equal payments over the next "
            "four months to clear INV-2203.\n\nYours faithfully,\nA. Pryce",
            4,
            4,
        ),
        ("Could you give us five months to pay off the balance? Thanks, Lee", None, 5),
    ],
)
def test_payment_plans_in_plain_words(text, installments, months):
    reading = read(text)
    assert reading.primary.intent is Intent.PAYMENT_PLAN
    assert reading.primary.installments == installments
    assert reading.primary.months == months


@pytest.mark.parametrize(
    "text",
    [
        "are you f***ing kidding me. the order came a week late and now you want money?? piss off.",
        "If your collector turns up at our office again he'll regret it. You've been warned.",
        "Unbelievable. After ten years I'm done with you. You'll get your money on Friday and "
        "that's the last order you'll ever get from us.",
        "Oh lovely, another reminder. Do you lot ever read your own emails? Utterly useless.",
        "STOP EMAILING ME. We know we owe you. Harassing my staff will not speed anything up.",
    ],
)
def test_abuse_is_read_as_hostile(text):
    reading = read(text)
    assert reading.has(Intent.HOSTILE)
    assert not reading.has(Intent.LEGAL_THREAT)


def test_mild_irritation_beside_a_promise_stays_a_promise():
    reading = read("This is ridiculous, but fine: we will pay INV-2201 next Friday.")
    assert reading.primary.intent is Intent.PROMISE
    assert not reading.has(Intent.HOSTILE)


def test_harassment_claim_stays_legal():
    reading = read("This is harassment. Stop emailing me or I will forward this to my lawyer.")
    assert reading.primary.intent is Intent.LEGAL_THREAT
    assert reading.has(Intent.OPT_OUT)


def test_renewed_tax_form_request():
    reading = read(
        "Hello,\n\nOur records show your W-9 is from 2018 and our policy now requires one signed "
        "within three years. Payments are on hold until we receive an updated form.\n\nRegards"
    )
    assert reading.primary.intent is Intent.COPY_REQUEST
    assert CopyKind.TAX_FORM in reading.primary.copy_kinds


def test_no_longer_handling_payables_with_a_redirect():
    reading = read(
        "Hi,\n\nI moved to the warehouse team last month and dont handle payables any more. "
        "Please\nsend invoices and reminders to Ana Ruiz (ana.ruiz@buyer.example) from now on."
    )
    assert reading.primary.intent is Intent.WRONG_CONTACT
    assert reading.primary.redirect_email == "ana.ruiz@buyer.example"
    assert not reading.has(Intent.COPY_REQUEST)


@pytest.mark.parametrize(
    "text",
    [
        "Our bank shows this cleared on the 3rd by Faster Payment, reference INV-2201. "
        "Can you check again please?",
        "INV-2202 went out yesterday by ACH, please look again.",
    ],
)
def test_payment_claims_with_a_request_to_check(text):
    reading = read(text)
    assert reading.primary.intent is Intent.ALREADY_PAID
