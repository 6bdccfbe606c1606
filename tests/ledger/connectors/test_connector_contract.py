"""The contract every ERP connector passes, at the HTTP level on its provider's wire shapes."""

from __future__ import annotations

import asyncio
import time
from datetime import date, timedelta

import httpx
import pytest
from sqlalchemy import Engine, func
from sqlmodel import select
from starlette.applications import Starlette
from starlette.testclient import TestClient

from recoup.ledger import audit
from recoup.ledger.connectors.sync.engine import SyncEngine
from recoup.ledger.connectors.sync.limits import budgets
from recoup.ledger.connectors.sync.receiver import webhook_routes
from recoup.ledger.connectors.sync.registry import build_connector, webhook_verifiers
from recoup.ledger.connectors.sync.tables import (
    SourceStatus,
    SyncCursor,
    SyncSource,
    WebhookReceipt,
    WriteBack,
    WriteBackStatus,
)
from recoup.ledger.connectors.sync.writeback import deliver_due
from recoup.ledger.db import make_engine
from recoup.ledger.db import session as open_session
from recoup.ledger.models import (
    Contact,
    CreditMemo,
    Customer,
    Escalation,
    Event,
    EventKind,
    Invoice,
    InvoiceStatus,
    Payment,
    PaymentAllocation,
)
from tests.ledger.connectors.harness import Harness, later

TODAY = date(2026, 11, 23)


def _books(erp: Harness) -> None:
    fake = erp.fake
    fake.customer("24", "Sonnenschein Family Store", "ap@sonnenschein.example")
    fake.customer("58", "Red Rock Diner", "billing@redrock.example, owner@redrock.example", "EUR")
    fake.invoice("130", "24", "1037", "362.07", TODAY - timedelta(days=20))
    fake.invoice("131", "24", "1038", "100.00", TODAY + timedelta(days=10))
    fake.invoice("140", "58", "2001", "1250.50", TODAY - timedelta(days=5), currency="EUR")


def _invoice(engine: Engine, number: str) -> Invoice:
    with open_session(engine) as session:
        row = session.exec(select(Invoice).where(Invoice.number == number)).one()
    return row


def _count(engine: Engine, model: type) -> int:
    with open_session(engine) as session:
        return int(session.exec(select(func.count()).select_from(model)).one())


def _events(engine: Engine, kind: EventKind) -> list[Event]:
    with open_session(engine) as session:
        return list(session.exec(select(Event).where(Event.kind == kind.value)))


async def test_initial_load_maps_customers_contacts_invoices_and_currencies(erp: Harness) -> None:
    _books(erp)
    report = await erp.sync()
    assert report.error is None and report.applied.created == 5
    with open_session(erp.engine) as session:
        customers = {c.name: c for c in session.exec(select(Customer))}
        emails = sorted(c.email for c in session.exec(select(Contact)))
    assert set(customers) == {"Sonnenschein Family Store", "Red Rock Diner"}
    assert customers["Red Rock Diner"].currency == "EUR"
    assert "billing@redrock.example" in emails and "owner@redrock.example" in emails
    euro = _invoice(erp.engine, "2001")
    assert (euro.currency, euro.amount_cents, euro.open_cents) == ("EUR", 125_050, 125_050)
    assert _invoice(erp.engine, "1037").status == InvoiceStatus.OPEN.value
    assert _events(erp.engine, EventKind.SOURCE_CHANGE) == []  # the initial load wakes nobody

    again = await erp.sync()
    assert again.applied.created == 0 and again.applied.updated == 0
    assert _count(erp.engine, Invoice) == 3 and _count(erp.engine, Contact) == 3


