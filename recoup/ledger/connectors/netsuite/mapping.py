"""SuiteQL result rows → the sync engine's records.

SuiteQL answers every value as a string (booleans ``T``/``F``) and leaves out
the columns that are null. Credit memos and payments carry negative totals in
some accounts' ledgers; the amounts here are their sizes.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from recoup.ledger.connectors.netsuite.queries import CREDIT_MEMO, INVOICE, PAYMENT
from recoup.ledger.connectors.sync.records import (
    Allocation,
    Deletion,
    Kind,
    SourceContact,
    SourceCreditMemo,
    SourceCustomer,
    SourceInvoice,
    SourcePayment,
    cents,
)

HOME_CURRENCY = "USD"
TRANSACTION_KINDS = {INVOICE: Kind.INVOICE, PAYMENT: Kind.PAYMENT, CREDIT_MEMO: Kind.CREDIT_MEMO}
DELETED_KINDS = {
    "invoice": Kind.INVOICE,
    "customerpayment": Kind.PAYMENT,
    "creditmemo": Kind.CREDIT_MEMO,
}
Links = dict[str, list[Allocation]]


def _text(row: dict[str, Any], key: str) -> str:
    value = row.get(key)
    return "" if value is None else str(value).strip()


def _day(row: dict[str, Any], key: str, fallback: date | None = None) -> date:
    value = _text(row, key)
    if not value:
        if fallback is None:
            raise ValueError(f"{key} is missing")
        return fallback
    return date.fromisoformat(value[:10])


def _size(row: dict[str, Any], key: str) -> int:
    return abs(cents(row.get(key)))


def contact(row: dict[str, Any]) -> SourceContact:
    name = " ".join(p for p in (_text(row, "firstname"), _text(row, "lastname")) if p)
    return SourceContact(email=_text(row, "email"), name=name, role="billing")


def customer(row: dict[str, Any], contacts: Iterable[dict[str, Any]] = ()) -> SourceCustomer:
    name = _text(row, "companyname") or _text(row, "entityid") or _text(row, "id")
    people: list[SourceContact] = []
    if _text(row, "email"):
        people.append(SourceContact(_text(row, "email"), name, "billing", True))
    people += [contact(c) for c in contacts if _text(c, "email")]
    terms = _text(row, "termsdays")
    return SourceCustomer(
        id=_text(row, "id"),
        name=name,
        currency=_text(row, "currency") or None,
        contacts=tuple(people),
        terms_days=int(float(terms)) if terms else None,
    )


def invoice(row: dict[str, Any]) -> SourceInvoice:
    issued = _day(row, "trandate")
    return SourceInvoice(
        id=_text(row, "id"),
        customer_id=_text(row, "entity"),
        number=_text(row, "tranid"),
        issue_date=issued,
        due_date=_day(row, "duedate", issued),
        currency=_text(row, "currency") or HOME_CURRENCY,
        total_cents=_size(row, "foreigntotal"),
        balance_cents=_size(row, "foreignamountremaining"),
        po_number=_text(row, "otherrefnum") or None,
        description=_text(row, "memo")[:500] or None,
        voided=_text(row, "voided") == "T",
    )


def applied_links(rows: Iterable[dict[str, Any]]) -> Links:
    """NextTransactionLineLink rows → each payment's or credit memo's invoice links."""
    links: Links = {}
    for row in rows:
        links.setdefault(_text(row, "nextdoc"), []).append(
            Allocation(_text(row, "previousdoc"), _size(row, "foreignamount"))
        )
    return links


def payment(row: dict[str, Any], links: Links) -> SourcePayment:
    return SourcePayment(
        id=_text(row, "id"),
        customer_id=_text(row, "entity"),
        amount_cents=_size(row, "foreigntotal"),
        received_on=_day(row, "trandate"),
        currency=_text(row, "currency") or HOME_CURRENCY,
        allocations=tuple(links.get(_text(row, "id"), ())),
        reference=_text(row, "tranid"),
        voided=_text(row, "voided") == "T",
    )


def credit_memo(row: dict[str, Any], links: Links) -> SourceCreditMemo:
    return SourceCreditMemo(
        id=_text(row, "id"),
        customer_id=_text(row, "entity"),
        number=_text(row, "tranid"),
        amount_cents=_size(row, "foreigntotal"),
        issued_on=_day(row, "trandate"),
        currency=_text(row, "currency") or HOME_CURRENCY,
        allocations=tuple(links.get(_text(row, "id"), ())),
        reason=_text(row, "memo"),
        voided=_text(row, "voided") == "T",
    )


def deletion(row: dict[str, Any]) -> Deletion | None:
    kind = DELETED_KINDS.get(_text(row, "recordtypeid").lower())
    return Deletion(kind, _text(row, "recordid")) if kind is not None else None
