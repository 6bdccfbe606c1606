"""Money in a reply: "$1,234.56", "1.234,56 €", "EUR 1 234,56", "1'234.50 CHF", "₹1,75,000",
"¥270,389", "1 234,56 zł", "R$ 600,00", "5k", "2.5k", "1,2 Mio", "10 mil", "5 tys. zł".

Numbers that are invoice numbers, dates, phone numbers, purchase-order numbers, payment
references or percentages are not money; the caller passes their spans as blocked. Amounts
are in minor units of their currency: cents, but whole yen (a currency without decimals).
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


# ISO 4217 codes a reply may write; a code is only money next to a number.
_ISO_CODES = (
    "usd",
    "eur",
    "gbp",
    "chf",
    "cad",
    "aud",
    "nzd",
    "jpy",
    "cny",
    "rmb",
    "inr",
    "sek",
    "nok",
    "dkk",
    "isk",
    "pln",
    "czk",
    "huf",
    "ron",
    "bgn",
    "hrk",
    "brl",
    "mxn",
    "ars",
    "clp",
    "cop",
    "pen",
    "zar",
    "sgd",
    "hkd",
    "twd",
    "krw",
    "thb",
    "myr",
    "idr",
    "php",
    "vnd",
    "try",
    "rub",
    "uah",
    "aed",
    "sar",
    "qar",
    "ils",
    "egp",
    "ngn",
    "kes",
    "mad",
)
# Currencies without minor units: an amount in them is counted in whole units.
ZERO_DECIMAL = frozenset({"JPY", "KRW", "ISK", "CLP", "VND", "UGX", "XOF", "XAF", "PYG"})

_SYMBOLS = {
    "$": "USD", "us$": "USD", "u$s": "USD", "c$": "CAD", "ca$": "CAD", "a$": "AUD",
    "au$": "AUD", "nz$": "NZD", "hk$": "HKD", "s$": "SGD", "r$": "BRL", "mx$": "MXN",
    "€": "EUR", "£": "GBP", "¥": "JPY", "￥": "JPY", "₹": "INR", "rs.": "INR", "rs": "INR",
    "₩": "KRW", "₺": "TRY", "₽": "RUB", "₪": "ILS", "₱": "PHP", "฿": "THB", "₫": "VND",
    "zł": "PLN", "zl": "PLN", "kc": "CZK", "lei": "RON", "sfr.": "CHF",
    "sfr": "CHF", "fr.": "CHF",
}  # fmt: skip
_WORDS = {
    "dollar": "USD", "dollars": "USD", "euro": "EUR", "euros": "EUR", "pound": "GBP",
    "pounds": "GBP", "franc": "CHF", "francs": "CHF", "franken": "CHF", "yen": "JPY",
    "rupees": "INR", "rupee": "INR", "zloty": "PLN", "zlotys": "PLN", "zlotych": "PLN",
    "reais": "BRL", "real": "BRL", "kronor": "SEK", "kroner": "NOK", "kronen": "DKK",
}  # fmt: skip
# "kr" is Swedish, Norwegian or Danish: the account's currency says which.
_KRONE = ("kr", "kr.")
_CODES: dict[str, str] = {
    **{code: code.upper() for code in _ISO_CODES},
    "rmb": "CNY",
    **_SYMBOLS,
    **_WORDS,
}


def _alternation(words: Sequence[str]) -> str:
    return "|".join(re.escape(word) for word in sorted(set(words), key=len, reverse=True))


_PREFIX_CUR = _alternation([*_ISO_CODES, *_SYMBOLS, *_KRONE])
_SUFFIX_CUR = _alternation([*_ISO_CODES, *_SYMBOLS, *_WORDS, *_KRONE])
# Thousands grouped by one separator (also the Indian 1,75,000); decimals of one or two digits.
_NUMBER = (
    r"(?P<num>(?:\d{1,2}(?:,\d{2})+,\d{3}|\d{1,3}(?:(?P<sep>[,.' ])\d{3})(?:(?P=sep)\d{3})*|\d+)"
    r"(?:[.,]\d{1,2})?)(?![\d])"
)
# "5k", "2,5 Mio", "10 mil", "5 tys.", "3 Tsd.", "1.2 million", "20 mila", "2 lakh".
_MULTIPLIER = (
    r"(?:\s?(?P<mult>k|m|mn|mio|mln|mld|mrd|million|millions|thousand|grand|tsd|tausend|mil"
    r"|mille|mila|duizend|tys|lakh|lakhs|crore|millones|milioni|miljoen|milhoes|milhao)\b\.?)"
)
_PREFIX = re.compile(rf"(?<![\w$€£¥₹])(?P<cur>{_PREFIX_CUR})\s?{_NUMBER}{_MULTIPLIER}?(?![\w])")
_SUFFIX = re.compile(rf"(?<![\w.,'/#-]){_NUMBER}{_MULTIPLIER}?\s?(?P<cur>{_SUFFIX_CUR})(?![a-z])")
# "5k", "2.5k", "1,2 Mio" with no currency: the multiplier marks it as money.
_SHORTHAND = re.compile(
    r"(?<![\w.,'/#-])(?P<num>\d{1,3}(?:[.,]\d{1,2})?)\s?(?P<mult>k|mio|mln|tsd|tys|mil|mila|lakh)"
    r"\b\.?(?!\s*(?:%|km|kg|units?|pieces?|pcs|items?))"
)
_BARE_DECIMAL = re.compile(
    r"(?<![\w.,'/#+-])(?P<num>\d{1,2}(?:,\d{2})+,\d{3}[.,]\d{2}|\d{1,3}(?:[,.' ]\d{3})+[.,]\d{2}"
    r"|\d+[.,]\d{2})(?![\w%]|[.,]\d|\s?%)"
)
_AFTER_MONEY_WORD = re.compile(
    r"\b(?:payment|amount|amounting|sum|total|balance|paid|pay|transfer|remit|release|settle"
    r"|versement|paiement|montant|somme|payer|regler|virer|zahlung|betrag|summe|zahlen"
    r"|uberweisen|pago|importe|suma|pagar|betaling|bedrag|betalen|pagamento|importo|somma|pagare"
    r"|pagaremos|pagamos|valor|quantia|kwota|kwote|kwoty|platnosc|zaplacimy|przelew)"
    r"\s+(?:of\s+|de\s+|von\s+|van\s+|di\s+|da\s+|do\s+)?(?:the\s+)?"
    r"(?P<num>\d{1,3}(?:[,.' ]\d{3})+|\d{2,7})"
    r"(?![\w.,/%-])(?!\s*(?:%|invoices?|days?|weeks?|months?|items?|units?|pieces?|pcs"
    r"|hours?|factures?|jours?|rechnungen|tage\w*|facturas?|dias|facturen|dagen|fatture|giorni"
    r"|dni|faktur\w*|of\b|de\b|von\b))"
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

_MULTIPLIERS: dict[str, int] = {
    **dict.fromkeys(("k", "thousand", "grand", "tsd", "tausend", "mil", "mille", "mila"), 1000),
    **dict.fromkeys(("duizend", "tys"), 1000),
    **dict.fromkeys(("lakh", "lakhs"), 100_000),
    "crore": 10_000_000,
    **dict.fromkeys(
        ("m", "mn", "mio", "mln", "million", "millions", "millones", "milioni", "miljoen"),
        1_000_000,
    ),
    **dict.fromkeys(("milhoes", "milhao"), 1_000_000),
    **dict.fromkeys(("mld", "mrd"), 1_000_000_000),
}


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


def minor_units(value: Decimal, currency: str | None) -> int:
    """An amount in its currency's minor units: cents, or whole units where there are none."""
    if currency and currency.upper() in ZERO_DECIMAL:
        return int(value)
    return int(value * 100)


