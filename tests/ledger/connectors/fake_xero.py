"""Xero in memory: paged GETs with If-Modified-Since, IDs, History, the token endpoint, webhooks."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, ClassVar

import httpx
import pytest
import respx

from recoup.clock import FixedClock
from recoup.ledger.connectors.sync.grants import Tokens
from recoup.ledger.connectors.xero import connector as xero
from recoup.ledger.connectors.xero.mapping import moment
from recoup.ledger.connectors.xero.webhooks import signature
from tests.ledger.connectors.fake_base import FakeProvider, form
from tests.ledger.connectors.harness import template

TENANT = "70784a63-d24b-46a9-a4db-0e70a274b056"
WEBHOOK_KEY = "xero-webhook-key"
LISTS = {
    "Contacts": "ContactID",
    "Invoices": "InvoiceID",
    "Payments": "PaymentID",
    "CreditNotes": "CreditNoteID",
    "Overpayments": "OverpaymentID",
}
_ITEM = re.compile(rf"{re.escape(xero.API_URL)}/(\w+)(?:/([^/]+))?(?:/(History))?$")


def _ms(moment_: datetime) -> str:
    return f"/Date({int(moment_.timestamp() * 1000)}+0000)/"


def _day(day: date) -> dict[str, str]:
    stamp = datetime(day.year, day.month, day.day, tzinfo=UTC)
    return {"ms": _ms(stamp), "iso": stamp.strftime("%Y-%m-%dT%H:%M:%S")}


class FakeXero(FakeProvider):
    name = "xero"
    tenant = TENANT
    token_prefix = "xero"
    fault: ClassVar[dict[str, Any]] = {"Title": "error"}
    unauthorized: ClassVar[dict[str, Any]] = {"Title": "Unauthorized", "Detail": "TokenExpired"}

    def __init__(self, clock: FixedClock) -> None:
        super().__init__(clock)
        self.objects: dict[str, dict[str, dict[str, Any]]] = {name: {} for name in LISTS}
        self.keys: set[str] = set()
        self.updates: list[dict[str, Any]] = []

    def install(self, router: respx.MockRouter) -> None:
        router.route(url__regex=rf"^{re.escape(xero.API_URL)}/.*").mock(side_effect=self._api)
        router.post(xero.TOKEN_URL).mock(side_effect=self._token)

    def _api(self, request: httpx.Request) -> httpx.Response:
        refused = self.refused(request)
        if refused is not None:
            return refused
        if request.headers.get("xero-tenant-id") != TENANT:
            return httpx.Response(403, json={"Title": "Forbidden"})
        match = _ITEM.match(str(request.url.copy_with(query=None)))
        if match is None or match.group(1) not in LISTS:
            return httpx.Response(404)
        endpoint, item, history = match.groups()
        headers = {"X-MinLimit-Remaining": "59", "X-DayLimit-Remaining": "4999"}
        if history:
            return self._history(request, endpoint, item or "")
        if request.method == "POST" and item:
            return self._update(request, endpoint, item)
        rows = list(self.objects[endpoint].values())
        if item:
            rows = [r for r in rows if r[LISTS[endpoint]] == item]
            if not rows:
                return httpx.Response(404)
            return httpx.Response(200, headers=headers, json={endpoint: rows})
        params = request.url.params
        if "IDs" in params:
            ids = set(params["IDs"].split(","))
            rows = [r for r in rows if r[LISTS[endpoint]] in ids]
        since = request.headers.get("If-Modified-Since")
        if since:
            floor = datetime.fromisoformat(since).replace(tzinfo=UTC)
            rows = [r for r in rows if (moment(r["UpdatedDateUTC"]) or floor) >= floor]
        rows.sort(key=lambda r: (moment(r["UpdatedDateUTC"]), r[LISTS[endpoint]]))
        if "page" in params:
            size = int(params.get("pageSize", 100))
            start = (int(params["page"]) - 1) * size
            rows = rows[start : start + size]
        return httpx.Response(200, headers=headers, json={endpoint: rows})

    def _history(self, request: httpx.Request, endpoint: str, item: str) -> httpx.Response:
        key = request.headers.get("Idempotency-Key")
        body = json.loads(request.content)
        records = body["HistoryRecords"]
        if any(len(r["Details"]) > 250 for r in records):
            return httpx.Response(400, json={"Message": "Details must be at most 250 characters"})
        if key and key in self.keys:
            return httpx.Response(200, json=body)
        if key:
            self.keys.add(key)
        for record in records:
            self.notes.append({"endpoint": endpoint, "id": item, "Details": record["Details"]})
        return httpx.Response(200, json=body)

    def _update(self, request: httpx.Request, endpoint: str, item: str) -> httpx.Response:
        """POST /Invoices/{id}: the fields given replace the invoice's own."""
        row = self.objects[endpoint].get(item)
        if row is None:
            return httpx.Response(404)
        for change in json.loads(request.content)[endpoint]:
            row.update({k: v for k, v in change.items() if k != LISTS[endpoint]})
        self.updates.append({"id": item, "key": request.headers.get("Idempotency-Key")})
        self._touch(row)
        return httpx.Response(200, json={endpoint: [row]})

    def _token(self, request: httpx.Request) -> httpx.Response:
        if self.revoked or form(request).get("refresh_token") != self.refresh_token:
            return httpx.Response(400, json={"error": "invalid_grant"})
        self.rotate()  # Xero rotates the refresh token every time
        return httpx.Response(
            200,
            json={
                "access_token": self.access_token,
                "expires_in": 1800,
                "token_type": "Bearer",
                "refresh_token": self.refresh_token,
            },
        )

    # --- changing the books ------------------------------------------------------------

    def _touch(self, obj: dict[str, Any]) -> None:
        obj["UpdatedDateUTC"] = _ms(self.clock.now())

    def customer(self, cid: str, name: str, email: str, currency: str = "USD") -> None:
        obj = template("xero", "contacts_get.json", "Contacts")[0]
        first, *others = [e.strip() for e in email.split(",")]
        obj.update(
            ContactID=cid,
            Name=name,
            EmailAddress=first,
            DefaultCurrency=currency,
            ContactPersons=[
                {"FirstName": "", "LastName": "", "EmailAddress": e, "IncludeInEmails": True}
                for e in others
            ],
        )
        self._touch(obj)
        self.objects["Contacts"][cid] = obj

    def invoice(
        self, iid: str, cid: str, number: str, total: str, due: date, currency: str = "USD"
    ) -> None:
        obj = template("xero", "invoices_get.json", "Invoices")[0]
        issued, due_at = _day(due - timedelta(days=30)), _day(due)
        obj.update(
            InvoiceID=iid,
            InvoiceNumber=number,
            Contact={"ContactID": cid},
            Total=float(total),
            AmountDue=float(total),
            AmountPaid=0.0,
            CurrencyCode=currency,
            Date=issued["ms"],
            DateString=issued["iso"],
            DueDate=due_at["ms"],
            DueDateString=due_at["iso"],
        )
        self._touch(obj)
        self.objects["Invoices"][iid] = obj

    def _owe(self, invoice: dict[str, Any], amount: Decimal) -> None:
        due = Decimal(str(invoice["AmountDue"])) - amount
        invoice["AmountDue"] = float(due)
        invoice["Status"] = "PAID" if due == 0 else "AUTHORISED"
        self._touch(invoice)

    def pay(self, pid: str, iid: str, amount: str) -> None:
        invoice = self.objects["Invoices"][iid]
        obj = template("xero", "payments_get.json", "Payments")[0]
        obj.update(
            PaymentID=pid,
            Amount=float(amount),
            Date=_day(self.clock.now().date())["ms"],
            Invoice={
                "InvoiceID": iid,
                "InvoiceNumber": invoice["InvoiceNumber"],
                "CurrencyCode": invoice["CurrencyCode"],
                "Contact": invoice["Contact"],
            },
        )
        self._touch(obj)
        self.objects["Payments"][pid] = obj
        self._owe(invoice, Decimal(amount))

    def void(self, iid: str) -> None:
        invoice = self.objects["Invoices"][iid]
        invoice["Status"] = "VOIDED"
        self._touch(invoice)

    def move_due(self, iid: str, due: date) -> None:
        invoice = self.objects["Invoices"][iid]
        at = _day(due)
        invoice.update(DueDate=at["ms"], DueDateString=at["iso"])
        self._touch(invoice)

    def credit(self, mid: str, iid: str, amount: str) -> None:
        invoice = self.objects["Invoices"][iid]
        obj = template("xero", "creditnotes_get.json", "CreditNotes")[0]
        obj.update(
            CreditNoteID=mid,
            CreditNoteNumber=f"CN-{mid}",
            Total=float(amount),
            Contact=invoice["Contact"],
            Date=_day(self.clock.now().date())["ms"],
            Allocations=[{"Amount": float(amount), "Invoice": {"InvoiceID": iid}}],
        )
        self._touch(obj)
        self.objects["CreditNotes"][mid] = obj
        self._owe(invoice, Decimal(amount))

    def delete_payment(self, pid: str) -> None:
        payment = self.objects["Payments"][pid]
        payment["Status"] = "DELETED"  # Xero keeps deleted payments, with their status
        self._touch(payment)
        self._owe(
            self.objects["Invoices"][payment["Invoice"]["InvoiceID"]],
            -Decimal(str(payment["Amount"])),
        )

    def tokens(self, now: datetime) -> Tokens:
        return Tokens(
            self.access_token,
            now + timedelta(minutes=30),
            self.refresh_token,
            now + timedelta(days=60),
        )

    def settings(self, home: Path) -> dict[str, Any]:
        return {
            "client_id": "xero-client",
            "client_secret": "xero-secret",
            "webhook_key": WEBHOOK_KEY,
        }

    def small_pages(self, monkeypatch: pytest.MonkeyPatch, size: int) -> None:
        monkeypatch.setattr(xero, "PAGE_SIZE", size)

    def webhook(self, changes: list[tuple[str, str, str]]) -> tuple[bytes, dict[str, str]]:
        category = {"invoice": "INVOICE", "customer": "CONTACT", "credit_memo": "CREDITNOTE"}
        events = [
            {
                "resourceUrl": f"{xero.API_URL}/Invoices/{rid}",
                "resourceId": rid,
                "eventDateUtc": self.clock.now().isoformat(),
                "eventType": op.upper(),
                "eventCategory": category[kind],
                "tenantId": TENANT,
                "tenantType": "ORGANISATION",
            }
            for kind, rid, op in changes
            if kind in category
        ]
        body = json.dumps(
            {
                "events": events,
                "firstEventSequence": 1,
                "lastEventSequence": len(events),
                "entropy": "S0m3r4Nd0mt3xt",
            }
        ).encode()
        return body, {"x-xero-signature": signature(WEBHOOK_KEY, body)}

    def note_texts(self, target_id: str) -> list[str]:
        return [n["Details"] for n in self.notes if n["id"] == target_id]
