"""English replies to collections e-mails, one or more per intent."""

from __future__ import annotations

import datetime

import pytest

from recoup.reader import CopyKind, DisputeReason, Intent, read_reply

TODAY = datetime.date(2026, 11, 23)  # a Monday
LEDGER = {"INV-1001": 120000, "INV-1002": 45000, "INV-1003": 99900}


def read(text: str, **kwargs):
    kwargs.setdefault("today", TODAY)
    kwargs.setdefault("known_invoices", LEDGER)
    return read_reply(text, **kwargs)


PROMISES = [
    (
        (
            "Hi Sarah,\n\nThanks for the reminder. We will pay invoice INV-1001 next Friday once "
            "our controller signs off.\n\nBest regards,\nTom Becker\nAccounts Payable | Northwind "
            "Traders\nTel +1 555 201 8890"
        ),
        ["INV-1001"],
        datetime.date(2026, 12, 4),
        None,
    ),
    (
        (
            "Hello,\n\nPayment for INV-1002 will go out end of month with our regular supplier "
            "run. Apologies for the delay.\n\nKind regards,\nMaria Olsen"
        ),
        ["INV-1002"],
        datetime.date(2026, 11, 30),
        None,
    ),
    (
        (
            "Hi, we're a bit behind with approvals. It will be paid after our payment run on the "
            "15th.\n\nThanks,\nDave"
        ),
        [],
        datetime.date(2026, 12, 15),
        None,
    ),
    (
        (
            "Good morning,\nWe'll settle $1,234.56 for INV-1003 by 11/30 and the remainder in "
            "January.\nRegards,\nPriya"
        ),
        ["INV-1003"],
        datetime.date(2026, 11, 30),
        123456,
    ),
    (
        (
            "Hi there,\nSorry for the delay on this one. The invoice is approved and you should "
            "receive the payment in 10 days.\nCheers,\nMike"
        ),
        [],
        datetime.date(2026, 12, 3),
        None,
    ),
    (
        (
            "Hello Anna,\nWe have scheduled INV-1001 for payment on December 5th.\n\nBest,\n"
            "Carlos Ruiz | AP Specialist"
        ),
        ["INV-1001"],
        datetime.date(2026, 12, 5),
        None,
    ),
    (
        "Hi,\nI'll make sure it is paid tomorrow.\n\nThanks\nLi",
        [],
        datetime.date(2026, 11, 24),
        None,
    ),
]


@pytest.mark.parametrize(("text", "invoices", "date", "amount"), PROMISES)
def test_promises(text, invoices, date, amount):
    reading = read(text)
    assert reading.primary.intent is Intent.PROMISE
    assert reading.primary.invoice_numbers == invoices
    assert reading.primary.date == date
    assert reading.primary.amount_cents == amount
    assert reading.language == "en"


PAID = [
    (
        (
            "Hi team,\nWe paid INV-1001 yesterday by wire, ref TRX-88812. Please check with your "
            "bank.\nThanks,\nJin"
        ),
        ["INV-1001"],
        datetime.date(2026, 11, 22),
        "TRX-88812",
    ),
    (
        (
            "Hello,\nThis invoice was already paid on 12 November 2026. Please find attached the "
            "remittance advice (payment reference 2026111200457).\nBest,\nLaura"
        ),
        [],
        datetime.date(2026, 11, 12),
        "2026111200457",
    ),
    (
        "paid yesterday, ref TRX-88812",
        [],
        datetime.date(2026, 11, 22),
        "TRX-88812",
    ),
    (
        (
            "Hi,\nOur cheque #10234 for INV-1002 was mailed last Friday, it should reach you "
            "any day now.\nRegards,\nBob"
        ),
        ["INV-1002"],
        datetime.date(2026, 11, 20),
        "10234",
    ),
]


@pytest.mark.parametrize(("text", "invoices", "date", "reference"), PAID)
def test_already_paid(text, invoices, date, reference):
    reading = read(text)
    assert reading.primary.intent is Intent.ALREADY_PAID
    assert reading.primary.invoice_numbers == invoices
    assert reading.primary.date == date
    assert reading.primary.payment_reference == reference
    assert not reading.has(Intent.PROMISE)


