"""Exchange rates into one reporting currency, each with the date it is valid for.

A rates file is CSV with the columns ``currency``, ``rate`` and ``date``: one unit
of ``currency`` is worth ``rate`` units of the reporting currency on ``date``.
Totals are converted only when the person asks for a reporting currency; every
conversion can say which rate, of which day, it used.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path

from recoup.errors import InputError

_CODE = re.compile(r"^[A-Z]{3}$")


@dataclass(frozen=True)
class Rate:
    currency: str
    rate: Decimal
    on: date


@dataclass(frozen=True)
class Rates:
    reporting: str
    rates: dict[str, Rate]
    source: str

    def convert(self, cents: int, currency: str) -> int:
        """``cents`` of ``currency`` in the reporting currency's minor units."""
        if currency == self.reporting:
            return cents
        rate = self.rates.get(currency)
        if rate is None:
            raise InputError(
                f"{self.source} has no rate for {currency} into {self.reporting}",
                hint=f"add a line '{currency},RATE,YYYY-MM-DD' to it",
            )
        return int((Decimal(cents) * rate.rate).quantize(Decimal("1"), rounding=ROUND_HALF_UP))

    def used(self, currencies: list[str]) -> list[Rate]:
        return [self.rates[c] for c in currencies if c != self.reporting and c in self.rates]


def load_rates(path: Path, reporting: str) -> Rates:
    """The rates of ``path`` into ``reporting``; an ``InputError`` naming the row."""
    reporting = reporting.strip().upper()
    if not _CODE.match(reporting):
        raise InputError(f"not a currency code: {reporting!r}", hint="use ISO 4217, e.g. USD")
    if not path.is_file():
        raise InputError(f"{path} does not exist", hint="give a CSV of currency,rate,date")
    rates: dict[str, Rate] = {}
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        header = {field.strip().lower() for field in reader.fieldnames or []}
        missing = {"currency", "rate", "date"} - header
        if missing:
            raise InputError(
                f"{path.name} row 1: missing column(s) {', '.join(sorted(missing))}",
                hint="the columns are currency,rate,date",
            )
        for number, row in enumerate(reader, start=2):
            cells = {k.strip().lower(): (v or "").strip() for k, v in row.items() if k}
            rates[cells["currency"].upper()] = _rate(path.name, number, cells)
    return Rates(reporting=reporting, rates=rates, source=path.name)


def _rate(name: str, number: int, cells: dict[str, str]) -> Rate:
    where = f"{name} row {number}"
    currency = cells["currency"].upper()
    if not _CODE.match(currency):
        raise InputError(f"{where}: not a currency code: {cells['currency']!r}")
    try:
        rate = Decimal(cells["rate"])
    except InvalidOperation as exc:
        raise InputError(f"{where}: not a rate: {cells['rate']!r}") from exc
    if not rate.is_finite() or rate <= 0:
        raise InputError(f"{where}: a rate must be a positive number, not {cells['rate']!r}")
    try:
        on = date.fromisoformat(cells["date"])
    except ValueError as exc:
        raise InputError(f"{where}: not a date: {cells['date']!r} (use YYYY-MM-DD)") from exc
    return Rate(currency, rate, on)
