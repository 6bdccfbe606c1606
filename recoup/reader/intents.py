"""What a customer's reply can mean: the intents, their details and the reading of a reply."""

from __future__ import annotations

import datetime
from enum import StrEnum

from pydantic import BaseModel, Field

from recoup.ledger.models import DisputeReason

__all__ = ["CopyKind", "DisputeReason", "Finding", "Intent", "Reading"]


class Intent(StrEnum):
    PROMISE = "promise"
    DISPUTE = "dispute"
    ALREADY_PAID = "already_paid"
    COPY_REQUEST = "copy_request"
    QUESTION = "question"
    PAYMENT_PLAN = "payment_plan"
    OUT_OF_OFFICE = "out_of_office"
    BOUNCE = "bounce"
    WRONG_CONTACT = "wrong_contact"
    INSOLVENCY = "insolvency"
    LEGAL_THREAT = "legal_threat"
    HOSTILE = "hostile"
    # A commitment with no date ("we're working on it"): follow up soon, firmer if it repeats.
    STALL = "stall"
    # "That invoice was written off / credited / is no longer owed": a person checks the ledger.
    WRITE_OFF_CLAIM = "write_off_claim"
    # "Stop emailing me", "unsubscribe": that contact is not written to again.
    OPT_OUT = "opt_out"
    # "Received, forwarded to AP": nothing to answer, nothing promised.
    ACKNOWLEDGEMENT = "acknowledgement"
    UNKNOWN = "unknown"


class CopyKind(StrEnum):
    INVOICE = "invoice"
    STATEMENT = "statement"
    TAX_FORM = "tax_form"


# Most important first: what the collections flow must act on before anything else.
PRECEDENCE: tuple[Intent, ...] = (
    Intent.INSOLVENCY,
    Intent.LEGAL_THREAT,
    Intent.DISPUTE,
    Intent.ALREADY_PAID,
    Intent.WRITE_OFF_CLAIM,
    Intent.PAYMENT_PLAN,
    Intent.PROMISE,
    Intent.OPT_OUT,
    Intent.COPY_REQUEST,
    Intent.WRONG_CONTACT,
    Intent.QUESTION,
    Intent.STALL,
    Intent.OUT_OF_OFFICE,
    Intent.BOUNCE,
    Intent.HOSTILE,
    Intent.ACKNOWLEDGEMENT,
    Intent.UNKNOWN,
)

RANK: dict[Intent, int] = {intent: rank for rank, intent in enumerate(PRECEDENCE)}
# Soft replies: read only when nothing firmer is ("looking into it" beside a dated promise
# says no more than the promise).
SOFT = frozenset({Intent.STALL, Intent.ACKNOWLEDGEMENT})
SAYS_LITTLE = SOFT | {Intent.QUESTION, Intent.HOSTILE}

EVIDENCE_MAX = 120


class Finding(BaseModel):
    """One intent found in the text, with the details that go with it."""

    intent: Intent
    invoice_numbers: list[str] = Field(default_factory=list)
    amount_cents: int | None = None
    date: datetime.date | None = None
    dispute_reason: DisputeReason | None = None
    copy_kinds: list[CopyKind] = Field(default_factory=list)
    installments: int | None = None
    months: int | None = None
    redirect_email: str | None = None
    payment_reference: str | None = None
    # What a promise or offer hangs on ("if you waive the late fee", "a 50% discount"): such a
    # finding is an offer for the concession rules, never a promise to log as it stands.
    condition: str | None = Field(default=None, max_length=EVIDENCE_MAX)
    # Anger that is abuse, a threat or a broken relationship ("you'll regret it", "the last
    # order you'll ever get"), not only an angry tone: a person answers it, whatever else.
    abusive: bool = False
    evidence: str = Field(max_length=EVIDENCE_MAX)


class Reading(BaseModel):
    """Everything found in one reply, most important finding first."""

    findings: list[Finding] = Field(min_length=1)
    language: str
    injection_suspected: bool = False
    # How sure the reader is of the findings (0..1); ``unsure`` means a person should read it,
    # and ``unsure_why`` says why in a line ("a date it cannot place", "intents contradict").
    confidence: float = 1.0
    unsure: bool = False
    unsure_why: str | None = None

    @property
    def primary(self) -> Finding:
        return self.findings[0]

    def has(self, intent: Intent) -> bool:
        return any(finding.intent == intent for finding in self.findings)

    def of(self, intent: Intent) -> list[Finding]:
        """The findings of one intent, in order of importance."""
        return [finding for finding in self.findings if finding.intent == intent]
