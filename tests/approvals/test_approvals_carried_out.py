"""Approvals a person can carry out, through the real loop and guardrails: a held plan
approved in time goes out despite the agent's own holding reply; an approval refused only
for its timing keeps the case open; approving an insolvency case stops collection."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine
from sqlmodel import col, select

from recoup.agent.clients.offline import OfflineModel
from recoup.agent.loop import AgentDeps
from recoup.agent.runner import Runner
from recoup.approvals.case import assemble_case
from recoup.approvals.choices import Action, choices, recommended
from recoup.approvals.decisions import Channel, Decisions, Outcome, Person, expire_overdue
from recoup.clock import FixedClock, as_utc
from recoup.ledger.db import session as open_session
from recoup.ledger.events import aging_event, event
from recoup.ledger.models import (
    AuditEvent,
    Customer,
    Direction,
    Escalation,
    EventKind,
    Invoice,
    Message,
)
from recoup.policy import Policy
from tests.approvals.approvals_support import held_email_case
from tests.support import factory

CONTACT = "ap@acme.example"
DANA = Person("dana", Channel.WEB)


async def _tick(engine: Engine, clock: FixedClock, policy: Policy) -> None:
    deps = AgentDeps(engine=engine, clock=clock, policy=policy, model=OfflineModel())
    report = await Runner(deps).tick()
    assert not report.errors


def _customer(engine: Engine, clock: FixedClock, days_past_due: int, cents: int) -> int:
    with open_session(engine) as session:
        owner = factory.customer(session, email=CONTACT)
        factory.invoice(
            session,
            owner,
            number="INV-5001",
            amount_cents=cents,
            due=clock.now().date() - timedelta(days=days_past_due),
        )
        session.commit()
        return owner.id or 0


def _writes(engine: Engine, clock: FixedClock, customer_id: int, text: str) -> None:
    with open_session(engine) as session:
        owner = session.get(Customer, customer_id)
        assert owner is not None
        message = factory.inbound(
            session, owner, text, at=clock.now() - timedelta(minutes=5), from_addr=CONTACT
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


def _case(engine: Engine, customer_id: int) -> Escalation:
    with open_session(engine) as session:
        (row,) = session.exec(select(Escalation).where(Escalation.customer_id == customer_id))
        return row


def _refusals(engine: Engine) -> list[str | None]:
    with open_session(engine) as session:
        rows = session.exec(select(AuditEvent).where(AuditEvent.action == "decision.refused"))
        return [row.rule_id for row in rows]


async def _held_plan(engine: Engine, clock: FixedClock, policy: Policy) -> tuple[int, Escalation]:
    customer_id = _customer(engine, clock, 50, 1_200_000)
    _writes(
        engine,
        clock,
        customer_id,
        "We are struggling with cash flow. Could we pay the balance in 6 monthly instalments?",
    )
    await _tick(engine, clock, policy)
    case = _case(engine, customer_id)
    assert case.category == "payment_plan" and case.held_action is not None
    (holding,) = _outbox(engine, customer_id)  # the agent's own holding reply: a touch
    assert "plan" not in holding.text.lower()
    return customer_id, case


async def test_a_held_plan_approved_before_expiry_is_sent(
    engine: Engine, clock: FixedClock, policy: Policy
) -> None:
    customer_id, case = await _held_plan(engine, clock, policy)
    clock.advance(timedelta(hours=2))  # well inside the three days between touches

    decision = Decisions(engine, clock, policy).approve(case.id or 0, DANA)

    assert decision.outcome is Outcome.APPLIED, decision.message
    _holding, proposal = _outbox(engine, customer_id)
    assert proposal.status == "queued" and "instalment" in proposal.text.lower()
    assert _refusals(engine) == []
    assert _case(engine, customer_id).status == "approved"


async def test_an_approved_reply_is_not_held_back_by_a_reminder_and_the_holding_reply(
    engine: Engine, clock: FixedClock, policy: Policy
) -> None:
    """The cadence is read as it stood when the email was held: then it answered the
    customer's newest message, and it still does, whatever the agent wrote since."""
    customer_id = _customer(engine, clock, 50, 1_200_000)
    with open_session(engine) as session:
        owner = session.get(Customer, customer_id)
        assert owner is not None
        earlier = clock.now() - timedelta(days=1)
        session.add(
            Message(
                customer_id=customer_id,
                direction=Direction.OUTBOUND.value,
                status="sent",
                message_id="day-before@recoup.example",
                to_addrs=CONTACT,
                subject="Reminder",
                tone="firm",
                created_at=earlier,
            )
        )
        owner.last_touch_at = earlier
        session.commit()
    _writes(engine, clock, customer_id, "Could we pay the balance in 6 monthly instalments?")
    await _tick(engine, clock, policy)
    case = _case(engine, customer_id)
    assert case.held_action is not None
    held_reply = case.held_action["args"].get("reply_to_message_id")
    clock.advance(timedelta(hours=1))

    decision = Decisions(engine, clock, policy).approve(case.id or 0, DANA)

    # A reply to the customer's own message is never held back by the gap.
    assert held_reply is not None and decision.outcome is Outcome.APPLIED, decision.message


