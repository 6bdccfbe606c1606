"""Reading invoice numbers and amounts out of an email the agent wrote."""

from __future__ import annotations

import re
from functools import cache

from sqlmodel import Session, col, select

from recoup.ledger.models import Invoice
from recoup.ledger.state import Account

_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9/_-]*[A-Za-z0-9]|\d")
_NUMBER_RUN = re.compile(r"[A-Za-z]+|\d+")
_DIGIT_RUN = re.compile(r"\d+")
# What may stand between the letter and digit runs of an invoice number in prose.
_NUMBER_JOINER = r"[\s\-_/.#]*"

_SYMBOLS = "$€£¥₹"
_CODES = "USD|EUR|GBP|CHF|CAD|AUD|NZD|JPY|SEK|NOK|DKK|PLN|CZK|HUF|INR|MXN|BRL|ZAR|SGD|HKD"
_WORDS = r"(?i:dollars?|euros?|pounds?|francs?)"
# Thousands grouped with , . ' or a space, then optional decimals; never stopping inside
# a longer run of digits ("$1000.00" is one thousand, not one hundred).
_AMOUNT = r"(?:\d{1,3}(?:[,.'’\s]\d{3})+|\d+)(?:[.,]\d{1,2})?(?!\d)"
_MONEY = re.compile(
    rf"(?:[{_SYMBOLS}]|\b(?:{_CODES})\b)\s?(?P<before>{_AMOUNT})"
    rf"|(?<![\w\-/.,])(?P<after>{_AMOUNT})\s?(?:[{_SYMBOLS}]|(?:{_CODES}|{_WORDS})\b)"
)


def _tokens(text: str) -> set[str]:
    """Number-like tokens, and the parts of tokens joined by '/' (``INV-1/INV-2``)."""
    found: set[str] = set()
    for token in _TOKEN.findall(text):
        found.add(token)
        if "/" in token:
            found.update(part for part in token.split("/") if part)
    return found


@cache
def _number_pattern(number: str) -> re.Pattern[str]:
    """``INV-1002`` as written in prose: also ``INV 1002``, ``inv1002``, ``INV/1002``."""
    runs = _NUMBER_RUN.findall(number)
    body = _NUMBER_JOINER.join(re.escape(run) for run in runs) if runs else re.escape(number)
    return re.compile(rf"(?<![A-Za-z0-9]){body}(?![A-Za-z0-9])", re.IGNORECASE)


def invoice_numbers_in(text: str, account: Account) -> list[str]:
    """This account's invoice numbers that appear in ``text``."""
    return [
        inv.number
        for inv in account.invoices
        if _digits_present(inv.number, text) and _number_pattern(inv.number).search(text)
    ]


def _digits_present(number: str, text: str) -> bool:
    """Whether the number's digit runs are all in ``text``: its pattern cannot match
    otherwise, and most numbers are not named at all (no pattern needs compiling)."""
    return all(run in text for run in _DIGIT_RUN.findall(number))


def foreign_invoice_numbers(session: Session, text: str, account: Account) -> list[str]:
    """Invoice numbers in ``text`` that belong to another customer (numbers are unique)."""
    candidates = {
        token
        for token in _tokens(text)
        if any(ch.isdigit() for ch in token) and account.invoice(token) is None
    }
    if not candidates:
        return []
    variants = candidates | {c.upper() for c in candidates}
    rows = session.exec(
        select(Invoice.number, Invoice.customer_id).where(col(Invoice.number).in_(variants))
    )
    return sorted({number for number, owner in rows if owner != account.customer.id})


def unknown_invoice_like(text: str, account: Account) -> list[str]:
    """Tokens written like this ledger's invoice numbers that are not on the account."""
    prefixes = {re.sub(r"[\d]+$", "", inv.number.upper()) for inv in account.invoices}
    prefixes.discard("")
    found: list[str] = []
    for token in sorted(_tokens(text)):
        upper = token.upper()
        prefix = re.sub(r"[\d]+$", "", upper)
        if prefix in prefixes and upper != prefix and account.invoice(upper) is None:
            found.append(token)
    return found


def money_amounts_cents(text: str) -> list[int]:
    """Amounts written with a currency sign, code or name, in cents."""
    amounts: list[int] = []
    for match in _MONEY.finditer(text):
        raw = match.group("before") or match.group("after")
        if raw:
            amounts.append(_to_cents(raw))
    return amounts


def _to_cents(raw: str) -> int:
    decimals = ""
    last_sep = max(raw.rfind("."), raw.rfind(","))
    if last_sep != -1 and len(raw) - last_sep - 1 in (1, 2):
        decimals = raw[last_sep + 1 :]
        raw = raw[:last_sep]
    whole = re.sub(r"[^\d]", "", raw) or "0"
    return int(whole) * 100 + int((decimals + "00")[:2])
