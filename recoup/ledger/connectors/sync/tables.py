"""The tables the connectors to systems of record keep beside the ledger.

``SyncSource`` is one connected source and its health; ``SyncCursor`` its
checkpoint, written in the same transaction as the rows it covers;
``SourceLink`` ties a source's id to a ledger row (with the values last taken
from the source, to tell the source's changes from recoup's); ``WriteBack`` is
the queue of what recoup did, each with its idempotency key; ``OAuthGrant``
holds the encrypted tokens; ``WebhookReceipt`` remembers each verified
notification once.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel


class SourceStatus(StrEnum):
    ACTIVE = "active"
    STOPPED = "stopped"


class WriteBackStatus(StrEnum):
    PENDING = "pending"
    DELIVERED = "delivered"
    FAILED = "failed"


class SyncSource(SQLModel, table=True):
    __tablename__ = "sync_source"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, max_length=32)
    tenant_id: str = Field(default="", max_length=120)
    tenant_name: str = Field(default="", max_length=200)
    status: str = Field(default=SourceStatus.ACTIVE.value, max_length=16)
    connected_at: datetime
    last_sync_at: datetime | None = None
    last_success_at: datetime | None = None
    last_error: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    records_synced: int = 0


class SyncCursor(SQLModel, table=True):
    __tablename__ = "sync_cursor"

    id: int | None = Field(default=None, primary_key=True)
    source: str = Field(unique=True, max_length=32)
    state: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    updated_at: datetime


class SourceLink(SQLModel, table=True):
    __tablename__ = "source_link"
    __table_args__ = (
        UniqueConstraint("source", "kind", "external_id"),
        Index("ix_source_link_local", "source", "kind", "local_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    source: str = Field(max_length=32)
    kind: str = Field(max_length=16)
    external_id: str = Field(max_length=64)
    local_id: int
    seen: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    updated_at: datetime


class WriteBack(SQLModel, table=True):
    __tablename__ = "write_back"
    __table_args__ = (Index("ix_write_back_due", "status", "next_attempt_at"),)

    id: int | None = Field(default=None, primary_key=True)
    source: str = Field(max_length=32, index=True)
    idempotency_key: str = Field(unique=True, max_length=64)
    customer_id: int | None = Field(default=None, foreign_key="customer.id", index=True)
    target_kind: str = Field(max_length=16)
    target_id: str = Field(max_length=64)
    action: str = Field(max_length=64)
    text: str = Field(sa_column=Column(Text, nullable=False))
    # Source fields the act sets where the provider documents one (a promised date).
    fields: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    status: str = Field(default=WriteBackStatus.PENDING.value, max_length=16)
    attempts: int = 0
    created_at: datetime
    next_attempt_at: datetime
    lease_until: datetime | None = None
    delivered_at: datetime | None = None
    remote_id: str | None = Field(default=None, max_length=120)
    last_error: str | None = Field(default=None, max_length=1000)


class OAuthGrant(SQLModel, table=True):
    __tablename__ = "oauth_grant"

    id: int | None = Field(default=None, primary_key=True)
    source: str = Field(unique=True, max_length=32)
    sealed: str = Field(sa_column=Column(Text, nullable=False))
    access_expires_at: datetime
    refresh_expires_at: datetime | None = None
    refreshed_at: datetime
    refreshes: int = 0


class WebhookReceipt(SQLModel, table=True):
    __tablename__ = "webhook_receipt"
    __table_args__ = (Index("ix_webhook_receipt_pending", "source", "processed_at"),)

    id: int | None = Field(default=None, primary_key=True)
    source: str = Field(max_length=32)
    digest: str = Field(unique=True, max_length=64)
    received_at: datetime
    changes: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    processed_at: datetime | None = None
