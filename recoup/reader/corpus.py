"""The reader's labelled corpus: customer replies with what a careful collector reads in them.

The corpus is written by several authors, none of whom saw the reader's code; how it was
written and split is in ``corpus/DATASHEET.md``. A split is chosen by author and template,
never by shuffling replies, so that a wording seen in training never grades the reader.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterator
from enum import StrEnum
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from recoup.errors import InputError

CORPUS_DIR = Path(__file__).parent / "corpus"
# The test author wrote only for the test split; it is read once, at the end.
TEST_AUTHORS = frozenset({"H", "I"})
# One template in this many of the training authors' goes to dev, picked by a stable hash.
DEV_SHARE = 5


class Label(StrEnum):
    """What the corpus labels: the reader's intents as a collector names them."""

    PROMISE = "promise"
    STALL = "stall"
    PAYMENT_PLAN = "payment_plan"
    DISPUTE = "dispute"
    ALREADY_PAID = "already_paid"
    WRITE_OFF_CLAIM = "write_off_claim"
    COPY_REQUEST = "copy_request"
    STATEMENT_REQUEST = "statement_request"
    QUESTION = "question"
    WRONG_CONTACT = "wrong_contact"
    OPT_OUT = "opt_out"
    ACKNOWLEDGEMENT = "acknowledgement"
    OUT_OF_OFFICE = "out_of_office"
    INSOLVENCY = "insolvency"
    LEGAL_THREAT = "legal_threat"
    HOSTILE = "hostile"
    UNKNOWN = "unknown"


class Split(StrEnum):
    TRAIN = "train"
    DEV = "dev"
    TEST = "test"


class CorpusError(InputError):
    """A corpus file that cannot be read: the file, the line and the reason."""


class LabelledPromise(BaseModel):
    model_config = ConfigDict(extra="ignore")

    date: datetime.date
    amount_cents: int | None = None
    invoices: list[str] = Field(default_factory=list)


class LabelledDispute(BaseModel):
    model_config = ConfigDict(extra="ignore")

    invoices: list[str] = Field(default_factory=list)
    reason: str = "other"
    amount_cents: int | None = None


class LabelledReply(BaseModel):
    model_config = ConfigDict(extra="ignore")

    id: str
    author: str
    template: str
    language: str
    style: str = Field(default="plain", alias="register")
    today: datetime.date
    sender: str = ""
    customer_domain: str = ""
    currency: str = "USD"
    known_invoices: dict[str, int] = Field(default_factory=dict)
    subject: str = ""
    body: str
    intents: list[Label] = Field(min_length=1)
    promises: list[LabelledPromise] = Field(default_factory=list)
    dispute: LabelledDispute | None = None
    redirect_email: str | None = None
    amounts: list[int] = Field(default_factory=list)
    flags: list[str] = Field(default_factory=list)
    footer: str | None = None

    @property
    def labels(self) -> set[Label]:
        return set(self.intents) - {Label.UNKNOWN}

    @property
    def split(self) -> Split:
        if self.author == "corrections":
            return Split.TRAIN
        if self.author in TEST_AUTHORS:
            return Split.TEST
        return Split.DEV if _stable_bucket(self.template) % DEV_SHARE == 0 else Split.TRAIN


def _stable_bucket(key: str) -> int:
    """A hash that does not change between runs (``hash()`` of a str does)."""
    value = 0
    for char in key:
        value = (value * 131 + ord(char)) % 1_000_003
    return value


def load(directory: Path = CORPUS_DIR) -> list[LabelledReply]:
    """Every labelled reply in the directory's ``*.jsonl`` files, in file and line order."""
    replies: list[LabelledReply] = []
    for path in sorted(directory.glob("*.jsonl")):
        replies.extend(_read_file(path))
    seen: set[str] = set()
    for reply in replies:
        if reply.id in seen:
            raise CorpusError(f"{directory}: reply id {reply.id!r} appears twice")
        seen.add(reply.id)
    return replies


def _read_file(path: Path) -> Iterator[LabelledReply]:
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                yield LabelledReply.model_validate(json.loads(line))
            except (json.JSONDecodeError, ValidationError) as error:
                reason = str(error).splitlines()[0] if str(error) else type(error).__name__
                raise CorpusError(f"{path.name}:{number}: {reason}") from error


def of_split(replies: list[LabelledReply], *splits: Split) -> list[LabelledReply]:
    return [reply for reply in replies if reply.split in splits]


CORRECTIONS_FILE = "corrections.jsonl"


def read_corrections(path: Path) -> list[LabelledReply]:
    """Replies a person labelled in reading cases: they always count as training data."""
    return [
        reply.model_copy(update={"author": "corrections", "template": f"corr-{reply.id}"})
        for reply in _read_file(path)
    ]
