"""Write-back: what the agent and people did, for the system of record.

``collect_actions`` gathers promises, disputes, notes (the audit trail of
actions an agent or a person took, with reasons) and applied cash since a
moment; ``write_actions_csv`` writes them as CSV files plus ``actions.json``.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path

from pydantic import BaseModel
from sqlmodel import Session, col, or_, select

from recoup.clock import as_utc
from recoup.ledger.connectors.base import (
    ActionsExport,
    AppliedCash,
    DisputeAction,
    NoteAction,
    PromiseAction,
    UnappliedCash,
    chunked,
)
from recoup.ledger.models import (
    AuditEvent,
    Customer,
    Dispute,
    Invoice,
    Payment,
    PaymentAllocation,
    Promise,
    PromiseInvoice,
)
from recoup.money import from_cents

SYSTEM_ACTOR = "system"
# Audited calls that did not happen: they are no action to write back.
NOT_DONE = ("deny", "needs_approval", "invalid", "failed")
ACTIONS_JSON = "actions.json"


def collect_actions(session: Session, *, since: datetime | None) -> ActionsExport:
    """Everything done at or after ``since`` (everything when None)."""
    lookup = _Names(session)
    applied, unapplied = _cash(session, since, lookup)
    return ActionsExport(
        since=as_utc(since) if since else None,
        promises=_promises(session, since, lookup),
        disputes=_disputes(session, since, lookup),
        notes=_notes(session, since, lookup),
        applied_cash=applied,
        unapplied_cash=unapplied,
    )


class _Names:
    """Customer refs and invoice numbers by id, fetched in chunks as needed."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.refs: dict[int, str] = {}
        self.numbers: dict[int, str] = {}

    def load(self, customer_ids: Iterable[int], invoice_ids: Iterable[int] = ()) -> None:
        customers = sorted(set(customer_ids) - set(self.refs))
        for chunk in chunked(customers):
            rows = self.session.exec(
                select(Customer.id, Customer.ref).where(col(Customer.id).in_(chunk))
            )
            self.refs.update({row[0] or 0: row[1] for row in rows})
        invoices = sorted(set(invoice_ids) - set(self.numbers))
        for chunk in chunked(invoices):
            rows = self.session.exec(
                select(Invoice.id, Invoice.number).where(col(Invoice.id).in_(chunk))
            )
            self.numbers.update({row[0] or 0: row[1] for row in rows})

    def ref(self, customer_id: int | None) -> str:
        return self.refs.get(customer_id or 0, "")

    def number(self, invoice_id: int | None) -> str:
        return self.numbers.get(invoice_id or 0, "")


def _promises(session: Session, since: datetime | None, names: _Names) -> list[PromiseAction]:
    query = select(Promise).order_by(col(Promise.created_at), col(Promise.id))
    if since is not None:
        query = query.where(or_(Promise.created_at >= since, col(Promise.settled_at) >= since))
    promises = list(session.exec(query))
    links: dict[int, list[int]] = {}
    ids = [p.id or 0 for p in promises]
    for chunk in chunked(ids):
        for link in session.exec(
            select(PromiseInvoice).where(col(PromiseInvoice.promise_id).in_(chunk))
        ):
            links.setdefault(link.promise_id, []).append(link.invoice_id)
    names.load(
        (p.customer_id for p in promises),
        (invoice_id for linked in links.values() for invoice_id in linked),
    )
    return [
        PromiseAction(
            promise_id=p.id or 0,
            customer_ref=names.ref(p.customer_id),
            amount_cents=p.amount_cents,
            promised_date=p.promised_date,
            status=p.status,
            invoices=sorted(names.number(i) for i in links.get(p.id or 0, [])),
            note=p.note,
            created_at=as_utc(p.created_at),
            settled_at=as_utc(p.settled_at) if p.settled_at else None,
        )
        for p in promises
    ]


def _disputes(session: Session, since: datetime | None, names: _Names) -> list[DisputeAction]:
    query = select(Dispute).order_by(col(Dispute.opened_at), col(Dispute.id))
    if since is not None:
        query = query.where(or_(Dispute.opened_at >= since, col(Dispute.resolved_at) >= since))
    disputes = list(session.exec(query))
    names.load((d.customer_id for d in disputes), (d.invoice_id for d in disputes))
    return [
        DisputeAction(
            dispute_id=d.id or 0,
            customer_ref=names.ref(d.customer_id),
            invoice_number=names.number(d.invoice_id),
            amount_cents=d.amount_cents,
            reason=d.reason,
            status=d.status,
            owner=d.owner,
            detail=d.detail,
            opened_at=as_utc(d.opened_at),
            resolved_at=as_utc(d.resolved_at) if d.resolved_at else None,
        )
        for d in disputes
    ]