def _overlaps(start: int, end: int, spans: Sequence[tuple[int, int]]) -> bool:
    return any(start < s_end and s_start < end for s_start, s_end in spans)


def _currency_of(symbol: str | None, account: str | None) -> str | None:
    if not symbol:
        return None
    if symbol in _KRONE:
        return account if account in {"SEK", "NOK", "DKK", "ISK"} else "SEK"
    if symbol == "$" and account in {"CAD", "AUD", "NZD", "SGD", "HKD", "MXN"}:
        return account
    return _CODES.get(symbol)


def find_amounts(
    folded: str, blocked: Sequence[tuple[int, int]] = (), *, currency: str | None = None
) -> list[AmountHit]:
    """Every amount in the folded text, in text order.

    ``currency`` is the account's: an amount written without one is taken to be in it (so a
    bare 152,000 on a yen account is whole yen), and it says which crown "kr" is.
    """
    account = currency.upper() if currency else None
    hits: list[AmountHit] = []
    taken: list[tuple[int, int]] = []
    for pattern in (_PREFIX, _SUFFIX, _SHORTHAND, _BARE_DECIMAL, _AFTER_MONEY_WORD):
        for match in pattern.finditer(folded):
            num_start, num_end = match.span("num")
            if _overlaps(num_start, num_end, blocked) or _overlaps(*match.span(), taken):
                continue
            value = parse_number(match["num"])
            if value is None or value <= 0:
                continue
            groups = match.groupdict()
            mult = (groups.get("mult") or "").rstrip(".")
            value *= _MULTIPLIERS.get(mult, 1)
            found = _currency_of(groups.get("cur"), account)
            taken.append(match.span())
            cents = minor_units(value, found or account)
            hits.append(AmountHit(match.start(), match.end(), cents, found))
    hits.sort(key=lambda hit: hit.start)
    return hits
