"""ERP sync and write-back throughput, printed as JSON.

A company of 50,000 invoices (5,000 customers) is served by respx on each
provider's documented shapes, 50 ms a request and the provider's page size
(1,000), through the app-owned httpx client and the shared rate limiter; the
initial load runs on a fresh SQLite ledger. QuickBooks Online answers its
``select … STARTPOSITION … MAXRESULTS`` queries; Xero its ``page``/``pageSize``
reads of every endpoint; NetSuite its SuiteQL ``limit``/``offset`` pages. Then
1,000 queued write-backs are delivered (QuickBooks ``Attachable`` notes, Xero
History & Notes, NetSuite ``note`` upserts), 50 ms a request; Xero, which allows
60 calls a minute, gets 120.

    python bench/erp_bench.py [--provider quickbooks|xero|netsuite|all] [--invoices 50000]
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
from sqlalchemy import Engine, insert

from recoup.clock import FixedClock
from recoup.ledger.connectors.netsuite import connector as netsuite
from recoup.ledger.connectors.quickbooks import connector as qbo
from recoup.ledger.connectors.settings import (
    ErpSettings,
    NetSuiteSettings,
    QuickBooksSettings,
    XeroSettings,
)
from recoup.ledger.connectors.sync.engine import SyncEngine
from recoup.ledger.connectors.sync.grants import Tokens, save_grant
from recoup.ledger.connectors.sync.provider import SourceConnector
from recoup.ledger.connectors.sync.registry import build_connector, sealer_for
from recoup.ledger.connectors.sync.sources import connect_source
from recoup.ledger.connectors.sync.tables import WriteBack
from recoup.ledger.connectors.sync.writeback import deliver_due
from recoup.ledger.connectors.xero import connector as xero
from recoup.ledger.db import create_all, make_engine
from recoup.ledger.db import session as open_session
from recoup.policy import Policy

REALM = "4620816365"
TENANT = "b1c7e2a4-5d3f-4e8a-9c21-7f0e6d5b4a39"
ACCOUNT = "4620816"
QBO_BASE = f"{qbo.PRODUCTION_URL}/v3/company/{REALM}"
NS_BASE = netsuite.rest_url(ACCOUNT)
NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
_PAGED = re.compile(r"select \* from (\w+) ORDERBY Id STARTPOSITION (\d+) MAXRESULTS (\d+)")


class Books:
    """Records made on demand, so the served side holds no 50,000-object list."""

    def __init__(self, invoices: int, latency_s: float) -> None:
        self.invoices = invoices
        self.customers = max(invoices // 10, 1)
        self.latency_s = latency_s
        self.requests = 0

    def wait(self) -> None:
        time.sleep(self.latency_s)
        self.requests += 1

    def due(self, n: int) -> date:
        return date(2026, 12, 1) - timedelta(days=n % 120)

    def total(self, n: int) -> float:
        return 100 + (n % 900) + 0.25


class QuickBooksCompany(Books):
    def customer(self, n: int) -> dict[str, Any]:
        return {
            "Id": str(n),
            "DisplayName": f"Customer {n}",
            "PrimaryEmailAddr": {"Address": f"ap@c{n}.example"},
            "CurrencyRef": {"value": "USD"},
            "MetaData": {"LastUpdatedTime": NOW.isoformat()},
        }

    def invoice(self, n: int) -> dict[str, Any]:
        due, total = self.due(n), self.total(n)
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
        self.wait()
        match = _PAGED.match(request.url.params["query"])
        if match is None:
            return httpx.Response(200, json={"QueryResponse": {}})
        entity, start, size = match.group(1), int(match.group(2)), int(match.group(3))
        count, make = {
            "Customer": (self.customers, self.customer),
            "Invoice": (self.invoices, self.invoice),
        }.get(entity, (0, self.invoice))
        rows = [make(n) for n in range(start, min(start + size, count + 1))]
        body = {"QueryResponse": {entity: rows} if rows else {}, "time": NOW.isoformat()}
        return httpx.Response(200, json=body)

    def attachable(self, request: httpx.Request) -> httpx.Response:
        self.wait()
        return httpx.Response(
            200, json={"Attachable": {"Id": uuid.uuid4().hex[:10], **json.loads(request.content)}}
        )

    def install(self, router: respx.MockRouter) -> None:
        router.get(f"{QBO_BASE}/query").mock(side_effect=self.query)
        router.post(f"{QBO_BASE}/attachable").mock(side_effect=self.attachable)


class NetSuiteAccount(Books):
    def customer(self, n: int) -> dict[str, Any]:
        return {
            "links": [],
            "id": str(n),
            "entityid": f"Customer {n}",
            "companyname": f"Customer {n}",
            "email": f"ap@c{n}.example",
            "currency": "USD",
            "termsdays": "30",
        }

    def invoice(self, n: int) -> dict[str, Any]:
        due, total = self.due(n), self.total(n)
        return {
            "links": [],
            "id": str(n),
            "tranid": f"B-{n:06d}",
            "type": "CustInvc",
            "entity": str(1 + n % self.customers),
            "trandate": (due - timedelta(days=30)).isoformat(),
            "duedate": due.isoformat(),
            "foreigntotal": f"{total:.2f}",
            "foreignamountremaining": f"{total if n % 4 else 0:.2f}",
            "currency": "USD",
            "memo": "Consulting services",
            "voided": "F",
        }

    def suiteql(self, request: httpx.Request) -> httpx.Response:
        self.wait()
        statement = json.loads(request.content)["q"]
        limit, offset = int(request.url.params["limit"]), int(request.url.params["offset"])
        count, make = 0, self.invoice
        if statement.startswith("SELECT c.id"):
            count, make = self.customers, self.customer
        elif "t.type = 'CustInvc'" in statement:
            count = self.invoices
        rows = [make(n) for n in range(1 + offset, min(1 + offset + limit, count + 1))]
        more = offset + limit < count
        return httpx.Response(
            200,
            json={
                "links": [],
                "count": len(rows),
                "hasMore": more,
                "items": rows,
                "offset": offset,
                "totalResults": count,
            },
        )

    def note(self, request: httpx.Request) -> httpx.Response:
        self.wait()
        return httpx.Response(
            204, headers={"Location": f"{NS_BASE}/record/v1/note/{self.requests}"}
        )

    def install(self, router: respx.MockRouter) -> None:
        router.post(f"{NS_BASE}/query/v1/suiteql").mock(side_effect=self.suiteql)
        router.put(url__regex=rf"^{re.escape(NS_BASE)}/record/v1/note/").mock(side_effect=self.note)


class XeroOrganisation(Books):
    """Xero's ``page``/``pageSize`` reads, every endpoint answered; History & Notes."""

    def contact(self, n: int) -> dict[str, Any]:
        return {
            "ContactID": f"c-{n}",
            "Name": f"Customer {n}",
            "EmailAddress": f"ap@c{n}.example",
            "DefaultCurrency": "USD",
            "UpdatedDateUTC": f"/Date({int(NOW.timestamp() * 1000)}+0000)/",
        }

    def invoice(self, n: int) -> dict[str, Any]:
        due, total = self.due(n), self.total(n)
        return {
            "InvoiceID": f"i-{n}",
            "Type": "ACCREC",
            "InvoiceNumber": f"B-{n:06d}",
            "Contact": {"ContactID": f"c-{1 + n % self.customers}"},
            "DateString": f"{(due - timedelta(days=30)).isoformat()}T00:00:00",
            "DueDateString": f"{due.isoformat()}T00:00:00",
            "Status": "AUTHORISED" if n % 4 else "PAID",
            "CurrencyCode": "USD",
            "Total": total,
            "AmountDue": total if n % 4 else 0,
            "LineItems": [{"Description": "Consulting services", "LineAmount": total}],
            "UpdatedDateUTC": f"/Date({int(NOW.timestamp() * 1000)}+0000)/",
        }

    def read(self, request: httpx.Request) -> httpx.Response:
        self.wait()
        endpoint = request.url.path.rsplit("/", 1)[-1]
        page, size = int(request.url.params["page"]), int(request.url.params["pageSize"])
        count, make = {
            "Contacts": (self.customers, self.contact),
            "Invoices": (self.invoices, self.invoice),
        }.get(endpoint, (0, self.invoice))
        first = 1 + (page - 1) * size
        rows = [make(n) for n in range(first, min(first + size, count + 1))]
        return httpx.Response(200, json={endpoint: rows})

    def history(self, request: httpx.Request) -> httpx.Response:
        self.wait()
        return httpx.Response(200, json=json.loads(request.content))

    def install(self, router: respx.MockRouter) -> None:
        base = re.escape(xero.API_URL)
        router.get(url__regex=rf"^{base}/\w+(?:\?|$)").mock(side_effect=self.read)
        router.put(url__regex=rf"^{base}/\w+/[^/?]+/History").mock(side_effect=self.history)


