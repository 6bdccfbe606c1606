"""Money in a reply: "$1,234.56", "1.234,56 €", "EUR 1 234,56", "1'234.50 CHF", "2000.00".

Numbers that are invoice numbers, dates, phone numbers, purchase-order numbers, payment
references or percentages are not money; the caller passes their spans as blocked.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation


@dataclass(frozen=True)
class AmountHit:
    start: int
    end: int
    cents: int
    currency: str | None


_CODES = {
    "$": "USD", "us$": "USD", "usd": "USD", "dollar": "USD", "dollars": "USD",
    "€": "EUR", "eur": "EUR", "euro": "EUR", "euros": "EUR",
    "£": "GBP", "gbp": "GBP", "pound": "GBP", "pounds": "GBP",
    "chf": "CHF", "fr.": "CHF", "sfr": "CHF", "sfr.": "CHF", "franc": "CHF", "francs": "CHF",
    "cad": "CAD", "aud": "AUD", "sek": "SEK", "nok": "NOK", "dkk": "DKK", "pln": "PLN",
}  # fmt: skip

# Thousands grouped by one separator; decimals of one or two digits.
_NUMBER = (
    r"(?P<num>(?:\d{1,3}(?:(?P<sep>[,.' ])\d{3})(?:(?P=sep)\d{3})*|\d+)(?:[.,]\d{1,2})?)"
    r"(?![\d])"
)
_PREFIX = re.compile(
    r"(?<![\w$€£])(?P<cur>us\$|usd|eur|gbp|chf|cad|aud|sek|nok|dkk|pln|sfr\.?|fr\.|\$|€|£)"
    rf"\s?{_NUMBER}(?:\s?(?P<mult>k|m|mio|million|thousand)\b)?"
)
_SUFFIX = re.compile(
    rf"(?<![\w.,'/#-]){_NUMBER}\s?(?P<cur>usd|eur|gbp|chf|cad|aud|sek|nok|dkk|pln|euros?"
    r"|dollars?|pounds?|francs?|sfr\.?|fr\.|\$|€|£)(?![a-z])"
)
_BARE_DECIMAL = re.compile(
    r"(?<![\w.,'/#+-])(?P<num>\d{1,3}(?:[,.']\d{3})+[.,]\d{2}|\d+[.,]\d{2})"
    r"(?![\w%]|[.,]\d|\s?%)"
)
_AFTER_MONEY_WORD = re.compile(
    r"\b(?:payment|amount|sum|total|balance|paid|pay|transfer|remit|settle|versement|paiement"
    r"|montant|somme|payer|regler|zahlung|betrag|summe|zahlen|uberweisen|pago|importe|suma"
    r"|pagar|betaling|bedrag|betalen|pagamento|importo|somma|pagare)\s+(?:of\s+|de\s+|von\s+"
    r"|van\s+|di\s+|da\s+)?(?:the\s+)?(?P<num>\d{2,7})(?![\w.,/%-])"
    r"(?!\s*(?:%|invoices?|days?|weeks?|months?|items?|units?|pieces?|pcs|hours?|factures?"
    r"|jours?|rechnungen|tage\w*|facturas?|dias|facturen|dagen|fatture|giorni|of\b|de\b|von\b))"
)

_PHONE = re.compile(
    r"(?:\+|\(0\)|\b00)\d[\d\s().\-/]{6,}\d"
    r"|\b(?:tel|phone|mobile|mob|cell|fax|telefon|telefono|movil|tfno|tlf|gsm|cellulare|tél)"
    r"\.?\s*:?\s*[+\d][\d\s().\-/]{6,}\d"
)
_PURCHASE_ORDER = re.compile(
    r"\b(?:po|p\.o\.|purchase order|order|bestellnummer|bestellung|commande|bon de commande"
    r"|pedido|orden de compra|bestelnummer|inkooporder|ordine|ref|reference)"
    r"\s*(?:number|no|nr|n°|#|num|numero)?\.?\s*:?\s*#?\s*[a-z0-9-]*\d[a-z0-9-]*"
)


def phone_spans(folded: str) -> list[tuple[int, int]]:
    return [match.span() for match in _PHONE.finditer(folded)]


def order_spans(folded: str) -> list[tuple[int, int]]:
    """Purchase-order and reference numbers: digits that are never money."""
    return [match.span() for match in _PURCHASE_ORDER.finditer(folded)]


def parse_number(text: str) -> Decimal | None:
    """'1.234,56' -> 1234.56, '1,234' -> 1234, '12,5' -> 12.5, "1'234.50" -> 1234.50."""
    text = text.replace(" ", "").replace("'", "")
    decimals = ""
    last = max(text.rfind(","), text.rfind("."))
    if last != -1 and 1 <= len(text) - last - 1 <= 2:
        decimals = text[last + 1 :]
        text = text[:last]
    digits = text.replace(",", "").replace(".", "")
    if not digits.isdigit():
        return None
    try:
        return Decimal(f"{digits}.{decimals or '0'}")
    except InvalidOperation:
        return None


def _overlaps(start: int, end: int, spans: Sequence[tuple[int, int]]) -> bool:
    return any(start < s_end and s_start < end for s_start, s_end in spans)


def find_amounts(folded: str, blocked: Sequence[tuple[int, int]] = ()) -> list[AmountHit]:
    hits: list[AmountHit] = []
    taken: list[tuple[int, int]] = []
    for pattern in (_PREFIX, _SUFFIX, _BARE_DECIMAL, _AFTER_MONEY_WORD):
        for match in pattern.finditer(folded):
            num_start, num_end = match.span("num")
            if _overlaps(num_start, num_end, blocked) or _overlaps(*match.span(), taken):
                continue
            value = parse_number(match["num"])
            if value is None or value <= 0:
                continue
            groups = match.groupdict()
            mult = groups.get("mult")
            if mult in {"k", "thousand"}:
                value *= 1000
            elif mult in {"m", "mio", "million"}:
                value *= 1_000_000
            currency = _CODES.get(groups["cur"]) if groups.get("cur") else None
            taken.append(match.span())
            hits.append(AmountHit(match.start(), match.end(), int(value * 100), currency))
    hits.sort(key=lambda hit: hit.start)
    return hits
