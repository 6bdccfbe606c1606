"""CSV import at scale: `python bench/import_bench.py [--rows N]` prints one JSON object.

Writes a folder of customers, contacts, invoices and payments CSV files with
``--rows`` rows in all, then times ``recoup.ledger.connectors.csv_files.import_directory``
into a fresh SQLite ledger in a child process, so the peak memory measured is the
import's own (the process's peak resident set, interpreter and libraries included).
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
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

NOW = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)
INVOICES_PER_CUSTOMER = 40
PAYMENTS_PER_CUSTOMER = 3


def write_files(directory: Path, rows: int) -> dict[str, int]:
    """Customers, one contact each, ``INVOICES_PER_CUSTOMER`` invoices and
    ``PAYMENTS_PER_CUSTOMER`` payments each: ``rows`` rows in all."""
    per_customer = 2 + INVOICES_PER_CUSTOMER + PAYMENTS_PER_CUSTOMER
    customers = max(1, rows // per_customer)
    counts = {"customers": customers, "contacts": customers, "invoices": 0, "payments": 0}
    extra = rows - customers * per_customer
    today = NOW.date()
    with _writer(directory / "customers.csv", ["ref", "name", "currency", "terms_days"]) as out:
        for n in range(customers):
            out.writerow([f"C{n:06d}", f"Customer {n} Sp. z o.o.", "EUR" if n % 5 else "USD", 30])
    with _writer(directory / "contacts.csv", ["customer_ref", "email", "is_primary"]) as out:
        for n in range(customers):
            out.writerow([f"C{n:06d}", f"ap@c{n}.example", "true"])
    header = ["number", "customer_ref", "issue_date", "due_date", "amount"]
    with _writer(directory / "invoices.csv", header) as out:
        for n in range(customers * INVOICES_PER_CUSTOMER + max(extra, 0)):
            due = today - timedelta(days=n % 120 - 30)
            out.writerow(_invoice_row(n, customers, due))
            counts["invoices"] += 1
    header = ["ref", "customer_ref", "amount", "received_on", "references"]
    with _writer(directory / "payments.csv", header) as out:
        for n in range(customers * PAYMENTS_PER_CUSTOMER):
            invoice = (n // PAYMENTS_PER_CUSTOMER) * INVOICES_PER_CUSTOMER + n % 3
            out.writerow([f"P{n:07d}", f"C{n // PAYMENTS_PER_CUSTOMER:06d}", "100.00",
                          today.isoformat(), f"INV{invoice:07d}"])  # fmt: skip
            counts["payments"] += 1
    return counts


def _invoice_row(n: int, customers: int, due: date) -> list[object]:
    owner = min(n // INVOICES_PER_CUSTOMER, customers - 1)
    issue = due - timedelta(days=30)
    return [f"INV{n:07d}", f"C{owner:06d}", issue.isoformat(), due.isoformat(),
            f"{1_000 + n % 9_000}.{n % 100:02d}"]  # fmt: skip


class _writer:  # noqa: N801  (a context manager read as a verb)
    def __init__(self, path: Path, header: list[str]) -> None:
        self.handle = path.open("w", newline="", encoding="utf-8")
        self.out = csv.writer(self.handle)
        self.out.writerow(header)

    def __enter__(self) -> Any:
        return self.out

    def __exit__(self, *_exc: object) -> None:
        self.handle.close()


def _import_once(directory: Path, database: Path) -> dict[str, float]:
    """Runs in the child: import ``directory`` into ``database``; timings and peak RSS."""
    from recoup.ledger.connectors.csv_files import import_directory
    from recoup.ledger.db import create_all, make_engine
    from recoup.ledger.db import session as open_session
    from recoup.policy import Policy

    engine = make_engine(f"sqlite:///{database}")
    create_all(engine)
    started = time.perf_counter()
    with open_session(engine) as session:
        report = import_directory(session, directory, now=NOW, policy=Policy())
        session.commit()
    elapsed = time.perf_counter() - started
    engine.dispose()
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    imported = report.customers.created + report.contacts.created + report.invoices.created
    imported += report.payments.created
    return {"import_seconds": elapsed, "import_records": imported, "import_peak_mb": peak_kb / 1024}


def run_import_bench(*, quick: bool, rows: int | None = None) -> dict[str, Any]:
    rows = rows or (20_000 if quick else 200_000)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "csv"
        folder.mkdir()
        counts = write_files(folder, rows)
        child = subprocess.run(
            [sys.executable, __file__, "--child", str(folder), str(Path(tmp) / "ledger.db")],
            check=True, capture_output=True, text=True,
        )  # fmt: skip
        measured = json.loads(child.stdout)
    assert measured["import_records"] == sum(counts.values()), (measured, counts)
    return {
        "import_rows": measured["import_records"],
        "import_seconds": round(measured["import_seconds"], 2),
        "import_rows_per_s": round(measured["import_records"] / measured["import_seconds"]),
        "import_peak_mb": round(measured["import_peak_mb"], 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=None, help="rows in all (200,000)")
    parser.add_argument("--quick", action="store_true", help="20,000 rows")
    parser.add_argument("--child", nargs=2, metavar=("FOLDER", "DATABASE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(_import_once(Path(args.child[0]), Path(args.child[1]))))
        return
    print(json.dumps(run_import_bench(quick=args.quick, rows=args.rows), indent=2))


if __name__ == "__main__":
    main()
