"""What each ERP connector (QuickBooks Online, Xero, NetSuite) provides to the engine."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

from recoup.ledger.connectors.sync.http import ProviderHttp
from recoup.ledger.connectors.sync.records import Kind, SourcePage
from recoup.ledger.connectors.sync.tables import WriteBack


@dataclass(frozen=True)
class Change:
    """One record a webhook says changed: fetch it (or drop it when deleted)."""

    kind: Kind
    id: str
    deleted: bool = False

    def dump(self) -> dict[str, Any]:
        return {"kind": self.kind.value, "id": self.id, "deleted": self.deleted}

    @classmethod
    def load(cls, data: dict[str, Any]) -> Change:
        return cls(Kind(data["kind"]), str(data["id"]), bool(data.get("deleted")))


@dataclass
class WebhookVerdict:
    """What a webhook endpoint answers, the changes it carried, and when its events
    happened (the signed body's own timestamps: the oldest and the newest)."""

    status: int
    changes: list[Change] = field(default_factory=list)
    reason: str = ""
    oldest: datetime | None = None
    newest: datetime | None = None


def event_times(values: Iterable[object]) -> tuple[datetime | None, datetime | None]:
    """The oldest and newest of a payload's ISO 8601 event times (naive ones are UTC);
    ``(None, None)`` when there are none, or one cannot be read."""
    moments: list[datetime] = []
    for value in values:
        try:
            moment = datetime.fromisoformat(str(value))
        except ValueError:
            return None, None
        moments.append(moment if moment.tzinfo else moment.replace(tzinfo=UTC))
    return (min(moments), max(moments)) if moments else (None, None)


class SourceConnector(Protocol):
    name: str
    prefix: str
    http: ProviderHttp

    def pages(self, cursor: dict[str, Any] | None) -> AsyncIterator[SourcePage]:
        """Read from ``cursor`` (None: the initial load); each page carries its next cursor."""
        ...

    async def fetch(self, kind: Kind, ids: Sequence[str]) -> SourcePage:
        """These records, by id (references a page needs, webhook changes)."""
        ...

    async def deliver(self, item: WriteBack) -> str:
        """Put one note on the invoice or customer; returns the source's id for it.
        Sends ``item.idempotency_key`` so a retry never makes a second note."""
        ...
