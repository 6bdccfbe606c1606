"""CSV import at scale: `python bench/import_bench.py [--rows N]` prints one JSON object.

Writes a folder of customers, contacts and invoices CSV files with ``--rows`` rows in
all (one in 45 a customer, as many contacts, the rest invoices, a tenth of them
part-paid), then times ``recoup.ledger.connectors.csv_files.import_directory`` into a
fresh SQLite ledger in a child process, so the peak memory measured is the import's
own (the process's peak resident set, interpreter and libraries included). Then, in
the same child, a payments file (``--payments``, each naming an invoice) goes through
cash application, which works one payment at a time.
"""

from __future__ import annotations

import argparse
import csv
import json
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

NOW = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)
INVOICES_PER_CUSTOMER = 43


def write_files(directory: Path, rows: int) -> dict[str, int]:
    """Customers, one contact each and ``INVOICES_PER_CUSTOMER`` invoices each:
    ``rows`` rows in all."""
    per_customer = 2 + INVOICES_PER_CUSTOMER
    customers = max(1, rows // per_customer)
    invoices = rows - 2 * customers
    today = NOW.date()
    with _writer(directory / "customers.csv", ["ref", "name", "currency", "terms_days"]) as out:
        for n in range(customers):
            out.writerow([f"C{n:06d}", f"Customer {n} Sp. z o.o.", "EUR" if n % 5 else "USD", 30])
    with _writer(directory / "contacts.csv", ["customer_ref", "email", "is_primary"]) as out:
        for n in range(customers):
            out.writerow([f"C{n:06d}", f"ap@c{n}.example", "true"])
    header = ["number", "customer_ref", "issue_date", "due_date", "amount", "open_amount"]
    with _writer(directory / "invoices.csv", header) as out:
        for n in range(invoices):
            due = today - timedelta(days=n % 120 - 30)
            out.writerow(_invoice_row(n, customers, due))
    return {"customers": customers, "contacts": customers, "invoices": invoices}


def write_payments(path: Path, payments: int, customers: int) -> None:
    with _writer(path, ["ref", "customer_ref", "amount", "received_on", "references"]) as out:
        for n in range(payments):
            owner = n % customers
            invoice = owner * INVOICES_PER_CUSTOMER + n // customers
            out.writerow([f"P{n:07d}", f"C{owner:06d}", "100.00", NOW.date().isoformat(),
                          f"INV{invoice:07d}"])  # fmt: skip


def _invoice_row(n: int, customers: int, due: date) -> list[object]:
    owner = min(n // INVOICES_PER_CUSTOMER, customers - 1)
    issue = due - timedelta(days=30)
    amount = f"{1_000 + n % 9_000}.{n % 100:02d}"
    part_paid = "500.00" if n % 10 == 0 else ""
    return [f"INV{n:07d}", f"C{owner:06d}", issue.isoformat(), due.isoformat(), amount,
            part_paid]  # fmt: skip


@contextmanager
def _writer(path: Path, header: list[str]) -> Iterator[Any]:
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(header)
        yield out


def _import_once(directory: Path, database: Path, payments: Path) -> dict[str, float]:
    """Runs in the child: import ``directory``, then ``payments``, into ``database``."""
    from recoup.ledger.connectors.csv_files import import_csv, import_directory
    from recoup.ledger.db import create_all, make_engine
    from recoup.ledger.db import session as open_session
    from recoup.policy import Policy

    engine = make_engine(f"sqlite:///{database}")
    create_all(engine)
    started, cpu = time.perf_counter(), time.process_time()
    with open_session(engine) as session:
        report = import_directory(session, directory, now=NOW, policy=Policy())
        session.commit()
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    with open_session(engine) as session:
        cash = import_csv(session, payments, "payments", now=NOW, policy=Policy())
        session.commit()
    cash_elapsed = time.perf_counter() - started
    engine.dispose()
    imported = report.customers.created + report.contacts.created + report.invoices.created
    return {
        "import_seconds": elapsed,
        "import_cpu_seconds": cpu,
        "import_records": imported,
        "import_peak_mb": peak_kb / 1024,
        "payments": cash.payments.created,
        "payments_seconds": cash_elapsed,
    }


def run_import_bench(
    *, quick: bool, rows: int | None = None, payments: int | None = None
) -> dict[str, Any]:
    rows = rows or (20_000 if quick else 200_000)
    payments = payments or (200 if quick else 1_000)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "csv"
        folder.mkdir()
        counts = write_files(folder, rows)
        write_payments(Path(tmp) / "payments.csv", payments, counts["customers"])
        child = subprocess.run(
            [sys.executable, __file__, "--child", str(folder), str(Path(tmp) / "ledger.db"),
             str(Path(tmp) / "payments.csv")],
            check=True, capture_output=True, text=True,
        )  # fmt: skip
        measured = json.loads(child.stdout)
    assert measured["import_records"] == sum(counts.values()), (measured, counts)
    assert measured["payments"] == payments, measured
    return {
        "import_rows": measured["import_records"],
        "import_seconds": round(measured["import_seconds"], 2),
        # The process's own CPU time: the wall time on a machine shared with other work
        # can be several times it.
        "import_cpu_seconds": round(measured["import_cpu_seconds"], 2),
        "import_rows_per_s": round(measured["import_records"] / measured["import_seconds"]),
        "import_peak_mb": round(measured["import_peak_mb"], 1),
        "import_payments_per_s": round(payments / measured["payments_seconds"], 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=None, help="rows in all (200,000)")
    parser.add_argument("--payments", type=int, default=None, help="payments (1,000)")
    parser.add_argument("--quick", action="store_true", help="20,000 rows, 200 payments")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(_import_once(*(Path(part) for part in args.child))))
        return
    results = run_import_bench(quick=args.quick, rows=args.rows, payments=args.payments)
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
