"""From raw bytes to the ledger: store, dedupe, match, and the mail handled
without the model (out-of-office, bounces, unreadable mail)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.policy import SMTP

import pytest
from sqlmodel import Session, col, select

from recoup.clock import FixedClock
from recoup.ledger.models import (
    AuditEvent,
    Contact,
    Customer,
    Direction,
    Escalation,
    Event,
    Message,
    MessageStatus,
)
from recoup.mail import ingest as ingest_module
from recoup.mail.ingest import IngestStatus, ingest_batch, ingest_message, read_message
from recoup.policy import Policy
from tests.daemon.kit import delivery_status_notification, raw_mail
from tests.support import factory


def _reminder(session: Session, customer: Customer, clock: FixedClock) -> Message:
    row = Message(
        customer_id=customer.id,
        direction=Direction.OUTBOUND.value,
        status=MessageStatus.SENT.value,
        message_id=f"reminder-{customer.id}@recoup.test",
        from_addr="ar@recoup.test",
        to_addrs="ap@acme.example",
        subject="Invoice overdue",
        created_at=clock.now() - timedelta(days=2),
    )
    session.add(row)
    session.flush()
    return row


def _events(session: Session, kind: str) -> list[Event]:
    return list(session.exec(select(Event).where(Event.kind == kind)))


def test_a_reply_is_stored_matched_and_wakes_the_agent(
    session: Session, clock: FixedClock, policy: Policy
) -> None:
    customer = factory.customer(session, email="ap@acme.example")
    reminder = _reminder(session, customer, clock)
    raw = raw_mail(
        sender="Pat <ap@acme.example>",
        to="ar@recoup.test",
        subject="Re: Invoice overdue",
        body="We paid it yesterday.\n\nOn Mon, AR wrote:\n> Invoice overdue, please pay.\n",
        in_reply_to=reminder.message_id,
        message_id="reply-1@acme.example",
    )
    result = ingest_message(session, raw, now=clock.now(), policy=policy)
    session.commit()

    assert result.status is IngestStatus.STORED
    assert result.customer_id == customer.id
    stored = session.get(Message, result.message_db_id)
    assert stored is not None
    assert stored.message_id == "reply-1@acme.example"
    assert stored.status == MessageStatus.RECEIVED.value
    assert stored.direction == Direction.INBOUND.value
    assert stored.in_reply_to == reminder.message_id
    assert stored.text.strip() == "We paid it yesterday."
    assert "Invoice overdue, please pay." in stored.quoted_text
    (wake,) = _events(session, "message")
    assert (wake.customer_id, wake.ref_id, wake.due_at) == (customer.id, stored.id, clock.now())
    assert session.get(Customer, customer.id).last_inbound_at == clock.now()  # type: ignore[union-attr]


def test_the_same_message_twice_changes_nothing(
    session: Session, clock: FixedClock, policy: Policy
) -> None:
    factory.customer(session, email="ap@acme.example")
    raw = raw_mail(sender="ap@acme.example", to="ar@recoup.test", subject="Hello", body="Question.")
    first = ingest_message(session, raw, now=clock.now(), policy=policy)
    session.commit()
    second = ingest_message(session, raw, now=clock.now() + timedelta(hours=1), policy=policy)
    session.commit()
    assert first.status is IngestStatus.STORED
    assert second.status is IngestStatus.DUPLICATE
    assert second.message_db_id == first.message_db_id
    assert len(list(session.exec(select(Message)))) == 1
    assert len(_events(session, "message")) == 1


def test_attachments_are_kept_as_metadata(
    session: Session, clock: FixedClock, policy: Policy
) -> None:
    factory.customer(session, email="ap@acme.example")
    message = EmailMessage()
    message["From"] = "ap@acme.example"
    message["To"] = "ar@recoup.test"
    message["Subject"] = "Remittance advice"
    message["Message-ID"] = "<remit-1@acme.example>"
    message.set_content("Remittance attached.")
    message.add_attachment(
        b"%PDF-1.4 " + b"x" * 3000, maintype="application", subtype="pdf", filename="remit.pdf"
    )
    result = ingest_message(session, message.as_bytes(policy=SMTP), now=clock.now(), policy=policy)
    stored = session.get(Message, result.message_db_id)
    assert stored is not None
    assert stored.attachments == [
        {"filename": "remit.pdf", "content_type": "application/pdf", "size": 3009}
    ]


def test_an_unmatched_message_goes_to_a_person(
    session: Session, clock: FixedClock, policy: Policy
) -> None:
    factory.customer(session, email="ap@acme.example")
    raw = raw_mail(
        sender="someone@unknown.example", to="ar@recoup.test", subject="Hi", body="Who are you?"
    )
    result = ingest_message(session, raw, now=clock.now(), policy=policy)
    session.commit()
    assert result.status is IngestStatus.UNMATCHED and result.customer_id is None
    stored = session.get(Message, result.message_db_id)
    assert stored is not None and stored.customer_id is None
    escalation = session.exec(select(Escalation)).one()
    assert escalation.category == "unmatched_mail"
    assert escalation.customer_id is None and escalation.message_id == stored.id
    assert "someone@unknown.example" in escalation.reason
    assert escalation.expires_at == clock.now() + timedelta(
        hours=policy.escalation.open_case_expiry_hours
    )
    assert _events(session, "message") == []


def test_several_candidate_accounts_are_named_in_the_escalation(
    session: Session, clock: FixedClock, policy: Policy
) -> None:
    first = factory.customer(session, email="ap@first.example", ref="C-FIRST")
    second = factory.customer(session, email="ap@second.example", ref="C-SECOND")
    for owner in (first, second):
        session.add(Contact(customer_id=owner.id or 0, email="books@accountants.example"))
    session.flush()
    raw = raw_mail(
        sender="books@accountants.example", to="ar@recoup.test", subject="Hi", body="Statement?"
    )
    result = ingest_message(session, raw, now=clock.now(), policy=policy)
    assert result.status is IngestStatus.UNMATCHED
    escalation = session.exec(select(Escalation)).one()
    assert "C-FIRST" in escalation.reason and "C-SECOND" in escalation.reason


def test_out_of_office_pauses_until_the_day_after_the_return(
    session: Session, clock: FixedClock, policy: Policy
) -> None:
    customer = factory.customer(session, email="ap@acme.example")
    factory.invoice(session, customer, due=clock.now().date() - timedelta(days=5))
    reminder = _reminder(session, customer, clock)
    session.add(
        Event(
            customer_id=customer.id or 0,
            kind="followup_due",
            due_at=clock.now() + timedelta(days=2),
            created_at=clock.now(),
        )
    )
    session.flush()
    raw = raw_mail(
        sender="ap@acme.example",
        to="ar@recoup.test",
        subject="Automatic reply: Invoice overdue",
        body="I am out of the office until 7 December 2026 with no access to email.",
        in_reply_to=reminder.message_id,
        headers={"Auto-Submitted": "auto-replied"},
    )
    result = ingest_message(session, raw, now=clock.now(), policy=policy)
    session.commit()

    assert result.status is IngestStatus.AUTO_REPLY
    stored = session.get(Message, result.message_db_id)
    assert stored is not None
    assert (stored.auto_kind, stored.status) == ("auto_reply", MessageStatus.PROCESSED.value)
    refreshed = session.get(Customer, customer.id)
    assert refreshed is not None
    back_morning = datetime(2026, 12, 8, 10, 0, tzinfo=UTC)
    assert refreshed.paused_until == back_morning
    assert refreshed.pause_reason == "out of office until 2026-12-07"
    assert _events(session, "message") == []
    pending = list(
        session.exec(
            select(Event).where(Event.kind == "followup_due", col(Event.processed_at).is_(None))
        )
    )
    assert [e.due_at for e in pending] == [back_morning]
    assert refreshed.last_inbound_at is None


def test_out_of_office_without_a_date_pauses_a_week(
    session: Session, clock: FixedClock, policy: Policy
) -> None:
    customer = factory.customer(session, email="ap@acme.example")
    raw = raw_mail(
        sender="ap@acme.example",
        to="ar@recoup.test",
        subject="Out of office",
        body="I am currently out of the office.",
        headers={"Auto-Submitted": "auto-replied"},
    )
    ingest_message(session, raw, now=clock.now(), policy=policy)
    refreshed = session.get(Customer, customer.id)
    assert refreshed is not None
    assert refreshed.paused_until == datetime(2026, 11, 30, 10, 0, tzinfo=UTC)


def test_a_real_reply_lifts_an_out_of_office_pause(
    session: Session, clock: FixedClock, policy: Policy
) -> None:
    customer = factory.customer(session, email="ap@acme.example")
    customer.paused_until = clock.now() + timedelta(days=10)
    customer.pause_reason = "out of office until 2026-12-02"
    session.flush()
    raw = raw_mail(sender="ap@acme.example", to="ar@recoup.test", subject="Back", body="I'm back.")
    ingest_message(session, raw, now=clock.now(), policy=policy)
    refreshed = session.get(Customer, customer.id)
    assert refreshed is not None
    assert refreshed.paused_until is None and refreshed.pause_reason is None


def test_a_manual_pause_is_never_shortened_by_an_out_of_office(
    session: Session, clock: FixedClock, policy: Policy
) -> None:
    customer = factory.customer(session, email="ap@acme.example")
    later = clock.now() + timedelta(days=40)
    customer.paused_until = later
    customer.pause_reason = "agreed with the CFO"
    session.flush()
    raw = raw_mail(
        sender="ap@acme.example",
        to="ar@recoup.test",
        subject="Automatic reply",
        body="I am on holiday until 1 December.",
        headers={"Auto-Submitted": "auto-replied"},
    )
    ingest_message(session, raw, now=clock.now(), policy=policy)
    refreshed = session.get(Customer, customer.id)
    assert refreshed is not None
    assert (refreshed.paused_until, refreshed.pause_reason) == (later, "agreed with the CFO")


def test_a_bounce_for_the_only_contact_asks_for_a_new_one(
    session: Session, clock: FixedClock, policy: Policy
) -> None:
    customer = factory.customer(session, email="gone@acme.example")
    original = raw_mail(
        sender="ar@recoup.test", to="gone@acme.example", subject="Invoice", body="Pay."
    )
    dsn = delivery_status_notification(
        to="ar@recoup.test",
        failed="gone@acme.example",
        original=original,
        reporting_mta="mx.acme.example",
    )
    result = ingest_message(session, dsn, now=clock.now(), policy=policy)
    session.commit()

    assert result.status is IngestStatus.BOUNCE
    assert result.customer_id == customer.id
    contact = session.exec(select(Contact).where(Contact.customer_id == customer.id)).one()
    assert contact.undeliverable
    escalation = session.exec(select(Escalation)).one()
    assert (escalation.category, escalation.customer_id) == ("contact_change", customer.id)
    assert "new contact" in escalation.reason
    stored = session.get(Message, result.message_db_id)
    assert stored is not None and stored.auto_kind == "bounce"
    assert _events(session, "message") == [] and _events(session, "bounce") == []
    actions = set(session.exec(select(AuditEvent.action)))
    assert {"contact_undeliverable", "bounce", "escalate"} <= actions


def test_a_bounce_with_another_contact_left_tells_the_agent(
    session: Session, clock: FixedClock, policy: Policy
) -> None:
    customer = factory.customer(session, email="gone@acme.example")
    session.add(Contact(customer_id=customer.id or 0, email="second@acme.example"))
    session.flush()
    original = raw_mail(
        sender="ar@recoup.test", to="gone@acme.example", subject="Invoice", body="Pay."
    )
    dsn = delivery_status_notification(
        to="ar@recoup.test",
        failed="gone@acme.example",
        original=original,
        reporting_mta="mx.acme.example",
    )
    ingest_message(session, dsn, now=clock.now(), policy=policy)
    session.commit()
    assert session.exec(select(Escalation)).first() is None
    (bounce,) = _events(session, "bounce")
    assert bounce.customer_id == customer.id and "gone@acme.example" in bounce.detail
    emails = {c.email: c.undeliverable for c in session.exec(select(Contact))}
    assert emails == {"gone@acme.example": True, "second@acme.example": False}


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"", "empty message"),
        (b"\r\n\r\n\r\n", "empty message"),
        (b"\x00\x01\x02 not a message at all", "no headers"),
    ],
)
def test_unreadable_mail_is_quarantined_with_the_reason(
    session: Session, clock: FixedClock, policy: Policy, raw: bytes, reason: str
) -> None:
    result = ingest_message(session, raw, now=clock.now(), policy=policy)
    session.commit()
    assert result.status is IngestStatus.QUARANTINED and result.quarantined
    stored = session.get(Message, result.message_db_id)
    assert stored is not None
    assert stored.status == MessageStatus.QUARANTINED.value
    assert stored.note is not None and reason in stored.note
    again = ingest_message(session, raw, now=clock.now(), policy=policy)
    assert again.status is IngestStatus.DUPLICATE and again.quarantined


def test_a_failure_while_storing_quarantines_instead_of_crashing(
    session: Session, clock: FixedClock, policy: Policy, monkeypatch: pytest.MonkeyPatch
) -> None:
    factory.customer(session, email="ap@acme.example")

    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("matcher exploded")

    monkeypatch.setattr(ingest_module, "match_message", broken)
    raw = raw_mail(
        sender="ap@acme.example", to="ar@recoup.test", subject="Hello", body="Text",
        message_id="boom@acme.example",
    )  # fmt: skip
    result = ingest_message(session, raw, now=clock.now(), policy=policy)
    session.commit()
    assert result.status is IngestStatus.QUARANTINED
    stored = session.exec(select(Message)).one()
    assert stored.message_id == "boom@acme.example"
    assert stored.note is not None and "matcher exploded" in stored.note
    assert (stored.from_addr, stored.subject) == ("ap@acme.example", "Hello")
    assert _events(session, "message") == []


def _batch(
    session: Session, clock: FixedClock, policy: Policy, raws: list[bytes]
) -> list[IngestStatus]:
    incoming = [read_message(raw, today=clock.now().date(), judge=True) for raw in raws]
    results = ingest_batch(session, incoming, now=clock.now(), policy=policy, mailbox="inbox")
    session.commit()
    return [r.status for r in results]


def test_a_batch_is_stored_in_order_as_one_by_one(
    session: Session, clock: FixedClock, policy: Policy
) -> None:
    acme = factory.customer(session, email="ap@acme.example")
    beta = factory.customer(session, email="ap@beta.example")
    reminder = _reminder(session, acme, clock)
    reply = raw_mail(
        sender="ap@acme.example", to="ar@recoup.test", subject="Re: Invoice overdue",
        body="Paid today.", in_reply_to=reminder.message_id, message_id="reply@acme.example",
    )  # fmt: skip
    away = raw_mail(
        sender="ap@beta.example", to="ar@recoup.test", subject="Automatic reply",
        body="I am out of the office until 7 December 2026.", message_id="away@beta.example",
        headers={"Auto-Submitted": "auto-replied"},
    )  # fmt: skip
    batch = [
        reply,
        raw_mail(sender="who@unknown.example", to="ar@recoup.test", subject="Hi", body="?"),
        away,
        b"\x00\x01 not a message",
        reply,
        # Answers to messages earlier in the batch, from an address no account lists.
        raw_mail(
            sender="colleague@gmail.com",
            to="ar@recoup.test",
            subject="Re: Automatic reply",
            body="Pat is away; I can help.",
            in_reply_to="away@beta.example",
        ),
        raw_mail(
            sender="colleague@gmail.com",
            to="ar@recoup.test",
            subject="Re: Re: Invoice overdue",
            body="Confirming the payment.",
            in_reply_to="reply@acme.example",
        ),
    ]
    statuses = _batch(session, clock, policy, batch)

    assert statuses == [
        IngestStatus.STORED,
        IngestStatus.UNMATCHED,
        IngestStatus.AUTO_REPLY,
        IngestStatus.QUARANTINED,
        IngestStatus.DUPLICATE,
        IngestStatus.STORED,
        IngestStatus.STORED,
    ]
    inbound = list(session.exec(select(Message).where(Message.direction == "inbound")))
    owners = [m.customer_id for m in sorted(inbound, key=lambda m: m.id or 0)]
    assert owners == [acme.id, None, beta.id, None, beta.id, acme.id]
    wakes = _events(session, "message")
    assert sorted(e.ref_id or 0 for e in wakes) == sorted(
        m.id or 0 for m in inbound if m.status == MessageStatus.RECEIVED.value and m.customer_id
    )
    audited = session.exec(select(AuditEvent.action).order_by(col(AuditEvent.id))).all()
    assert audited == [
        "receive_email", "unmatched_email", "auto_reply", "quarantine_email",
        "receive_email", "receive_email",
    ]  # fmt: skip
    refreshed = session.get(Customer, acme.id)
    assert refreshed is not None and refreshed.last_inbound_at == clock.now()


def test_a_batch_judges_risk_against_the_account_s_domains(
    session: Session, clock: FixedClock, policy: Policy
) -> None:
    customer = factory.customer(session, email="ap@acme.example")
    reminder = _reminder(session, customer, clock)
    lookalike = raw_mail(
        sender="Pat <ap@acme-payments.example>", to="ar@recoup.test", subject="Re: Invoice",
        body="Please send the invoices here from now on.", in_reply_to=reminder.message_id,
    )  # fmt: skip
    assert _batch(session, clock, policy, [lookalike]) == [IngestStatus.STORED]
    stored = session.exec(select(Message).where(Message.direction == "inbound")).one()
    assert stored.customer_id == customer.id
    assert (stored.risk_flags or {}).get("lookalike_domain") == (
        "acme-payments.example imitates acme.example"
    )


def test_a_batch_the_database_refuses_is_redone_one_by_one(
    session: Session, clock: FixedClock, policy: Policy, monkeypatch: pytest.MonkeyPatch
) -> None:
    factory.customer(session, email="ap@acme.example")
    first = raw_mail(
        sender="ap@acme.example", to="ar@recoup.test", subject="One", body="First.",
        message_id="one@acme.example",
    )  # fmt: skip
    second = raw_mail(
        sender="ap@acme.example", to="ar@recoup.test", subject="Two", body="Second.",
        message_id="two@acme.example",
    )  # fmt: skip
    assert _batch(session, clock, policy, [first]) == [IngestStatus.STORED]
    # As if another process stored it between reading the ledger and writing the batch.
    monkeypatch.setattr(ingest_module, "_stored_ids", lambda *_args: set())

    assert _batch(session, clock, policy, [second, first]) == [
        IngestStatus.STORED,
        IngestStatus.DUPLICATE,
    ]
    assert len(list(session.exec(select(Message)))) == 2
    assert len(_events(session, "message")) == 2
