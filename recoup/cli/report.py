"""`recoup report`: the KPIs as tables a person reads (money with its currency, the
aging as rows, one column per currency, and a reporting-currency column when rates
are given), or as JSON for machines."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rich.console import Group
from rich.table import Table

from recoup.ledger.kpis import AGING_BANDS, Kpis
from recoup.money import DEFAULT_CURRENCY, format_money
from recoup.rates import Rates

NOT_AVAILABLE = "n/a"

_MONEY_ROWS: tuple[tuple[str, str], ...] = (
    ("AR balance", "ar_balance_cents"),
    ("Overdue", "overdue_cents"),
    ("Disputed", "disputed_cents"),
    ("AR at the start of the period", "beginning_ar_cents"),
    ("Invoiced in the period", "sales_cents"),
    ("Cash collected in the period", "cash_collected_cents"),
)
_COUNT_ROWS: tuple[tuple[str, str], ...] = (
    ("Open invoices", "open_invoice_count"),
    ("Overdue invoices", "overdue_invoice_count"),
    ("Customers with a balance", "customers_with_balance"),
    ("Payments received", "payments_count"),
)
_DAY_ROWS: tuple[tuple[str, str], ...] = (
    ("DSO (countback), days", "dso_countback"),
    ("DSO (standard), days", "dso_standard"),
    ("Best possible DSO, days", "best_possible_dso"),
    ("Average days delinquent (ADD)", "add"),
)


def report_view(per_currency: list[Kpis], rates: Rates | None) -> Group:
    first = per_currency[0]
    currencies = [k.currency or DEFAULT_CURRENCY for k in per_currency]
    title = (
        f"Receivables as of {first.as_of:%d %b %Y}, the last {first.period_days} days "
        f"({first.period_start:%d %b %Y} – {first.as_of:%d %b %Y})"
    )
    money = Table(title=title, title_justify="left")
    money.add_column("")
    for currency in currencies:
        money.add_column(currency, justify="right")
    if rates is not None:
        money.add_column(f"all, in {rates.reporting}", justify="right", style="bold")
    for label, field in _MONEY_ROWS:
        amounts = [
            format_money(getattr(k, field), c)
            for k, c in zip(per_currency, currencies, strict=True)
        ]
        if rates is not None:
            total = sum(
                rates.convert(getattr(k, field), c)
                for k, c in zip(per_currency, currencies, strict=True)
            )
            amounts.append(format_money(total, rates.reporting))
        money.add_row(label, *amounts)
    _rows(money, per_currency, _COUNT_ROWS, str, rates)
    _rows(money, per_currency, _DAY_ROWS, _days, rates)
    _rows(money, per_currency, (("Collection effectiveness (CEI)", "cei"),), _percent_value, rates)

    aging = Table(title="Aging (days past due)", title_justify="left")
    aging.add_column("")
    for currency in currencies:
        aging.add_column(currency, justify="right")
        aging.add_column("invoices", justify="right")
    for band in AGING_BANDS:
        cells: list[str] = []
        for kpis, currency in zip(per_currency, currencies, strict=True):
            bucket = getattr(kpis.aging, band.key)
            cells += [format_money(bucket.cents, currency), str(bucket.count)]
        aging.add_row(band.label if band.key != "current" else "Not yet due", *cells)

    outcomes = Table(title="Agent outcomes (all currencies)", title_justify="left")
    outcomes.add_column("")
    outcomes.add_column("", justify="right")
    outcomes.add_row("Accounts worked", str(first.accounts_worked))
    outcomes.add_row("Accounts escalated", str(first.accounts_escalated))
    outcomes.add_row("Escalation rate", _share(first.escalation_rate))
    outcomes.add_row(
        "Resolved without escalation",
        f"{first.accounts_resolved_without_escalation} "
        f"({_share(first.resolved_without_escalation_share)})",
    )
    outcomes.add_row("Promises kept / broken", f"{first.promises_kept} / {first.promises_broken}")
    outcomes.add_row("Promise kept rate", _share(first.promise_kept_rate))
    parts: list[Any] = [money, aging, outcomes]
    if rates is not None:
        used = rates.used(currencies)
        parts.append(
            "Rates into "
            + rates.reporting
            + f" ({rates.source}): "
            + (
                ", ".join(f"1 {r.currency} = {r.rate} on {r.on:%d %b %Y}" for r in used)
                or "none needed"
            )
        )
    parts.append(f"{NOT_AVAILABLE}: not enough activity in the period to compute it.")
    return Group(*parts)


def report_json(per_currency: list[Kpis], rates: Rates | None) -> dict[str, Any]:
    data: dict[str, Any] = {"by_currency": [k.model_dump(mode="json") for k in per_currency]}
    if rates is not None:
        currencies = [k.currency or DEFAULT_CURRENCY for k in per_currency]
        data["reporting"] = {
            "currency": rates.reporting,
            "rates": [
                {"currency": r.currency, "rate": str(r.rate), "date": r.on.isoformat()}
                for r in rates.used(currencies)
            ],
            **{
                field: sum(
                    rates.convert(getattr(k, field), c)
                    for k, c in zip(per_currency, currencies, strict=True)
                )
                for _label, field in _MONEY_ROWS
            },
        }
    return data


def _rows(
    table: Table,
    per_currency: list[Kpis],
    rows: tuple[tuple[str, str], ...],
    show: Callable[[Any], str],
    rates: Rates | None,
) -> None:
    for label, field in rows:
        cells = [show(getattr(k, field)) for k in per_currency]
        if rates is not None:
            cells.append("")
        table.add_row(label, *cells)


def _days(value: float | None) -> str:
    return NOT_AVAILABLE if value is None else f"{value:,.1f}"


def _percent_value(value: float | None) -> str:
    return NOT_AVAILABLE if value is None else f"{value:,.1f}%"


def _share(value: float | None) -> str:
    return NOT_AVAILABLE if value is None else f"{value * 100:,.0f}%"
