from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import Engine
from sqlmodel import select

from recoup.agent.execute import execute_call
from recoup.approvals.decisions import (
    Channel,
    Decision,
    Decisions,
    Outcome,
    Person,
    claim_reminders,
    edited_email,
    expire_overdue,
)
from recoup.clock import FixedClock
from recoup.ledger.db import session as open_session
from recoup.ledger.models import (
    AuditEvent,
    Customer,
    Dispute,
    EscalationCategory,
    Event,
    Invoice,
    Message,
)
from recoup.policy import Policy
from recoup.tools.base import RunContext
from recoup.tools.registry import default_registry
from tests.approvals.approvals_support import escalation, held_email_case, plain_case

JANE = Person("jane", Channel.WEB)
BOB = Person("bob", Channel.SLACK, ref="U0BOB")


def _decisions(engine: Engine, clock: FixedClock, policy: Policy | None = None) -> Decisions:
    return Decisions(engine, clock, policy or Policy(), mail_from="ar@northwind.example")


def _outbox(engine: Engine, customer_id: int) -> list[Message]:
    with open_session(engine) as session:
        return list(
            session.exec(
                select(Message).where(
                    Message.customer_id == customer_id, Message.direction == "outbound"
                )
            )
        )


def _events(engine: Engine, customer_id: int) -> list[Event]:
    with open_session(engine) as session:
        return list(
            session.exec(
                select(Event).where(Event.customer_id == customer_id, Event.kind == "decision")
            )
        )


def _audit(engine: Engine, action: str) -> list[AuditEvent]:
    with open_session(engine) as session:
        return list(session.exec(select(AuditEvent).where(AuditEvent.action == action)))


def test_approving_a_held_email_queues_exactly_that_email(
    engine: Engine, clock: FixedClock, policy: Policy
) -> None:
    case = held_email_case(engine, clock, policy)
    assert _outbox(engine, case.customer_id) == []

    decision = _decisions(engine, clock).approve(case.escalation_id, JANE, note="ok, firm is fine")

    assert decision.outcome is Outcome.APPLIED and decision.status == "approved"
    [sent] = _outbox(engine, case.customer_id)
    assert sent.status == "queued"
    assert (sent.subject, sent.text, sent.to_addrs) == (case.subject, case.body, case.contact)
    assert sent.tone == "firm" and sent.from_addr == "ar@northwind.example"
    assert f"outbox (#{sent.id})" in decision.message
    row = escalation(engine, case.escalation_id)
    assert (row.status, row.decided_by, row.decision_channel) == ("approved", "jane", "web")
    assert row.decision_note == "ok, firm is fine" and row.decided_at is not None
    [audited] = _audit(engine, "decision.approve")
    assert audited.actor == "person:jane"
    assert audited.detail["channel"] == "web"
    assert audited.detail["triggered"]["result"]["outbox_id"] == sent.id
    held, ran = sorted(_audit(engine, "send_email"), key=lambda a: a.id or 0)
    assert (held.actor, held.verdict) == ("agent", "needs_approval")
    assert (ran.actor, ran.verdict) == ("person:jane", None)
    [woken] = _events(engine, case.customer_id)
    assert f"escalation #{case.escalation_id} approved by jane" in woken.detail


def test_a_second_click_or_another_channel_changes_nothing_and_says_so(
    engine: Engine, clock: FixedClock, policy: Policy
) -> None:
    case = held_email_case(engine, clock, policy)
    decisions = _decisions(engine, clock)
    assert decisions.approve(case.escalation_id, BOB).applied
    clock.advance(timedelta(minutes=2))

    again = decisions.approve(case.escalation_id, BOB)
    from_the_page = decisions.reject(case.escalation_id, JANE, note="too firm")
    take = decisions.take_over(case.escalation_id, JANE)

    for late in (again, from_the_page, take):
        assert late.outcome is Outcome.ALREADY_DECIDED
        assert "already approved by bob via slack at 2026-11-23 15:00 UTC" in late.message
        assert "nothing changed" in late.message
    assert len(_outbox(engine, case.customer_id)) == 1
    row = escalation(engine, case.escalation_id)
    assert (row.status, row.decided_by, row.decision_note) == ("approved", "bob", None)
    assert len(_audit(engine, "decision.approve")) == 1
    assert _audit(engine, "decision.reject") == []