DISPUTES = [
    (
        (
            "Dear Ms Lopez,\nWe dispute invoice INV-1002. The unit price charged is higher than "
            "the quoted price of $45.00 per hour, and we expect a credit note for the difference."
            "\nRegards,\nPeter Hall\nProcurement"
        ),
        ["INV-1002"],
        DisputeReason.PRICE,
    ),
    (
        (
            "Hi,\nWe only received 40 units of the 50 invoiced on INV-1003, so we will not pay "
            "the full amount until this is corrected. Please issue a credit for the 10 missing "
            "units.\nThanks,\nAnna"
        ),
        ["INV-1003"],
        DisputeReason.QUANTITY,
    ),
    (
        (
            "Hello,\nThe pallets delivered under INV-1001 arrived damaged and we have rejected "
            "them. We won't pay for goods we cannot use.\nRegards,\nOlga"
        ),
        ["INV-1001"],
        DisputeReason.DAMAGED,
    ),
    (
        (
            "Hi,\nWe never received the goods for INV-1002 - the carrier says the parcel was "
            "lost.\nCheers,\nSam"
        ),
        ["INV-1002"],
        DisputeReason.NOT_RECEIVED,
    ),
    (
        (
            "Hello,\nINV-1003 looks like a duplicate of INV-1001: same order, same amount. We "
            "were billed twice for one delivery.\nBest regards"
        ),
        ["INV-1003", "INV-1001"],
        DisputeReason.DUPLICATE,
    ),
    (
        (
            "Dear Sir or Madam,\nWe cannot process invoice INV-1001 as it does not quote our "
            "purchase order number. Please reissue it with PO 4500012345.\nKind regards,\n"
            "Accounts Payable"
        ),
        ["INV-1001"],
        DisputeReason.MISSING_PO,
    ),
    (
        (
            "Hi,\nThe licences on INV-1002 have been faulty since installation and the service "
            "does not work as described. We are holding payment until your engineers fix it.\n"
            "Regards"
        ),
        ["INV-1002"],
        DisputeReason.QUALITY,
    ),
    (
        (
            "Hello, I never ordered these consulting hours and I refuse to pay invoice INV-1003."
            "\nJames"
        ),
        ["INV-1003"],
        DisputeReason.OTHER,
    ),
]


@pytest.mark.parametrize(("text", "invoices", "reason"), DISPUTES)
def test_disputes(text, invoices, reason):
    reading = read(text)
    assert reading.primary.intent is Intent.DISPUTE
    assert reading.primary.dispute_reason is reason
    assert reading.primary.invoice_numbers == invoices
    assert not reading.has(Intent.PROMISE)


def test_disputed_amount_is_reported():
    reading = read(
        "Hi, we were overcharged by $250.00 on INV-1001 - the contract rate is lower.\nThanks"
    )
    assert reading.primary.intent is Intent.DISPUTE
    assert reading.primary.dispute_reason is DisputeReason.PRICE
    assert reading.primary.amount_cents == 25000


@pytest.mark.parametrize(
    ("text", "invoices", "kinds"),
    [
        (
            (
                "Hi,\nCould you please send us a copy of invoice INV-1003? We cannot find it in "
                "our system.\nThanks\nEmma"
            ),
            ["INV-1003"],
            {CopyKind.INVOICE},
        ),
        (
            (
                "Hello,\nBefore we can release any payments we need an updated W-9 and a "
                "statement of account showing all open items.\nBest,\nRick"
            ),
            [],
            {CopyKind.STATEMENT, CopyKind.TAX_FORM},
        ),
        (
            (
                "Hi, we have not received the invoice INV-1002, that's why it is not paid.\n"
                "Regards, Ken"
            ),
            ["INV-1002"],
            {CopyKind.INVOICE},
        ),
    ],
)
def test_copy_requests(text, invoices, kinds):
    reading = read(text)
    assert reading.primary.intent is Intent.COPY_REQUEST
    assert reading.primary.invoice_numbers == invoices
    assert set(reading.primary.copy_kinds) == kinds
    assert not reading.has(Intent.DISPUTE)


