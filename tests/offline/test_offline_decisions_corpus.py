"""Decisions on readings the corpus of recorded mailboxes calls for.

The reader is replaced by a fixed reading, so each test states what the customer
said and checks only what the offline model decides to do with it.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import Engine
from sqlmodel import col, select

from recoup.agent.clients.offline import OfflineModel
from recoup.agent.loop import AgentDeps
from recoup.agent.runner import Runner
from recoup.clock import FixedClock
from recoup.ledger.cash import apply_payment
from recoup.ledger.db import session as open_session
from recoup.ledger.events import event
from recoup.ledger.models import (
    Contact,
    Customer,
    Direction,
    Escalation,
    EventKind,
    Message,
    Payment,
    Promise,
)
from recoup.offline import readings
from recoup.policy import Policy
from recoup.reader import CopyKind, Finding, Intent, Reading
from tests.support import factory

CONTACT = "ap@acme.example"


def _finding(intent: Intent, evidence: str, **details: object) -> Finding:
    return Finding(intent=intent, evidence=evidence, **details)  # type: ignore[arg-type]


@pytest.fixture
def reads_as(monkeypatch: pytest.MonkeyPatch):
    """Make every customer email read as the given findings."""

    def fix(*findings: Finding) -> None:
        reading = Reading(findings=list(findings), language="en")
        monkeypatch.setattr(readings, "read_reply", lambda *a, **k: reading)

    return fix


async def _tick(engine: Engine, clock: FixedClock) -> None:
    deps = AgentDeps(engine=engine, clock=clock, policy=Policy(), model=OfflineModel())
    report = await Runner(deps).tick()
    assert not report.errors


def _account(engine: Engine, clock: FixedClock, invoices: dict[str, tuple[int, int]]) -> int:
    today = clock.now().date()
    with open_session(engine) as session:
        owner = factory.customer(session, email=CONTACT)
        for number, (days, cents) in invoices.items():
            factory.invoice(
                session, owner, number=number, amount_cents=cents, due=today - timedelta(days=days)
            )
        session.commit()
        return owner.id or 0


def _customer_writes(engine: Engine, clock: FixedClock, customer_id: int, text: str) -> None:
    with open_session(engine) as session:
        owner = session.get(Customer, customer_id)
        assert owner is not None
        message = factory.inbound(
            session,
            owner,
            text,
            at=clock.now() - timedelta(minutes=5),
            subject="Re: your invoices",
            from_addr=CONTACT,
        )
        session.add(event(customer_id, EventKind.MESSAGE, now=clock.now(), ref_id=message.id))
        session.commit()


def _outbox(engine: Engine, customer_id: int) -> list[Message]:
    with open_session(engine) as session:
        return list(
            session.exec(
                select(Message)
                .where(
                    Message.customer_id == customer_id,
                    Message.direction == Direction.OUTBOUND.value,
                )
                .order_by(col(Message.id))
            )
        )


def _categories(engine: Engine, customer_id: int) -> list[str]:
    with open_session(engine) as session:
        rows = session.exec(select(Escalation).where(Escalation.customer_id == customer_id))
        return sorted(e.category for e in rows)


# ---------------------------------------------------------------- wrong contact, hostile


async def test_a_colleague_pointing_to_the_customers_own_address_moves_outreach_there(
    engine: Engine, clock: FixedClock, reads_as
) -> None:
    customer_id = _account(engine, clock, {"INV-7001": (20, 48_675)})
    reads_as(
        _finding(
            Intent.WRONG_CONTACT,
            "Tanya left at the end of last month; please direct anything invoice-related "
            "to payables@acme.example.",
            redirect_email="payables@acme.example",
        )
    )
    _customer_writes(engine, clock, customer_id, "Tanya left; write to payables@acme.example.")
    await _tick(engine, clock)
    assert _categories(engine, customer_id) == []
    with open_session(engine) as session:
        added = session.exec(select(Contact).where(Contact.email == "payables@acme.example")).one()
        assert added.is_primary and added.customer_id == customer_id
        assert added.source_message_id is not None


async def test_a_redirect_to_another_domain_is_held_for_a_person_and_not_written_to(
    engine: Engine, clock: FixedClock, reads_as
) -> None:
    customer_id = _account(engine, clock, {"INV-7002": (10, 120_000)})
    reads_as(
        _finding(
            Intent.PROMISE,
            "I'll make sure INV-7002 gets paid by Friday",
            invoice_numbers=["INV-7002"],
            date=clock.now().date() + timedelta(days=4),
        ),
        _finding(
            Intent.WRONG_CONTACT,
            "going forward please send invoices to billing@acme-payments.example",
            redirect_email="billing@acme-payments.example",
        ),
    )
    _customer_writes(engine, clock, customer_id, "Paid Friday; send invoices elsewhere.")
    await _tick(engine, clock)
    assert "contact_change" in _categories(engine, customer_id)
    assert all("acme-payments" not in m.to_addrs for m in _outbox(engine, customer_id))
    with open_session(engine) as session:
        emails = {c.email for c in session.exec(select(Contact))}
        assert "billing@acme-payments.example" not in emails
        assert session.exec(select(Promise)).one().status == "pending"


async def test_a_hostile_reply_goes_to_a_person_with_no_outreach(
    engine: Engine, clock: FixedClock, reads_as
) -> None:
    customer_id = _account(engine, clock, {"INV-7003": (30, 90_000)})
    reads_as(
        _finding(Intent.HOSTILE, "Pathetic. Stop emailing me."),
        _finding(Intent.QUESTION, "Do you lot actually employ humans?"),
    )
    _customer_writes(engine, clock, customer_id, "Pathetic.")
    await _tick(engine, clock)
    assert _categories(engine, customer_id) == ["hostile"]
    assert _outbox(engine, customer_id) == []


# ---------------------------------------------------------------- no needless hand-offs


async def test_a_question_beside_a_copy_request_is_answered_by_the_copy(
    engine: Engine, clock: FixedClock, reads_as
) -> None:
    customer_id = _account(engine, clock, {"INV-7004": (15, 64_000)})
    reads_as(
        _finding(
            Intent.COPY_REQUEST,
            "Can you send me a copy so I can match it?",
            invoice_numbers=["INV-7004"],
            copy_kinds=[CopyKind.INVOICE],
        ),
        _finding(
            Intent.QUESTION,
            "Is INV-7004 the one for the March order or the re-order in May?",
            invoice_numbers=["INV-7004"],
        ),
    )
    _customer_writes(engine, clock, customer_id, "Which order is INV-7004? Send a copy.")
    await _tick(engine, clock)
    assert _categories(engine, customer_id) == []
    (reply,) = _outbox(engine, customer_id)
    assert "colleague" not in reply.text.lower()


async def test_a_request_to_confirm_beside_a_claimed_payment_needs_no_person(
    engine: Engine, clock: FixedClock, reads_as
) -> None:
    customer_id = _account(engine, clock, {"INV-7005": (15, 64_000), "INV-7006": (5, 30_000)})
    reads_as(
        _finding(
            Intent.ALREADY_PAID,
            "We paid INV-7005 on Monday (wire ref FT2611094471).",
            invoice_numbers=["INV-7005"],
            payment_reference="FT2611094471",
        ),
        _finding(Intent.QUESTION, "Please confirm you'll update your records."),
    )
    _customer_writes(engine, clock, customer_id, "Paid INV-7005 Monday, please confirm.")
    await _tick(engine, clock)
    assert _categories(engine, customer_id) == []


async def test_a_question_about_bank_details_beside_a_promise_still_goes_to_a_person(
    engine: Engine, clock: FixedClock, reads_as
) -> None:
    customer_id = _account(engine, clock, {"INV-7007": (15, 64_000)})
    reads_as(
        _finding(
            Intent.PROMISE,
            "INV-7007 will be paid on Friday.",
            invoice_numbers=["INV-7007"],
            date=clock.now().date() + timedelta(days=4),
        ),
        _finding(Intent.QUESTION, "Have your bank details changed since last year?"),
    )
    _customer_writes(engine, clock, customer_id, "Paying Friday. New bank details?")
    await _tick(engine, clock)
    assert _categories(engine, customer_id) == ["other"]


# ---------------------------------------------------------------- payment plans


async def test_a_plan_on_a_balance_below_the_plan_minimum_goes_to_a_person(
    engine: Engine, clock: FixedClock, reads_as
) -> None:
    customer_id = _account(engine, clock, {"INV-7008": (20, 38_000)})
    reads_as(
        _finding(
            Intent.PAYMENT_PLAN,
            "can I pay the $380.00 in two halves? Half now and half next month.",
            installments=2,
            months=2,
        )
    )
    _customer_writes(engine, clock, customer_id, "Can I pay the $380.00 in two halves?")
    await _tick(engine, clock)
    assert "payment_plan" in _categories(engine, customer_id)
    assert all("2 instalments" not in m.text for m in _outbox(engine, customer_id))


async def test_a_plan_over_six_months_goes_to_a_person(
    engine: Engine, clock: FixedClock, reads_as
) -> None:
    customer_id = _account(engine, clock, {"INV-7009": (20, 900_000)})
    reads_as(
        _finding(
            Intent.PAYMENT_PLAN,
            "Could you give us six months to pay off the balance? Monthly chunks.",
            months=6,
        )
    )
    _customer_writes(engine, clock, customer_id, "Six months to pay, in monthly chunks?")
    await _tick(engine, clock)
    assert "payment_plan" in _categories(engine, customer_id)


def _pay(engine: Engine, clock: FixedClock, customer_id: int, cents: int, reference: str) -> None:
    with open_session(engine) as session:
        payment = Payment(
            customer_id=customer_id,
            ref=f"PAY-{reference}",
            amount_cents=cents,
            received_on=clock.now().date(),
            references=reference,
        )
        session.add(payment)
        session.flush()
        apply_payment(session, payment, now=clock.now(), grace_days=3)
        session.commit()


def _wake(engine: Engine, clock: FixedClock, customer_id: int, kind: EventKind) -> None:
    with open_session(engine) as session:
        session.add(event(customer_id, kind, now=clock.now(), detail="look again"))
        session.commit()


async def test_a_plan_being_paid_on_time_is_not_chased_and_a_missed_instalment_is(
    engine: Engine, clock: FixedClock, reads_as
) -> None:
    customer_id = _account(engine, clock, {"INV-7010": (40, 900_000)})
    reads_as(
        _finding(
            Intent.PAYMENT_PLAN,
            "could we pay INV-7010 in three monthly instalments?",
            invoice_numbers=["INV-7010"],
            installments=3,
            months=3,
        )
    )
    _customer_writes(engine, clock, customer_id, "Three monthly instalments?")
    await _tick(engine, clock)
    (proposal,) = _outbox(engine, customer_id)
    assert "3 instalments over 3 months" in proposal.text
    # The first instalment arrives; the weeks until the next one pass without reminders.
    clock.advance(timedelta(days=10))
    _pay(engine, clock, customer_id, 300_000, "INV-7010")
    await _tick(engine, clock)
    for _ in range(4):
        clock.advance(timedelta(days=7))
        _wake(engine, clock, customer_id, EventKind.AGING)
        await _tick(engine, clock)
    assert len(_outbox(engine, customer_id)) == 1
    # The second instalment never comes: the account is chased again.
    clock.advance(timedelta(days=14))
    _wake(engine, clock, customer_id, EventKind.AGING)
    await _tick(engine, clock)
    assert len(_outbox(engine, customer_id)) == 2


async def test_a_request_to_reissue_without_vat_beside_a_tax_dispute_is_the_dispute(
    engine: Engine, clock: FixedClock, reads_as
) -> None:
    customer_id = _account(engine, clock, {"INV-7011": (15, 64_000)})
    reads_as(
        _finding(
            Intent.DISPUTE,
            "we provided our VAT number and this is an intra-EU supply - it should be "
            "reverse-charged",
            invoice_numbers=["INV-7011"],
        ),
        _finding(Intent.QUESTION, "Could you reissue it without VAT?"),
    )
    _customer_writes(engine, clock, customer_id, "Reverse charge applies; reissue without VAT?")
    await _tick(engine, clock)
    assert _categories(engine, customer_id) == []


async def test_a_bank_details_question_beside_a_dispute_still_goes_to_a_person(
    engine: Engine, clock: FixedClock, reads_as
) -> None:
    customer_id = _account(engine, clock, {"INV-7012": (15, 64_000)})
    reads_as(
        _finding(Intent.DISPUTE, "the price on INV-7012 is wrong", invoice_numbers=["INV-7012"]),
        _finding(Intent.QUESTION, "Also, which bank account should we pay into now?"),
    )
    _customer_writes(engine, clock, customer_id, "Wrong price. Which bank account now?")
    await _tick(engine, clock)
    assert _categories(engine, customer_id) == ["other"]


async def test_half_sent_half_promised_logs_a_promise_for_both_halves(
    engine: Engine, clock: FixedClock, reads_as
) -> None:
    customer_id = _account(engine, clock, {"INV-7": (20, 360_000)})
    month_end = clock.now().date() + timedelta(days=7)
    reads_as(
        _finding(Intent.ALREADY_PAID, "I've just sent 1,800.00", amount_cents=180_000,
                 invoice_numbers=["INV-7"]),
        _finding(Intent.PROMISE, "the other half at month end", amount_cents=180_000,
                 invoice_numbers=["INV-7"], date=month_end),
    )  # fmt: skip
    _customer_writes(engine, clock, customer_id, "half now, half at month end")
    await _tick(engine, clock)
    with open_session(engine) as session:
        promise = session.exec(select(Promise)).one()
    # The half in transit arriving tomorrow must not count as the promise kept.
    assert promise.amount_cents == 360_000 and promise.promised_date == month_end
