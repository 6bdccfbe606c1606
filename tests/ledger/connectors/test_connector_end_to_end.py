"""End to end per provider: an invoice paid in the source stops the reminders; a dispute
opened from a customer's email shows up as a note on the invoice in the source."""

from __future__ import annotations

from datetime import date, timedelta

from sqlmodel import col, select
from starlette.applications import Starlette
from starlette.testclient import TestClient

from recoup.agent.clients.offline import OfflineModel
from recoup.agent.loop import AgentDeps
from recoup.agent.runner import Runner
from recoup.ledger.connectors.sync.receiver import webhook_routes
from recoup.ledger.connectors.sync.registry import webhook_verifiers
from recoup.ledger.connectors.sync.writeback import deliver_due
from recoup.ledger.db import session as open_session
from recoup.ledger.events import event
from recoup.ledger.models import (
    Customer,
    Direction,
    Dispute,
    EventKind,
    Invoice,
    InvoiceStatus,
    Message,
)
from tests.ledger.connectors.harness import Harness, later
from tests.support import factory

TODAY = date(2026, 11, 23)


def _outbound(erp: Harness) -> list[Message]:
    with open_session(erp.engine) as session:
        return list(
            session.exec(
                select(Message)
                .where(Message.direction == Direction.OUTBOUND.value)
                .order_by(col(Message.id))
            )
        )


async def _tick(erp: Harness) -> None:
    runner = Runner(AgentDeps(erp.engine, erp.clock, erp.policy, OfflineModel()))
    await runner.tick()


async def test_paid_in_the_source_stops_the_reminders(erp: Harness) -> None:
    erp.fake.customer("24", "Sonnenschein Family Store", "ap@sonnenschein.example")
    erp.fake.invoice("130", "24", "1037", "362.07", TODAY - timedelta(days=20))
    await erp.sync()
    await _tick(erp)
    reminders = _outbound(erp)
    assert len(reminders) == 1 and "1037" in reminders[0].text
    assert "overdue" in reminders[0].text.lower() or "past due" in reminders[0].text.lower()

    later(erp.clock, 60)
    erp.fake.pay("900", "130", "362.07")
    verifiers = webhook_verifiers(erp.engine, erp.settings)
    if erp.fake.name in verifiers:
        client = TestClient(Starlette(routes=webhook_routes(erp.engine, erp.clock, verifiers)))
        body, headers = erp.fake.webhook([("payment", "900", "create")])
        assert (
            client.post(f"/webhooks/{erp.fake.name}", content=body, headers=headers).status_code
            == 200
        )
    await erp.sync()
    with open_session(erp.engine) as session:
        invoice = session.exec(select(Invoice).where(Invoice.number == "1037")).one()
    assert invoice.status == InvoiceStatus.PAID.value

    for _ in range(4):  # two months of the agent's schedule: nothing is chased any more
        await _tick(erp)
        erp.clock.advance(timedelta(days=15))
    later_mail = _outbound(erp)[1:]
    assert all("1037" not in m.text or "thank" in m.text.lower() for m in later_mail)
    assert not any("overdue" in m.text.lower() or "past due" in m.text.lower() for m in later_mail)


async def test_a_dispute_from_an_email_becomes_a_note_on_the_invoice(erp: Harness) -> None:
    erp.fake.customer("24", "Sonnenschein Family Store", "ap@sonnenschein.example")
    erp.fake.invoice("131", "24", "1038", "100.00", TODAY - timedelta(days=10))
    await erp.sync()
    with open_session(erp.engine) as session:
        owner = session.exec(select(Customer)).one()
        message = factory.inbound(
            session,
            owner,
            "Hello, we dispute invoice 1038: the price is wrong, we were quoted 80.00 "
            "for this order. Please send a corrected invoice.",
            at=erp.clock.now(),
            from_addr="ap@sonnenschein.example",
        )
        session.add(event(owner.id or 0, EventKind.MESSAGE, now=erp.clock.now(), ref_id=message.id))
        session.commit()
    await _tick(erp)
    with open_session(erp.engine) as session:
        dispute = session.exec(select(Dispute)).one()
    assert dispute.reason == "price"

    report = await deliver_due(erp.engine, erp.connector(), clock=erp.clock)
    assert report.delivered >= 1
    notes = erp.fake.note_texts("131")
    assert any("dispute opened" in note and "1038" in note for note in notes)
    again = await deliver_due(erp.engine, erp.connector(), clock=erp.clock)
    assert again.delivered == 0 and erp.fake.note_texts("131") == notes
