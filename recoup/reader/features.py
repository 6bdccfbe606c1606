"""The features the learned reader sees: words, word pairs, pieces of words and a few facts.

Training and reading use this one function, so a model never sees features built one way
in training and another at run time. Numbers are reduced to their shape (an invoice number
or an amount must not become a word the model learns by heart), and the facts found by the
extractors (a date, an amount, an invoice, a question mark) are features too: they are what
tells a promise from a stall.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import pairwise

from recoup.reader.text import fold

_TOKEN = re.compile(r"[a-z0-9\u0100-\u024f]+(?:'[a-z]+)?")
_DIGIT = re.compile(r"\d")
CHAR_SIZES = (3, 4, 5)


@dataclass(frozen=True)
class Facts:
    """What the extractors found in the same text."""

    dates: int = 0
    past_dates: int = 0
    amounts: int = 0
    invoices: int = 0
    emails: int = 0


def _shape(token: str) -> str:
    if not _DIGIT.search(token):
        return token
    if token.isdigit():
        return f"<num{min(len(token), 5)}>"
    return "<code>"


def tokens(text: str) -> list[str]:
    return [_shape(token) for token in _TOKEN.findall(fold(text))]


def features(text: str, facts: Facts | None = None) -> set[str]:
    """The set of features of one text (presence only; the model scales by their count)."""
    words = tokens(text)
    found: set[str] = {f"w:{word}" for word in words}
    found.update(f"b:{a} {b}" for a, b in pairwise(words))
    for word in words:
        if word.startswith("<"):
            continue
        padded = f" {word} "
        for size in CHAR_SIZES:
            found.update(f"c:{padded[i : i + size]}" for i in range(len(padded) - size + 1))
    if "?" in text:
        found.add("f:question_mark")
    if facts is not None:
        for name in ("dates", "past_dates", "amounts", "invoices", "emails"):
            if getattr(facts, name):
                found.add(f"f:{name}")
    if len(words) <= 8:
        found.add("f:short")
    return found
