"""Reading invoice numbers and amounts out of an email the agent wrote."""

from __future__ import annotations

import re

from sqlmodel import Session, col, select

from recoup.ledger.models import Invoice
from recoup.ledger.state import Account

_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9/_-]*[A-Za-z0-9]|\d")
_MONEY = re.compile(
    r"(?:(?P<sym>[$€£])\s?(?P<a>\d{1,3}(?:[,.\s]\d{3})*(?:[.,]\d{1,2})?|\d+(?:[.,]\d{1,2})?))"
    r"|(?:(?P<b>\d{1,3}(?:[,.\s]\d{3})*(?:[.,]\d{2})|\d+[.,]\d{2})\s?(?P<code>USD|EUR|GBP|€|\$|£))"
    r"|(?:(?P<code2>USD|EUR|GBP)\s?(?P<c>\d{1,3}(?:[,.\s]\d{3})*(?:[.,]\d{1,2})?|\d+(?:[.,]\d{1,2})?))"
)


def invoice_numbers_in(text: str, account: Account) -> list[str]:
    """This account's invoice numbers that appear in ``text``."""
    tokens = {token.upper() for token in _TOKEN.findall(text)}
    return [inv.number for inv in account.invoices if inv.number.upper() in tokens]


def foreign_invoice_numbers(session: Session, text: str, account: Account) -> list[str]:
    """Invoice numbers in ``text`` that belong to another customer."""
    candidates = {token for token in _TOKEN.findall(text) if any(ch.isdigit() for ch in token)}
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
    for token in _TOKEN.findall(text):
        upper = token.upper()
        prefix = re.sub(r"[\d]+$", "", upper)
        if prefix in prefixes and upper != prefix and account.invoice(upper) is None:
            found.append(token)
    return found


def money_amounts_cents(text: str) -> list[int]:
    """Amounts written with a currency sign or code, in cents."""
    amounts: list[int] = []
    for match in _MONEY.finditer(text):
        raw = match.group("a") or match.group("b") or match.group("c")
        if raw:
            amounts.append(_to_cents(raw))
    return amounts


def _to_cents(raw: str) -> int:
    raw = raw.replace(" ", "")
    decimals = ""
    last_sep = max(raw.rfind("."), raw.rfind(","))
    if last_sep != -1 and len(raw) - last_sep - 1 in (1, 2):
        decimals = raw[last_sep + 1 :]
        raw = raw[:last_sep]
    whole = re.sub(r"[^\d]", "", raw) or "0"
    return int(whole) * 100 + int((decimals + "00")[:2])
