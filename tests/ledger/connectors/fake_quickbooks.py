"""QuickBooks Online in memory: query, CDC, Attachable, the token endpoint, webhooks."""

from __future__ import annotations

import json
import re
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, ClassVar

import httpx
import pytest
import respx

from recoup.clock import FixedClock
from recoup.ledger.connectors.quickbooks import connector as qbo
from recoup.ledger.connectors.quickbooks.webhooks import signature
from recoup.ledger.connectors.sync.grants import Tokens
from tests.ledger.connectors.fake_base import FakeProvider, form
from tests.ledger.connectors.harness import template

REALM = "1185883450"
BASE = f"{qbo.PRODUCTION_URL}/v3/company/{REALM}"
VERIFIER = "verifier-token-of-the-app"
ENTITIES = ("Customer", "Invoice", "Payment", "CreditMemo", "Term")
_PAGED = re.compile(r"select \* from (\w+) ORDERBY Id STARTPOSITION (\d+) MAXRESULTS (\d+)")
_BY_ID = re.compile(r"select \* from (\w+) where Id in \((.*)\)")
_ALL = re.compile(r"select \* from (Term) MAXRESULTS (\d+)")


def _money(value: str | Decimal) -> float:
    return float(Decimal(str(value)))


class FakeQuickBooks(FakeProvider):
    name = "quickbooks"
    tenant = REALM
    token_prefix = "qbo"
    fault: ClassVar[dict[str, Any]] = {"Fault": {"type": "SystemFault"}}
    unauthorized: ClassVar[dict[str, Any]] = {
        "fault": {"error": [{"message": "message=AuthenticationFailed"}]}
    }

    def __init__(self, clock: FixedClock) -> None:
        super().__init__(clock)
        self.objects: dict[str, dict[str, dict[str, Any]]] = {e: {} for e in ENTITIES}
        self.deleted: dict[str, dict[str, str]] = {e: {} for e in ENTITIES}
        self.request_ids: dict[str, dict[str, Any]] = {}

    # --- the documented endpoints ---------------------------------------------------

    def install(self, router: respx.MockRouter) -> None:
        router.get(f"{BASE}/query").mock(side_effect=self._query)
        router.get(f"{BASE}/cdc").mock(side_effect=self._cdc)
        router.post(f"{BASE}/attachable").mock(side_effect=self._attachable)
        router.post(qbo.TOKEN_URL).mock(side_effect=self._token)

    def _query(self, request: httpx.Request) -> httpx.Response:
        refused = self.refused(request)
        if refused is not None:
            return refused
        statement = request.url.params["query"]
        paged, by_id, every = (
            _PAGED.match(statement),
            _BY_ID.match(statement),
            _ALL.match(statement),
        )
        if every:
            entity = every.group(1)
            rows = list(self.objects[entity].values())[: int(every.group(2))]
        elif paged:
            entity, start, size = paged.group(1), int(paged.group(2)), int(paged.group(3))
            rows = sorted(self.objects[entity].values(), key=lambda o: int(o["Id"]))
            rows = rows[start - 1 : start - 1 + size]
        elif by_id:
            entity = by_id.group(1)
            ids = {i.strip().strip("'") for i in by_id.group(2).split(",")}
            rows = [o for i, o in self.objects[entity].items() if i in ids]
        else:
            return httpx.Response(400, json={"Fault": {"type": "ValidationFault"}})
        body: dict[str, Any] = {"QueryResponse": {}, "time": self.clock.now().isoformat()}
        if rows:
            body["QueryResponse"] = {entity: rows, "startPosition": 1, "maxResults": len(rows)}
        return httpx.Response(200, json=body)

    def _cdc(self, request: httpx.Request) -> httpx.Response:
        refused = self.refused(request)
        if refused is not None:
            return refused
        since = datetime.fromisoformat(request.url.params["changedSince"])
        blocks = []
        for entity in request.url.params["entities"].split(","):
            changed = [
                o
                for o in self.objects[entity].values()
                if datetime.fromisoformat(o["MetaData"]["LastUpdatedTime"]) >= since
            ]
            changed += [
                {"domain": "QBO", "status": "Deleted", "Id": i, "MetaData": {"LastUpdatedTime": at}}
                for i, at in self.deleted[entity].items()
                if datetime.fromisoformat(at) >= since
            ]
            if changed:
                blocks.append({entity: changed, "startPosition": 1, "maxResults": len(changed)})
        body = {"CDCResponse": [{"QueryResponse": blocks}], "time": self.clock.now().isoformat()}
        return httpx.Response(200, json=body)

    def _attachable(self, request: httpx.Request) -> httpx.Response:
        refused = self.refused(request)
        if refused is not None:
            return refused
        request_id = request.url.params.get("requestid")
        if request_id and request_id in self.request_ids:
            return httpx.Response(200, json=self.request_ids[request_id])
        note = json.loads(request.content)
        attachable = {
            "Attachable": {**note, "Id": str(5000000000 + len(self.notes)), "SyncToken": "0"}
        }
        self.notes.append(attachable["Attachable"])
        if request_id:
            self.request_ids[request_id] = attachable
        return httpx.Response(200, json=attachable)

    def _token(self, request: httpx.Request) -> httpx.Response:
        if self.revoked or form(request).get("refresh_token") != self.refresh_token:
            return httpx.Response(400, json={"error": "invalid_grant"})
        self.rotate()
        return httpx.Response(
            200,
            json={
                "token_type": "bearer",
                "access_token": self.access_token,
                "refresh_token": self.refresh_token,
                "expires_in": 3600,
                "x_refresh_token_expires_in": 8726400,
            },
        )

    # --- changing the books ------------------------------------------------------------

    def _touch(self, obj: dict[str, Any]) -> None:
        obj["MetaData"]["LastUpdatedTime"] = self.clock.now().isoformat()
        obj["SyncToken"] = str(int(obj.get("SyncToken", "0")) + 1)

    def customer(self, cid: str, name: str, email: str, currency: str = "USD") -> None:
        obj = template("quickbooks", "customer_read.json", "Customer")
        obj.update(
            Id=cid,
            DisplayName=name,
            CompanyName=name,
            PrimaryEmailAddr={"Address": email},
            CurrencyRef={"value": currency},
        )
        self._touch(obj)
        self.objects["Customer"][cid] = obj

    def term(self, tid: str, name: str, days: int) -> None:
        obj = template("quickbooks", "term_read.json", "Term")
        obj.update(Id=tid, Name=name, DueDays=days)
        self.objects["Term"][tid] = obj

    def customer_terms(self, cid: str, tid: str) -> None:
        customer = self.objects["Customer"][cid]
        customer["SalesTermRef"] = {"value": tid}
        self._touch(customer)

    def invoice(
        self, iid: str, cid: str, number: str, total: str, due: date, currency: str = "USD"
    ) -> None:
        obj = template("quickbooks", "invoice_read.json", "Invoice")
        obj.update(
            Id=iid,
            DocNumber=number,
            TotalAmt=_money(total),
            Balance=_money(total),
            DueDate=due.isoformat(),
            TxnDate=(due - timedelta(days=30)).isoformat(),
            CustomerRef={"value": cid},
            CurrencyRef={"value": currency},
        )
        self._touch(obj)
        self.objects["Invoice"][iid] = obj

    def pay(self, pid: str, iid: str, amount: str) -> None:
        invoice = self.objects["Invoice"][iid]
        obj = template("quickbooks", "payment_read.json", "Payment")
        obj.update(
            Id=pid,
            TotalAmt=_money(amount),
            UnappliedAmt=0,
            CustomerRef=invoice["CustomerRef"],
            CurrencyRef=invoice["CurrencyRef"],
            TxnDate=self.clock.now().date().isoformat(),
            Line=[{"Amount": _money(amount), "LinkedTxn": [{"TxnId": iid, "TxnType": "Invoice"}]}],
        )
        self._touch(obj)
        self.objects["Payment"][pid] = obj
        invoice["Balance"] = _money(Decimal(str(invoice["Balance"])) - Decimal(amount))
        self._touch(invoice)

    def void(self, iid: str) -> None:
        invoice = self.objects["Invoice"][iid]
        invoice.update(TotalAmt=0, Balance=0, PrivateNote="Voided")
        self._touch(invoice)

    def move_due(self, iid: str, due: date) -> None:
        invoice = self.objects["Invoice"][iid]
        invoice["DueDate"] = due.isoformat()
        self._touch(invoice)

    def credit(self, mid: str, iid: str, amount: str) -> None:
        invoice = self.objects["Invoice"][iid]
        obj = template("quickbooks", "creditmemo_read.json", "CreditMemo")
        obj.update(
            Id=mid,
            DocNumber=f"CM-{mid}",
            TotalAmt=_money(amount),
            RemainingCredit=0,
            CustomerRef=invoice["CustomerRef"],
            TxnDate=self.clock.now().date().isoformat(),
        )
        self._touch(obj)
        self.objects["CreditMemo"][mid] = obj
        invoice["Balance"] = _money(Decimal(str(invoice["Balance"])) - Decimal(amount))
        self._touch(invoice)

    def delete_payment(self, pid: str) -> None:
        payment = self.objects["Payment"].pop(pid)
        for line in payment["Line"]:
            for linked in line["LinkedTxn"]:
                invoice = self.objects["Invoice"][linked["TxnId"]]
                invoice["Balance"] = _money(
                    Decimal(str(invoice["Balance"])) + Decimal(str(line["Amount"]))
                )
                self._touch(invoice)
        self.deleted["Payment"][pid] = self.clock.now().isoformat()

    # --- faults, tokens, webhooks ----------------------------------------------------------

    def tokens(self, now: datetime) -> Tokens:
        return Tokens(
            self.access_token,
            now + timedelta(hours=1),
            self.refresh_token,
            now + timedelta(days=100),
        )

    def settings(self, home: Path) -> dict[str, Any]:
        return {
            "client_id": "qbo-client",
            "client_secret": "qbo-secret",
            "webhook_verifier": VERIFIER,
        }

    def small_pages(self, monkeypatch: pytest.MonkeyPatch, size: int) -> None:
        monkeypatch.setattr(qbo, "PAGE_SIZE", size)

    def webhook(self, changes: list[tuple[str, str, str]]) -> tuple[bytes, dict[str, str]]:
        entity = {
            "customer": "Customer",
            "invoice": "Invoice",
            "payment": "Payment",
            "credit_memo": "CreditMemo",
        }
        body = json.dumps(
            {
                "eventNotifications": [
                    {
                        "realmId": REALM,
                        "dataChangeEvent": {
                            "entities": [
                                {
                                    "name": entity[kind],
                                    "id": rid,
                                    "operation": op.capitalize(),
                                    "lastUpdated": self.clock.now().isoformat(),
                                }
                                for kind, rid, op in changes
                            ]
                        },
                    }
                ]
            }
        ).encode()
        return body, {"intuit-signature": signature(VERIFIER, body)}

    def note_texts(self, target_id: str) -> list[str]:
        return [
            n["Note"]
            for n in self.notes
            if any(ref["EntityRef"]["value"] == target_id for ref in n["AttachableRef"])
        ]
