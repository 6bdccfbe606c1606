from __future__ import annotations

from datetime import timedelta

from sqlalchemy import Engine
from sqlmodel import select

from recoup.approvals.case import (
    CORRESPONDENCE_CHARS,
    assemble_case,
    render_email,
    sender_header,
)
from recoup.approvals.decisions import Channel, Decisions, Person
from recoup.clock import FixedClock
from recoup.ledger.db import session as open_session
from recoup.ledger.models import Customer, Invoice, Message
from recoup.policy import Policy
from recoup.tools.email import SendEmailArgs
from tests.approvals.approvals_support import held_email_case, plain_case
from tests.support import factory

SENDER = sender_header("Northwind AR", "ar@northwind.example")


def test_a_held_email_case_carries_its_context_and_the_email_as_sent(
    engine: Engine, clock: FixedClock, policy: Policy
) -> None:
    held = held_email_case(engine, clock, policy)
    with open_session(engine) as session:
        owner = session.get(Customer, held.customer_id)
        assert owner is not None
        # a paid invoice gives payment habits; a long, newer reply must come first, trimmed
        paid = factory.invoice(
            session, owner, amount_cents=10_000, due=clock.now().date() - timedelta(days=90)
        )
        paid_invoice = session.get(Invoice, paid.id)
        assert paid_invoice is not None
        paid_invoice.status, paid_invoice.open_cents = "paid", 0
        paid_invoice.paid_on = paid.due_date + timedelta(days=6)
        factory.inbound(session, owner, "x" * 2000, at=clock.now() - timedelta(hours=1))
        session.commit()

        case = assemble_case(
            session, held.escalation_id, now=clock.now(), policy=policy, sender=SENDER
        )

    assert case.is_open and case.category == "tone_approval" and case.rule_id == "tone.cap"
    assert "exceeds the strategic account cap" in case.why
    assert case.account is not None
    assert case.account.strategic is True and case.account.name == "Globex"
    assert case.account.balance_cents == 480_000
    assert case.account.overdue_cents == 480_000
    assert case.account.aging_cents["31-60"] == 480_000
    assert case.account.habits.paid_invoices == 1 and case.account.habits.avg_days_late == 6
    assert [line.number for line in case.invoices] == [held.invoice_number]
    assert case.invoices[0].days_past_due == 40
    newest, older = case.correspondence[0], case.correspondence[1]
    assert newest.at > older.at
    assert newest.trimmed and len(newest.excerpt) == CORRESPONDENCE_CHARS
    assert "please hold" in older.excerpt
    assert case.held is not None and case.held.tool == "send_email"
    email = case.held.email
    assert email is not None
    assert email.from_header == "Northwind AR <ar@northwind.example>"
    assert (email.to, email.subject, email.body) == ([held.contact], held.subject, held.body)
    assert email.attachments == [f"copy of invoice {held.invoice_number} (PDF)"]
    text = email.as_text()
    assert text.startswith("From: Northwind AR <ar@northwind.example>\nTo: ")
    assert f"Subject: {held.subject}\n\n{held.body}" in text
    assert case.expires_at == clock.now() + timedelta(
        hours=policy.escalation.open_case_expiry_hours
    )


def test_a_reply_shows_the_message_it_answers(
    engine: Engine, clock: FixedClock, policy: Policy
) -> None:
    held = held_email_case(engine, clock, policy)
    with open_session(engine) as session:
        reply_to = session.exec(
            select(Message).where(Message.customer_id == held.customer_id)
        ).one()
        args = SendEmailArgs(
            to=[held.contact],
            subject="Re: your invoice",
            body="Thank you.",
            tone="courtesy",
            reply_to_message_id=reply_to.id,
            attach_statement=True,
        )
        email = render_email(session, args, sender=SENDER)
    assert email.in_reply_to == reply_to.message_id
    assert ("In-Reply-To", f"<{reply_to.message_id}>") in email.headers()
    assert email.attachments == ["statement of account (PDF)"]


def test_a_decided_case_says_who_decided_and_a_refusal_is_shown(
    engine: Engine, clock: FixedClock, policy: Policy
) -> None:
    held = held_email_case(engine, clock, policy)
    escalation_id, _ = plain_case(engine, clock, policy)
    decisions = Decisions(engine, clock, policy)
    refused = Decisions(engine, clock, Policy(paused=True, pause_reason="audit week"))
    refused.approve(held.escalation_id, Person("jane", Channel.WEB))
    decisions.reject(escalation_id, Person("bob", Channel.CLI), note="call first")

    with open_session(engine) as session:
        held_case = assemble_case(
            session, held.escalation_id, now=clock.now(), policy=policy, sender=SENDER
        )
        rejected = assemble_case(
            session, escalation_id, now=clock.now(), policy=policy, sender=SENDER
        )
    assert held_case.is_open
    assert len(held_case.refusals) == 1 and "audit week" in held_case.refusals[0]
    assert "person:jane" in held_case.refusals[0]
    assert (rejected.status, rejected.decided_by, rejected.decision_channel) == (
        "rejected",
        "bob",
        "cli",
    )
    assert rejected.decision_note == "call first" and rejected.held is None
    assert rejected.refusals == []
