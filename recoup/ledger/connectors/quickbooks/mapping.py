"""QuickBooks Online Accounting API objects → the sync engine's records."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from recoup.ledger.connectors.sync.records import (
    Allocation,
    Deletion,
    Kind,
    SourceContact,
    SourceCreditMemo,
    SourceCustomer,
    SourceInvoice,
    SourcePage,
    SourcePayment,
    cents,
)

ENTITY_KINDS = {
    "Customer": Kind.CUSTOMER,
    "Invoice": Kind.INVOICE,
    "Payment": Kind.PAYMENT,
    "CreditMemo": Kind.CREDIT_MEMO,
}
KIND_ENTITIES = {kind: entity for entity, kind in ENTITY_KINDS.items()}
PO_FIELD_NAMES = {"p.o. number", "po number", "po", "purchase order"}
HOME_CURRENCY = "USD"


def _ref(obj: dict[str, Any], key: str) -> str:
    return str((obj.get(key) or {}).get("value") or "")


def _day(value: Any, fallback: date | None = None) -> date:
    if not value:
        if fallback is None:
            raise ValueError("a date is missing")
        return fallback
    return date.fromisoformat(str(value)[:10])


Terms = Mapping[str, int]


def term_days(objects: list[dict[str, Any]]) -> dict[str, int]:
    """``Term`` entities → days until due, by id: the STANDARD ones (``DueDays``); a
    DATE_DRIVEN term (a day of the month) has no such number and is left out."""
    return {
        str(term["Id"]): int(term["DueDays"])
        for term in objects
        if term.get("Type", "STANDARD") == "STANDARD" and term.get("DueDays") is not None
    }


def customer(obj: dict[str, Any], terms: Terms | None = None) -> SourceCustomer:
    emails = [
        e.strip() for e in str((obj.get("PrimaryEmailAddr") or {}).get("Address") or "").split(",")
    ]
    contacts = tuple(
        SourceContact(email=email, name=str(obj.get("DisplayName") or ""), is_primary=i == 0)
        for i, email in enumerate(e for e in emails if e)
    )
    return SourceCustomer(
        id=str(obj["Id"]),
        name=str(obj.get("DisplayName") or obj.get("CompanyName") or obj["Id"]),
        currency=_ref(obj, "CurrencyRef") or None,
        contacts=contacts,
        terms_days=(terms or {}).get(_ref(obj, "SalesTermRef")),
    )


def invoice(obj: dict[str, Any]) -> SourceInvoice:
    issued = _day(obj.get("TxnDate"))
    lines = [str(line.get("Description") or "").strip() for line in obj.get("Line") or []]
    po = next(
        (
            str(field.get("StringValue") or "")
            for field in obj.get("CustomField") or []
            if str(field.get("Name") or "").strip().lower() in PO_FIELD_NAMES
        ),
        None,
    )
    voided = str(obj.get("PrivateNote") or "").strip().lower().startswith("voided")
    return SourceInvoice(
        id=str(obj["Id"]),
        customer_id=_ref(obj, "CustomerRef"),
        number=str(obj.get("DocNumber") or ""),
        issue_date=issued,
        due_date=_day(obj.get("DueDate"), issued),
        currency=_ref(obj, "CurrencyRef") or HOME_CURRENCY,
        total_cents=cents(obj.get("TotalAmt")),
        balance_cents=cents(obj.get("Balance")),
        po_number=po or None,
        description="; ".join(line for line in lines if line)[:500] or None,
        voided=voided,
    )


def payment(obj: dict[str, Any]) -> SourcePayment:
    allocations = tuple(
        Allocation(invoice_id=str(linked["TxnId"]), amount_cents=cents(line.get("Amount")))
        for line in obj.get("Line") or []
        for linked in line.get("LinkedTxn") or []
        if linked.get("TxnType") == "Invoice"
    )
    return SourcePayment(
        id=str(obj["Id"]),
        customer_id=_ref(obj, "CustomerRef"),
        amount_cents=cents(obj.get("TotalAmt")),
        received_on=_day(obj.get("TxnDate")),
        currency=_ref(obj, "CurrencyRef") or HOME_CURRENCY,
        allocations=allocations,
        reference=str(obj.get("PaymentRefNum") or ""),
        method=str((obj.get("PaymentMethodRef") or {}).get("name") or "transfer"),
        voided=str(obj.get("PrivateNote") or "").strip().lower().startswith("voided"),
    )


def credit_memo(obj: dict[str, Any]) -> SourceCreditMemo:
    return SourceCreditMemo(
        id=str(obj["Id"]),
        customer_id=_ref(obj, "CustomerRef"),
        number=str(obj.get("DocNumber") or ""),
        amount_cents=cents(obj.get("TotalAmt")),
        issued_on=_day(obj.get("TxnDate")),
        currency=_ref(obj, "CurrencyRef") or HOME_CURRENCY,
        reason=str(obj.get("PrivateNote") or (obj.get("CustomerMemo") or {}).get("value") or ""),
    )


MAPPERS: dict[str, tuple[str, Callable[[dict[str, Any]], object]]] = {
    "Customer": ("customers", customer),
    "Invoice": ("invoices", invoice),
    "Payment": ("payments", payment),
    "CreditMemo": ("credit_memos", credit_memo),
}


def add_objects(
    page: SourcePage, entity: str, objects: list[dict[str, Any]], terms: Terms | None = None
) -> None:
    """Map ``objects`` of one entity into ``page``; CDC's deleted stubs become deletions.
    ``terms`` resolves a customer's ``SalesTermRef`` to days."""
    attribute, mapper = MAPPERS[entity]
    target = getattr(page, attribute)
    for obj in objects:
        if str(obj.get("status", "")).lower() == "deleted":
            page.deletions.append(Deletion(ENTITY_KINDS[entity], str(obj["Id"])))
        elif entity == "Customer":
            target.append(customer(obj, terms))
        else:
            target.append(mapper(obj))
