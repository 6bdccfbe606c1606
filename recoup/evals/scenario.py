"""The scenario file format, version 1 (YAML or JSON), and its loader.

A scenario is a ledger (customers, contacts, invoices, payment history), the
customers' personas, a recorded mailbox (messages at fixed times or in
response to what recoup sends), scripted payments, expectations and, for
prompt-injection scenarios, the attacker's goals. docs/evals.md describes
every field; ``load_scenario`` rejects a file that breaks the schema with the
file and the field.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from recoup.errors import InputError
from recoup.evals.datespec import check_date_spec
from recoup.ledger.models import DisputeReason, EscalationCategory, Segment
from recoup.policy import Policy

SCHEMA_VERSION = 1
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
SCENARIO_SUFFIXES = (".yaml", ".yml", ".json")
EMAIL_PATTERN = r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+$"

Email = Annotated[str, Field(pattern=EMAIL_PATTERN, max_length=320)]
Cents = Annotated[int, Field(gt=0)]
DateSpec = Annotated[str, Field(min_length=3, max_length=20)]


class ScenarioError(InputError):
    """A scenario file that cannot be used: names the file and the field."""


class Intent(StrEnum):
    """What a customer's message is about, as a careful collector would read it."""

    PROMISE = "promise"
    DISPUTE = "dispute"
    ALREADY_PAID = "already_paid"
    COPY_REQUEST = "copy_request"
    TAX_FORM = "tax_form"
    QUESTION = "question"
    PAYMENT_PLAN = "payment_plan"
    OUT_OF_OFFICE = "out_of_office"
    BOUNCE = "bounce"
    WRONG_CONTACT = "wrong_contact"
    OPT_OUT = "opt_out"
    INSOLVENCY = "insolvency"
    LEGAL_THREAT = "legal_threat"
    HOSTILE = "hostile"
    INJECTION = "injection"
    # A bank-detail change, a look-alike sender, a claimed approval: a person checks it.
    FRAUD = "fraud"
    STALL = "stall"
    WRITE_OFF_CLAIM = "write_off_claim"
    ACKNOWLEDGEMENT = "acknowledgement"
    UNKNOWN = "unknown"


class Profile(StrEnum):
    """Payment-habit bands derived from the calibration sample (calibration.py)."""

    ON_TIME = "on_time"
    SLIGHTLY_LATE = "slightly_late"
    LATE = "late"
    VERY_LATE = "very_late"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _aware(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class ContactSpec(_Strict):
    name: str = Field(default="", max_length=200)
    email: Email
    role: str = Field(default="billing", max_length=40)
    primary: bool = False
    do_not_contact: bool = False


class InvoiceSpec(_Strict):
    number: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9/_-]*$")
    issued: date
    due: date
    amount_cents: Cents
    open_cents: int | None = Field(default=None, ge=0)
    paid_on: date | None = Field(
        default=None, description="History: paid in full on this date, before the start."
    )
    po_number: str | None = Field(default=None, max_length=64)
    description: str | None = Field(default=None, max_length=500)

    @model_validator(mode="after")
    def _consistent(self) -> InvoiceSpec:
        if self.due < self.issued:
            raise ValueError("due is before issued")
        if self.open_cents is not None and self.open_cents > self.amount_cents:
            raise ValueError("open_cents exceeds amount_cents")
        if self.paid_on is not None and self.open_cents not in (None, 0):
            raise ValueError("a paid invoice (paid_on) cannot have open_cents")
        return self


class PlanWish(_Strict):
    installments: int = Field(ge=2, le=36)
    months: int = Field(ge=1, le=36)


class Absence(_Strict):
    """The contact is away: mail is not read before ``until`` (an out-of-office)."""

    email: Email
    start: datetime
    until: date

    _aware_start = field_validator("start")(_aware)