async def test_incremental_changes_become_events(erp: Harness) -> None:
    _books(erp)
    await erp.sync()
    later(erp.clock)
    erp.fake.pay("900", "130", "362.07")
    erp.fake.move_due("131", TODAY + timedelta(days=40))
    erp.fake.credit("77", "140", "250.50")
    erp.fake.invoice("141", "58", "2002", "80.00", TODAY - timedelta(days=1), currency="EUR")
    later(erp.clock)

    report = await erp.sync()
    assert report.error is None
    paid = _invoice(erp.engine, "1037")
    assert (paid.status, paid.open_cents) == (InvoiceStatus.PAID.value, 0)
    assert _invoice(erp.engine, "1038").due_date == TODAY + timedelta(days=40)
    assert _invoice(erp.engine, "2001").open_cents == 100_000
    assert _invoice(erp.engine, "2002").amount_cents == 8_000
    with open_session(erp.engine) as session:
        allocation = session.exec(select(PaymentAllocation)).one()
        memo = session.exec(select(CreditMemo)).one()
    assert (allocation.amount_cents, allocation.matched_by) == (36_207, "source")
    assert memo.amount_cents == 25_050
    assert len(_events(erp.engine, EventKind.PAYMENT)) == 1
    details = " | ".join(e.detail for e in _events(erp.engine, EventKind.SOURCE_CHANGE))
    assert "moved" in details and "credit memo" in details

    quiet = await erp.sync()
    assert quiet.applied.created == 0 and quiet.applied.events == 0


async def test_void_and_delete(erp: Harness) -> None:
    _books(erp)
    await erp.sync()
    later(erp.clock)
    erp.fake.pay("900", "131", "40.00")
    later(erp.clock)
    await erp.sync()
    assert _invoice(erp.engine, "1038").open_cents == 6_000

    later(erp.clock)
    erp.fake.void("130")
    erp.fake.delete_payment("900")
    later(erp.clock)
    report = await erp.sync()
    assert report.error is None
    voided = _invoice(erp.engine, "1037")
    assert (voided.status, voided.open_cents) == (InvoiceStatus.VOID.value, 0)
    assert _count(erp.engine, Payment) == 0 and _count(erp.engine, PaymentAllocation) == 0
    assert _invoice(erp.engine, "1038").open_cents == 10_000
    details = " | ".join(e.detail for e in _events(erp.engine, EventKind.SOURCE_CHANGE))
    assert "1037 was voided" in details and "payment 900 was" in details


async def test_paging(erp: Harness, monkeypatch: pytest.MonkeyPatch) -> None:
    erp.fake.small_pages(monkeypatch, 2)
    erp.fake.customer("1", "Many Invoices Ltd", "ap@many.example")
    for n in range(7):
        erp.fake.invoice(str(100 + n), "1", f"M-{n}", "10.00", TODAY)
    report = await erp.sync()
    assert report.pages >= 4 and _count(erp.engine, Invoice) == 7
    with open_session(erp.engine) as session:
        cursor = session.exec(select(SyncCursor)).one()
    assert cursor.state  # the cursor of the last page, kept for the next pass


