"""References to the account's own invoices, returned in the ledger's spelling.

"INV-1001" in the ledger is found as "inv 1001", "INV1001", "#INV-1001", "inv-01001", and, when
an invoice word or a number sign comes first, as "invoice 1001", "facture n° 1001",
"Rechnung Nr. 1001", "#1001". Only numbers of the ledger are ever returned.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

_RUN = re.compile(r"[a-z]+|\d+")
_SEPARATOR = re.compile(r"[\s\-_/.#:]*")
_MARKER = re.compile(
    r"(?:\b(?:invoices?|inv|bills?|factures?|fact|fac|rechnung(?:en)?|rechnungsnummer"
    r"|rechnungsnr|rg|re|facturas?|fra|fras|factuur|facturen|factuurnummer|fattur[ae]|ft|ref"
    r"|reference|nr|no|nos|nrs|num|numero|nummer|number)|#|n°|nº)[\s.:#°º\-]*"
    r"(?:(?:no|nr|n|num|number|numero|nummer|nos)\b[\s.:#°º\-]*)?$"
)
_LIST_JOIN = re.compile(
    r"^\s*(?:,|;|&|/|\+|\band\b|\bet\b|\bund\b|\by\b|\be\b|\ben\b|\bed\b|\bor\b|\bou\b"
    r"|\boder\b|\bo\b|\bof\b|,\s*(?:and|et|und|y|e|en|ed)\b)\s*(?:(?:inv|#|no\.?|nr\.?)\s*)?$"
)
_DIGITS_BEFORE = re.compile(r"[\w,/-]|\d\.")
_DIGITS_AFTER = re.compile(r"[.,]\d")


@dataclass(frozen=True)
class InvoiceHit:
    start: int
    end: int
    number: str


@dataclass(frozen=True)
class _Entry:
    number: str
    exact: str  # letters and digits only, upper case, zeros kept
    runs: tuple[str, ...]  # letters lower case, digits without leading zeros
    digit_runs: tuple[str, ...] | None  # the numeric part alone, when the number ends in it
    has_letters: bool
    digit_count: int


@dataclass(frozen=True)
class _Run:
    start: int
    end: int
    key: str


def _canonical(text: str) -> str:
    return re.sub(r"[^0-9A-Za-z]", "", text).upper()


def _key(run: str) -> str:
    return (run.lstrip("0") or "0") if run.isdigit() else run


@lru_cache(maxsize=65536)
def _build(number: str) -> _Entry | None:
    runs = [run.lower() for run in re.findall(r"[A-Za-z]+|\d+", number)]
    if not runs or not any(run.isdigit() for run in runs):
        return None
    digit_runs = tuple(_key(run) for run in runs if run.isdigit())
    return _Entry(
        number=number,
        exact=_canonical(number),
        runs=tuple(_key(run) for run in runs),
        digit_runs=digit_runs if runs[-1].isdigit() else None,
        has_letters=any(not run.isdigit() for run in runs),
        digit_count=sum(len(run) for run in runs if run.isdigit()),
    )


class InvoiceIndex:
    """The account's open invoices, ready to be recognised in text."""

    def __init__(self, numbers: Iterable[str] | Mapping[str, int]) -> None:
        self._full: dict[str, list[_Entry]] = {}
        self._digits: dict[str, list[_Entry]] = {}
        for number in numbers:
            entry = _build(number)
            if entry is None:
                continue
            if entry.has_letters:
                self._full.setdefault(entry.runs[0], []).append(entry)
            if entry.digit_runs:
                self._digits.setdefault(entry.digit_runs[0], []).append(entry)

    def __bool__(self) -> bool:
        return bool(self._full or self._digits)

    def find(self, folded: str, blocked: Sequence[tuple[int, int]] = ()) -> list[InvoiceHit]:
        """Every reference to a ledger invoice, in text order, without overlaps."""
        if not self:
            return []
        runs = [_Run(m.start(), m.end(), _key(m.group())) for m in _RUN.finditer(folded)]
        strong: dict[tuple[int, int], list[_Entry]] = {}
        digits: dict[tuple[int, int], list[_Entry]] = {}
        for index, run in enumerate(runs):
            for entry in self._full.get(run.key, ()):
                span = self._match(folded, runs, index, entry.runs)
                if span and not (run.start and folded[run.start - 1].isalnum()):
                    strong.setdefault(span, []).append(entry)
            for entry in self._digits.get(run.key, ()):
                span = self._match(folded, runs, index, entry.digit_runs or ())
                if span and self._stands_alone(folded, span):
                    digits.setdefault(span, []).append(entry)

        accepted: list[InvoiceHit] = []

        def overlaps(start: int, end: int) -> bool:
            return any(start < hit.end and hit.start < end for hit in accepted) or any(
                start < b_end and b_start < end for b_start, b_end in blocked
            )

        # Longer matches first, so "INV-1001-2" is not read as "INV-1001".
        for (start, end), entries in sorted(strong.items(), key=lambda i: i[0][0] - i[0][1]):
            chosen = self._choose(folded[start:end], entries)
            if chosen and not overlaps(start, end):
                accepted.append(InvoiceHit(start, end, chosen.number))
        accepted.sort(key=lambda hit: hit.start)

        for (start, end), entries in sorted(digits.items()):
            if overlaps(start, end):
                continue
            chosen = self._choose(folded[start:end], entries)
            if chosen is None:
                continue
            before = folded[max(0, start - 40) : start]
            previous = [hit for hit in accepted if hit.end <= start]
            continues_list = bool(previous) and bool(
                _LIST_JOIN.match(folded[previous[-1].end : start])
            )
            if _MARKER.search(before) or continues_list or chosen.digit_count >= 5:
                accepted.append(InvoiceHit(start, end, chosen.number))
                accepted.sort(key=lambda hit: hit.start)
        return accepted

    @staticmethod
    def _match(
        folded: str, runs: list[_Run], index: int, keys: tuple[str, ...]
    ) -> tuple[int, int] | None:
        if not keys or index + len(keys) > len(runs):
            return None
        for offset, key in enumerate(keys):
            run = runs[index + offset]
            if run.key != key:
                return None
            if offset and not _SEPARATOR.fullmatch(folded, runs[index + offset - 1].end, run.start):
                return None
        return runs[index].start, runs[index + len(keys) - 1].end

    @staticmethod
    def _stands_alone(folded: str, span: tuple[int, int]) -> bool:
        start, end = span
        before = folded[max(0, start - 2) : start]
        if before and (_DIGITS_BEFORE.fullmatch(before[-1]) or _DIGITS_BEFORE.fullmatch(before)):
            return False
        return not _DIGITS_AFTER.match(folded, end)

    @staticmethod
    def _choose(text: str, entries: list[_Entry]) -> _Entry | None:
        unique = {entry.number: entry for entry in entries}
        if len(unique) == 1:
            return next(iter(unique.values()))
        exact = [entry for entry in unique.values() if entry.exact == _canonical(text)]
        if len(exact) == 1:
            return exact[0]
        # Same digits, different prefixes: the text must spell the prefix to decide.
        spelled = [e for e in unique.values() if _canonical(text).endswith(e.exact)]
        return spelled[0] if len(spelled) == 1 else None