class PersonaSpec(_Strict):
    """How a customer behaves; unset numbers are drawn from the calibration."""

    profile: Profile | None = None
    reminder_response: float | None = Field(default=None, ge=0, le=1)
    response_delay_days: tuple[int, int] | None = None
    promise_keeping: float | None = Field(default=None, ge=0, le=1)
    pays: bool = Field(default=True, description="False: pays nothing (insolvent, refuses).")
    withholds: list[str] = Field(
        default_factory=list, description="Invoices it will not pay (it contests them)."
    )
    needs_copy: list[str] = Field(
        default_factory=list, description="Invoices it pays only after receiving a copy."
    )
    needs_answer: bool = Field(
        default=False, description="Pays only after recoup answers one of its messages."
    )
    wants_plan: PlanWish | None = None
    absent: list[Absence] = Field(default_factory=list)
    dead_addresses: list[Email] = Field(default_factory=list, description="Mail to these bounces.")
    unread_addresses: list[Email] = Field(
        default_factory=list, description="Mail to these reaches nobody who pays."
    )

    @field_validator("response_delay_days")
    @classmethod
    def _ordered(cls, value: tuple[int, int] | None) -> tuple[int, int] | None:
        if value is not None and not 0 <= value[0] <= value[1] <= 60:
            raise ValueError("must be [low, high] with 0 <= low <= high <= 60")
        return value


class CustomerSpec(_Strict):
    ref: str = Field(min_length=1, max_length=64)
    name: str = Field(min_length=1, max_length=200)
    segment: Segment = Segment.SMB
    strategic: bool = False
    terms_days: int = Field(default=30, ge=0, le=365)
    timezone: str = "UTC"
    currency: str = Field(default="USD", pattern=r"^[A-Z]{3}$")
    email_domain: str | None = Field(default=None, max_length=200)
    credit_limit_cents: int | None = Field(default=None, ge=0)
    contacts: list[ContactSpec] = Field(min_length=1)
    invoices: list[InvoiceSpec] = Field(min_length=1)
    persona: PersonaSpec = Field(default_factory=PersonaSpec)

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown timezone {value!r}") from exc
        return value

    @model_validator(mode="after")
    def _references(self) -> CustomerSpec:
        numbers = [inv.number for inv in self.invoices]
        if len(set(numbers)) != len(numbers):
            raise ValueError("invoice numbers repeat")
        emails = [c.email.lower() for c in self.contacts]
        if len(set(emails)) != len(emails):
            raise ValueError("contact emails repeat")
        persona = self.persona
        for field_name in ("withholds", "needs_copy"):
            unknown = [n for n in getattr(persona, field_name) if n not in numbers and n != "*"]
            if unknown:
                raise ValueError(f"persona.{field_name} names unknown invoices {unknown}")
        return self

    def contact_emails(self) -> set[str]:
        return {c.email.lower() for c in self.contacts}


class When(_Strict):
    """When a message arrives: at a fixed time, or in reaction to something.

    ``after``: ``outbound`` (the nth email delivered to the sender's address,
    optionally only those naming ``about``), ``reply`` (recoup's answer to
    message ``ref``) or ``message`` (the delivery of message ``ref``).
    ``fallback_day``: if the reaction has not happened by this day of the run,
    the customer writes anyway.
    """

    at: datetime | None = None
    after: Literal["outbound", "reply", "message"] | None = None
    ref: str | None = None
    nth: int = Field(default=1, ge=1, le=20)
    about: str | None = None
    delay_hours: float = Field(default=4.0, ge=0, le=24 * 60)
    fallback_day: int | None = Field(default=None, ge=0, le=365)

    _aware_at = field_validator("at")(lambda v: None if v is None else _aware(v))

    @model_validator(mode="after")
    def _one_way(self) -> When:
        if (self.at is None) == (self.after is None):
            raise ValueError("give exactly one of `at` or `after`")
        if self.after in ("reply", "message") and not self.ref:
            raise ValueError(f"after: {self.after} needs `ref` (a message id)")
        return self


class Attachment(_Strict):
    filename: str = Field(min_length=1, max_length=200)
    content_type: str = "application/pdf"
    text: str = Field(default="", max_length=20_000)


class QuotedMail(_Strict):
    """An older message of the thread, quoted under the new text."""

    sender: str = Field(min_length=1, max_length=200)
    sent: datetime
    text: str = Field(min_length=1, max_length=20_000)


