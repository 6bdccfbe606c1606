"""Cutting a reply into sentences and clauses, by offsets into the text."""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass

from recoup.reader.lexicon import MONTH_PATTERN


@dataclass(frozen=True)
class Segment:
    start: int
    end: int
    sentence: int
    question_from: int | None = None  # where the interrogative part starts, if any
    gapped: bool = False  # split off between two invoice references


_ABBREVIATIONS = frozenset(
    [
        "no",
        "nr",
        "n",
        "nos",
        "nrs",
        "inv",
        "ref",
        "refs",
        "approx",
        "rs",
        "reg",
        "pls",
        "kr",
        "amt",
        "qty",
        "dt",
        "e.g",
        "i.e",
        "eg",
        "ie",
        "etc",
        "mr",
        "mrs",
        "ms",
        "dr",
        "st",
        "co",
        "ltd",
        "inc",
        "corp",
        "z.b",
        "bzw",
        "ca",
        "vgl",
        "ggf",
        "usw",
        "u.a",
        "sr",
        "sra",
        "srta",
        "dra",
        "p.ej",
        "ecc",
        "pag",
        "pp",
        "tel",
        "fax",
        "art",
        "num",
        "fact",
        "vs",
        "p.o",
        "po",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "janv",
        "fevr",
        "fev",
        "avr",
        "juil",
        "okt",
        "dez",
        "ene",
        "abr",
        "ago",
        "dic",
        "gen",
        "mag",
        "giu",
        "lug",
        "set",
        "ott",
        "mrt",
        "mei",
    ]
)

_TERMINATOR = re.compile(r"[.!?]+(?=\s|$)")
_MONTH_START = re.compile(rf"\s*{MONTH_PATTERN}")
# "am 5. Dezember", "bis 15.12. zahlen": a German date, not the end of a sentence.
_DAY_TOKEN = re.compile(r"^\d{1,2}(?:\.\d{1,2})?$")
_BULLET = re.compile(r"\s*(?:[-*\u2022]|\d{1,2}[.)])\s+")

_CONTRAST = re.compile(
    r"(?<=[\s,])(?:but|however|whereas|although|though|except\ that|mais|cependant|toutefois"
    r"|par\ contre|en\ revanche|aber|jedoch|allerdings|sondern|pero|sin\ embargo|aunque"
    r"|maar|echter|ma|tuttavia|invece)\b",
    re.VERBOSE,
)
_SEMICOLON = re.compile(r";")

_QUESTION_WORD = (
    r"(?:did|do|does|can|could|would|will|is|are|was|were|has|have|had|should|may|when|what|why"
    r"|how|where|which|who|est-ce|pouvez|pourriez|avez|quand|pourquoi|comment|quel|quelle"
    r"|konnen|konnten|haben|hatten|ist|sind|wann|warum|wie|wo|welche|puede|pueden|podria"
    r"|podrian|cuando|por\ que|como|cual|kunt|kan|kunnen|zou|heeft|hebben|wanneer|waarom|hoe"
    r"|wat|welke|potete|potreste|avete|quando|perche|come|quale|cosa)\b"
)
_QUESTION_START = re.compile(rf"[,;:]\s+(?={_QUESTION_WORD})")
_LIST_JOIN = re.compile(
    r"^[\s,;&/+]*(?:(?:and|et|und|y|e|en|ed|or|ou|oder|o|of|as\ well\ as|sowie)\b)?[\s,;&/+]*$"
)
_SPLIT_BEFORE = re.compile(r"(?:,|;|\s-\s|\b(?:and|et|und|y|e|en|ed|while|whereas|plus)\b)")