def _settings(provider: str, home: Path) -> tuple[ErpSettings, str]:
    key = SecretStr(Fernet.generate_key().decode())
    if provider == "quickbooks":
        qs = QuickBooksSettings(client_id="bench", client_secret=SecretStr("bench"))
        return ErpSettings(token_key=key, quickbooks=qs), REALM
    if provider == "xero":
        xs = XeroSettings(client_id="bench", client_secret=SecretStr("bench"))
        return ErpSettings(token_key=key, xero=xs), TENANT
    ns = NetSuiteSettings(
        account_id=ACCOUNT,
        client_id="bench",
        certificate_id="bench",
        private_key_file=home / "unused.pem",  # the stored token outlives the run
    )
    return ErpSettings(token_key=key, netsuite=ns), ACCOUNT


def _connected_ledger(provider: str, home: Path) -> tuple[Engine, ErpSettings]:
    engine = make_engine(f"sqlite:///{home / 'bench.db'}")
    create_all(engine)
    settings, tenant = _settings(provider, home)
    with open_session(engine) as session:
        connect_source(session, provider, now=NOW, tenant_id=tenant)
        tokens = Tokens("bench-access", NOW + timedelta(days=1), "bench-refresh")
        save_grant(session, provider, tokens, sealer_for(settings, home), now=NOW)
        session.commit()
    return engine, settings