class PromiseSpec(_Strict):
    """The customer's own intention behind a promise: the persona pays on ``date``
    (with its promise-keeping probability)."""

    date: DateSpec
    amount_cents: Cents | None = None
    invoices: list[str] = Field(default_factory=list)

    _spec = field_validator("date")(check_date_spec)


class MessageSpec(_Strict):
    id: str = Field(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_-]+$")
    customer: str
    kind: Literal["mail", "auto_reply", "bounce"] = "mail"
    sender: Email | None = Field(default=None, description="Default: the primary contact.")
    sender_name: str | None = None
    when: When
    subject: str | None = Field(default=None, max_length=998)
    body: str = Field(min_length=1, max_length=50_000)
    html: bool = Field(default=False, description="The body is HTML, sent without a text part.")
    charset: Literal["utf-8", "iso-8859-1", "windows-1252"] = "utf-8"
    quote: bool = Field(default=True, description="Quote the email it replies to.")
    history: list[QuotedMail] = Field(default_factory=list)
    attachments: list[Attachment] = Field(default_factory=list)
    bounced_address: Email | None = Field(default=None, description="kind bounce: who failed.")
    intents: list[Intent] = Field(min_length=1)
    promise: PromiseSpec | None = None

    @model_validator(mode="after")
    def _kind_fields(self) -> MessageSpec:
        if self.kind == "bounce" and self.bounced_address is None:
            raise ValueError("a bounce needs bounced_address")
        if self.when.at is not None and self.subject is None:
            raise ValueError("a message at a fixed time needs a subject")
        return self


class PaymentSpec(_Strict):
    customer: str
    amount_cents: Cents
    references: str = Field(default="", max_length=500)
    on: date | None = None
    after_message: str | None = None
    days_after: int = Field(default=0, ge=0, le=365)
    method: str = Field(default="transfer", max_length=32)

    @model_validator(mode="after")
    def _one_way(self) -> PaymentSpec:
        if (self.on is None) == (self.after_message is None):
            raise ValueError("give exactly one of `on` or `after_message`")
        return self


class DisputeEndingSpec(_Strict):
    """A person (or the system of record) ends the dispute on ``invoice``, ``days_after``
    message ``after_message`` arrived: ``credit`` (a credit memo, ``amount_cents`` or the
    disputed amount), ``write_off``, ``reject`` (with ``reason``), or ``credit_memo`` (a
    credit memo arriving through the connector)."""

    invoice: str
    after_message: str
    days_after: float = Field(default=3, ge=0, le=120)
    outcome: Literal["credit", "write_off", "reject", "credit_memo"]
    amount_cents: Cents | None = None
    reason: str = Field(default="", max_length=500)

    @model_validator(mode="after")
    def _needs(self) -> DisputeEndingSpec:
        if self.outcome == "reject" and not self.reason.strip():
            raise ValueError("a rejection needs `reason` (what the customer is told)")
        if self.outcome == "credit_memo" and self.amount_cents is None:
            raise ValueError("a credit memo needs `amount_cents`")
        return self


class _Expectation(_Strict):
    note: str = Field(default="", max_length=300)


class DisputeOpened(_Expectation):
    type: Literal["dispute_opened"]
    message: str
    invoice: str
    reason: DisputeReason | None = None


class DisputeBooked(_Expectation):
    """A dispute (or, with ``kind: deduction``, a short pay's deduction) on ``invoice``,
    booked at ``amount_cents`` when given: the disputed part, not the whole invoice."""

    type: Literal["dispute"]
    invoice: str
    message: str | None = None
    amount_cents: Cents | None = None
    reason: DisputeReason | None = None
    kind: Literal["dispute", "deduction"] = "dispute"


class DisputeResolved(_Expectation):
    """The dispute on ``invoice`` ended, as ``outcome`` when given."""

    type: Literal["dispute_resolved"]
    invoice: str
    outcome: Literal["credited", "written_off", "rejected"] | None = None


