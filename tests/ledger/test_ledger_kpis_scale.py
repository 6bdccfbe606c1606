"""KPIs stay SQL aggregates: 100,000 invoices in well under the budget, and the same
figures as a plain computation over the rows."""

from __future__ import annotations

import random
import time
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Engine, insert

from recoup.clock import FixedClock
from recoup.ledger.db import session as open_session
from recoup.ledger.kpis import AGING_BANDS, aging_band, compute_kpis
from recoup.ledger.models import Customer, Invoice, Payment, PaymentAllocation

INVOICES = 100_000
CUSTOMERS = 5_000
BUDGET_SECONDS = 3.0


Rows = list[dict[str, Any]]


def _build(engine: Engine, today: date) -> tuple[Rows, Rows, Rows]:
    rng = random.Random(20261123)
    invoices: Rows = []
    payments: Rows = []
    allocations: Rows = []
    for n in range(1, INVOICES + 1):
        issued = today - timedelta(days=rng.randint(0, 700))
        amount = rng.randint(1_000, 500_000)
        paid = issued < today - timedelta(days=20) and rng.random() < 0.7
        status = "void" if rng.random() < 0.01 else ("paid" if paid else "open")
        customer_id = rng.randint(1, CUSTOMERS)
        invoices.append(
            {"id": n, "customer_id": customer_id, "number": f"N{n:06d}", "issue_date": issued,
             "due_date": issued + timedelta(days=30), "amount_cents": amount,
             "open_cents": 0 if paid else amount, "status": status, "currency": "USD"}
        )  # fmt: skip
        if paid:
            pid = len(payments) + 1
            received = min(issued + timedelta(days=rng.randint(5, 60)), today)
            payments.append(
                {"id": pid, "customer_id": customer_id, "ref": f"P{pid}", "amount_cents": amount,
                 "unapplied_cents": 0, "received_on": received, "references": "",
                 "method": "transfer"}
            )  # fmt: skip
            allocations.append(
                {"payment_id": pid, "invoice_id": n, "amount_cents": amount, "short_pay_cents": 0,
                 "matched_by": "oldest_first"}
            )  # fmt: skip
    with engine.begin() as connection:
        connection.execute(
            insert(Customer),
            [{"id": i, "ref": f"C{i}", "name": "c"} for i in range(1, CUSTOMERS + 1)],
        )
        connection.execute(insert(Invoice), invoices)
        connection.execute(insert(Payment), payments)
        connection.execute(insert(PaymentAllocation), allocations)
    return invoices, payments, allocations


def test_kpis_on_100k_invoices_are_fast_and_exact(engine: Engine, clock: FixedClock) -> None:
    today = clock.now().date()
    invoices, payments, allocations = _build(engine, today)
    with open_session(engine) as session:
        started = time.perf_counter()
        kpis = compute_kpis(session, now=clock.now(), period_days=90)
        elapsed = time.perf_counter() - started
    assert elapsed < BUDGET_SECONDS, f"compute_kpis took {elapsed:.2f}s"

    open_rows = [i for i in invoices if i["status"] == "open"]
    assert kpis.ar_balance_cents == sum(i["open_cents"] for i in open_rows)
    for band in AGING_BANDS:
        rows = [i for i in open_rows if aging_band((today - i["due_date"]).days) is band]
        bucket = getattr(kpis.aging, band.key)
        assert (bucket.cents, bucket.count) == (sum(i["open_cents"] for i in rows), len(rows))
    start = today - timedelta(days=89)
    assert kpis.sales_cents == sum(
        i["amount_cents"] for i in invoices if i["status"] != "void" and i["issue_date"] >= start
    )
    assert kpis.cash_collected_cents == sum(
        p["amount_cents"] for p in payments if p["received_on"] >= start
    )
    # AR at the end of the day before the period: open then, whatever was paid since.
    paid_later = {a["invoice_id"] for a, p in zip(allocations, payments, strict=True)
                  if p["received_on"] >= start}  # fmt: skip
    beginning = sum(
        row["open_cents"] + (row["amount_cents"] if row["id"] in paid_later else 0)
        for row in invoices
        if row["status"] != "void" and row["issue_date"] < start
    )
    assert kpis.beginning_ar_cents == beginning
    assert kpis.dso_standard == round(kpis.ar_balance_cents * 90 / kpis.sales_cents, 2)