async def test_one_pass_reads_every_page_of_every_kind(
    erp: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    erp.fake.small_pages(monkeypatch, 2)
    for c in range(5):
        erp.fake.customer(str(1 + c), f"Customer {c}", f"ap@c{c}.example")
        erp.fake.invoice(str(200 + c), str(1 + c), f"P-{c}", "10.00", TODAY)
    report = await erp.sync()
    assert report.error is None
    assert _count(erp.engine, Customer) == 5 and _count(erp.engine, Invoice) == 5


async def test_429_waits_for_retry_after(erp: Harness) -> None:
    _books(erp)
    erp.fake.fail_next(429, {"Retry-After": "1"})
    started = time.monotonic()
    report = await erp.sync()
    assert report.error is None and _count(erp.engine, Invoice) == 3
    assert time.monotonic() - started >= 0.9
    assert any(b["throttled"] == 1 for b in budgets().values())


async def test_5xx_is_retried(erp: Harness) -> None:
    _books(erp)
    erp.fake.fail_next(503, times=2)
    report = await erp.sync()
    assert report.error is None and _count(erp.engine, Invoice) == 3


async def test_5xx_that_does_not_stop_is_an_error_not_a_crash_loop(erp: Harness) -> None:
    _books(erp)
    erp.fake.fail_next(500, times=20)
    with pytest.raises(Exception, match="HTTP 500"):
        await erp.sync()
    with open_session(erp.engine) as session:
        source = session.exec(select(SyncSource)).one()
    assert "HTTP 500" in (source.last_error or "") and source.status == SourceStatus.ACTIVE.value


async def test_expired_token_is_refreshed_mid_sync(erp: Harness) -> None:
    _books(erp)
    await erp.sync()
    erp.fake.expire_access()  # the provider refuses the token before its stated expiry
    later(erp.clock)
    erp.fake.pay("900", "130", "10.00")
    later(erp.clock)
    report = await erp.sync()
    assert report.error is None and erp.fake.refreshes == 1
    assert _invoice(erp.engine, "1037").open_cents == 36_207 - 1_000

    erp.clock.advance(timedelta(minutes=58))  # within the refresh-ahead margin
    await erp.sync()
    assert erp.fake.refreshes == 2


def _second_engine(engine: Engine) -> Engine:
    url = engine.url.render_as_string(hide_password=False)
    schema = None
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            schema = connection.exec_driver_sql("show search_path").scalar()
    return make_engine(url, schema=schema)


async def test_two_processes_refresh_once(erp: Harness) -> None:
    erp.clock.advance(timedelta(hours=2))  # the stored access token has expired
    other = _second_engine(erp.engine)

    def process(engine: Engine) -> str:
        async def refresh() -> str:
            async with httpx.AsyncClient() as client:
                connector = build_connector(
                    erp.fake.name, engine, erp.settings, client, erp.clock, home=erp.home
                )
                return await connector.http.tokens.access_token()  # type: ignore[union-attr]

        return asyncio.run(refresh())

    try:
        tokens = await asyncio.gather(
            asyncio.to_thread(process, erp.engine), asyncio.to_thread(process, other)
        )
    finally:
        other.dispose()
    assert erp.fake.refreshes == 1  # the second waited for the first and used its tokens
    assert tokens[0] == tokens[1] == erp.fake.access_token


async def test_revoked_grant_stops_the_source_with_an_escalation(erp: Harness) -> None:
    _books(erp)
    erp.fake.revoked = True
    erp.fake.expire_access()
    report = await erp.sync()
    assert report.stopped and "connect again" in (report.error or "")
    with open_session(erp.engine) as session:
        source = session.exec(select(SyncSource)).one()
        escalations = list(session.exec(select(Escalation)))
    assert source.status == SourceStatus.STOPPED.value
    assert len(escalations) == 1 and "recoup connect" in escalations[0].recommendation
    calls = len(erp.fake.calls)
    again = await erp.sync()
    assert again.stopped and len(erp.fake.calls) == calls  # no retry loop against the provider
    assert _count(erp.engine, Escalation) == 1


async def test_crash_between_fetch_and_checkpoint_rereads_without_duplicates(
    erp: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    _books(erp)
    await erp.sync()
    later(erp.clock)
    erp.fake.pay("900", "140", "1250.50")
    later(erp.clock)
    crashed = {"once": False}
    original = SyncEngine.checkpoint

    def crash_once(self: SyncEngine, *args: object) -> None:
        if not crashed["once"]:
            crashed["once"] = True
            raise RuntimeError("power cut")
        original(self, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(SyncEngine, "checkpoint", crash_once)
    with pytest.raises(RuntimeError, match="power cut"):
        await erp.sync()
    assert _count(erp.engine, Payment) == 0  # rolled back with the cursor
    report = await erp.sync()
    assert report.error is None
    assert _count(erp.engine, Payment) == 1 and _count(erp.engine, PaymentAllocation) == 1
    assert len(_events(erp.engine, EventKind.PAYMENT)) == 1
    assert _invoice(erp.engine, "2001").status == InvoiceStatus.PAID.value


async def test_write_back_is_delivered_exactly_once_across_a_crash(erp: Harness) -> None:
    _books(erp)
    await erp.sync()
    with open_session(erp.engine) as session:
        owner = session.exec(select(Customer).where(Customer.name == "Red Rock Diner")).one()
        audit.record(
            session,
            at=erp.clock.now(),
            actor="agent",
            action="escalate",
            reason="asks for a payment plan",
            customer_id=owner.id,
        )
        session.commit()
        queued = session.exec(select(WriteBack)).one()
    assert queued.status == WriteBackStatus.PENDING.value and queued.target_kind == "customer"

    async def crash(_row: WriteBack) -> None:
        raise RuntimeError("killed after the source answered")

    connector = erp.connector()
    with pytest.raises(RuntimeError):
        await deliver_due(erp.engine, connector, clock=erp.clock, after_send=crash)
    assert len(erp.fake.notes) == 1
    early = await deliver_due(erp.engine, connector, clock=erp.clock)
    assert early.delivered == 0  # still leased by the crashed attempt
    erp.clock.advance(timedelta(minutes=10))
    report = await deliver_due(erp.engine, connector, clock=erp.clock)
    assert report.delivered == 1
    assert len(erp.fake.notes) == 1  # the retry carried the same idempotency key
    with open_session(erp.engine) as session:
        row = session.exec(select(WriteBack)).one()
    assert row.status == WriteBackStatus.DELIVERED.value and row.attempts == 2


async def test_acts_on_unlinked_accounts_queue_nothing(erp: Harness) -> None:
    with open_session(erp.engine) as session:
        other = Customer(ref="CSV-1", name="From a CSV")
        session.add(other)
        session.flush()
        audit.record(
            session,
            at=erp.clock.now(),
            actor="agent",
            action="escalate",
            reason="x",
            customer_id=other.id,
        )
        session.commit()
    assert _count(erp.engine, WriteBack) == 0


async def test_webhook_signature_valid_forged_replayed(erp: Harness) -> None:
    if not erp.fake.webhooks:
        pytest.skip(f"{erp.fake.name} sends no webhooks: it is polled")
    _books(erp)
    await erp.sync()
    later(erp.clock)
    erp.fake.pay("900", "130", "362.07")
    woken: list[str] = []
    app = Starlette(
        routes=webhook_routes(
            erp.engine, erp.clock, webhook_verifiers(erp.engine, erp.settings), woken.append
        )
    )
    client = TestClient(app)
    body, headers = erp.fake.webhook([("payment", "900", "create"), ("invoice", "130", "update")])
    path = f"/webhooks/{erp.fake.name}"

    forged = client.post(
        path, content=body, headers={k: "AAAA" + v[4:] for k, v in headers.items()}
    )
    assert forged.status_code == 401 and _count(erp.engine, WebhookReceipt) == 0
    tampered = client.post(path, content=body.replace(b"130", b"131"), headers=headers)
    assert tampered.status_code == 401
    valid = client.post(path, content=body, headers=headers)
    assert valid.status_code == 200 and woken == [erp.fake.name]
    replayed = client.post(path, content=body, headers=headers)
    assert replayed.status_code == 200 and _count(erp.engine, WebhookReceipt) == 1
    assert woken == [erp.fake.name]

    report = await erp.sync()
    assert report.webhooks == 1
    assert _invoice(erp.engine, "1037").status == InvoiceStatus.PAID.value
    with open_session(erp.engine) as session:
        assert session.exec(select(WebhookReceipt)).one().processed_at is not None


async def test_webhook_outside_its_window_is_not_kept(erp: Harness) -> None:
    if not erp.fake.webhooks:
        pytest.skip(f"{erp.fake.name} sends no webhooks: it is polled")
    _books(erp)
    await erp.sync()
    woken: list[str] = []
    app = Starlette(
        routes=webhook_routes(
            erp.engine, erp.clock, webhook_verifiers(erp.engine, erp.settings), woken.append
        )
    )
    client = TestClient(app)
    path = f"/webhooks/{erp.fake.name}"
    body, headers = erp.fake.webhook([("invoice", "130", "update")])
    erp.clock.advance(timedelta(hours=25))  # replayed a day later, signature and all
    stale = client.post(path, content=body, headers=headers)
    assert stale.status_code == 200 and woken == [] and _count(erp.engine, WebhookReceipt) == 0

    erp.clock.advance(timedelta(hours=1))
    ahead, ahead_headers = erp.fake.webhook([("invoice", "130", "update")])
    erp.clock.advance(timedelta(hours=-1))  # events dated an hour after the receiver's now
    future = client.post(path, content=ahead, headers=ahead_headers)
    assert future.status_code == 200 and woken == [] and _count(erp.engine, WebhookReceipt) == 0

    fresh, fresh_headers = erp.fake.webhook([("invoice", "130", "update")])
    assert client.post(path, content=fresh, headers=fresh_headers).status_code == 200
    assert woken == [erp.fake.name] and _count(erp.engine, WebhookReceipt) == 1
