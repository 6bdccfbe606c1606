"""The collections policy: what the agent may do on its own.

A collector edits it as TOML; ``load_policy`` validates it and names the key
and the reason when something is wrong.
"""

from __future__ import annotations

import json
import re
import tomllib
from datetime import time
from enum import IntEnum
from itertools import pairwise
from pathlib import Path
from typing import Annotated

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from recoup.errors import PolicyError

DEFAULT_POLICY_PATH = Path(__file__).parent / "default_policy.toml"


class Tone(IntEnum):
    """How firm an email is, softest first."""

    COURTESY = 1
    FRIENDLY = 2
    FIRM = 3
    FINAL = 4

    @classmethod
    def parse(cls, value: str | Tone) -> Tone:
        return value if isinstance(value, Tone) else cls[value.upper()]

    @property
    def label(self) -> str:
        return self.name.lower()


# The customer segments of the ledger (``recoup.ledger.models.Segment``; a test keeps
# them equal): the policy sits below the ledger and cannot import it.
KNOWN_SEGMENTS = ("enterprise", "mid_market", "smb")

__all__ = [
    "KNOWN_DISPUTE_REASONS",
    "KNOWN_SEGMENTS",
    "DisputeOwner",
    "Policy",
    "PolicyError",
    "Tone",
    "load_policy",
    "write_policy",
]


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    @field_validator("*", mode="before")
    @classmethod
    def _numbers_are_not_text(cls, value: object, info: ValidationInfo) -> object:
        """TOML has numbers; a quoted "3" is a typo to point at, not a number to guess."""
        annotation = cls.model_fields[info.field_name or ""].annotation
        is_list = getattr(annotation, "__origin__", None) is list
        if is_list != isinstance(value, list):
            return value  # pydantic says what shape is wanted
        items = value if isinstance(value, list) else [value]
        wanted = _number_kind(annotation)
        if wanted and any(isinstance(item, str) for item in items):
            raise ValueError(f"should be {wanted} without quotes, not the text {value!r}")
        return value


class ContactRules(_Section):
    min_days_between_touches: Annotated[int, Field(ge=0, le=60)] = 3
    max_touches_per_week: Annotated[int, Field(ge=0, le=14)] = 2
    quiet_hours_start: time = time(19, 0)
    quiet_hours_end: time = time(8, 0)
    quiet_weekdays: list[Annotated[int, Field(ge=0, le=6)]] = [5, 6]

    def is_quiet(self, local_hour_minute: time, weekday: int) -> bool:
        if weekday in self.quiet_weekdays:
            return True
        start, end = self.quiet_hours_start, self.quiet_hours_end
        if start == end:
            return False
        if start < end:
            return start <= local_hour_minute < end
        return local_hour_minute >= start or local_hour_minute < end


class ToneRules(_Section):
    """The firmest tone allowed, by days past due of the oldest invoice named."""

    current: str = "courtesy"
    days_1_30: str = "friendly"
    days_31_60: str = "firm"
    days_61_90: str = "firm"
    days_over_90: str = "final"
    strategic_cap: str = "friendly"
    segment_caps: dict[str, str] = {"enterprise": "firm"}

    @field_validator(
        "current", "days_1_30", "days_31_60", "days_61_90", "days_over_90", "strategic_cap"
    )
    @classmethod
    def _known_tone(cls, value: str) -> str:
        _check_tone(value)
        return value.lower()

    @field_validator("segment_caps")
    @classmethod
    def _known_tones(cls, value: dict[str, str]) -> dict[str, str]:
        for segment, tone in value.items():
            if segment.lower() not in KNOWN_SEGMENTS:
                raise ValueError(
                    f"unknown segment {segment!r}; use one of {', '.join(KNOWN_SEGMENTS)}"
                )
            _check_tone(tone)
        return {segment: tone.lower() for segment, tone in value.items()}

    def allowed_for_age(self, days_past_due: int) -> Tone:
        if days_past_due <= 0:
            name = self.current
        elif days_past_due <= 30:
            name = self.days_1_30
        elif days_past_due <= 60:
            name = self.days_31_60
        elif days_past_due <= 90:
            name = self.days_61_90
        else:
            name = self.days_over_90
        return Tone.parse(name)


def _number_kind(annotation: object) -> str:
    """'an integer', 'a number' or 'true or false' for a numeric field (or a list of
    them); '' for anything else."""
    args = getattr(annotation, "__args__", ())
    if getattr(annotation, "__origin__", None) is list and args:
        annotation = getattr(args[0], "__origin__", args[0])
        if annotation is Annotated:
            annotation = args[0].__args__[0]
    kinds: dict[object, str] = {bool: "true or false", int: "an integer", float: "a number"}
    return kinds.get(annotation, "")


def _check_tone(value: str) -> None:
    if value.upper() not in Tone.__members__:
        raise ValueError(f"unknown tone {value!r}; use one of {[t.label for t in Tone]}")


