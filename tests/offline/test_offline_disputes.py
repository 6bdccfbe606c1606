"""Disputes through the real loop and guardrails: part of an invoice disputed and the rest
promised, a large dispute handed to a person at once, a rejected dispute back in collection."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import Engine
from sqlmodel import select

from recoup.clock import FixedClock
from recoup.ledger.db import session as open_session
from recoup.ledger.models import Escalation, Invoice
from recoup.ledger.operations import disputes
from recoup.ledger.operations.actor import Actor
from recoup.policy import Policy
from tests.offline.test_offline_model import (
    _account,
    _customer_writes,
    _denials,
    _disputes,
    _escalations,
    _outbox,
    _promises,
    _tick,
)

PARTLY = (
    "Of INV-5001, $400.00 is wrong: the 20 damaged units we returned are still on it. "
    "We'll pay the remaining $800.00 by Friday."
)


async def test_a_partly_disputed_invoice_books_the_part_and_carries_a_promise_on_the_rest(
    engine: Engine, clock: FixedClock
) -> None:
    customer_id = _account(engine, clock, {"INV-5001": (20, 120_000)}, wake=False)
    message = _customer_writes(engine, clock, customer_id, PARTLY)
    await _tick(engine, clock)

    ((dispute, number),) = _disputes(engine, customer_id)
    assert (number, dispute.amount_cents, dispute.reason) == ("INV-5001", 40_000, "damaged")
    assert dispute.owner == "Collections team" and dispute.due_at is not None
    ((promise, promised),) = _promises(engine, customer_id)
    assert promised == ["INV-5001"] and promise.amount_cents == 80_000
    assert promise.promised_date == date(2026, 11, 27)
    (reply,) = _outbox(engine, customer_id)
    assert reply.in_reply_to == message.message_id and reply.tone == "courtesy"
    assert "$400.00 you dispute on INV-5001" in reply.text
    assert "that part is on hold" in reply.text and "$800.00, is not under review" in reply.text
    assert "27 November 2026" in reply.text
    assert _denials(engine) == []


async def test_a_dispute_above_the_threshold_goes_to_a_person_at_once(
    engine: Engine, clock: FixedClock
) -> None:
    policy = Policy.model_validate({"disputes": {"person_threshold_cents": 100_000}})
    customer_id = _account(engine, clock, {"INV-5101": (20, 450_000)}, wake=False)
    _customer_writes(
        engine, clock, customer_id, "We never received the goods on INV-5101, so we won't pay it."
    )
    await _tick(engine, clock, policy)
    ((dispute, _),) = _disputes(engine, customer_id)
    assert dispute.amount_cents == 450_000
    with open_session(engine) as session:
        (case,) = session.exec(select(Escalation).where(Escalation.customer_id == customer_id))
    assert case.category == "dispute_review" and case.invoice_numbers == ["INV-5101"]
    assert f"disputes resolve|reject {dispute.id}" in case.recommendation


async def test_a_small_dispute_stays_with_its_owner(engine: Engine, clock: FixedClock) -> None:
    customer_id = _account(engine, clock, {"INV-5151": (20, 45_000)}, wake=False)
    _customer_writes(engine, clock, customer_id, "We never received the goods on INV-5151.")
    await _tick(engine, clock)
    assert len(_disputes(engine, customer_id)) == 1
    with open_session(engine) as session:
        assert list(session.exec(select(Escalation))) == []


async def test_a_rejected_dispute_resumes_collection_on_that_invoice_only(
    engine: Engine, clock: FixedClock
) -> None:
    invoices = {"INV-5201": (20, 75_000), "INV-5202": (10, 30_000)}
    customer_id = _account(engine, clock, invoices, wake=False)
    _customer_writes(engine, clock, customer_id, "We never received the goods for INV-5201.")
    _customer_writes(engine, clock, customer_id, "We never received the goods for INV-5202.")
    await _tick(engine, clock)
    found = {number: d for d, number in _disputes(engine, customer_id)}
    assert set(found) == {"INV-5201", "INV-5202"}

    clock.set(datetime(2026, 11, 30, 10, 0, tzinfo=UTC))
    with open_session(engine) as session:
        disputes.reject(
            session,
            found["INV-5201"].id or 0,
            now=clock.now(),
            actor=Actor("person:dana"),
            reason="the carrier's proof of delivery is signed by your warehouse",
        )
        session.commit()
    await _tick(engine, clock)
    letter = _outbox(engine, customer_id)[-1]
    assert letter.invoice_numbers == ["INV-5201"] and letter.tone == "courtesy"
    assert letter.subject == "Your dispute on INV-5201: our review"
    assert "the carrier's proof of delivery is signed by your warehouse" in letter.text
    assert "The $750.00 still open on INV-5201 is due again" in letter.text
    assert "INV-5202" not in letter.text
    assert _denials(engine) == []

    # A week on, reminders name the rejected invoice only; the other stays on hold.
    clock.set(datetime(2026, 12, 7, 10, 0, tzinfo=UTC))
    await _tick(engine, clock)
    reminder = _outbox(engine, customer_id)[-1]
    assert reminder.id != letter.id and reminder.invoice_numbers == ["INV-5201"]
    assert "INV-5202" not in reminder.text
    assert _denials(engine) == []


async def test_a_credit_lowers_the_invoice_and_ends_the_hold(
    engine: Engine, clock: FixedClock
) -> None:
    customer_id = _account(engine, clock, {"INV-5301": (20, 120_000)}, wake=False)
    _customer_writes(engine, clock, customer_id, PARTLY.replace("INV-5001", "INV-5301"))
    await _tick(engine, clock)
    ((dispute, _),) = _disputes(engine, customer_id)
    clock.set(datetime(2026, 11, 26, 16, 0, tzinfo=UTC))
    with open_session(engine) as session:
        ending = disputes.resolve_with_credit(
            session, dispute.id or 0, now=clock.now(), actor=Actor("person:dana")
        )
        session.commit()
        assert ending.changed_cents == 40_000
        invoice = session.exec(select(Invoice).where(Invoice.number == "INV-5301")).one()
        assert invoice.open_cents == 80_000
    ((ended, _),) = _disputes(engine, customer_id)
    assert (ended.status, ended.outcome) == ("resolved", "credited")
    assert ended.credit_memo_id is not None and ended.resolved_by == "person:dana"

    # The customer is told, in the dispute's thread, though the rest is under a promise.
    await _tick(engine, clock)
    letter = _outbox(engine, customer_id)[-1]
    assert letter.subject == "Your dispute on INV-5301: credit issued"
    assert "issued a credit of $400.00" in letter.text
    assert "$800.00 remains open on INV-5301" in letter.text
    assert letter.in_reply_to is not None and letter.tone == "courtesy"
    assert _denials(engine) == []


async def test_a_rejection_decided_in_quiet_hours_is_told_next_morning_not_lost(
    engine: Engine, clock: FixedClock
) -> None:
    customer_id = _account(engine, clock, {"INV-5401": (20, 75_000)}, wake=False)
    _customer_writes(engine, clock, customer_id, "We never received the goods for INV-5401.")
    await _tick(engine, clock)
    ((dispute, _),) = _disputes(engine, customer_id)

    clock.set(datetime(2026, 12, 1, 2, 0, tzinfo=UTC))  # 02:00 in the customer's zone
    with open_session(engine) as session:
        disputes.reject(
            session, dispute.id or 0, now=clock.now(), actor=Actor("person:dana"),
            reason="the proof of delivery is signed by your warehouse",
        )  # fmt: skip
        session.commit()
    await _tick(engine, clock)
    sent_at_night = len(_outbox(engine, customer_id))
    clock.set(datetime(2026, 12, 1, 14, 0, tzinfo=UTC))
    await _tick(engine, clock)

    letter = _outbox(engine, customer_id)[-1]
    assert len(_outbox(engine, customer_id)) == sent_at_night + 1
    assert letter.subject == "Your dispute on INV-5401: our review"
    assert "the proof of delivery is signed by your warehouse" in letter.text


async def test_anger_beside_a_dispute_opens_the_dispute_and_asks_no_person(
    engine: Engine, clock: FixedClock
) -> None:
    customer_id = _account(engine, clock, {"INV-5501": (20, 120_000)}, wake=False)
    _customer_writes(
        engine, clock, customer_id,
        "I have told you THREE times that the panels on INV-5501 are the wrong colour. "
        "Stop sending me reminders until someone sorts the return. Honestly the service "
        "this year has been shocking.",
    )  # fmt: skip
    await _tick(engine, clock)

    assert [number for _, number in _disputes(engine, customer_id)] == ["INV-5501"]
    assert "hostile" not in [e.category for e in _escalations(engine, customer_id)]


async def test_abuse_beside_a_dispute_still_goes_to_a_person(
    engine: Engine, clock: FixedClock
) -> None:
    customer_id = _account(engine, clock, {"INV-5601": (20, 120_000)}, wake=False)
    _customer_writes(
        engine, clock, customer_id,
        "The goods on INV-5601 arrived damaged. Send one more of these and you'll regret it.",
    )  # fmt: skip
    await _tick(engine, clock)

    assert "hostile" in [e.category for e in _escalations(engine, customer_id)]


async def test_an_amount_that_is_one_invoices_balance_promises_that_invoice(
    engine: Engine, clock: FixedClock
) -> None:
    invoices = {"INV-5701": (20, 1_250_000), "INV-5702": (10, 180_000)}
    customer_id = _account(engine, clock, invoices, wake=False)
    _customer_writes(
        engine, clock, customer_id, "Will pay the 12,500.00 next Thursday. The small one after."
    )
    await _tick(engine, clock)

    ((promise, covered),) = _promises(engine, customer_id)
    assert covered == ["INV-5701"] and promise.amount_cents == 1_250_000
