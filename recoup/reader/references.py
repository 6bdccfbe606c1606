"""Payment references and e-mail addresses, copied from the original text."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from recoup.reader.lexicon import BARE_REFERENCE, EMAIL, PAYMENT_REFERENCE


@dataclass(frozen=True)
class TextHit:
    start: int
    end: int
    text: str


def _overlaps(start: int, end: int, spans: Sequence[tuple[int, int]]) -> bool:
    return any(start < s_end and s_start < end for s_start, s_end in spans)


def find_references(
    folded: str, original: str, blocked: Sequence[tuple[int, int]] = ()
) -> list[TextHit]:
    """Remittance / transfer / cheque references; invoice numbers are not references."""
    hits: list[TextHit] = []
    for pattern, group in ((PAYMENT_REFERENCE, "token"), (BARE_REFERENCE, 0)):
        for match in pattern.finditer(folded):
            start, end = match.span(group)
            while end > start and folded[end - 1] in ".,;:-/)":
                end -= 1
            if end - start < 4 or _overlaps(start, end, blocked):
                continue
            if any(hit.start <= start < hit.end for hit in hits):
                continue
            hits.append(TextHit(start, end, original[start:end]))
    hits.sort(key=lambda hit: hit.start)
    return hits


def find_emails(folded: str, original: str) -> list[TextHit]:
    hits = []
    for match in EMAIL.finditer(folded):
        start, end = match.span()
        while end > start and folded[end - 1] in ".-":
            end -= 1
        hits.append(TextHit(start, end, original[start:end].lower()))
    return hits