class PromiseLogged(_Expectation):
    type: Literal["promise_logged"]
    message: str
    date_from: DateSpec
    date_to: DateSpec
    amount_cents: Cents | None = None
    invoices: list[str] | None = None

    _specs = field_validator("date_from", "date_to")(check_date_spec)


class Escalated(_Expectation):
    type: Literal["escalated"]
    category: EscalationCategory
    message: str | None = None
    customer: str | None = None


class SecurityCase(_Expectation):
    """A security case opened for message ``message`` (naming ``flag`` when given), and
    nothing done on its strength: no promise and no dispute logged from it."""

    type: Literal["security_case"]
    message: str
    flag: Literal["bank_change", "lookalike_domain", "claimed_approval", "injection"] | None = None


class NotEscalated(_Expectation):
    type: Literal["not_escalated"]
    customer: str | None = None
    categories: list[EscalationCategory] | None = None


class NoOutreach(_Expectation):
    """No reminder after message ``after`` (about ``invoice``, or at all) until
    ``until``. A courtesy answer to the customer's own message is not outreach."""

    type: Literal["no_outreach"]
    customer: str | None = None
    invoice: str | None = None
    after: str
    until: DateSpec | None = None

    _spec = field_validator("until")(lambda v: None if v is None else check_date_spec(v))


class CopySent(_Expectation):
    type: Literal["copy_sent"]
    message: str
    invoices: list[str] = Field(default_factory=list)
    statement: bool = False
    within_hours: float = Field(default=72, gt=0)


class Replied(_Expectation):
    type: Literal["replied"]
    message: str
    within_hours: float = Field(default=48, gt=0)


class Reminded(_Expectation):
    """A reminder about ``invoice`` (or the account) within ``within_days`` of the
    start, or of message ``after``'s arrival."""

    type: Literal["reminded"]
    customer: str
    invoice: str | None = None
    after: str | None = None
    within_days: int = Field(default=7, ge=0, le=365)


class ContactUndeliverable(_Expectation):
    type: Literal["contact_undeliverable"]
    email: Email


class NoEmailTo(_Expectation):
    type: Literal["no_email_to"]
    address: Email


class ContactAdded(_Expectation):
    """Message ``message`` named ``email`` for invoices. ``held`` False: it became a contact
    that can be written to (and, with ``written``, was written to); True: it waits for a
    person (a contact-change case holds it) and nothing was sent to it."""

    type: Literal["contact_added"]
    message: str
    email: Email
    held: bool = False
    written: bool = False


class DoNotContact(_Expectation):
    """``email`` asked in ``message`` not to be contacted: marked so, with that message, and
    never written to after it."""

    type: Literal["do_not_contact"]
    message: str
    email: Email


class NoPromiseLogged(_Expectation):
    """Nothing in ``message`` was logged as a promise (a conditional offer is not one)."""

    type: Literal["no_promise_logged"]
    message: str


class PlanProposed(_Expectation):
    type: Literal["plan_proposed"]
    message: str
    within_hours: float = Field(default=72, gt=0)


class FirstReminder(_Expectation):
    """The first reminder to ``customer`` has ``tone`` and is no final notice."""

    type: Literal["first_reminder"]
    customer: str
    tone: Literal["courtesy", "friendly", "firm", "final"]


class DecisionSpec(_Strict):
    """A person's decision on ``customer``'s case of ``category``, ``after_hours`` after it
    opened, taken through the approvals code as on the page or in Slack."""

    customer: str
    category: EscalationCategory
    action: Literal["approve", "resume", "reject", "takeover"]
    after_hours: float = Field(default=2, gt=0, le=720)
    note: str = Field(default="", max_length=300)


Expectation = Annotated[
    DisputeOpened
    | DisputeBooked
    | DisputeResolved
    | PromiseLogged
    | Escalated
    | SecurityCase
    | NotEscalated
    | NoOutreach
    | CopySent
    | Replied
    | Reminded
    | ContactUndeliverable
    | NoEmailTo
    | PlanProposed
    | FirstReminder
    | ContactAdded
    | DoNotContact
    | NoPromiseLogged,
    Field(discriminator="type"),
]


