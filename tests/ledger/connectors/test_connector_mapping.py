"""Each provider's documented sample payloads, mapped to the engine's records."""

from __future__ import annotations

import json
from datetime import date

from recoup.ledger.connectors.quickbooks import mapping as qbo
from recoup.ledger.connectors.quickbooks.webhooks import read_notification as read_qbo
from recoup.ledger.connectors.quickbooks.webhooks import signature as qbo_signature
from recoup.ledger.connectors.sync.provider import Change
from recoup.ledger.connectors.sync.records import Allocation, Kind, SourcePage
from recoup.ledger.connectors.xero import mapping as xero
from recoup.ledger.connectors.xero.webhooks import read_notification as read_xero
from recoup.ledger.connectors.xero.webhooks import signature as xero_signature
from tests.ledger.connectors.harness import FIXTURES, fixture


def test_quickbooks_invoice_read_example() -> None:
    record = qbo.invoice(fixture("quickbooks", "invoice_read.json")["Invoice"])
    assert (record.id, record.number, record.customer_id) == ("130", "1037", "24")
    assert (record.issue_date, record.due_date) == (date(2014, 11, 3), date(2014, 12, 3))
    assert (record.total_cents, record.balance_cents, record.currency) == (36_207, 36_207, "USD")
    assert record.po_number == "PO-7731" and record.description == "Rock Fountain"
    assert not record.voided


def test_quickbooks_payment_links_and_overpayment() -> None:
    record = qbo.payment(fixture("quickbooks", "payment_read.json")["Payment"])
    assert record.amount_cents == 6_500 and record.allocations == (Allocation("70", 5_500),)
    assert record.reference == "1045" and record.customer_id == "20"


def test_quickbooks_customer_and_credit_memo() -> None:
    customer = qbo.customer(fixture("quickbooks", "customer_read.json")["Customer"])
    assert customer.name == "Sonnenschein Family Store" and customer.currency == "USD"
    assert [c.email for c in customer.contacts] == ["Familiystore@Intuit.com"]
    memo = qbo.credit_memo(fixture("quickbooks", "creditmemo_read.json")["CreditMemo"])
    assert (memo.number, memo.amount_cents, memo.reason) == (
        "1026",
        10_000,
        "Returned damaged fountain pump",
    )


def test_quickbooks_cdc_deleted_stub_is_a_deletion() -> None:
    page = SourcePage()
    qbo.add_objects(page, "Payment", [{"domain": "QBO", "status": "Deleted", "Id": "163"}])
    assert page.deletions[0].kind is Kind.PAYMENT and page.deletions[0].id == "163"


def test_quickbooks_webhooks_legacy_and_cloudevents() -> None:
    for name, expected in (
        ("webhook_legacy.json", [Change(Kind.CUSTOMER, "1")]),
        ("webhook_cloudevents.json", [Change(Kind.INVOICE, "130")]),
    ):
        body = (FIXTURES / "quickbooks" / name).read_bytes()
        verdict = read_qbo(body, "1185883450", "verifier", qbo_signature("verifier", body))
        assert verdict.status == 200 and verdict.changes == expected
        assert verdict.oldest is not None and verdict.oldest.year in (2015, 2025)
        assert (
            read_qbo(body, "other-realm", "verifier", qbo_signature("verifier", body)).changes == []
        )
        assert read_qbo(body, "1185883450", "verifier", qbo_signature("wrong", body)).status == 401


def test_xero_invoice_and_contact_examples() -> None:
    record = xero.invoice(fixture("xero", "invoices_get.json")["Invoices"][0])
    assert (record.number, record.currency, record.total_cents, record.balance_cents) == (
        "OIT00546",
        "NZD",
        57_500,
        57_500,
    )
    assert (record.issue_date, record.due_date) == (date(2018, 2, 15), date(2018, 3, 1))
    assert record.po_number == "Ref 43" and record.description == "Monthly radio advertising"
    contact = xero.contact(fixture("xero", "contacts_get.json")["Contacts"][0])
    assert [c.email for c in contact.contacts] == ["accounts@boomfm.example", "ken@boomfm.example"]
    assert contact.terms_days == 20 and contact.currency == "NZD"


def test_xero_payments_credit_notes_overpayments() -> None:
    payment = xero.payment(fixture("xero", "payments_get.json")["Payments"][0])
    assert payment.allocations == (Allocation("243216c5-369e-4056-ac67-05388f86dc81", 50_000),)
    assert payment.customer_id == "025867f1-d741-4d6b-b1af-9ac774b59ba7"
    assert payment.received_on == date(2016, 2, 17)
    note = xero.credit_note(fixture("xero", "creditnotes_get.json")["CreditNotes"][0])
    assert note.allocations == (Allocation("243216c5-369e-4056-ac67-05388f86dc81", 10_000),)
    over = xero.overpayment(fixture("xero", "overpayments_get.json")["Overpayments"][0])
    assert (
        over.amount_cents == 5_000 and over.allocations == () and over.id.startswith("overpayment:")
    )


def test_xero_intent_to_receive() -> None:
    body = json.dumps(fixture("xero", "webhook_intent_to_receive.json")).encode()
    assert read_xero(body, "tenant", "key", xero_signature("key", body)).status == 200
    assert read_xero(body, "tenant", "key", xero_signature("not the key", body)).status == 401
    assert read_xero(body, "tenant", "key", None).status == 401


def test_quickbooks_sales_term_ref_resolves_through_the_term_entity() -> None:
    terms = qbo.term_days([fixture("quickbooks", "term_read.json")["Term"]])
    assert terms == {"3": 30}
    date_driven = {"Id": "9", "Type": "DATE_DRIVEN", "DayOfMonthDue": 15}
    assert qbo.term_days([date_driven]) == {}
    obj = {
        **fixture("quickbooks", "customer_read.json")["Customer"],
        "SalesTermRef": {"value": "3"},
    }
    assert qbo.customer(obj, terms).terms_days == 30
    assert qbo.customer(obj).terms_days is None  # unknown terms keep the ledger's default