def _queue_notes(engine: Engine, provider: str, notes: int) -> None:
    with engine.begin() as connection:
        connection.execute(
            insert(WriteBack),
            [
                {
                    "source": provider,
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


async def _deliver_all(engine: Engine, connector: SourceConnector, notes: int) -> float:
    clock = FixedClock(NOW)
    started = time.perf_counter()
    delivered = 0
    while delivered < notes:
        delivered += (await deliver_due(engine, connector, clock=clock, limit=200)).delivered
    return time.perf_counter() - started


# Xero allows 60 calls a minute: a thousand notes would take 17 minutes at its limit.
XERO_NOTES = 120


async def run(provider: str, invoices: int, latency_ms: float, notes: int) -> dict[str, Any]:
    clock = FixedClock(NOW)
    if provider == "xero":
        notes = min(notes, XERO_NOTES)
    served: QuickBooksCompany | XeroOrganisation | NetSuiteAccount = {
        "quickbooks": QuickBooksCompany,
        "xero": XeroOrganisation,
        "netsuite": NetSuiteAccount,
    }[provider](invoices, latency_ms / 1000)
    with tempfile.TemporaryDirectory() as tmp:
        engine, settings = _connected_ledger(provider, Path(tmp))
        with respx.mock(assert_all_called=False) as router:
            served.install(router)
            async with httpx.AsyncClient() as client:
                connector = build_connector(
                    provider, engine, settings, client, clock, home=Path(tmp)
                )
                rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
                started = time.perf_counter()
                report = await SyncEngine(engine, connector, clock=clock, policy=Policy()).run()
                sync_s = time.perf_counter() - started
                rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
                sync_requests = served.requests
                _queue_notes(engine, provider, notes)
                deliver_s = await _deliver_all(engine, connector, notes)
        engine.dispose()
    page_size = {
        "quickbooks": qbo.PAGE_SIZE,
        "xero": xero.PAGE_SIZE,
        "netsuite": netsuite.PAGE_SIZE,
    }[provider]
    return {
        "erp_provider": provider,
        "erp_invoices": invoices,
        "erp_customers": served.customers,
        "erp_latency_ms": latency_ms,
        "erp_page_size": page_size,
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
    parser.add_argument(
        "--provider", choices=("quickbooks", "xero", "netsuite", "all"), default="all"
    )
    parser.add_argument("--invoices", type=int, default=50_000)
    parser.add_argument("--latency-ms", type=float, default=50.0)
    parser.add_argument("--writebacks", type=int, default=1_000)
    args = parser.parse_args()
    providers = ["quickbooks", "xero", "netsuite"] if args.provider == "all" else [args.provider]
    # One process's peak memory covers every provider run before: for each one's own
    # peak, run one provider at a time.
    figures = [
        asyncio.run(run(name, args.invoices, args.latency_ms, args.writebacks))
        for name in providers
    ]
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
