"""The QuickBooks Online connector: initial load by query, then Change Data Capture.

The initial load pages ``select * from <Entity> ORDERBY Id STARTPOSITION n
MAXRESULTS 1000`` through customers, invoices, credit memos and payments. Then
``/cdc?entities=…&changedSince=…`` returns what changed (deleted records as
stubs with ``status: Deleted``). CDC looks back 30 days at most and returns at
most 1,000 objects per entity: past either limit the connector reloads in full.
Notes go on the invoice or customer as ``Attachable`` notes, posted with the
write-back's idempotency key as ``requestid`` (QuickBooks answers a repeated
``requestid`` with the first result instead of creating a second note).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from datetime import datetime, timedelta
from typing import Any, cast

from recoup.clock import Clock, as_utc
from recoup.ledger.connectors.quickbooks import mapping
from recoup.ledger.connectors.sync.http import ProviderHttp
from recoup.ledger.connectors.sync.limits import QUICKBOOKS_LIMITS, Limits
from recoup.ledger.connectors.sync.oauth import OAuthApp
from recoup.ledger.connectors.sync.records import Deletion, Kind, SourcePage
from recoup.ledger.connectors.sync.tables import WriteBack

NAME = "quickbooks"
PREFIX = "QBO"
LIMITS: Limits = QUICKBOOKS_LIMITS
PAGE_SIZE = 1000
CDC_WINDOW = timedelta(days=30)
CDC_MAX = 1000
FETCH_CHUNK = 100
NOTE_MAX = 4000
LOAD_ORDER = ("Customer", "Invoice", "CreditMemo", "Payment")
PRODUCTION_URL = "https://quickbooks.api.intuit.com"
SANDBOX_URL = "https://sandbox-quickbooks.api.intuit.com"
AUTHORIZE_URL = "https://appcenter.intuit.com/connect/oauth2"
TOKEN_URL = "https://oauth.platform.intuit.com/oauth2/v1/tokens/bearer"
SCOPES = "com.intuit.quickbooks.accounting"


def oauth_app(client_id: str, client_secret: str, redirect_uri: str) -> OAuthApp:
    return OAuthApp(AUTHORIZE_URL, TOKEN_URL, client_id, client_secret, redirect_uri, SCOPES)


class QuickBooksConnector:
    name = NAME
    prefix = PREFIX

    def __init__(
        self,
        http: ProviderHttp,
        realm_id: str,
        clock: Clock,
        *,
        sandbox: bool = False,
        minor_version: int = 75,
    ) -> None:
        self.http = http
        self.realm_id = realm_id
        self.clock = clock
        self.base = f"{SANDBOX_URL if sandbox else PRODUCTION_URL}/v3/company/{realm_id}"
        self.minor_version = minor_version
        self._terms: dict[str, int] | None = None

    # --- reads ------------------------------------------------------------------

    async def _get(self, path: str, params: dict[str, Any]) -> dict[str, Any]:
        response = await self.http.request(
            "GET",
            f"{self.base}/{path}",
            params={**params, "minorversion": self.minor_version},
            headers={"Accept": "application/json"},
        )
        return cast(dict[str, Any], response.json())

    async def query(self, statement: str) -> list[dict[str, Any]]:
        data = await self._get("query", {"query": statement})
        response = data.get("QueryResponse") or {}
        entity = statement.split()[3]
        return list(response.get(entity) or [])

    async def terms(self) -> dict[str, int]:
        """The company's payment terms in days, read once per connector (one sync pass)."""
        if self._terms is None:
            self._terms = mapping.term_days(
                await self.query(f"select * from Term MAXRESULTS {PAGE_SIZE}")
            )
        return self._terms

    async def _map(self, page: SourcePage, entity: str, objects: list[dict[str, Any]]) -> None:
        terms = await self.terms() if entity == "Customer" and objects else None
        mapping.add_objects(page, entity, objects, terms)

    async def pages(self, cursor: dict[str, Any] | None) -> AsyncIterator[SourcePage]:
        state = dict(cursor) if cursor else self._fresh_load()
        if state.get("phase") == "cdc":
            since = datetime.fromisoformat(state["since"])
            if self.clock.now() - as_utc(since) > CDC_WINDOW:
                state = self._fresh_load()  # beyond CDC's reach: read everything again
            else:
                page = await self._changes(since)
                if page is not None:
                    yield page
                    return
                state = self._fresh_load()  # too many changes for one CDC answer
        async for page in self._load(state):
            yield page

    def _fresh_load(self) -> dict[str, Any]:
        return {
            "phase": "load",
            "entity": 0,
            "position": 1,
            "started": self.clock.now().isoformat(),
        }

    async def _load(self, state: dict[str, Any]) -> AsyncIterator[SourcePage]:
        index, position = int(state["entity"]), int(state["position"])
        while index < len(LOAD_ORDER):
            entity = LOAD_ORDER[index]
            objects = await self.query(
                f"select * from {entity} ORDERBY Id STARTPOSITION {position} MAXRESULTS {PAGE_SIZE}"
            )
            page = SourcePage(initial=True)
            await self._map(page, entity, objects)
            if len(objects) == PAGE_SIZE:
                position += PAGE_SIZE
            else:
                index, position = index + 1, 1
            if index < len(LOAD_ORDER):
                page.cursor = {**state, "entity": index, "position": position}
            else:
                page.cursor = {"phase": "cdc", "since": state["started"]}
            yield page

    async def _changes(self, since: datetime) -> SourcePage | None:
        data = await self._get(
            "cdc",
            {"entities": ",".join(LOAD_ORDER), "changedSince": as_utc(since).isoformat()},
        )
        page = SourcePage()
        for block in data.get("CDCResponse") or []:
            for response in block.get("QueryResponse") or []:
                for entity in LOAD_ORDER:
                    objects = response.get(entity)
                    if objects is None:
                        continue
                    if len(objects) >= CDC_MAX:
                        return None
                    await self._map(page, entity, objects)
        stamp = data.get("time") or self.clock.now().isoformat()
        page.cursor = {"phase": "cdc", "since": stamp}
        return page

    async def fetch(self, kind: Kind, ids: Sequence[str]) -> SourcePage:
        page = SourcePage()
        entity = mapping.KIND_ENTITIES[kind]
        unique = sorted(set(ids))
        for start in range(0, len(unique), FETCH_CHUNK):
            chunk = unique[start : start + FETCH_CHUNK]
            quoted = ", ".join("'" + i.replace("'", "") + "'" for i in chunk)
            objects = await self.query(f"select * from {entity} where Id in ({quoted})")
            await self._map(page, entity, objects)
            found = {str(o.get("Id")) for o in objects}
            page.deletions += [
                Deletion(kind, i) for i in chunk if i not in found and kind is not Kind.CUSTOMER
            ]
        return page

    # --- write-back -------------------------------------------------------------

    async def deliver(self, item: WriteBack) -> str:
        entity = "Invoice" if item.target_kind == "invoice" else "Customer"
        response = await self.http.request(
            "POST",
            f"{self.base}/attachable",
            params={"minorversion": self.minor_version, "requestid": item.idempotency_key},
            headers={"Accept": "application/json"},
            json={
                "Note": item.text[:NOTE_MAX],
                "AttachableRef": [
                    {"EntityRef": {"type": entity, "value": item.target_id}, "IncludeOnSend": False}
                ],
            },
        )
        return str((response.json().get("Attachable") or {}).get("Id") or "")
