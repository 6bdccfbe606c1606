"""Xero webhooks: x-xero-signature and the intent-to-receive handshake.

The signature is the base64 HMAC-SHA256 of the raw body keyed with the
webhook key. Xero first sends an intent-to-receive payload (no events) and
expects 200 when the signature is right and 401 when it is not, with an
empty body; real notifications look the same, with ``events`` naming
``resourceId``, ``eventCategory`` (INVOICE, CONTACT, CREDITNOTE), ``tenantId`` and
``eventDateUtc`` (signed with the body, checked against the receiver's window).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json

from recoup.ledger.connectors.sync.provider import Change, WebhookVerdict, event_times
from recoup.ledger.connectors.sync.records import Kind

SIGNATURE_HEADER = "x-xero-signature"
CATEGORIES = {"INVOICE": Kind.INVOICE, "CONTACT": Kind.CUSTOMER, "CREDITNOTE": Kind.CREDIT_MEMO}


def signature(key: str, body: bytes) -> str:
    return base64.b64encode(hmac.new(key.encode(), body, hashlib.sha256).digest()).decode()


def read_notification(body: bytes, tenant_id: str, key: str, header: str | None) -> WebhookVerdict:
    if not header or not hmac.compare_digest(signature(key, body), header):
        return WebhookVerdict(401, reason="x-xero-signature does not match")
    try:
        payload = json.loads(body)
    except ValueError:
        return WebhookVerdict(401, reason="the body is not JSON")
    events = [e for e in payload.get("events") or [] if isinstance(e, dict)]
    changes = [
        Change(CATEGORIES[str(e.get("eventCategory"))], str(e["resourceId"]))
        for e in events
        if str(e.get("tenantId")) == tenant_id and str(e.get("eventCategory")) in CATEGORIES
    ]
    oldest, newest = event_times(e["eventDateUtc"] for e in events if e.get("eventDateUtc"))
    return WebhookVerdict(200, changes, oldest=oldest, newest=newest)
