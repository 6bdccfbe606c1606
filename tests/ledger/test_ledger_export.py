"""Write-back export: promises, disputes, notes and applied cash."""

from __future__ import annotations

import csv
import json
from datetime import date, datetime, timedelta
from pathlib import Path

from sqlmodel import Session

from recoup.clock import FixedClock
from recoup.ledger import audit
from recoup.ledger.cash import apply_payment
from recoup.ledger.connectors.base import ActionsExport
from recoup.ledger.connectors.csv_files import CsvConnector
from recoup.ledger.connectors.export import collect_actions, write_actions_csv
from recoup.ledger.models import Customer, Dispute, Payment, Promise, PromiseInvoice
from tests.support import factory


def _pay(session: Session, owner: Customer, ref: str, cents: int, references: str,
         at: datetime) -> None:  # fmt: skip
    payment = Payment(
        customer_id=owner.id or 0,
        ref=ref,
        amount_cents=cents,
        received_on=at.date(),
        references=references,
    )
    session.add(payment)
    session.flush()
    apply_payment(session, payment, now=at, grace_days=3)


def _ledger(session: Session, clock: FixedClock) -> Customer:
    now = clock.now()
    long_ago = now - timedelta(days=10)
    owner = factory.customer(session, ref="ACME")
    first = factory.invoice(
        session, owner, number="I-1", amount_cents=100_000, due=date(2026, 10, 1)
    )
    second = factory.invoice(
        session, owner, number="I-2", amount_cents=50_000, due=date(2026, 11, 1)
    )
    old = factory.invoice(session, owner, number="I-0", amount_cents=30_000, due=date(2026, 9, 1))
    _pay(session, owner, "P-OLD", 30_000, "I-0", long_ago)
    _pay(session, owner, "P-1", 90_000, "I-1", now)
    _pay(session, owner, "P-2", 80_000, "", now)
    settled = Promise(
        customer_id=owner.id or 0,
        amount_cents=30_000,
        promised_date=long_ago.date(),
        status="kept",
        created_at=long_ago - timedelta(days=5),
        settled_at=long_ago,
    )
    fresh = Promise(
        customer_id=owner.id or 0,
        amount_cents=50_000,
        promised_date=now.date() + timedelta(days=7),
        note="CFO confirmed",
        created_at=now - timedelta(days=1),
    )
    session.add_all([settled, fresh])
    session.flush()
    session.add(PromiseInvoice(promise_id=fresh.id or 0, invoice_id=second.id or 0))
    session.add(PromiseInvoice(promise_id=settled.id or 0, invoice_id=old.id or 0))
    session.add(
        Dispute(
            customer_id=owner.id or 0,
            invoice_id=first.id or 0,
            amount_cents=10_000,
            reason="damaged",
            detail="two crates broken",
            owner="dana@northwind.example",
            opened_at=now - timedelta(days=2),
        )
    )
    for at, actor, action, verdict, reason in [
        (long_ago, "agent", "send_email", None, "old reminder"),
        (now - timedelta(hours=3), "agent", "send_email", None, "friendly reminder, 12 days late"),
        (now - timedelta(hours=2), "agent", "send_email", "deny", "quiet hours"),
        (now - timedelta(hours=1), "person:dana", "approve", None, "plan is fine"),
    ]:
        audit.record(session, at=at, actor=actor, action=action, verdict=verdict, reason=reason,
                     customer_id=owner.id)  # fmt: skip
    session.flush()
    return owner


def test_everything_is_exported_without_a_since(session: Session, clock: FixedClock) -> None:
    _ledger(session, clock)
    actions = collect_actions(session, since=None)
    assert [(p.status, p.invoices) for p in actions.promises] == [
        ("kept", ["I-0"]),
        ("pending", ["I-2"]),
    ]
    assert [c.payment_ref for c in actions.applied_cash] == ["P-OLD", "P-1", "P-2", "P-2"]
    assert [n.reason for n in actions.notes] == [
        "old reminder",
        "friendly reminder, 12 days late",
        "plan is fine",
    ]


def test_since_keeps_only_what_happened_after_it(session: Session, clock: FixedClock) -> None:
    _ledger(session, clock)
    since = clock.now() - timedelta(days=5)
    actions = collect_actions(session, since=since)
    assert actions.since == since

    [promise] = actions.promises
    assert (promise.customer_ref, promise.amount_cents, promise.invoices) == (
        "ACME",
        50_000,
        ["I-2"],
    )
    assert (promise.status, promise.note) == ("pending", "CFO confirmed")
    assert promise.created_at.tzinfo is not None

    [dispute] = actions.disputes
    assert (dispute.invoice_number, dispute.reason, dispute.status) == ("I-1", "damaged", "open")
    assert dispute.owner == "dana@northwind.example"

    # Only actions that happened, by the agent or a person; system bookkeeping stays out.
    assert [(n.actor, n.action, n.reason) for n in actions.notes] == [
        ("agent", "send_email", "friendly reminder, 12 days late"),
        ("person:dana", "approve", "plan is fine"),
    ]

    applied = [
        (c.payment_ref, c.invoice_number, c.amount_cents, c.short_pay_cents, c.matched_by)
        for c in actions.applied_cash
    ]
    assert applied == [
        ("P-1", "I-1", 90_000, 10_000, "reference"),
        ("P-2", "I-1", 10_000, 0, "oldest_first"),
        ("P-2", "I-2", 50_000, 0, "oldest_first"),
    ]
    assert [(u.payment_ref, u.unapplied_cents) for u in actions.unapplied_cash] == [("P-2", 20_000)]


def test_actions_are_written_as_csv_and_json(
    session: Session, clock: FixedClock, tmp_path: Path
) -> None:
    _ledger(session, clock)
    actions = collect_actions(session, since=clock.now() - timedelta(days=5))
    written = write_actions_csv(actions, tmp_path / "out")
    assert sorted(p.name for p in written) == [
        "actions.json",
        "applied_cash.csv",
        "disputes.csv",
        "notes.csv",
        "promises.csv",
        "unapplied_cash.csv",
    ]
    with (tmp_path / "out" / "applied_cash.csv").open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == [
        "payment_ref",
        "customer_ref",
        "received_on",
        "invoice_number",
        "amount",
        "short_pay",
        "matched_by",
    ]
    assert (rows[0]["invoice_number"], rows[0]["amount"], rows[0]["short_pay"]) == (
        "I-1",
        "900.00",
        "100.00",
    )
    with (tmp_path / "out" / "promises.csv").open(newline="") as handle:
        [promise] = list(csv.DictReader(handle))
    assert (promise["amount"], promise["invoices"], promise["settled_at"]) == ("500.00", "I-2", "")
    loaded = ActionsExport.model_validate(
        json.loads((tmp_path / "out" / "actions.json").read_text())
    )
    assert loaded == actions


def test_the_csv_connector_writes_back_into_its_directory(
    session: Session, clock: FixedClock, tmp_path: Path
) -> None:
    _ledger(session, clock)
    connector = CsvConnector(tmp_path)
    connector.write_back(collect_actions(session, since=None))
    with (tmp_path / "write_back" / "notes.csv").open(newline="") as handle:
        notes = list(csv.DictReader(handle))
    assert len(notes) == 3
    assert notes[0]["customer_ref"] == "ACME"
    assert notes[0]["at"].endswith("+00:00")
