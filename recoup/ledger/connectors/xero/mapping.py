"""Xero Accounting API objects → the sync engine's records."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Any

from recoup.ledger.connectors.sync.records import (
    Allocation,
    SourceContact,
    SourceCreditMemo,
    SourceCustomer,
    SourceInvoice,
    SourcePayment,
    cents,
)

_MS_DATE = re.compile(r"/Date\((-?\d+)([+-]\d{4})?\)/")
GONE = {"VOIDED", "DELETED"}


def moment(value: Any) -> datetime | None:
    """Xero's ``/Date(1518685950940+0000)/`` or an ISO string, in UTC."""
    if not value:
        return None
    text = str(value)
    match = _MS_DATE.fullmatch(text)
    if match:
        return datetime.fromtimestamp(int(match.group(1)) / 1000, tz=UTC)
    parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def day(obj: dict[str, Any], key: str) -> date:
    value = moment(obj.get(f"{key}String")) or moment(obj.get(key))
    if value is None:
        raise ValueError(f"{key} is missing")
    return value.date()


def _contact_id(obj: dict[str, Any]) -> str:
    return str((obj.get("Contact") or {}).get("ContactID") or "")


def contact(obj: dict[str, Any]) -> SourceCustomer:
    people: list[SourceContact] = []
    if obj.get("EmailAddress"):
        name = " ".join(p for p in (obj.get("FirstName"), obj.get("LastName")) if p)
        people.append(SourceContact(str(obj["EmailAddress"]), name, "billing", True))
    for person in obj.get("ContactPersons") or []:
        if person.get("EmailAddress") and person.get("IncludeInEmails", True):
            name = " ".join(p for p in (person.get("FirstName"), person.get("LastName")) if p)
            people.append(SourceContact(str(person["EmailAddress"]), name, "billing", False))
    sales = ((obj.get("PaymentTerms") or {}).get("Sales")) or {}
    terms = (
        int(sales["Day"]) if sales.get("Type") == "DAYSAFTERBILLDATE" and "Day" in sales else None
    )
    return SourceCustomer(
        id=str(obj["ContactID"]),
        name=str(obj.get("Name") or obj["ContactID"]),
        currency=obj.get("DefaultCurrency") or None,
        contacts=tuple(people),
        terms_days=terms,
    )


def invoice(obj: dict[str, Any]) -> SourceInvoice:
    issued = day(obj, "Date")
    due = day(obj, "DueDate") if obj.get("DueDate") or obj.get("DueDateString") else issued
    lines = [str(line.get("Description") or "").strip() for line in obj.get("LineItems") or []]
    return SourceInvoice(
        id=str(obj["InvoiceID"]),
        customer_id=_contact_id(obj),
        number=str(obj.get("InvoiceNumber") or ""),
        issue_date=issued,
        due_date=due,
        currency=str(obj.get("CurrencyCode") or "USD"),
        total_cents=cents(obj.get("Total")),
        balance_cents=cents(obj.get("AmountDue")),
        po_number=str(obj.get("Reference") or "") or None,
        description="; ".join(line for line in lines if line)[:500] or None,
        voided=str(obj.get("Status")) in GONE,
    )


def payment(obj: dict[str, Any]) -> SourcePayment:
    target = obj.get("Invoice") or {}
    return SourcePayment(
        id=str(obj["PaymentID"]),
        customer_id=_contact_id(target) or _contact_id(obj),
        amount_cents=cents(obj.get("Amount")),
        received_on=day(obj, "Date"),
        currency=str(target.get("CurrencyCode") or obj.get("CurrencyCode") or "USD"),
        allocations=(Allocation(str(target["InvoiceID"]), cents(obj.get("Amount"))),)
        if target.get("InvoiceID")
        else (),
        reference=str(obj.get("Reference") or ""),
        voided=str(obj.get("Status")) in GONE,
    )


def _allocations(obj: dict[str, Any]) -> tuple[Allocation, ...]:
    return tuple(
        Allocation(str(a["Invoice"]["InvoiceID"]), cents(a.get("Amount")))
        for a in obj.get("Allocations") or []
        if (a.get("Invoice") or {}).get("InvoiceID")
    )


def overpayment(obj: dict[str, Any]) -> SourcePayment:
    return SourcePayment(
        id=f"overpayment:{obj['OverpaymentID']}",
        customer_id=_contact_id(obj),
        amount_cents=cents(obj.get("Total")),
        received_on=day(obj, "Date"),
        currency=str(obj.get("CurrencyCode") or "USD"),
        allocations=_allocations(obj),
        reference="overpayment",
        voided=str(obj.get("Status")) in GONE,
    )


def credit_note(obj: dict[str, Any]) -> SourceCreditMemo:
    return SourceCreditMemo(
        id=str(obj["CreditNoteID"]),
        customer_id=_contact_id(obj),
        number=str(obj.get("CreditNoteNumber") or ""),
        amount_cents=cents(obj.get("Total")),
        issued_on=day(obj, "Date"),
        currency=str(obj.get("CurrencyCode") or "USD"),
        allocations=_allocations(obj),
        reason=str(obj.get("Reference") or ""),
        voided=str(obj.get("Status")) in GONE,
    )