@pytest.mark.parametrize(
    "text",
    [
        (
            "Hi,\nCan you confirm the bank details for payment? We got a letter saying your IBAN "
            "changed and want to be sure first.\nThanks,\nKim"
        ),
        "has this been paid?",
        "Hello - has INV-1002 been paid already? Our system shows it as open.\nThanks",
        "Hi, could you please explain what the late fee on the last statement relates to?",
    ],
)
def test_questions(text):
    reading = read(text)
    assert reading.primary.intent is Intent.QUESTION
    assert not reading.has(Intent.ALREADY_PAID)


def test_question_keeps_invoice_reference():
    reading = read("Hello - has INV-1002 been paid already? Our system shows it as open.")
    assert reading.primary.invoice_numbers == ["INV-1002"]


@pytest.mark.parametrize(
    ("text", "installments", "months", "amount"),
    [
        (
            (
                "Dear Sarah,\nBusiness has been slow and we are facing cash flow problems. Would "
                "it be possible to pay the $4,500.00 balance in 3 monthly instalments starting "
                "next month?\nThank you for understanding,\nLuis"
            ),
            3,
            3,
            450000,
        ),
        (
            (
                "Hello, we can't pay the full amount right now. Could we spread the remaining "
                "balance over six months?\nRegards"
            ),
            None,
            6,
            None,
        ),
        (
            (
                "Hi,\nWe are struggling with cash flow this quarter. Could we pay $1,000 per month "
                "until the balance is cleared?\nRegards"
            ),
            None,
            None,
            100000,
        ),
    ],
)
def test_payment_plans(text, installments, months, amount):
    reading = read(text)
    assert reading.primary.intent is Intent.PAYMENT_PLAN
    assert reading.primary.installments == installments
    assert reading.primary.months == months
    assert reading.primary.amount_cents == amount


def test_wrong_contact_points_to_the_next_sentence():
    reading = read(
        "Hi,\nI'm not the right contact for invoices anymore - I moved to the sales team in "
        "March. Please write to accounts.payable@northwind.com instead.\nThanks,\nGreg"
    )
    assert reading.primary.intent is Intent.WRONG_CONTACT
    assert reading.primary.redirect_email == "accounts.payable@northwind.com"


def test_wrong_contact_has_left_the_company():
    reading = read(
        "Hello,\nJohn Miller has left the company. Please send all future invoices to "
        "ap@contoso.com.\nRegards,\nReception"
    )
    assert reading.primary.intent is Intent.WRONG_CONTACT
    assert reading.primary.redirect_email == "ap@contoso.com"


@pytest.mark.parametrize(
    "text",
    [
        (
            "Dear creditor,\nPlease note that Northwind Traders Ltd entered administration on 16 "
            "November 2026 and Smith & Co have been appointed as administrators. All claims must "
            "be submitted to the administrators.\nYours faithfully"
        ),
        (
            "We filed for Chapter 11 protection last week. Your claim will be handled through the "
            "bankruptcy court, and we cannot pay pre-petition invoices.\nRegards"
        ),
        (
            "Please be advised that the company is in liquidation. Direct all correspondence to "
            "the liquidator."
        ),
    ],
)
def test_insolvency(text):
    reading = read(text)
    assert reading.primary.intent is Intent.INSOLVENCY


def test_legal_threat_outranks_hostility():
    reading = read(
        "This is harassment. Stop emailing me or I will forward this to my lawyer. I owe you "
        "nothing."
    )
    # The threat outranks the anger; "stop emailing me" asks not to be written to again.
    assert reading.primary.intent is Intent.LEGAL_THREAT
    assert reading.has(Intent.OPT_OUT)


def test_hostile_only_when_nothing_else():
    reading = read("Stop spamming me with these ridiculous reminders. This is a joke.")
    assert [f.intent for f in reading.findings] == [Intent.OPT_OUT, Intent.HOSTILE]


def test_a_bare_thanks_is_an_acknowledgement():
    reading = read("Thanks, noted.\n\nBest,\nAmy")
    assert [f.intent for f in reading.findings] == [Intent.ACKNOWLEDGEMENT]
    assert reading.primary.evidence.startswith("Thanks, noted.")
