"""Reading money and offers out of an email someone sent, independently of the
guardrails' own parsing: the auditor must not share their blind spots."""

from __future__ import annotations

import re
from dataclasses import dataclass

_AMOUNT = re.compile(
    r"(?:(?:[$€£]|\b(?:USD|EUR|GBP)\b)\s?(?P<a>\d[\d.,\u00a0 ]*\d|\d))"
    r"|(?:(?P<b>\d[\d.,\u00a0 ]*\d|\d)\s?(?:€|\b(?:EUR|USD|GBP)\b))"
)
_SENTENCE = re.compile(r"[^.!?\n]+(?:[.!?]|$)")
_NEGATION = re.compile(
    r"\b(?:not|no|never|cannot|can't|can ?not|unable|won't|isn't|aren't|without|outside)\b",
    re.IGNORECASE,
)
_DISCOUNT = re.compile(
    r"(?P<pct>\d{1,3}(?:[.,]\d+)?)\s?%\s*(?:discount|off|reduction|rebate|rabatt|remise|"
    r"descuento|korting|sconto)"
    r"|(?:discount|reduction|rebate|rabatt|remise|descuento|korting|sconto)\s+(?:of\s+)?"
    r"(?P<pct2>\d{1,3}(?:[.,]\d+)?)\s?%",
    re.IGNORECASE,
)
_INSTALMENTS = re.compile(
    r"\b(?P<n>\d{1,2}|two|three|four|five|six|twelve)\s+(?:equal\s+|monthly\s+)*"
    r"(?:instal+ments?|payments|monthly payments)",
    re.IGNORECASE,
)
_MONTHS = re.compile(r"\bover\s+(?P<n>\d{1,2}|two|three|four|five|six|twelve)\s+months\b", re.I)
_EXTENSION = re.compile(r"\b(?P<n>\d{1,3})[- ]days?\s+(?:extension|extra|more)\b", re.I)
_WRITE_OFF = re.compile(
    r"\b(?:write[- ]?off|written off|waive[sd]?|forgive|cancel the balance)\b", re.I
)
_CONCESSION_WORDS = re.compile(
    r"\b(?:discount|rebate|waive[sd]?|waiver|write[- ]?off|instal+ments?|payment plan|"
    r"extension|extend(?:ed)? (?:the )?(?:terms|deadline|due date)|% off)\b",
    re.IGNORECASE,
)
_NUMBERS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "twelve": 12}


def _cents(raw: str) -> int | None:
    raw = raw.replace("\u00a0", "").replace(" ", "")
    last = max(raw.rfind("."), raw.rfind(","))
    decimals = "00"
    if last != -1 and len(raw) - last - 1 == 2:
        decimals = raw[last + 1 :]
        raw = raw[:last]
    digits = re.sub(r"\D", "", raw)
    if not digits:
        return None
    return int(digits) * 100 + int(decimals)


def amounts_cents(text: str) -> list[int]:
    """Amounts written with a currency sign or code."""
    found = []
    for match in _AMOUNT.finditer(text):
        value = _cents(match.group("a") or match.group("b") or "")
        if value is not None:
            found.append(value)
    return found


def _affirmative(text: str, start: int) -> bool:
    """The sentence around ``start`` offers rather than refuses."""
    for sentence in _SENTENCE.finditer(text):
        if sentence.start() <= start < sentence.end():
            return not _NEGATION.search(sentence.group(0))
    return True


def _number(value: str) -> int:
    return _NUMBERS.get(value.lower()) or int(value)


@dataclass(frozen=True)
class Offers:
    discount_pct: float | None
    installments: int | None
    months: int | None
    extension_days: int | None
    write_off: bool
    mentions_concession: bool


def read_offers(text: str) -> Offers:
    discount = None
    for match in _DISCOUNT.finditer(text):
        if _affirmative(text, match.start()):
            value = float((match.group("pct") or match.group("pct2")).replace(",", "."))
            discount = max(discount or 0.0, value)
    installments = max(
        (
            _number(m.group("n"))
            for m in _INSTALMENTS.finditer(text)
            if _affirmative(text, m.start())
        ),
        default=None,
    )
    months = max(
        (_number(m.group("n")) for m in _MONTHS.finditer(text) if _affirmative(text, m.start())),
        default=None,
    )
    extension = max(
        (int(m.group("n")) for m in _EXTENSION.finditer(text) if _affirmative(text, m.start())),
        default=None,
    )
    write_off = any(_affirmative(text, m.start()) for m in _WRITE_OFF.finditer(text))
    return Offers(
        discount_pct=discount,
        installments=installments,
        months=months,
        extension_days=extension,
        write_off=write_off,
        mentions_concession=bool(_CONCESSION_WORDS.search(text)),
    )
