"""Queue a write-back in the same transaction as the act it reports.

A session listener watches each flush for what recoup did on an account
linked to a connected source — a promise logged, a dispute opened, resolved
or rejected, an escalation, an email sent, a person's decision — and adds a
``WriteBack`` row beside it, so the act and its note commit or roll back
together. Nothing in the tools or the approvals knows about the sources.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session
from sqlmodel import col, select

from recoup.ledger.connectors.sync.tables import SourceLink, WriteBack
from recoup.ledger.models import AuditEvent, Dispute, DisputeStatus, Promise, PromiseInvoice

NOTED_ACTIONS = {"log_promise", "open_dispute", "escalate", "send_email"}
NOTED_PREFIXES = ("decision.",)
NOT_DONE = {"deny", "needs_approval", "invalid", "failed"}
SYSTEM_ACTOR = "system"
NOTE_PREFIX = "recoup: "


@dataclass(frozen=True)
class _Act:
    customer_id: int
    action: str
    text: str
    at: Any
    invoice_id: int | None = None
    fields: dict[str, Any] | None = None


def _noted(entry: AuditEvent) -> bool:
    if entry.customer_id is None or entry.actor == SYSTEM_ACTOR:
        return False
    if entry.verdict in NOT_DONE:
        return False
    return entry.action in NOTED_ACTIONS or entry.action.startswith(NOTED_PREFIXES)


def _describe(session: Session, entry: AuditEvent) -> _Act:
    detail = entry.detail or {}
    invoice_id: int | None = None
    fields: dict[str, Any] | None = None
    text = f"{entry.action.replace('_', ' ')}: {entry.reason}"
    if entry.action == "open_dispute" and detail.get("dispute_id"):
        dispute = session.get(Dispute, detail["dispute_id"])
        invoice_id = dispute.invoice_id if dispute is not None else None
        text = f"dispute opened: {entry.reason}"
        if detail.get("detail"):
            text += f" ({detail['detail']})"
    elif entry.action == "log_promise":
        text = f"{entry.reason} (logged by {entry.actor})"
        promise = session.get(Promise, detail.get("promise_id") or 0)
        covered = _promised_invoice_ids(session, promise)
        if promise is not None and len(covered) == 1:
            # One invoice: the note goes on it, with the date for a source that has a field.
            invoice_id = covered[0]
            fields = {"promised_on": promise.promised_date.isoformat()}
    elif entry.action == "send_email":
        text = f"email sent: {entry.reason}"
    elif entry.action == "escalate":
        text = f"escalated to a person: {entry.reason}"
    return _Act(
        entry.customer_id or 0, entry.action, NOTE_PREFIX + text, entry.at, invoice_id, fields
    )


def _promised_invoice_ids(session: Session, promise: Promise | None) -> list[int]:
    if promise is None:
        return []
    rows = session.execute(
        select(PromiseInvoice.invoice_id).where(col(PromiseInvoice.promise_id) == promise.id)
    )
    pending = (
        obj.invoice_id
        for obj in session.new
        if isinstance(obj, PromiseInvoice) and obj.promise_id == promise.id
    )
    return sorted({int(r) for r in rows.scalars()} | set(pending))


def _dispute_settled(dispute: Dispute) -> _Act | None:
    history = inspect(dispute).attrs.status.history
    if not history.has_changes() or dispute.status == DisputeStatus.OPEN.value:
        return None
    return _Act(
        dispute.customer_id,
        f"dispute_{dispute.status}",
        f"{NOTE_PREFIX}dispute {dispute.status}"
        + (f" by {dispute.owner}" if dispute.owner else ""),
        dispute.resolved_at,
        dispute.invoice_id,
    )


@event.listens_for(Session, "before_flush")
def _queue_write_backs(session: Session, _context: object, _instances: object) -> None:
    acts: list[_Act] = []
    with session.no_autoflush:
        for obj in session.new:
            if isinstance(obj, AuditEvent) and _noted(obj):
                acts.append(_describe(session, obj))
        for obj in session.dirty:
            if isinstance(obj, Dispute):
                settled = _dispute_settled(obj)
                if settled is not None and settled.at is not None:
                    acts.append(settled)
        if acts:
            _enqueue(session, acts)


def _enqueue(session: Session, acts: list[_Act]) -> None:
    customers = {a.customer_id for a in acts}
    invoices = {a.invoice_id for a in acts if a.invoice_id}
    links: dict[tuple[str, int], list[SourceLink]] = {}
    rows = session.execute(
        select(SourceLink).where(
            ((col(SourceLink.kind) == "customer") & col(SourceLink.local_id).in_(customers))
            | ((col(SourceLink.kind) == "invoice") & col(SourceLink.local_id).in_(invoices or {0}))
        )
    ).scalars()
    for link in rows:
        links.setdefault((link.kind, link.local_id), []).append(link)
    for act in acts:
        for customer_link in links.get(("customer", act.customer_id), []):
            target_kind, target_id = "customer", customer_link.external_id
            for invoice_link in links.get(("invoice", act.invoice_id or 0), []):
                if invoice_link.source == customer_link.source:
                    target_kind, target_id = "invoice", invoice_link.external_id
            session.add(
                WriteBack(
                    source=customer_link.source,
                    idempotency_key=uuid.uuid4().hex,
                    customer_id=act.customer_id,
                    target_kind=target_kind,
                    target_id=target_id,
                    action=act.action[:64],
                    text=act.text,
                    fields=act.fields if target_kind == "invoice" else None,
                    created_at=act.at,
                    next_attempt_at=act.at,
                )
            )