async def test_an_approval_refused_for_quiet_hours_keeps_the_case_open_until_it_can_run(
    engine: Engine, clock: FixedClock, policy: Policy
) -> None:
    customer_id, case = await _held_plan(engine, clock, policy)
    original_expiry = as_utc(case.expires_at or clock.now())
    clock.set(datetime(2026, 11, 23, 21, 0, tzinfo=UTC))  # quiet hours for the customer

    refused = Decisions(engine, clock, policy).approve(case.id or 0, DANA)

    assert refused.outcome is Outcome.REFUSED and "quiet hours" in refused.message
    assert "Approve again from 2026-11-24 08:00 UTC" in refused.message
    assert _refusals(engine) == ["contact.quiet_hours"]
    kept = _case(engine, customer_id)
    assert kept.status == "open" and kept.reminded_at is None
    window = timedelta(hours=policy.escalation.open_case_expiry_hours)
    assert (
        as_utc(kept.expires_at or clock.now()) == datetime(2026, 11, 24, 8, 0, tzinfo=UTC) + window
    )
    with open_session(engine) as session:
        assert expire_overdue(session, now=original_expiry + timedelta(minutes=1)) == []

    clock.set(datetime(2026, 11, 24, 9, 0, tzinfo=UTC))
    again = Decisions(engine, clock, policy).approve(case.id or 0, DANA)
    assert again.outcome is Outcome.APPLIED, again.message
    assert len(_outbox(engine, customer_id)) == 2


async def _insolvency_case(engine: Engine, clock: FixedClock, policy: Policy) -> int:
    customer_id = _customer(engine, clock, 120, 640_000)
    _writes(engine, clock, customer_id, "We have filed for Chapter 11 bankruptcy protection.")
    await _tick(engine, clock, policy)
    assert _case(engine, customer_id).category == "insolvency"
    assert _outbox(engine, customer_id) == []
    return customer_id


def _wake_by_aging(engine: Engine, clock: FixedClock, customer_id: int) -> None:
    with open_session(engine) as session:
        owner = session.get(Customer, customer_id)
        assert owner is not None
        (invoice,) = session.exec(select(Invoice).where(Invoice.customer_id == customer_id))
        session.add(aging_event(invoice, 4, now=clock.now()))
        session.commit()


async def test_approving_an_insolvency_case_stops_collection_no_final_notice(
    engine: Engine, clock: FixedClock, policy: Policy
) -> None:
    customer_id = await _insolvency_case(engine, clock, policy)
    case_id = _case(engine, customer_id).id or 0
    with open_session(engine) as session:
        case = assemble_case(session, case_id, now=clock.now(), policy=policy, sender="AR")
    default = recommended(case)
    assert default is not None and default.action is Action.APPROVE
    assert default.label == "Stop collection and hand to credit/legal"
    assert [c.label for c in choices(case)] == [
        "Stop collection and hand to credit/legal",
        "Resume collection",
    ]

    decision = Decisions(engine, clock, policy).approve(case_id, DANA)

    assert decision.applied and "collection stopped" in decision.message
    assert _case(engine, customer_id).status == "taken_over"
    clock.advance(timedelta(days=2))
    _wake_by_aging(engine, clock, customer_id)
    await _tick(engine, clock, policy)
    assert _outbox(engine, customer_id) == []  # no "Final notice" to a bankrupt customer


async def test_resuming_collection_is_a_choice_of_its_own_and_starts_firm(
    engine: Engine, clock: FixedClock, policy: Policy
) -> None:
    customer_id = await _insolvency_case(engine, clock, policy)
    case_id = _case(engine, customer_id).id or 0

    decision = Decisions(engine, clock, policy).resume(
        case_id, DANA, note="the filing was withdrawn"
    )

    assert decision.applied and "Collection resumed by dana" in decision.message
    assert _case(engine, customer_id).status == "approved"
    await _tick(engine, clock, policy)
    (reminder,) = _outbox(engine, customer_id)
    # The first reminder after 120 days is firm and factual: the ladder starts at its foot.
    assert reminder.tone == "firm" and "final" not in reminder.text.lower()


def test_resume_refuses_a_case_that_holds_an_action(
    engine: Engine, clock: FixedClock, policy: Policy
) -> None:
    held = held_email_case(engine, clock, policy)
    decision = Decisions(engine, clock, policy).resume(held.escalation_id, DANA)
    assert decision.outcome is Outcome.REFUSED and "holds an action" in decision.message
    assert _case(engine, held.customer_id).status == "open"