def _lines(text: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for line in text.split("\n"):
        spans.append((start, start + len(line)))
        start += len(line) + 1
    return spans


def _units(text: str) -> list[tuple[int, int]]:
    """Paragraph-like units: hard-wrapped lines are joined, short lines stay apart."""
    units: list[tuple[int, int]] = []
    current: tuple[int, int] | None = None
    last_start = last_end = 0
    for start, end in _lines(text):
        line = text[start:end]
        if not line.strip():
            if current:
                units.append(current)
            current = None
            continue
        if current is None:
            current = (start, end)
            last_start, last_end = start, end
            continue
        last_line = text[last_start:last_end].rstrip()
        stripped = line.lstrip()
        joins = (
            not last_line.endswith((".", "!", "?", ":", ";"))
            and not _BULLET.match(line)
            and (stripped[:1].islower() or stripped[:1].isdigit() or len(last_line) >= 50)
        )
        if joins:
            current = (current[0], end)
        else:
            units.append(current)
            current = (start, end)
        last_start, last_end = start, end
    if current:
        units.append(current)
    return units


def _splits_here(text: str, folded: str, match: re.Match[str]) -> bool:
    if match.group().startswith(("!", "?")):
        return True
    before = folded[max(0, match.start() - 40) : match.start()]
    token = before.rsplit(None, 1)[-1] if before.strip() else ""
    token = token.lstrip("(\"'")
    if token in _ABBREVIATIONS or (len(token) == 1 and token.isalpha()):
        return False
    # "tramite Ri.Ba. con scadenza", "S.p.A. e": dotted abbreviations mid-sentence.
    following = text[match.end() : match.end() + 40].lstrip()[:1]
    if "." in token.strip(".") and following.isalpha() and following.islower():
        return False
    if _DAY_TOKEN.match(token):
        nxt = folded[match.end() : match.end() + 40].lstrip()[:1]
        if _MONTH_START.match(folded, match.end()) or nxt.islower() or nxt.isdigit():
            return False
    return True


def sentences(text: str, folded: str) -> list[tuple[int, int]]:
    found: list[tuple[int, int]] = []
    for unit_start, unit_end in _units(text):
        start = unit_start
        for match in _TERMINATOR.finditer(folded, unit_start, unit_end):
            if _splits_here(text, folded, match):
                found.append((start, match.end()))
                start = match.end()
        if folded[start:unit_end].strip():
            found.append((start, unit_end))
    return [_trim(text, s, e) for s, e in found if text[s:e].strip()]


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _question_from(folded: str, start: int, end: int) -> int | None:
    chunk = folded[start:end].rstrip()
    if not chunk.endswith("?"):
        return None
    last = None
    for match in _QUESTION_START.finditer(folded, start, end):
        last = match.end()
    return last if last is not None else start


def clauses(
    text: str,
    folded: str,
    invoice_spans: Sequence[tuple[int, int]] = (),
    sentence_spans: Sequence[tuple[int, int]] | None = None,
) -> list[Segment]:
    """Clauses: sentences cut at 'but', ';' and between references to different invoices."""
    result: list[Segment] = []
    if sentence_spans is None:
        sentence_spans = sentences(text, folded)
    for index, (s_start, s_end) in enumerate(sentence_spans):
        question = _question_from(folded, s_start, s_end)
        cuts = {s_start, s_end}
        for pattern in (_CONTRAST, _SEMICOLON):
            for match in pattern.finditer(folded, s_start, s_end):
                cuts.add(match.start() if pattern is _CONTRAST else match.end())
        inside = sorted(span for span in invoice_spans if s_start <= span[0] < s_end)
        gap_cuts: set[int] = set()
        for (_, left_end), (right_start, _) in itertools.pairwise(inside):
            between = folded[left_end:right_start]
            if _LIST_JOIN.match(between):
                continue
            if any(left_end < cut <= right_start for cut in cuts):
                continue
            split_points = list(_SPLIT_BEFORE.finditer(between))
            if split_points:
                cut = left_end + split_points[-1].start()
                cuts.add(cut)
                gap_cuts.add(cut)
        ordered = sorted(cuts)
        for raw_start, raw_end in itertools.pairwise(ordered):
            start, end = _trim(text, raw_start, raw_end)
            if start >= end:
                continue
            q = None
            if question is not None and end > question:
                q = max(question, start)
            result.append(Segment(start, end, index, q, gapped=raw_start in gap_cuts))
    return result