def _notes(session: Session, since: datetime | None, names: _Names) -> list[NoteAction]:
    query = (
        select(AuditEvent)
        .where(
            AuditEvent.actor != SYSTEM_ACTOR,
            col(AuditEvent.customer_id).is_not(None),
            or_(col(AuditEvent.verdict).is_(None), col(AuditEvent.verdict).notin_(NOT_DONE)),
        )
        .order_by(col(AuditEvent.at), col(AuditEvent.id))
    )
    if since is not None:
        query = query.where(AuditEvent.at >= since)
    events = list(session.exec(query))
    names.load(e.customer_id or 0 for e in events)
    return [
        NoteAction(
            at=as_utc(e.at),
            customer_ref=names.ref(e.customer_id),
            actor=e.actor,
            action=e.action,
            verdict=e.verdict,
            reason=e.reason,
        )
        for e in events
    ]


def _cash(
    session: Session, since: datetime | None, names: _Names
) -> tuple[list[AppliedCash], list[UnappliedCash]]:
    """Payments applied at or after ``since`` (the moment of application is the
    ``apply_payment`` audit event: a payment can arrive in the ledger days after
    it was received)."""
    if since is None:
        payments = list(session.exec(select(Payment).order_by(col(Payment.id))))
    else:
        applied = session.exec(
            select(AuditEvent.detail).where(
                AuditEvent.action == "apply_payment", AuditEvent.at >= since
            )
        )
        refs = sorted({str(detail.get("payment")) for detail in applied if detail})
        payments = []
        for refs_chunk in chunked(refs):
            payments.extend(session.exec(select(Payment).where(col(Payment.ref).in_(refs_chunk))))
        payments.sort(key=lambda p: p.id or 0)
    by_id = {p.id or 0: p for p in payments}
    allocations: list[PaymentAllocation] = []
    for chunk in chunked(sorted(by_id)):
        allocations.extend(
            session.exec(
                select(PaymentAllocation)
                .where(col(PaymentAllocation.payment_id).in_(chunk))
                .order_by(col(PaymentAllocation.id))
            )
        )
    allocations.sort(key=lambda a: a.id or 0)
    names.load((p.customer_id for p in payments), (a.invoice_id for a in allocations))
    applied_cash = [
        AppliedCash(
            payment_ref=by_id[a.payment_id].ref,
            customer_ref=names.ref(by_id[a.payment_id].customer_id),
            received_on=by_id[a.payment_id].received_on,
            invoice_number=names.number(a.invoice_id),
            amount_cents=a.amount_cents,
            short_pay_cents=a.short_pay_cents,
            matched_by=a.matched_by,
        )
        for a in allocations
    ]
    unapplied_cash = [
        UnappliedCash(
            payment_ref=p.ref,
            customer_ref=names.ref(p.customer_id),
            received_on=p.received_on,
            unapplied_cents=p.unapplied_cents,
        )
        for p in payments
        if p.unapplied_cents
    ]
    return applied_cash, unapplied_cash


def write_actions_csv(actions: ActionsExport, directory: Path) -> list[Path]:
    """One CSV file per kind of action (amounts as decimals, like the import) and
    ``actions.json``; returns the files written."""
    directory.mkdir(parents=True, exist_ok=True)
    written = [
        _write(directory / "promises.csv", PromiseAction, actions.promises),
        _write(directory / "disputes.csv", DisputeAction, actions.disputes),
        _write(directory / "notes.csv", NoteAction, actions.notes),
        _write(directory / "applied_cash.csv", AppliedCash, actions.applied_cash),
        _write(directory / "unapplied_cash.csv", UnappliedCash, actions.unapplied_cash),
    ]
    json_path = directory / ACTIONS_JSON
    json_path.write_text(actions.model_dump_json(indent=2), encoding="utf-8")
    written.append(json_path)
    return written


def _write(path: Path, model: type[BaseModel], rows: Sequence[BaseModel]) -> Path:
    columns = [_column(name) for name in model.model_fields]
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(columns)
        for row in rows:
            writer.writerow(_cell(name, value) for name, value in row.model_dump().items())
    return path


def _column(name: str) -> str:
    return name.removesuffix("_cents") if name.endswith("_cents") else name


def _cell(name: str, value: object) -> str:
    if value is None:
        return ""
    if name.endswith("_cents") and isinstance(value, int):
        return str(from_cents(value))
    if isinstance(value, list):
        return " ".join(str(item) for item in value)
    if isinstance(value, datetime):
        return as_utc(value).isoformat()
    return str(value)
