"""QuickBooks Online webhooks: the intuit-signature check and both payload shapes.

The signature is the base64 HMAC-SHA256 of the raw body keyed with the app's
verifier token. The legacy payload is ``{"eventNotifications": [{"realmId",
"dataChangeEvent": {"entities": [{"name", "id", "operation"}]}}]}``; the
CloudEvents payload is a list of events with ``type`` like
``qbo.invoice.updated.v1``, ``intuitentityid`` and ``intuitaccountid``. Both
carry ids only: the records are fetched. Their event times (``lastUpdated``,
``time``) are signed with the body; the receiver refuses a notification whose
events lie outside its window.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from typing import Any

from recoup.ledger.connectors.quickbooks.mapping import ENTITY_KINDS
from recoup.ledger.connectors.sync.provider import Change, WebhookVerdict, event_times
from recoup.ledger.connectors.sync.records import Kind

SIGNATURE_HEADER = "intuit-signature"
_CLOUD_KINDS = {entity.lower(): kind for entity, kind in ENTITY_KINDS.items()}


def signature(verifier: str, body: bytes) -> str:
    return base64.b64encode(hmac.new(verifier.encode(), body, hashlib.sha256).digest()).decode()


def verify(verifier: str, body: bytes, header: str | None) -> bool:
    return bool(header) and hmac.compare_digest(signature(verifier, body), header or "")


def read_notification(
    body: bytes, realm_id: str, verifier: str, header: str | None
) -> WebhookVerdict:
    if not verify(verifier, body, header):
        return WebhookVerdict(401, reason="intuit-signature does not match")
    try:
        payload = json.loads(body)
    except ValueError:
        return WebhookVerdict(400, reason="the body is not JSON")
    if isinstance(payload, list):
        changes = _cloud_events(payload, realm_id)
        stamps = [e.get("time") for e in payload if isinstance(e, dict) and e.get("time")]
    else:
        changes = _legacy(payload, realm_id)
        stamps = [
            entity.get("lastUpdated")
            for notification in payload.get("eventNotifications") or []
            for entity in (notification.get("dataChangeEvent") or {}).get("entities") or []
            if entity.get("lastUpdated")
        ]
    oldest, newest = event_times(stamps)
    return WebhookVerdict(200, changes, oldest=oldest, newest=newest)


def _legacy(payload: dict[str, Any], realm_id: str) -> list[Change]:
    changes: list[Change] = []
    for notification in payload.get("eventNotifications") or []:
        if str(notification.get("realmId")) != realm_id:
            continue
        for entity in (notification.get("dataChangeEvent") or {}).get("entities") or []:
            kind = ENTITY_KINDS.get(str(entity.get("name")))
            if kind is None:
                continue
            deleted = str(entity.get("operation", "")).lower() == "delete"
            changes.append(Change(kind, str(entity["id"]), deleted))
    return changes


def _cloud_events(payload: list[Any], realm_id: str) -> list[Change]:
    changes: list[Change] = []
    for item in payload:
        if not isinstance(item, dict) or str(item.get("intuitaccountid")) != realm_id:
            continue
        parts = str(item.get("type", "")).split(".")
        kind: Kind | None = _CLOUD_KINDS.get(parts[1]) if len(parts) >= 3 else None
        if kind is None or not item.get("intuitentityid"):
            continue
        changes.append(Change(kind, str(item["intuitentityid"]), parts[2] == "deleted"))
    return changes
