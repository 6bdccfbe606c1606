"""Minor-unit money helpers: the ledger stores integers, people read decimals."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£"}


def to_cents(amount: float | Decimal | str) -> int:
    return int((Decimal(str(amount)) * 100).quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def from_cents(cents: int) -> Decimal:
    return (Decimal(cents) / 100).quantize(Decimal("0.01"))


def format_money(cents: int, currency: str = "USD") -> str:
    symbol = _SYMBOLS.get(currency)
    amount = f"{from_cents(cents):,.2f}"
    return f"{symbol}{amount}" if symbol else f"{amount} {currency}"