class AttackGoal(_Strict):
    """What the attacker wanted: it succeeded if this happened.

    ``email_to``: any email to ``address``; ``discount``: any discount offered;
    ``concession``: any concession beyond the policy sent without approval;
    ``mark_paid``: ``invoices`` closed without the money; ``reveal``: another
    customer's name, invoices or contacts in mail to this one.
    """

    kind: Literal["email_to", "discount", "concession", "mark_paid", "reveal"]
    address: Email | None = None
    invoices: list[str] = Field(default_factory=list)
    customer: str | None = None

    @model_validator(mode="after")
    def _fields(self) -> AttackGoal:
        if self.kind == "email_to" and self.address is None:
            raise ValueError("email_to needs address")
        if self.kind == "mark_paid" and not self.invoices:
            raise ValueError("mark_paid needs invoices")
        if self.kind == "reveal" and self.customer is None:
            raise ValueError("reveal needs customer")
        return self


class Attack(_Strict):
    message: str
    target: str = Field(description="The customer whose mail carries the attack.")
    goals: list[AttackGoal] = Field(min_length=1)


class Scenario(_Strict):
    version: Literal[1]
    id: str = Field(min_length=1, max_length=80, pattern=r"^[a-z0-9][a-z0-9_-]*$")
    title: str = Field(min_length=1, max_length=200)
    description: str = Field(default="", max_length=2000)
    tags: list[str] = Field(default_factory=list)
    start: datetime
    horizon_days: int = Field(default=90, ge=1, le=365)
    mail_from: Email = "ar@northwind-supply.example"
    customers: list[CustomerSpec] = Field(min_length=1)
    mailbox: list[MessageSpec] = Field(default_factory=list)
    payments: list[PaymentSpec] = Field(default_factory=list)
    expectations: list[Expectation] = Field(default_factory=list)
    dispute_endings: list[DisputeEndingSpec] = Field(default_factory=list)
    attack: Attack | None = None
    # Changes to the evaluated policy for this scenario: {section: {key: value}}.
    policy: dict[str, dict[str, Any]] = Field(default_factory=dict)
    decisions: list[DecisionSpec] = Field(default_factory=list)

    _aware_start = field_validator("start")(_aware)

    @model_validator(mode="after")
    def _references(self) -> Scenario:
        refs = [c.ref for c in self.customers]
        _unique("customer refs", refs)
        invoices = [inv.number for c in self.customers for inv in c.invoices]
        _unique("invoice numbers", invoices)
        owner = {inv.number: c.ref for c in self.customers for inv in c.invoices}
        message_ids = [m.id for m in self.mailbox]
        _unique("message ids", message_ids)
        known_messages = set(message_ids)
        customers = {c.ref: c for c in self.customers}

        def need_customer(where: str, ref: str | None) -> None:
            if ref is not None and ref not in customers:
                raise ValueError(f"{where}: unknown customer {ref!r}")

        def need_message(where: str, ref: str | None) -> None:
            if ref is not None and ref not in known_messages:
                raise ValueError(f"{where}: unknown message {ref!r}")

        def need_invoice(where: str, number: str | None) -> None:
            if number is not None and number not in owner:
                raise ValueError(f"{where}: unknown invoice {number!r}")

        for index, message in enumerate(self.mailbox):
            where = f"mailbox.{index}"
            need_customer(f"{where}.customer", message.customer)
            need_message(f"{where}.when.ref", message.when.ref)
            need_invoice(f"{where}.when.about", message.when.about)
            if message.kind == "bounce":
                address = (message.bounced_address or "").lower()
                if address not in customers[message.customer].contact_emails():
                    raise ValueError(f"{where}.bounced_address: not a contact of the customer")
            if message.promise:
                for number in message.promise.invoices:
                    need_invoice(f"{where}.promise.invoices", number)
        for index, payment in enumerate(self.payments):
            need_customer(f"payments.{index}.customer", payment.customer)
            need_message(f"payments.{index}.after_message", payment.after_message)
        for index, ending in enumerate(self.dispute_endings):
            need_invoice(f"dispute_endings.{index}.invoice", ending.invoice)
            need_message(f"dispute_endings.{index}.after_message", ending.after_message)
        for index, expectation in enumerate(self.expectations):
            where = f"expectations.{index}"
            for name in ("message", "after"):
                need_message(f"{where}.{name}", getattr(expectation, name, None))
            need_customer(f"{where}.customer", getattr(expectation, "customer", None))
            need_invoice(f"{where}.invoice", getattr(expectation, "invoice", None))
            for number in getattr(expectation, "invoices", None) or []:
                need_invoice(f"{where}.invoices", number)
        for index, decision in enumerate(self.decisions):
            need_customer(f"decisions.{index}.customer", decision.customer)
        if self.attack is not None:
            need_message("attack.message", self.attack.message)
            need_customer("attack.target", self.attack.target)
            for index, goal in enumerate(self.attack.goals):
                need_customer(f"attack.goals.{index}.customer", goal.customer)
                for number in goal.invoices:
                    need_invoice(f"attack.goals.{index}.invoices", number)
        return self

    @property
    def end(self) -> datetime:
        return self.start + timedelta(days=self.horizon_days)

    def policy_over(self, base: Policy) -> Policy:
        """``base`` with this scenario's policy changes, validated as a policy file is."""
        if not self.policy:
            return base
        merged = base.model_dump()
        for section, values in self.policy.items():
            merged[section] = {**merged.get(section, {}), **values}
        try:
            return Policy.model_validate(merged)
        except ValidationError as exc:
            raise ScenarioError(f"scenario {self.id}: policy: {exc}") from exc

    def customer(self, ref: str) -> CustomerSpec:
        return next(c for c in self.customers if c.ref == ref)

    def message(self, message_id: str) -> MessageSpec:
        return next(m for m in self.mailbox if m.id == message_id)


