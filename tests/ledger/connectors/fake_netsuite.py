"""NetSuite in memory: SuiteQL over REST, note upserts by external id, the M2M token endpoint.

The token endpoint checks the client assertion as NetSuite does: PS256 with the
certificate's public key, ``kid`` the certificate id, ``iss`` the client id,
``aud`` the token endpoint, at most an hour between ``iat`` and ``exp``.
"""

from __future__ import annotations

import base64
import json
import re
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, ClassVar

import httpx
import pytest
import respx
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from recoup.clock import FixedClock
from recoup.ledger.connectors.netsuite import connector as netsuite
from recoup.ledger.connectors.netsuite.credentials import ASSERTION_TYPE, token_url
from recoup.ledger.connectors.sync.grants import Tokens
from tests.ledger.connectors.fake_base import FakeProvider, form
from tests.ledger.connectors.harness import template

ACCOUNT = "demo123"
BASE = netsuite.rest_url(ACCOUNT)
CLIENT_ID = "ns-client-id"
CERTIFICATE_ID = "ns-certificate-id"
TYPES = {"CustInvc", "CustPymt", "CustCred"}
_SINCE = re.compile(r"TO_TIMESTAMP\('([^']+)'")
_IN = re.compile(r"(\w+\.\w+) IN \(([^)]*)\)")
_TYPE = re.compile(r"t\.type = '(\w+)'")
_PRIVATE_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _b64decode(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def _money(value: Decimal) -> str:
    return f"{value:.2f}"


class FakeNetSuite(FakeProvider):
    name = "netsuite"
    tenant = ACCOUNT
    token_prefix = "ns"
    webhooks = False
    fault: ClassVar[dict[str, Any]] = {
        "type": "https://www.rfc-editor.org/rfc/rfc9110.html#section-15.6.1",
        "title": "Internal Server Error",
        "status": 500,
        "o:errorDetails": [
            {"detail": "An unexpected error occurred.", "o:errorCode": "UNEXPECTED_ERROR"}
        ],
    }
    unauthorized: ClassVar[dict[str, Any]] = {
        "type": "https://www.rfc-editor.org/rfc/rfc9110.html#section-15.5.2",
        "title": "Unauthorized",
        "status": 401,
        "o:errorDetails": [{"detail": "Invalid login attempt.", "o:errorCode": "INVALID_LOGIN"}],
    }

    def __init__(self, clock: FixedClock) -> None:
        super().__init__(clock)
        self.tables: dict[str, dict[str, dict[str, Any]]] = {
            "customer": {},
            "contact": {},
            "transaction": {},
            "deletedrecord": {},
        }
        self.modified: dict[tuple[str, str], datetime] = {}
        self.links: list[dict[str, Any]] = []
        self.assertions: list[dict[str, Any]] = []
        self.statements: list[str] = []
        self.private_key = _PRIVATE_KEY

    # --- the documented endpoints ---------------------------------------------------

    def install(self, router: respx.MockRouter) -> None:
        router.post(f"{BASE}/query/v1/suiteql").mock(side_effect=self._suiteql)
        router.put(url__regex=rf"^{re.escape(BASE)}/record/v1/note/eid:[\w-]+$").mock(
            side_effect=self._note
        )
        router.post(token_url(ACCOUNT)).mock(side_effect=self._token)

    def _suiteql(self, request: httpx.Request) -> httpx.Response:
        refused = self.refused(request)
        if refused is not None:
            return refused
        if request.headers.get("Prefer") != "transient":
            return httpx.Response(400, json={"title": "Bad Request", "status": 400})
        statement = json.loads(request.content)["q"]
        self.statements.append(statement)
        rows = self._select(statement)
        limit = int(request.url.params.get("limit", 1000))
        offset = int(request.url.params.get("offset", 0))
        items = rows[offset : offset + limit]
        href = f"{BASE}/query/v1/suiteql?limit={limit}&offset="
        links = [{"rel": "self", "href": f"{href}{offset}"}]
        has_more = offset + limit < len(rows)
        if has_more:
            links.insert(0, {"rel": "next", "href": f"{href}{offset + limit}"})
        return httpx.Response(
            200,
            json={
                "links": links,
                "count": len(items),
                "hasMore": has_more,
                "items": [{"links": [], **row} for row in items],
                "offset": offset,
                "totalResults": len(rows),
            },
        )

    def _select(self, statement: str) -> list[dict[str, Any]]:
        table = re.search(r"FROM (\w+)", statement, re.IGNORECASE)
        name = (table.group(1) if table else "").lower()
        if name == "nexttransactionlinelink":
            rows = list(self.links)
        else:
            rows = list(self.tables[name].values())
        kind = _TYPE.search(statement)
        if kind:
            rows = [r for r in rows if r["type"] == kind.group(1)]
        since = _SINCE.search(statement)
        if since:
            floor = datetime.fromisoformat(since.group(1)).replace(tzinfo=UTC)
            key = "recordid" if name == "deletedrecord" else "id"
            rows = [r for r in rows if self.modified[(name, r[key])] >= floor]
        wanted = _IN.search(statement)
        if wanted:
            column = wanted.group(1).split(".")[1]
            values = {v.strip().strip("'") for v in wanted.group(2).split(",")}
            rows = [r for r in rows if str(r.get(column)) in values]
        order = "nextdoc" if name == "nexttransactionlinelink" else "id"
        order = "recordid" if name == "deletedrecord" else order
        return sorted(rows, key=lambda r: int(r[order]))

    def _note(self, request: httpx.Request) -> httpx.Response:
        refused = self.refused(request)
        if refused is not None:
            return refused
        external_id = request.url.path.rpartition("eid:")[2]
        body = json.loads(request.content)
        existing = next((n for n in self.notes if n["externalId"] == external_id), None)
        if existing is None:
            existing = {"id": str(9000 + len(self.notes)), "externalId": external_id}
            self.notes.append(existing)
        existing.update(body)
        location = f"{BASE}/record/v1/note/{existing['id']}"
        return httpx.Response(204, headers={"Location": location})

    def _token(self, request: httpx.Request) -> httpx.Response:
        fields = form(request)
        claims = self._verified_claims(fields)
        if self.revoked or claims is None:
            return httpx.Response(400, json={"error": "invalid_grant"})
        self.assertions.append(claims)
        self.rotate()
        answer = template("netsuite", "token_response.json", "token_type")
        return httpx.Response(
            200,
            json={"access_token": self.access_token, "expires_in": "3600", "token_type": answer},
        )

    def _verified_claims(self, fields: dict[str, str]) -> dict[str, Any] | None:
        if fields.get("grant_type") != "client_credentials":
            return None
        if fields.get("client_assertion_type") != ASSERTION_TYPE:
            return None
        try:
            header64, claims64, signature64 = fields["client_assertion"].split(".")
            self.private_key.public_key().verify(
                _b64decode(signature64),
                f"{header64}.{claims64}".encode(),
                padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=32),
                hashes.SHA256(),
            )
        except (KeyError, ValueError, InvalidSignature):
            return None
        header = json.loads(_b64decode(header64))
        claims: dict[str, Any] = json.loads(_b64decode(claims64))
        expected_header = {"typ": "JWT", "alg": "PS256", "kid": CERTIFICATE_ID}
        if header != expected_header or claims.get("iss") != CLIENT_ID:
            return None
        if claims.get("aud") != token_url(ACCOUNT) or "rest_webservices" not in claims["scope"]:
            return None
        if not 0 < claims["exp"] - claims["iat"] <= 3600:
            return None
        return claims

    # --- changing the books ------------------------------------------------------------

    def _touch(self, table: str, row: dict[str, Any], key: str = "id") -> None:
        now = self.clock.now()
        row["lastmodifieddate"] = now.strftime("%m/%d/%Y")
        self.modified[(table, row[key])] = now
        self.tables[table][row[key]] = row

    def customer(self, cid: str, name: str, email: str, currency: str = "USD") -> None:
        first, *others = [e.strip() for e in email.split(",")]
        row = template("netsuite", "suiteql_customer.json", "items")[0]
        row.update(id=cid, entityid=name, companyname=name, email=first, currency=currency)
        del row["links"]
        self._touch("customer", row)
        for n, other in enumerate(others):
            contact = template("netsuite", "suiteql_contact.json", "items")[0]
            contact.update(
                id=f"{cid}{n + 1:03d}", company=cid, email=other, firstname="", lastname=""
            )
            del contact["links"]
            self._touch("contact", contact)

    def invoice(
        self, iid: str, cid: str, number: str, total: str, due: date, currency: str = "USD"
    ) -> None:
        row = template("netsuite", "suiteql_invoice.json", "items")[0]
        del row["links"]
        row.update(
            id=iid,
            tranid=number,
            entity=cid,
            trandate=(due - timedelta(days=30)).isoformat(),
            duedate=due.isoformat(),
            foreigntotal=_money(Decimal(total)),
            foreignamountremaining=_money(Decimal(total)),
            currency=currency,
        )
        self._touch("transaction", row)

    def _owe(self, iid: str, amount: Decimal) -> None:
        invoice = self.tables["transaction"][iid]
        invoice["foreignamountremaining"] = _money(
            Decimal(invoice["foreignamountremaining"]) - amount
        )
        self._touch("transaction", invoice)

    def _applied_document(self, fixture: str, did: str, iid: str, amount: Decimal) -> None:
        invoice = self.tables["transaction"][iid]
        row = template("netsuite", fixture, "items")[0]
        del row["links"]
        sign = -1 if row["type"] == "CustCred" else 1
        row.update(
            id=did,
            tranid=f"{row['type'][-4:].upper()}{did}",
            entity=invoice["entity"],
            trandate=self.clock.now().date().isoformat(),
            foreigntotal=_money(sign * amount),
            currency=invoice["currency"],
        )
        self._touch("transaction", row)
        self.links.append(
            {"nextdoc": did, "previousdoc": iid, "foreignamount": _money(sign * amount)}
        )
        self._owe(iid, amount)

    def pay(self, pid: str, iid: str, amount: str) -> None:
        self._applied_document("suiteql_payment.json", pid, iid, Decimal(amount))

    def credit(self, mid: str, iid: str, amount: str) -> None:
        self._applied_document("suiteql_creditmemo.json", mid, iid, Decimal(amount))

    def void(self, iid: str) -> None:
        invoice = self.tables["transaction"][iid]
        invoice.update(voided="T", foreignamountremaining="0.00")
        self._touch("transaction", invoice)

    def move_due(self, iid: str, due: date) -> None:
        invoice = self.tables["transaction"][iid]
        invoice["duedate"] = due.isoformat()
        self._touch("transaction", invoice)

    def delete_payment(self, pid: str) -> None:
        del self.tables["transaction"][pid]
        for link in [k for k in self.links if k["nextdoc"] == pid]:
            self.links.remove(link)
            self._owe(link["previousdoc"], -Decimal(link["foreignamount"]))
        gone = template("netsuite", "suiteql_deleted.json", "items")[0]
        del gone["links"]
        gone.update(recordid=pid, deleteddate=self.clock.now().strftime("%m/%d/%Y"))
        self._touch("deletedrecord", gone, "recordid")

    # --- tokens and settings ------------------------------------------------------------

    def tokens(self, now: datetime) -> Tokens:
        return Tokens(self.access_token, now + timedelta(hours=1))

    def settings(self, home: Path) -> dict[str, Any]:
        key_file = home / "netsuite-private-key.pem"
        key_file.write_bytes(
            self.private_key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
        key_file.chmod(0o600)
        return {
            "account_id": ACCOUNT,
            "client_id": CLIENT_ID,
            "certificate_id": CERTIFICATE_ID,
            "private_key_file": str(key_file),
        }

    def small_pages(self, monkeypatch: pytest.MonkeyPatch, size: int) -> None:
        monkeypatch.setattr(netsuite, "PAGE_SIZE", size)

    def webhook(self, changes: list[tuple[str, str, str]]) -> tuple[bytes, dict[str, str]]:
        raise NotImplementedError("NetSuite sends no webhooks; recoup polls it")

    def note_texts(self, target_id: str) -> list[str]:
        return [
            str(n["note"])
            for n in self.notes
            if (n.get("transaction") or n.get("entity") or {}).get("id") == target_id
        ]
