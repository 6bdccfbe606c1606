"""The NetSuite connector: SuiteQL over REST, polled; notes as ``note`` records.

Reads go through ``POST /services/rest/query/v1/suiteql`` (``Prefer: transient``,
the statement as ``{"q": …}``, ``limit``/``offset`` paging; an answer carries
``items``, ``hasMore``, ``count``, ``offset``, ``totalResults`` and ``links``).
A pass reads customers, contacts, invoices (``CustInvc``), credit memos
(``CustCred``) and payments (``CustPymt``, with their applied transactions
from ``NextTransactionLineLink``), then, after the initial load, the deleted
records; each table from the previous pass's start on ``lastmodifieddate``.
NetSuite sends no webhooks: ``recoup run`` polls on its schedule.

Notes are ``note`` records on the invoice (``transaction``) or the customer
(``entity``), upserted by external id (``PUT /record/v1/note/eid:<key>``) with
the write-back's idempotency key: a retry updates the note it made instead of
making a second.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from datetime import datetime, timedelta
from typing import Any, cast

from recoup.clock import Clock
from recoup.ledger.connectors.netsuite import mapping, queries
from recoup.ledger.connectors.netsuite.credentials import account_host
from recoup.ledger.connectors.sync.http import ProviderHttp
from recoup.ledger.connectors.sync.limits import NETSUITE_LIMITS, Limits
from recoup.ledger.connectors.sync.records import Deletion, Kind, SourcePage
from recoup.ledger.connectors.sync.tables import WriteBack

NAME = "netsuite"
PREFIX = "NS"
LIMITS: Limits = NETSUITE_LIMITS
PAGE_SIZE = 1000
FETCH_CHUNK = 200
NOTE_MAX = 4000
TITLE_MAX = 99
# Re-read a little before the last pass began: the account's clock and ours may differ.
OVERLAP = timedelta(minutes=5)
PHASES = ("customer", "contact", "invoice", "creditmemo", "payment", "deleted")
KIND_TABLES = {
    Kind.CUSTOMER: "customer",
    Kind.INVOICE: "invoice",
    Kind.PAYMENT: "payment",
    Kind.CREDIT_MEMO: "creditmemo",
}


def rest_url(account_id: str) -> str:
    return f"https://{account_host(account_id)}.suitetalk.api.netsuite.com/services/rest"


def _phase(phase: int, since: datetime | None) -> int:
    """The next table to read: the deleted records only after the initial load."""
    if phase < len(PHASES) and PHASES[phase] == "deleted" and since is None:
        return phase + 1
    return phase


class NetSuiteConnector:
    name = NAME
    prefix = PREFIX

    def __init__(self, http: ProviderHttp, account_id: str, clock: Clock) -> None:
        self.http = http
        self.account_id = account_id
        self.clock = clock
        self.base = rest_url(account_id)

    # --- SuiteQL ------------------------------------------------------------------

    async def suiteql(self, statement: str, *, offset: int = 0) -> dict[str, Any]:
        response = await self.http.request(
            "POST",
            f"{self.base}/query/v1/suiteql",
            params={"limit": PAGE_SIZE, "offset": offset},
            headers={"Prefer": "transient", "Accept": "application/json"},
            json={"q": statement},
        )
        return cast(dict[str, Any], response.json())

    async def rows(self, statement: str) -> list[dict[str, Any]]:
        """Every row of a statement, through all its pages."""
        found: list[dict[str, Any]] = []
        offset = 0
        while True:
            data = await self.suiteql(statement, offset=offset)
            items = list(data.get("items") or [])
            found += items
            if not data.get("hasMore") or not items:
                return found
            offset += len(items)

    # --- passes -------------------------------------------------------------------

    async def pages(self, cursor: dict[str, Any] | None) -> AsyncIterator[SourcePage]:
        state: dict[str, Any] = dict(cursor) if cursor else {"since": None, "phase": 0, "offset": 0}
        if not state.get("started"):
            state["started"] = self.clock.now().isoformat()
        since = datetime.fromisoformat(state["since"]) if state.get("since") else None
        phase, offset = _phase(int(state["phase"]), since), int(state["offset"])
        while phase < len(PHASES):
            table = PHASES[phase]
            data = await self.suiteql(queries.changed(table, since), offset=offset)
            items = list(data.get("items") or [])
            page = SourcePage(initial=since is None)
            await self._add(page, table, items)
            if data.get("hasMore") and items:
                offset += len(items)
            else:
                phase, offset = _phase(phase + 1, since), 0
            page.cursor = {**state, "phase": phase, "offset": offset}
            if phase >= len(PHASES):
                started = datetime.fromisoformat(state["started"])
                page.cursor = {"since": (started - OVERLAP).isoformat(), "phase": 0, "offset": 0}
            yield page

    async def _add(self, page: SourcePage, table: str, items: list[dict[str, Any]]) -> None:
        if table == "customer":
            page.customers += await self._customers(items)
        elif table == "contact":
            companies = [str(row.get("company") or "") for row in items]
            page.extend(await self.fetch(Kind.CUSTOMER, queries.internal_ids(companies)))
        elif table == "invoice":
            page.invoices += [mapping.invoice(row) for row in items]
        elif table == "creditmemo":
            links = await self._applied(items)
            page.credit_memos += [mapping.credit_memo(row, links) for row in items]
        elif table == "payment":
            links = await self._applied(items)
            page.payments += [mapping.payment(row, links) for row in items]
        else:
            page.deletions += [d for row in items if (d := mapping.deletion(row)) is not None]

    async def _customers(self, items: list[dict[str, Any]]) -> list[Any]:
        ids = [str(row.get("id")) for row in items]
        contacts: dict[str, list[dict[str, Any]]] = {}
        for start in range(0, len(ids), FETCH_CHUNK):
            statement = queries.by_ids("contact", ids[start : start + FETCH_CHUNK], "ct.company")
            for row in await self.rows(statement):
                contacts.setdefault(str(row.get("company")), []).append(row)
        return [mapping.customer(row, contacts.get(str(row.get("id")), [])) for row in items]

    async def _applied(self, items: list[dict[str, Any]]) -> mapping.Links:
        ids = [str(row.get("id")) for row in items]
        rows: list[dict[str, Any]] = []
        for start in range(0, len(ids), FETCH_CHUNK):
            rows += await self.rows(queries.applied(ids[start : start + FETCH_CHUNK]))
        return mapping.applied_links(rows)

    async def fetch(self, kind: Kind, ids: Sequence[str]) -> SourcePage:
        page = SourcePage()
        wanted = queries.internal_ids(ids)
        table = KIND_TABLES[kind]
        for start in range(0, len(wanted), FETCH_CHUNK):
            chunk = wanted[start : start + FETCH_CHUNK]
            items = await self.rows(queries.by_ids(table, chunk))
            await self._add(page, table, items)
            found = {str(row.get("id")) for row in items}
            if kind is not Kind.CUSTOMER:
                page.deletions += [Deletion(kind, i) for i in chunk if i not in found]
        return page

    # --- write-back -----------------------------------------------------------------

    async def deliver(self, item: WriteBack) -> str:
        target = "transaction" if item.target_kind == "invoice" else "entity"
        response = await self.http.request(
            "PUT",
            f"{self.base}/record/v1/note/eid:{item.idempotency_key}",
            headers={"Accept": "application/json"},
            json={
                "title": item.text.splitlines()[0][:TITLE_MAX],
                "note": item.text[:NOTE_MAX],
                target: {"id": item.target_id},
            },
        )
        location = str(response.headers.get("Location", ""))
        return location.rstrip("/").rpartition("/")[2]
