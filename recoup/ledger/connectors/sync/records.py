"""A source's records, as every connector hands them to the sync engine.

Ids are the source's own; amounts are minor units in the record's currency,
kept as the source has it (no conversion).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any


class Kind(StrEnum):
    CUSTOMER = "customer"
    INVOICE = "invoice"
    PAYMENT = "payment"
    CREDIT_MEMO = "credit_memo"


@dataclass(frozen=True)
class SourceContact:
    email: str
    name: str = ""
    role: str = "billing"
    is_primary: bool = False


@dataclass(frozen=True)
class SourceCustomer:
    id: str
    name: str
    currency: str | None = None
    contacts: tuple[SourceContact, ...] = ()
    terms_days: int | None = None


@dataclass(frozen=True)
class SourceInvoice:
    id: str
    customer_id: str
    number: str
    issue_date: date
    due_date: date
    currency: str
    total_cents: int
    balance_cents: int
    po_number: str | None = None
    description: str | None = None
    voided: bool = False


@dataclass(frozen=True)
class Allocation:
    invoice_id: str
    amount_cents: int


@dataclass(frozen=True)
class SourcePayment:
    """A payment, or an overpayment / prepayment (all its money unapplied at first)."""

    id: str
    customer_id: str
    amount_cents: int
    received_on: date
    currency: str
    allocations: tuple[Allocation, ...] = ()
    reference: str = ""
    method: str = "transfer"
    voided: bool = False


@dataclass(frozen=True)
class SourceCreditMemo:
    id: str
    customer_id: str
    number: str
    amount_cents: int
    issued_on: date
    currency: str
    allocations: tuple[Allocation, ...] = ()
    reason: str = ""
    voided: bool = False


@dataclass(frozen=True)
class Deletion:
    kind: Kind
    id: str


@dataclass
class SourcePage:
    """One read from a source, and the cursor to keep once it is in the ledger."""

    customers: list[SourceCustomer] = field(default_factory=list)
    invoices: list[SourceInvoice] = field(default_factory=list)
    payments: list[SourcePayment] = field(default_factory=list)
    credit_memos: list[SourceCreditMemo] = field(default_factory=list)
    deletions: list[Deletion] = field(default_factory=list)
    cursor: dict[str, Any] | None = None
    initial: bool = False

    def __len__(self) -> int:
        return (
            len(self.customers)
            + len(self.invoices)
            + len(self.payments)
            + len(self.credit_memos)
            + len(self.deletions)
        )

    def extend(self, other: SourcePage) -> None:
        self.customers += other.customers
        self.invoices += other.invoices
        self.payments += other.payments
        self.credit_memos += other.credit_memos
        self.deletions += other.deletions


def cents(value: object) -> int:
    """A source's decimal amount (number or string) in minor units, exactly."""
    amount = Decimal(str(value if value is not None else 0))
    return int((amount * 100).quantize(Decimal(1)))
