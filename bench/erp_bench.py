"""ERP sync and write-back throughput, printed as JSON.

A QuickBooks Online company of 50,000 invoices (5,000 customers) is served by
respx on the documented query shapes, 50 ms a request and the provider's page
size (1,000), through the app-owned httpx client and the shared rate limiter;
the initial load runs on a fresh SQLite ledger. Then 1,000 queued write-backs
are delivered as Attachable notes, 50 ms a request.

    python bench/erp_bench.py [--invoices 50000] [--latency-ms 50]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import resource
import tempfile
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import respx
from cryptography.fernet import Fernet
from pydantic import SecretStr
from sqlalchemy import insert

from recoup.clock import FixedClock
from recoup.ledger.connectors.quickbooks import connector as qbo
from recoup.ledger.connectors.settings import ErpSettings, QuickBooksSettings
from recoup.ledger.connectors.sync.engine import SyncEngine
from recoup.ledger.connectors.sync.grants import Tokens, save_grant
from recoup.ledger.connectors.sync.registry import build_connector, sealer_for
from recoup.ledger.connectors.sync.sources import connect_source
from recoup.ledger.connectors.sync.tables import WriteBack
from recoup.ledger.connectors.sync.writeback import deliver_due
from recoup.ledger.db import create_all, make_engine
from recoup.ledger.db import session as open_session
from recoup.policy import Policy

REALM = "4620816365"
BASE = f"{qbo.PRODUCTION_URL}/v3/company/{REALM}"
NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
_PAGED = re.compile(r"select \* from (\w+) ORDERBY Id STARTPOSITION (\d+) MAXRESULTS (\d+)")


class Company:
    """Objects made on demand, so the served side holds no 50,000-object list."""

    def __init__(self, invoices: int, latency_s: float) -> None:
        self.invoices = invoices
        self.customers = max(invoices // 10, 1)
        self.latency_s = latency_s
        self.requests = 0

    def customer(self, n: int) -> dict[str, Any]:
        return {
            "Id": str(n),
            "DisplayName": f"Customer {n}",
            "PrimaryEmailAddr": {"Address": f"ap@c{n}.example"},
            "CurrencyRef": {"value": "USD"},
            "MetaData": {"LastUpdatedTime": NOW.isoformat()},
        }

    def invoice(self, n: int) -> dict[str, Any]:
        due = date(2026, 12, 1) - timedelta(days=n % 120)
        total = 100 + (n % 900) + 0.25
        return {
            "Id": str(n),
            "DocNumber": f"B-{n:06d}",
            "TxnDate": (due - timedelta(days=30)).isoformat(),
            "DueDate": due.isoformat(),
            "TotalAmt": total,
            "Balance": total if n % 4 else 0,
            "CustomerRef": {"value": str(1 + n % self.customers)},
            "CurrencyRef": {"value": "USD"},
            "Line": [{"Description": "Consulting services", "Amount": total}],
            "MetaData": {"LastUpdatedTime": NOW.isoformat()},
        }

    def query(self, request: httpx.Request) -> httpx.Response:
        time.sleep(self.latency_s)
        self.requests += 1
        match = _PAGED.match(request.url.params["query"])
        if match is None:
            return httpx.Response(200, json={"QueryResponse": {}})
        entity, start, size = match.group(1), int(match.group(2)), int(match.group(3))
        count, make = {
            "Customer": (self.customers, self.customer),
            "Invoice": (self.invoices, self.invoice),
        }.get(entity, (0, self.invoice))
        rows = [make(n) for n in range(start, min(start + size, count + 1))]
        body: dict[str, Any] = {
            "QueryResponse": {entity: rows} if rows else {},
            "time": NOW.isoformat(),
        }
        return httpx.Response(200, json=body)

    def attachable(self, request: httpx.Request) -> httpx.Response:
        time.sleep(self.latency_s)
        self.requests += 1
        return httpx.Response(
            200, json={"Attachable": {"Id": uuid.uuid4().hex[:10], **json.loads(request.content)}}
        )


async def run(invoices: int, latency_ms: float, notes: int) -> dict[str, Any]:
    clock = FixedClock(NOW)
    company = Company(invoices, latency_ms / 1000)
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        engine = make_engine(f"sqlite:///{home / 'bench.db'}")
        create_all(engine)
        settings = ErpSettings(
            token_key=SecretStr(Fernet.generate_key().decode()),
            quickbooks=QuickBooksSettings(client_id="bench", client_secret=SecretStr("bench")),
        )
        with open_session(engine) as session:
            connect_source(session, "quickbooks", now=NOW, tenant_id=REALM)
            tokens = Tokens(
                "bench-access", NOW + timedelta(days=1), "bench-refresh", NOW + timedelta(days=100)
            )
            save_grant(session, "quickbooks", tokens, sealer_for(settings, home), now=NOW)
            session.commit()
        with respx.mock(assert_all_called=False) as router:
            router.get(f"{BASE}/query").mock(side_effect=company.query)
            router.post(f"{BASE}/attachable").mock(side_effect=company.attachable)
            async with httpx.AsyncClient() as client:
                connector = build_connector(
                    "quickbooks", engine, settings, client, clock, home=home
                )
                rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
                started = time.perf_counter()
                report = await SyncEngine(engine, connector, clock=clock, policy=Policy()).run()
                sync_s = time.perf_counter() - started
                rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
                sync_requests = company.requests
                with engine.begin() as connection:
                    connection.execute(
                        insert(WriteBack),
                        [
                            {
                                "source": "quickbooks",
                                "idempotency_key": uuid.uuid4().hex,
                                "customer_id": None,
                                "target_kind": "invoice",
                                "target_id": str(1 + n),
                                "action": "send_email",
                                "text": f"recoup: email sent: reminder about B-{1 + n:06d}",
                                "status": "pending",
                                "attempts": 0,
                                "created_at": NOW,
                                "next_attempt_at": NOW,
                            }
                            for n in range(notes)
                        ],
                    )
                started = time.perf_counter()
                delivered = 0
                while delivered < notes:
                    delivered += (
                        await deliver_due(engine, connector, clock=clock, limit=200)
                    ).delivered
                deliver_s = time.perf_counter() - started
        engine.dispose()
    return {
        "erp_provider": "quickbooks",
        "erp_invoices": invoices,
        "erp_customers": company.customers,
        "erp_latency_ms": latency_ms,
        "erp_page_size": qbo.PAGE_SIZE,
        "erp_sync_requests": sync_requests,
        "erp_sync_seconds": round(sync_s, 2),
        "erp_sync_invoices_per_s": round(invoices / sync_s, 1),
        "erp_sync_records": report.records,
        "erp_peak_rss_mb": round(rss_after / 1024, 1),
        "erp_rss_growth_mb": round((rss_after - rss_before) / 1024, 1),
        "erp_writebacks": notes,
        "erp_writeback_deliveries_per_s": round(notes / deliver_s, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--invoices", type=int, default=50_000)
    parser.add_argument("--latency-ms", type=float, default=50.0)
    parser.add_argument("--writebacks", type=int, default=1_000)
    args = parser.parse_args()
    print(json.dumps(asyncio.run(run(args.invoices, args.latency_ms, args.writebacks)), indent=2))


if __name__ == "__main__":
    main()
