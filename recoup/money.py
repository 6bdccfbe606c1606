"""Minor-unit money helpers: the ledger stores integers, people read decimals.

An amount never travels without its currency: totals are kept per currency
(``Totals``) and only converted to one reporting currency with dated rates
(``recoup.rates``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import ROUND_HALF_UP, Decimal

DEFAULT_CURRENCY = "USD"
_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£"}


def to_cents(amount: float | Decimal | str) -> int:
    return int((Decimal(str(amount)) * 100).quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def from_cents(cents: int) -> Decimal:
    return (Decimal(cents) / 100).quantize(Decimal("0.01"))


def format_money(cents: int, currency: str = DEFAULT_CURRENCY) -> str:
    symbol = _SYMBOLS.get(currency)
    amount = f"{from_cents(cents):,.2f}"
    if symbol:
        return f"-{symbol}{amount[1:]}" if cents < 0 else f"{symbol}{amount}"
    return f"{amount} {currency}"


class Totals(dict[str, int]):
    """Amounts in minor units by currency, never added across currencies."""

    def add(self, currency: str, cents: int) -> None:
        self[currency] = self.get(currency, 0) + cents

    @classmethod
    def of(cls, pairs: Iterable[tuple[str, int]]) -> Totals:
        totals = cls()
        for currency, cents in pairs:
            totals.add(currency, cents)
        return totals


def format_totals(totals: Mapping[str, int], *, zero: str | None = None) -> str:
    """``€1,000.00 + $2,000.00``: each currency on its own, largest first; ``zero``
    (default: 0.00 in the default currency) when there is nothing."""
    shown = [(c, v) for c, v in totals.items() if v]
    if not shown:
        return zero if zero is not None else format_money(0)
    shown.sort(key=lambda pair: (-abs(pair[1]), pair[0]))
    return " + ".join(format_money(cents, currency) for currency, cents in shown)
