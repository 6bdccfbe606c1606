"""What reading one reply works on: the text, everything found in it, and the cues."""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol, TypeVar

from recoup.reader.amounts import AmountHit
from recoup.reader.dates import DateHit
from recoup.reader.intents import CopyKind, DisputeReason, Intent
from recoup.reader.invoices import InvoiceHit
from recoup.reader.references import TextHit

Span = tuple[int, int]


@dataclass
class Cue:
    """Where an intent shows in the text, before its details are collected."""

    intent: Intent
    start: int
    end: int
    reason: DisputeReason | None = None
    kinds: tuple[CopyKind, ...] = ()
    until: bool = False  # "can't pay until ...": the date after it is the promise
    strong: bool = True
    arrival: bool = False  # a promise that only says when money will arrive


@dataclass
class Context:
    """One reply, prepared: offsets in every list index ``body``."""

    body: str
    masked: str  # folded, with injected instructions blanked out
    language: str
    today: datetime.date
    sentences: list[Span]
    invoices: list[InvoiceHit]
    dates: list[DateHit]
    amounts: list[AmountHit]
    references: list[TextHit]
    emails: list[TextHit]
    used_references: set[int] = field(default_factory=set)
    # The account's open invoices (number -> balance in minor units) and currency: what "the
    # rest" and "half" are of.
    balances: Mapping[str, int] = field(default_factory=dict)
    currency: str = "USD"


class _HasStart(Protocol):
    @property
    def start(self) -> int: ...


T = TypeVar("T", bound=_HasStart)


def inside(start: int, end: int, items: Sequence[T]) -> list[T]:
    return [item for item in items if start <= item.start < end]


def nearest(items: Sequence[T], anchor: int) -> T | None:
    """The first item after the anchor, else the last one before it."""
    after = [item for item in items if item.start >= anchor]
    if after:
        return min(after, key=lambda item: item.start - anchor)
    before = [item for item in items if item.start < anchor]
    return max(before, key=lambda item: item.start) if before else None


def sentence_of(position: int, sentences: Sequence[Span]) -> tuple[int, Span]:
    for index, sentence in enumerate(sentences):
        if sentence[0] <= position < sentence[1]:
            return index, sentence
    return -1, (position, position)