class ConcessionLimits(_Section):
    max_discount_pct: Annotated[float, Field(ge=0, le=100)] = 0.0
    max_fee_waiver_cents: Annotated[int, Field(ge=0)] = 5_000
    max_plan_installments: Annotated[int, Field(ge=0, le=60)] = 3
    max_plan_months: Annotated[int, Field(ge=0, le=60)] = 3
    min_plan_balance_cents: Annotated[int, Field(ge=0)] = 50_000
    max_extension_days: Annotated[int, Field(ge=0, le=365)] = 14


class PromiseRules(_Section):
    max_days_ahead: Annotated[int, Field(ge=1, le=365)] = 45
    grace_days: Annotated[int, Field(ge=0, le=30)] = 3


class EscalationRules(_Section):
    large_balance_cents: Annotated[int, Field(ge=0)] = 2_500_000
    silent_days: Annotated[int, Field(ge=1, le=365)] = 30
    open_case_expiry_hours: Annotated[int, Field(ge=1)] = 72
    reminder_before_expiry_hours: Annotated[int, Field(ge=0)] = 24

    @model_validator(mode="after")
    def _reminder_before_expiry(self) -> EscalationRules:
        if self.reminder_before_expiry_hours >= self.open_case_expiry_hours:
            raise ValueError(
                f"reminder_before_expiry_hours ({self.reminder_before_expiry_hours}) must be "
                f"less than open_case_expiry_hours ({self.open_case_expiry_hours})"
            )
        return self

    # Whole words or phrases, any case; a ``*`` at either end allows any letters there.
    legal_words: list[str] = [
        "lawyer*", "attorney*", "solicitor*", "legal action*", "legal proceedings",
        "legal steps", "legal department", "legal team", "legal counsel", "sue you",
        "sue your*", "sue us", "will sue", "to sue", "i'll sue", "we'll sue", "sued", "suing",
        "lawsuit*", "court", "courts", "small claims", "avocat*", "tribunal*", "*anwalt*",
        "*anwält*", "*gericht", "*gerichts", "gerichtlich*", "abogado*", "demanda*",
        "advocaat*", "rechtbank*", "avvocat*",
    ]  # fmt: skip
    insolvency_words: list[str] = [
        "insolven*", "bankrupt*", "chapter 11", "chapter 7", "into administration",
        "in administration", "administrator appointed", "administrators appointed",
        "appointed administrator*", "receivership", "receiver appointed", "liquidation",
        "liquidator*", "zahlungsunfähig*", "faillite", "redressement judiciaire",
        "liquidation judiciaire", "concurso de acreedores", "quiebra", "faillissement",
        "surseance", "fallimento", "concordato preventivo", "nclt", "cirp",
        "resolution professional", "moratorium",
    ]  # fmt: skip


class CadenceRules(_Section):
    """When the agent looks at an account again if nothing else happens."""

    first_reminder_days_after_due: Annotated[int, Field(ge=0)] = 1
    default_followup_days: Annotated[int, Field(ge=1, le=60)] = 7
    aging_thresholds_days: list[Annotated[int, Field(ge=0, le=3650)]] = [1, 31, 61, 91]
    max_agent_steps: Annotated[int, Field(ge=2, le=50)] = 12

    @field_validator("aging_thresholds_days")
    @classmethod
    def _increasing(cls, value: list[int]) -> list[int]:
        if any(later <= earlier for earlier, later in pairwise(value)):
            raise ValueError(f"must be in increasing order without repeats, not {value}")
        return value


class ReaderRules(_Section):
    """What the agent does with a reply it could not read with confidence, or a vague one."""

    # Outreach on what an unsure reply concerns waits this long for a person's reading.
    unsure_hold_days: Annotated[int, Field(ge=1, le=30)] = 3
    # A commitment without a date ("we're working on it") is followed up this soon.
    stall_followup_days: Annotated[int, Field(ge=1, le=30)] = 3


class LedgerRules(_Section):
    """What an import may bring into the ledger."""

    # The largest single amount (invoice, payment, credit memo, credit limit) in minor
    # units; the ledger's columns hold at most 2**31 - 1.
    max_amount_cents: Annotated[int, Field(ge=1, le=2**31 - 1)] = 1_000_000_000


class DocumentRules(_Section):
    """The letterhead of invoice copies and statements."""

    company_address: list[Annotated[str, Field(max_length=200)]] = []
    # A PNG or JPEG file, relative to the policy file; "" for none.
    logo: str = ""
    # A TrueType/OpenType font with Chinese, Japanese or Korean glyphs (e.g. Noto Sans
    # CJK), relative to the policy file; text the built-in font lacks falls back to it.
    cjk_font: str = ""

    @field_validator("logo", "cjk_font")
    @classmethod
    def _existing_file(cls, value: str, info: ValidationInfo) -> str:
        if not value.strip():
            return ""
        base = (info.context or {}).get("policy_dir")
        path = Path(value).expanduser()
        if not path.is_absolute() and base is not None:
            path = Path(base) / path
        if not path.is_file():
            raise ValueError(f"no such file: {path}")
        return str(path)