def _unique(what: str, values: list[str]) -> None:
    seen: set[str] = set()
    for value in values:
        if value in seen:
            raise ValueError(f"{what} repeat: {value!r}")
        seen.add(value)


def parse_scenario(raw: Any, source: str) -> Scenario:
    if not isinstance(raw, dict):
        raise ScenarioError(f"{source}: a scenario must be a mapping at the top level")
    version = raw.get("version")
    if version != SCHEMA_VERSION:
        raise ScenarioError(
            f"{source}: version: expected {SCHEMA_VERSION}, found {version!r}"
            + (" (missing)" if version is None else "")
        )
    try:
        return Scenario.model_validate(raw)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in error['loc']) or '(top level)'}: {error['msg']}"
            for error in exc.errors()[:10]
        )
        raise ScenarioError(f"{source}: {problems}") from exc


def load_scenario(path: Path) -> Scenario:
    """Read and validate one scenario file (YAML or JSON)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise ScenarioError(f"{path}: file not found") from exc
    except UnicodeDecodeError as exc:
        raise ScenarioError(f"{path}: not UTF-8 text") from exc
    try:
        raw = json.loads(text) if path.suffix == ".json" else yaml.load(text, Loader=_YAML_LOADER)
    except (yaml.YAMLError, json.JSONDecodeError) as exc:
        raise ScenarioError(f"{path}: not valid {path.suffix.lstrip('.').upper()}: {exc}") from exc
    return parse_scenario(raw, str(path))


def scenario_paths(directory: Path) -> list[Path]:
    return sorted(p for p in directory.iterdir() if p.suffix in SCENARIO_SUFFIXES)


def load_corpus(directory: Path) -> list[Scenario]:
    """Every scenario in ``directory``; ids must be unique."""
    if not directory.is_dir():
        raise ScenarioError(f"{directory}: not a directory")
    scenarios = [load_scenario(path) for path in scenario_paths(directory)]
    seen: dict[str, int] = {}
    for index, scenario in enumerate(scenarios):
        if scenario.id in seen:
            raise ScenarioError(f"{directory}: scenario id {scenario.id!r} is used twice")
        seen[scenario.id] = index
    return scenarios


DEFAULT_SCENARIOS_DIR = Path(__file__).parent / "scenarios"
