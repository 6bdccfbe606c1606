"""What every connector to a system of record speaks.

A connector reads records (customers, contacts, invoices, payments, credit
memos) into a ``RecordBatch``, which ``recoup.ledger.connectors.ingest`` puts
in the ledger, and writes back what the agent did (an ``ActionsExport``).
Records carry money in minor units; each connector converts its source's
amounts with ``parse_amount``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Annotated, Protocol, Self, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from recoup.errors import InputError
from recoup.ledger.models import Segment
from recoup.money import to_cents

MAX_PROBLEMS = 20
LOOKUP_CHUNK = 500

T = TypeVar("T")

_EMAIL = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
                    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$")  # fmt: skip
_DOMAIN = re.compile(r"^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+$")
_AMOUNT = re.compile(r"^(?:\d+|\d{1,3}(?:,\d{3})+)(?:\.\d+)?$")

Text64 = Annotated[str, Field(min_length=1, max_length=64)]
Cents = Annotated[int, Field(ge=0)]
PositiveCents = Annotated[int, Field(gt=0)]


class RecordKind(StrEnum):
    """The kinds of record, in the order their CSV files are read."""

    CUSTOMERS = "customers"
    CONTACTS = "contacts"
    INVOICES = "invoices"
    PAYMENTS = "payments"
    CREDIT_MEMOS = "credit_memos"


@dataclass(frozen=True)
class Origin:
    """Where a record came from, so a problem can point at it."""

    source: str
    row: int | None = None

    def __str__(self) -> str:
        return self.source if self.row is None else f"{self.source} row {self.row}"


@dataclass(frozen=True)
class Problem:
    where: str
    reason: str

    def __str__(self) -> str:
        return f"{self.where}: {self.reason}"


class ImportFailed(InputError):
    """Records that cannot go into the ledger; nothing of the import was written."""

    def __init__(self, problems: list[Problem], *, omitted: int = 0) -> None:
        self.problems = problems
        self.omitted = omitted
        noun = "problem" if self.count == 1 else "problems"
        lines = [f"import failed, nothing imported ({self.count} {noun}):"]
        lines += [f"  {problem}" for problem in problems]
        if omitted:
            lines.append(f"  … and {omitted} more")
        super().__init__("\n".join(lines))

    @property
    def count(self) -> int:
        return len(self.problems) + self.omitted


class Problems:
    """Collects problems up to ``MAX_PROBLEMS`` and counts the rest."""

    def __init__(self) -> None:
        self.listed: list[Problem] = []
        self.omitted = 0

    def add(self, where: object, reason: str) -> None:
        if len(self.listed) < MAX_PROBLEMS:
            self.listed.append(Problem(str(where), reason))
        else:
            self.omitted += 1

    def __bool__(self) -> bool:
        return bool(self.listed)

    def raise_if_any(self) -> None:
        if self.listed:
            raise ImportFailed(self.listed, omitted=self.omitted)


class Record(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)

    origin: Origin | None = Field(default=None, exclude=True, repr=False)

    def where(self, fallback: str) -> str:
        return str(self.origin) if self.origin is not None else fallback


class CustomerRecord(Record):
    ref: Text64
    name: Annotated[str, Field(min_length=1, max_length=200)]
    segment: Segment = Segment.SMB
    strategic: bool = False
    terms_days: Annotated[int, Field(ge=0, le=365)] = 30
    timezone: str = "UTC"
    currency: str = "USD"
    email_domain: str | None = None
    credit_limit_cents: Cents | None = None

    @field_validator("segment", mode="before")
    @classmethod
    def _segment(cls, value: object) -> object:
        if isinstance(value, str) and value.strip().lower() not in {s.value for s in Segment}:
            raise ValueError(
                f"unknown segment {value!r}; use one of {', '.join(s.value for s in Segment)}"
            )
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator("timezone")
    @classmethod
    def _timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown timezone {value!r} (use an IANA name)") from exc
        return value

    @field_validator("currency")
    @classmethod
    def _currency(cls, value: str) -> str:
        return currency_code(value)

    @field_validator("email_domain")
    @classmethod
    def _domain(cls, value: str | None) -> str | None:
        if value is None or value == "":
            return None
        domain = value.lower().lstrip("@")
        if not _DOMAIN.match(domain) or len(domain) > 200:
            raise ValueError(f"not an email domain: {value!r}")
        return domain


class ContactRecord(Record):
    customer_ref: Text64
    email: Annotated[str, Field(max_length=320)]
    name: Annotated[str, Field(max_length=200)] = ""
    role: Annotated[str, Field(min_length=1, max_length=40)] = "billing"
    is_primary: bool = False
    do_not_contact: bool = False

    @field_validator("email")
    @classmethod
    def _email(cls, value: str) -> str:
        if not _EMAIL.match(value):
            raise ValueError(f"not an email address: {value!r}")
        return value.lower()


class InvoiceRecord(Record):
    number: Text64
    customer_ref: Text64
    issue_date: date
    due_date: date
    amount_cents: PositiveCents
    open_cents: Cents | None = None
    currency: str | None = None
    po_number: Annotated[str, Field(max_length=64)] | None = None
    description: Annotated[str, Field(max_length=500)] | None = None

    @field_validator("currency")
    @classmethod
    def _currency(cls, value: str | None) -> str | None:
        return currency_code(value) if value else None

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.due_date < self.issue_date:
            raise ValueError(f"due_date {self.due_date} is before issue_date {self.issue_date}")
        if self.open_cents is not None and self.open_cents > self.amount_cents:
            raise ValueError("open_amount is larger than amount")
        return self

    @property
    def balance_cents(self) -> int:
        """The open balance: the amount unless the source says otherwise."""
        return self.amount_cents if self.open_cents is None else self.open_cents


class PaymentRecord(Record):
    ref: Text64
    customer_ref: Text64
    amount_cents: PositiveCents
    received_on: date
    references: Annotated[str, Field(max_length=500)] = ""
    method: Annotated[str, Field(min_length=1, max_length=32)] = "transfer"


class CreditMemoRecord(Record):
    number: Text64
    customer_ref: Text64
    amount_cents: PositiveCents
    issued_on: date
    invoice_number: Annotated[str, Field(max_length=64)] | None = None
    reason: Annotated[str, Field(max_length=500)] = ""


class RecordBatch(BaseModel):
    """Everything one read of a system of record produced."""

    source: str
    customers: list[CustomerRecord] = Field(default_factory=list)
    contacts: list[ContactRecord] = Field(default_factory=list)
    invoices: list[InvoiceRecord] = Field(default_factory=list)
    payments: list[PaymentRecord] = Field(default_factory=list)
    credit_memos: list[CreditMemoRecord] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)
    # What the reader found out about the source (e.g. a CSV file's separator).
    notes: list[str] = Field(default_factory=list)

    def __len__(self) -> int:
        return sum(
            len(records)
            for records in (
                self.customers,
                self.contacts,
                self.invoices,
                self.payments,
                self.credit_memos,
            )
        )


class PromiseAction(BaseModel):
    promise_id: int
    customer_ref: str
    amount_cents: int
    promised_date: date
    status: str
    invoices: list[str]
    note: str
    created_at: datetime
    settled_at: datetime | None


class DisputeAction(BaseModel):
    dispute_id: int
    customer_ref: str
    invoice_number: str
    amount_cents: int
    reason: str
    status: str
    owner: str | None
    detail: str
    opened_at: datetime
    resolved_at: datetime | None


class NoteAction(BaseModel):
    """One action an agent or a person took on an account, with its reason."""

    at: datetime
    customer_ref: str
    actor: str
    action: str
    verdict: str | None
    reason: str


class AppliedCash(BaseModel):
    """One allocation of a payment to an invoice; short pays included."""

    payment_ref: str
    customer_ref: str
    received_on: date
    invoice_number: str
    amount_cents: int
    short_pay_cents: int
    matched_by: str


class UnappliedCash(BaseModel):
    payment_ref: str
    customer_ref: str
    received_on: date
    unapplied_cents: int


class ActionsExport(BaseModel):
    """What the agent did since ``since``, for the system of record."""

    since: datetime | None
    promises: list[PromiseAction] = Field(default_factory=list)
    disputes: list[DisputeAction] = Field(default_factory=list)
    notes: list[NoteAction] = Field(default_factory=list)
    applied_cash: list[AppliedCash] = Field(default_factory=list)
    unapplied_cash: list[UnappliedCash] = Field(default_factory=list)


class Connector(Protocol):
    """A system of record: CSV files today; QuickBooks Online, Xero, NetSuite later."""

    name: str

    def read(self) -> RecordBatch:
        """Pull customers, contacts, invoices, payments and credit memos."""
        ...

    def write_back(self, actions: ActionsExport) -> None:
        """Push promises, disputes, notes and applied cash to the system of record."""
        ...


def currency_code(value: str) -> str:
    code = value.strip().upper()
    if not re.fullmatch(r"[A-Z]{3}", code):
        raise ValueError(f"not a currency code: {value!r} (use ISO 4217, e.g. USD)")
    return code


def parse_amount(text: str) -> int:
    """A decimal amount as written by a person or an ERP (``1234.56``, ``1,234.56``) in
    minor units. Negative amounts and fractions of a cent are refused."""
    cleaned = text.strip()
    if cleaned.startswith("-"):
        raise ValueError(f"amount {text!r} is negative")
    if not _AMOUNT.match(cleaned):
        raise ValueError(f"not an amount: {text!r} (write e.g. 1234.56)")
    try:
        value = Decimal(cleaned.replace(",", ""))
    except InvalidOperation as exc:
        raise ValueError(f"not an amount: {text!r}") from exc
    if (value * 100) != (value * 100).to_integral_value():
        raise ValueError(f"amount {text!r} has fractions of a cent")
    return to_cents(value)


def chunked(values: Sequence[T], size: int = LOOKUP_CHUNK) -> Iterator[Sequence[T]]:
    """``values`` in slices small enough for an ``IN (...)`` on every database."""
    for start in range(0, len(values), size):
        yield values[start : start + size]