# The dispute reasons of the ledger (``recoup.ledger.models.DisputeReason``; a test keeps
# them equal), and "deduction" for a short payment.
KNOWN_DISPUTE_REASONS = (
    "price", "quantity", "damaged", "not_received", "duplicate", "missing_po", "quality",
    "tax", "other", "deduction",
)  # fmt: skip


class DisputeOwner(_Section):
    """Who looks after the disputes of some reasons (and amounts): a team or a person."""

    name: Annotated[str, Field(min_length=1, max_length=120)]
    reasons: list[str] = []  # empty: any reason
    min_cents: Annotated[int, Field(ge=0)] = 0
    max_cents: Annotated[int, Field(ge=0)] | None = None  # None: no upper bound
    slack_channel: Annotated[str, Field(max_length=80)] = ""
    email: Annotated[str, Field(max_length=320)] = ""

    @field_validator("reasons")
    @classmethod
    def _known_reasons(cls, value: list[str]) -> list[str]:
        for reason in value:
            if reason.lower() not in KNOWN_DISPUTE_REASONS:
                raise ValueError(
                    f"unknown dispute reason {reason!r}; use one of "
                    f"{', '.join(KNOWN_DISPUTE_REASONS)}"
                )
        return [reason.lower() for reason in value]

    @field_validator("email")
    @classmethod
    def _an_address(cls, value: str) -> str:
        if value and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", value):
            raise ValueError(f"{value!r} is not an email address")
        return value

    @model_validator(mode="after")
    def _band(self) -> DisputeOwner:
        if self.max_cents is not None and self.max_cents < self.min_cents:
            raise ValueError(f"max_cents ({self.max_cents}) is below min_cents ({self.min_cents})")
        return self

    def covers(self, reason: str, amount_cents: int) -> bool:
        if self.reasons and reason not in self.reasons:
            return False
        return self.min_cents <= amount_cents and (
            self.max_cents is None or amount_cents <= self.max_cents
        )


class DisputeRules(_Section):
    """Who owns a dispute, how long it may stay open, and when a person takes it at once."""

    default_owner: DisputeOwner = DisputeOwner(name="Collections team")
    # The first owner whose reasons and amount band fit takes the dispute.
    owners: list[DisputeOwner] = []
    # An open dispute older than this reminds its owner (once a day after that).
    sla_days: Annotated[int, Field(ge=1, le=365)] = 10
    # A dispute above this (minor units) goes to a person at once.
    person_threshold_cents: Annotated[int, Field(ge=0)] = 2_500_000
    # A payment naming an invoice but leaving at most this share of it unpaid is a
    # deduction (a dispute of the short amount); a bigger gap is a part payment.
    deduction_max_pct: Annotated[float, Field(ge=0, le=100)] = 20.0

    def owner_for(self, reason: str, amount_cents: int) -> DisputeOwner:
        return next(
            (owner for owner in self.owners if owner.covers(reason, amount_cents)),
            self.default_owner,
        )


class Policy(_Section):
    paused: bool = False
    pause_reason: str = ""
    contact: ContactRules = ContactRules()
    tone: ToneRules = ToneRules()
    concessions: ConcessionLimits = ConcessionLimits()
    promises: PromiseRules = PromiseRules()
    escalation: EscalationRules = EscalationRules()
    cadence: CadenceRules = CadenceRules()
    reader: ReaderRules = ReaderRules()
    ledger: LedgerRules = LedgerRules()
    documents: DocumentRules = DocumentRules()
    disputes: DisputeRules = DisputeRules()
    sender_name: str = "Accounts Receivable"
    company_name: str = "Northwind Supply Co."


def load_policy(path: Path | None = None) -> Policy:
    """Read and validate a policy file; the default when ``path`` is None."""
    source = path or DEFAULT_POLICY_PATH
    try:
        raw = tomllib.loads(source.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise PolicyError(f"{source}: policy file not found") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise PolicyError(f"{source}: cannot read the policy file: {exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise PolicyError(f"{source}: not valid TOML: {exc}") from exc
    try:
        return Policy.model_validate(raw, context={"policy_dir": source.parent})
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in error['loc'])}: "
            f"{error['msg'].removeprefix('Value error, ')}"
            for error in exc.errors()
        )
        raise PolicyError(f"{source}: {problems}") from exc


DEFAULT_COMPANY = "Your Company"


def write_policy(path: Path, *, company: str | None, sender: str | None) -> None:
    """Copy the commented default policy to ``path``, naming the company (a placeholder
    that reads as one when not given, never another company's name) and the sender."""
    text = DEFAULT_POLICY_PATH.read_text(encoding="utf-8")
    text = _set_key(text, "company_name", (company or "").strip() or DEFAULT_COMPANY)
    if sender and sender.strip():
        text = _set_key(text, "sender_name", sender.strip())
    path.write_text(text, encoding="utf-8")


def _set_key(text: str, key: str, value: str) -> str:
    # A JSON string is a valid TOML basic string: quotes and backslashes escaped.
    line = f"{key} = {json.dumps(value, ensure_ascii=False)}"
    return re.sub(rf"^{key} = .*$", lambda _m: line, text, count=1, flags=re.MULTILINE)
