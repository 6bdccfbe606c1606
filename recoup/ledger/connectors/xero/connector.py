"""The Xero connector: paged reads filtered with If-Modified-Since, History & Notes.

Each endpoint (contacts, invoices, credit notes, payments, overpayments) is
read page by page (``page``, ``pageSize``) with ``If-Modified-Since`` set to
the newest ``UpdatedDateUTC`` the previous pass saw; the cursor keeps the
endpoint, the page and those moments. Notes go in the invoice's or contact's
History & Notes (250 characters at most a note; longer texts are cut), with
the write-back's ``Idempotency-Key`` header; a promise on one invoice also sets
that invoice's ``ExpectedPaymentDate``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Sequence
from datetime import UTC, datetime
from typing import Any, cast

import httpx

from recoup.clock import Clock
from recoup.ledger.connectors.sync.http import ProviderError, ProviderHttp
from recoup.ledger.connectors.sync.limits import XERO_LIMITS, Limits, RateLimiter
from recoup.ledger.connectors.sync.oauth import OAuthApp
from recoup.ledger.connectors.sync.records import Deletion, Kind, SourcePage
from recoup.ledger.connectors.sync.tables import WriteBack
from recoup.ledger.connectors.xero import mapping

NAME = "xero"
PREFIX = "XERO"
LIMITS: Limits = XERO_LIMITS
PAGE_SIZE = 1000
NOTE_MAX = 250
API_URL = "https://api.xero.com/api.xro/2.0"
AUTHORIZE_URL = "https://login.xero.com/identity/connect/authorize"
TOKEN_URL = "https://identity.xero.com/connect/token"
BUDGET_HEADERS = ("X-MinLimit-Remaining", "X-DayLimit-Remaining", "X-AppMinLimit-Remaining")


def oauth_app(client_id: str, client_secret: str, redirect_uri: str, scopes: str) -> OAuthApp:
    from datetime import timedelta

    # Xero rotates the refresh token at every use; one left unused expires after 60 days.
    return OAuthApp(
        AUTHORIZE_URL,
        TOKEN_URL,
        client_id,
        client_secret,
        redirect_uri,
        scopes,
        refresh_lifetime=timedelta(days=60),
    )


def budget_listener(limiter: RateLimiter) -> Callable[[httpx.Response], None]:
    def note(response: httpx.Response) -> None:
        for header in BUDGET_HEADERS:
            value = response.headers.get(header)
            if value is not None and value.isdigit():
                limiter.note_remaining(header, int(value))

    return note


# endpoint, list key, filter, mapper, page attribute
ENDPOINTS: tuple[tuple[str, str, str | None, Any, str], ...] = (
    ("Contacts", "Contacts", None, mapping.contact, "customers"),
    ("Invoices", "Invoices", 'Type=="ACCREC"', mapping.invoice, "invoices"),
    ("CreditNotes", "CreditNotes", 'Type=="ACCRECCREDIT"', mapping.credit_note, "credit_memos"),
    ("Payments", "Payments", 'PaymentType=="ACCRECPAYMENT"', mapping.payment, "payments"),
    (
        "Overpayments",
        "Overpayments",
        'Type=="RECEIVE-OVERPAYMENT"',
        mapping.overpayment,
        "payments",
    ),
)


class XeroConnector:
    name = NAME
    prefix = PREFIX

    def __init__(self, http: ProviderHttp, tenant_id: str, clock: Clock) -> None:
        self.http = http
        self.tenant_id = tenant_id
        self.clock = clock

    async def _get(self, path: str, params: dict[str, Any], since: str | None) -> dict[str, Any]:
        headers = {"If-Modified-Since": since} if since else {}
        response = await self.http.request(
            "GET", f"{API_URL}/{path}", params=params, headers=headers
        )
        return cast(dict[str, Any], response.json())

    async def pages(self, cursor: dict[str, Any] | None) -> AsyncIterator[SourcePage]:
        state = dict(cursor) if cursor else {"endpoint": 0, "page": 1, "since": {}, "high": None}
        state.setdefault("since", {})
        while state["endpoint"] < len(ENDPOINTS):
            path, key, where, mapper, attribute = ENDPOINTS[state["endpoint"]]
            since = state["since"].get(path)
            params: dict[str, Any] = {"page": state["page"], "pageSize": PAGE_SIZE}
            if where:
                params["where"] = where
            data = await self._get(path, params, since)
            objects = list(data.get(key) or [])
            page = SourcePage(initial=since is None)
            getattr(page, attribute).extend(mapper(o) for o in objects)
            high = _newest(objects, state.get("high"))
            if len(objects) == PAGE_SIZE:
                state = {**state, "page": state["page"] + 1, "high": high}
            else:
                moved = dict(state["since"])
                if high:
                    moved[path] = high
                elif since is None:
                    moved[path] = self.clock.now().astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")
                state = {"endpoint": state["endpoint"] + 1, "page": 1, "since": moved, "high": None}
            done = state["endpoint"] == len(ENDPOINTS)
            page.cursor = (
                {"endpoint": 0, "page": 1, "since": state["since"], "high": None}
                if done
                else dict(state)
            )
            yield page
            # The pass ends after the last endpoint; a second page of the first one goes on.
            if done:
                return

    async def fetch(self, kind: Kind, ids: Sequence[str]) -> SourcePage:
        page = SourcePage()
        wanted = sorted(set(ids))
        mapper: Callable[[dict[str, Any]], object]
        if kind in (Kind.INVOICE, Kind.CUSTOMER):
            path, key, mapper, attribute = (
                ("Invoices", "Invoices", mapping.invoice, "invoices")
                if kind is Kind.INVOICE
                else ("Contacts", "Contacts", mapping.contact, "customers")
            )
            for start in range(0, len(wanted), 50):
                chunk = wanted[start : start + 50]
                data = await self._get(path, {"IDs": ",".join(chunk)}, None)
                objects = list(data.get(key) or [])
                getattr(page, attribute).extend(mapper(o) for o in objects)
                found = {str(o.get("InvoiceID") or o.get("ContactID")) for o in objects}
                if kind is Kind.INVOICE:
                    page.deletions += [Deletion(kind, i) for i in chunk if i not in found]
            return page
        for item in wanted:
            if kind is Kind.CREDIT_MEMO:
                path, key, mapper, attribute = (
                    "CreditNotes",
                    "CreditNotes",
                    mapping.credit_note,
                    "credit_memos",
                )
            elif item.startswith("overpayment:"):
                path, key, mapper, attribute = (
                    "Overpayments",
                    "Overpayments",
                    mapping.overpayment,
                    "payments",
                )
            else:
                path, key, mapper, attribute = "Payments", "Payments", mapping.payment, "payments"
            try:
                data = await self._get(f"{path}/{item.removeprefix('overpayment:')}", {}, None)
            except ProviderError as exc:
                if exc.status == 404:
                    page.deletions.append(Deletion(kind, item))
                    continue
                raise
            getattr(page, attribute).extend(mapper(o) for o in data.get(key) or [])
        return page

    async def deliver(self, item: WriteBack) -> str:
        promised = (item.fields or {}).get("promised_on")
        if promised and item.target_kind == "invoice":
            # Xero's own field for a promise: shown on the invoice and in its aged receivables.
            await self.http.request(
                "POST",
                f"{API_URL}/Invoices/{item.target_id}",
                headers={"Idempotency-Key": f"{item.idempotency_key}-expected"},
                json={
                    "Invoices": [
                        {"InvoiceID": item.target_id, "ExpectedPaymentDate": str(promised)}
                    ]
                },
            )
        path = "Invoices" if item.target_kind == "invoice" else "Contacts"
        text = item.text if len(item.text) <= NOTE_MAX else item.text[: NOTE_MAX - 1] + "…"
        await self.http.request(
            "PUT",
            f"{API_URL}/{path}/{item.target_id}/History",
            headers={"Idempotency-Key": item.idempotency_key},
            json={"HistoryRecords": [{"Details": text}]},
        )
        return ""


def _newest(objects: list[dict[str, Any]], high: str | None) -> str | None:
    best = datetime.fromisoformat(high).replace(tzinfo=UTC) if high else None
    for obj in objects:
        stamp = mapping.moment(obj.get("UpdatedDateUTC"))
        if stamp is not None and (best is None or stamp > best):
            best = stamp
    return best.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S") if best else None