def test_concurrent_deciders_cannot_both_win(
    engine: Engine, clock: FixedClock, policy: Policy
) -> None:
    case = held_email_case(engine, clock, policy)
    decisions = _decisions(engine, clock)
    start = threading.Barrier(4)
    results: list[Decision] = []
    lock = threading.Lock()

    def decide(person: Person, approve: bool) -> None:
        start.wait()
        if approve:
            outcome = decisions.approve(case.escalation_id, person)
        else:
            outcome = decisions.reject(case.escalation_id, person, note="no")
        with lock:
            results.append(outcome)

    people = [(Person(f"p{i}", Channel.WEB), i % 2 == 0) for i in range(4)]
    threads = [threading.Thread(target=decide, args=who) for who in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    applied = [r for r in results if r.applied]
    assert len(results) == 4 and len(applied) == 1
    assert all(r.outcome is Outcome.ALREADY_DECIDED for r in results if not r.applied)
    row = escalation(engine, case.escalation_id)
    assert row.status == applied[0].status
    queued = _outbox(engine, case.customer_id)
    assert len(queued) == (1 if row.status == "approved" else 0)
    decided = _audit(engine, "decision.approve") + _audit(engine, "decision.reject")
    assert len(decided) == 1


def test_approval_is_refused_when_the_invoice_was_paid_meanwhile(
    engine: Engine, clock: FixedClock, policy: Policy
) -> None:
    case = held_email_case(engine, clock, policy)
    with open_session(engine) as session:
        invoice = session.exec(select(Invoice).where(Invoice.number == case.invoice_number)).one()
        invoice.status, invoice.open_cents, invoice.paid_on = "paid", 0, clock.now().date()
        session.commit()

    decision = _decisions(engine, clock).approve(case.escalation_id, JANE)

    assert decision.outcome is Outcome.REFUSED
    assert f"invoice {case.invoice_number} has been paid" in decision.message
    assert _outbox(engine, case.customer_id) == []
    assert escalation(engine, case.escalation_id).status == "open"
    [refusal] = _audit(engine, "decision.refused")
    assert refusal.actor == "person:jane" and refusal.detail["escalation_id"] == case.escalation_id


def test_approval_is_refused_when_the_invoice_is_now_disputed(
    engine: Engine, clock: FixedClock, policy: Policy
) -> None:
    case = held_email_case(engine, clock, policy)
    with open_session(engine) as session:
        invoice = session.exec(select(Invoice).where(Invoice.number == case.invoice_number)).one()
        session.add(
            Dispute(
                customer_id=case.customer_id,
                invoice_id=invoice.id or 0,
                amount_cents=invoice.open_cents,
                reason="quantity",
                opened_at=clock.now(),
            )
        )
        session.commit()

    decision = _decisions(engine, clock).approve(case.escalation_id, JANE)

    assert decision.outcome is Outcome.REFUSED
    assert "is now disputed" in decision.message
    assert _outbox(engine, case.customer_id) == []


def test_every_other_guardrail_still_applies_at_approval_time(
    engine: Engine, clock: FixedClock, policy: Policy
) -> None:
    case = held_email_case(engine, clock, policy)
    paused = Policy(paused=True, pause_reason="year-end freeze")

    refused = _decisions(engine, clock, paused).approve(case.escalation_id, JANE)

    assert refused.outcome is Outcome.REFUSED
    assert "year-end freeze" in refused.message
    assert _outbox(engine, case.customer_id) == []
    [refusal] = _audit(engine, "decision.refused")
    assert refusal.rule_id == "pause.global"
    # Once the pause is lifted the same case can still be approved: nothing was applied.
    assert _decisions(engine, clock).approve(case.escalation_id, JANE).applied
    assert len(_outbox(engine, case.customer_id)) == 1


def test_an_edited_email_is_what_goes_out(
    engine: Engine, clock: FixedClock, policy: Policy
) -> None:
    case = held_email_case(engine, clock, policy)
    held = escalation(engine, case.escalation_id).held_action
    assert held is not None
    edited = edited_email(
        held["args"], subject="A gentle word about your invoice", body="Hello, kindly pay soon."
    )

    decision = _decisions(engine, clock).approve(case.escalation_id, BOB, edited_args=edited)

    assert decision.applied and decision.triggered["edited"] is True
    [sent] = _outbox(engine, case.customer_id)
    assert (sent.subject, sent.text) == (
        "A gentle word about your invoice",
        "Hello, kindly pay soon.",
    )
    stored = escalation(engine, case.escalation_id).held_action
    assert stored is not None and stored["args"]["subject"] == "A gentle word about your invoice"


def test_reject_tells_the_agent_with_the_note(
    engine: Engine, clock: FixedClock, policy: Policy
) -> None:
    case = held_email_case(engine, clock, policy)
    decisions = _decisions(engine, clock)
    with pytest.raises(ValueError, match="needs a note"):
        decisions.reject(case.escalation_id, JANE, note="  ")

    decision = decisions.reject(case.escalation_id, JANE, note="They pay on the 30th; wait.")

    assert decision.applied and decision.status == "rejected"
    [woken] = _events(engine, case.customer_id)
    assert woken.detail == (
        f"escalation #{case.escalation_id} rejected by jane: They pay on the 30th; wait."
    )
    assert woken.processed_at is None and woken.due_at is not None
    assert _outbox(engine, case.customer_id) == []
    row = escalation(engine, case.escalation_id)
    assert (row.status, row.decision_note) == ("rejected", "They pay on the 30th; wait.")


def test_take_over_stops_outreach_until_release(
    engine: Engine, clock: FixedClock, policy: Policy
) -> None:
    case = held_email_case(engine, clock, policy)
    decisions = _decisions(engine, clock)

    assert decisions.take_over(case.escalation_id, JANE, note="I will call them").applied
    with open_session(engine) as session:
        assert session.get(Customer, case.customer_id).taken_over is True  # type: ignore[union-attr]
        ctx = RunContext(session=session, customer_id=case.customer_id, clock=clock, policy=policy)
        args = {
            "to": [case.contact],
            "subject": "Reminder",
            "body": f"Invoice {case.invoice_number} is overdue.",
            "tone": "friendly",
            "invoice_numbers": [case.invoice_number],
        }
        attempt = execute_call(ctx, default_registry(), "send_email", args)
        session.commit()
    assert attempt.status == "denied" and attempt.verdict is not None
    assert attempt.verdict.rule_id == "pause.taken_over"

    released = decisions.release(case.escalation_id, JANE)
    again = decisions.release(case.escalation_id, JANE)

    assert released.applied and released.status == "resolved"
    assert again.outcome is Outcome.ALREADY_DECIDED
    with open_session(engine) as session:
        assert session.get(Customer, case.customer_id).taken_over is False  # type: ignore[union-attr]
    [woken] = _events(engine, case.customer_id)
    assert "released to the agent by jane" in woken.detail
    assert [a.detail["channel"] for a in _audit(engine, "decision.take_over")] == ["web"]


def test_approve_without_a_held_action_lets_collections_continue(
    engine: Engine, clock: FixedClock, policy: Policy
) -> None:
    escalation_id, customer_id = plain_case(
        engine, clock, policy, category=EscalationCategory.CONTACT_CHANGE
    )

    decision = _decisions(engine, clock).approve(escalation_id, Person("ops", Channel.CLI))

    assert decision.applied and decision.triggered == {"effect": "collections continue"}
    assert escalation(engine, escalation_id).status == "approved"
    [woken] = _events(engine, customer_id)
    assert woken.detail == f"escalation #{escalation_id} approved by ops: collections continue"


def test_approval_of_a_taken_over_account_is_refused(
    engine: Engine, clock: FixedClock, policy: Policy
) -> None:
    escalation_id, customer_id = plain_case(
        engine, clock, policy, category=EscalationCategory.CONTACT_CHANGE
    )
    with open_session(engine) as session:
        customer = session.get(Customer, customer_id)
        assert customer is not None
        customer.taken_over = True
        session.commit()

    decision = _decisions(engine, clock).approve(escalation_id, JANE)

    assert decision.outcome is Outcome.REFUSED and "taken this account over" in decision.message
    assert escalation(engine, escalation_id).status == "open"


def test_unknown_case(engine: Engine, clock: FixedClock) -> None:
    decision = _decisions(engine, clock).approve(424242, JANE)
    assert decision.outcome is Outcome.NOT_FOUND and "No case #424242" in decision.message


def test_open_cases_are_reminded_once_then_expire_once(
    engine: Engine, clock: FixedClock, policy: Policy
) -> None:
    case = held_email_case(engine, clock, policy)
    row = escalation(engine, case.escalation_id)
    assert row.expires_at is not None  # set at creation: 72 hours
    with open_session(engine) as session:
        assert claim_reminders(session, now=clock.now(), policy=policy) == []
        assert expire_overdue(session, now=clock.now()) == []

    clock.advance(timedelta(hours=47, minutes=59))
    with open_session(engine) as session:
        assert claim_reminders(session, now=clock.now(), policy=policy) == []
    clock.advance(timedelta(minutes=2))  # 24 hours before expiry
    with open_session(engine) as session:
        assert claim_reminders(session, now=clock.now(), policy=policy) == [case.escalation_id]
        assert claim_reminders(session, now=clock.now(), policy=policy) == []
    assert escalation(engine, case.escalation_id).reminded_at is not None

    clock.advance(timedelta(hours=24))
    with open_session(engine) as session:
        assert expire_overdue(session, now=clock.now()) == [case.escalation_id]
        assert expire_overdue(session, now=clock.now()) == []

    late = _decisions(engine, clock).approve(case.escalation_id, JANE)
    assert late.outcome is Outcome.ALREADY_DECIDED and "has expired undecided" in late.message
    assert _outbox(engine, case.customer_id) == []
    assert escalation(engine, case.escalation_id).status == "expired"
    [woken] = _events(engine, case.customer_id)
    assert "expired undecided; the held send_email was not done" in woken.detail
    assert len(_audit(engine, "decision.expire")) == 1
    assert len(_audit(engine, "decision.remind")) == 1


def test_a_case_that_stops_all_outreach_never_expires(
    engine: Engine, clock: FixedClock, policy: Policy
) -> None:
    legal_id, _ = plain_case(engine, clock, policy, category=EscalationCategory.LEGAL)
    clock.advance(timedelta(hours=policy.escalation.open_case_expiry_hours + 1))
    with open_session(engine) as session:
        assert expire_overdue(session, now=clock.now()) == []
    assert escalation(engine, legal_id).status == "open"
