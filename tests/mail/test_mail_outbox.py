"""The outbox: each queued message delivered once, retried when the failure is
temporary, failed (and its contact marked) when it is permanent."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta
from email.message import EmailMessage
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from recoup.clock import FixedClock
from recoup.ledger.db import session as open_session
from recoup.ledger.models import (
    Contact,
    Customer,
    Direction,
    Escalation,
    Message,
    MessageStatus,
)
from recoup.mail.compose import Attachment, build_mime
from recoup.mail.outbox import MAX_ATTEMPTS, deliver_due, outbox_depth, retry_delay
from recoup.mail.transports import InMemoryTransport, MaildirTransport
from recoup.mail.transports.base import bare_message_id
from tests.support import factory


def _queue(
    engine: Engine,
    clock: FixedClock,
    *,
    to: str = "ap@acme.example",
    cc: str = "",
    customer_email: str = "ap@acme.example",
    count: int = 1,
    attachments: list[dict[str, object]] | None = None,
    in_reply_to: str | None = None,
) -> list[int]:
    with open_session(engine) as session:
        owner = session.exec(
            select(Customer).join(Contact).where(Contact.email == customer_email)
        ).first() or factory.customer(session, email=customer_email)
        ids = []
        for n in range(count):
            row = Message(
                customer_id=owner.id,
                direction=Direction.OUTBOUND.value,
                status=MessageStatus.QUEUED.value,
                message_id=f"{uuid.uuid4().hex}@recoup.test",
                in_reply_to=in_reply_to,
                references="first@acme.example" if in_reply_to else "",
                from_addr="ar@recoup.test",
                to_addrs=to,
                cc_addrs=cc,
                subject=f"Invoice reminder {n}",
                text="Hello,\nplease pay.\n",
                attachments=attachments or [],
                created_at=clock.now(),
                next_attempt_at=clock.now(),
            )
            session.add(row)
            session.flush()
            ids.append(row.id or 0)
        session.commit()
        return ids


def _row(engine: Engine, row_id: int) -> Message:
    with open_session(engine) as session:
        row = session.get(Message, row_id)
        assert row is not None
        return row


async def test_queued_mail_is_sent_once_with_standard_headers(
    engine: Engine, clock: FixedClock
) -> None:
    (row_id,) = _queue(engine, clock, in_reply_to="question-7@acme.example")
    transport = InMemoryTransport()
    clock.advance(timedelta(minutes=3))
    report = await deliver_due(engine, transport, clock=clock, from_name="Northwind AR")

    assert (report.claimed, report.sent, report.failed) == (1, 1, 0)
    (mime,) = transport.sent
    row = _row(engine, row_id)
    assert row.status == MessageStatus.SENT.value and row.sent_at == clock.now()
    assert mime["Message-ID"] == f"<{row.message_id}>"
    assert mime["From"] == "Northwind AR <ar@recoup.test>"
    assert mime["To"] == "ap@acme.example"
    assert mime["Subject"] == "Invoice reminder 0"
    assert mime["In-Reply-To"] == "<question-7@acme.example>"
    assert mime["References"] == "<first@acme.example> <question-7@acme.example>"
    assert mime["Date"].datetime == clock.now()
    assert mime.get_content_type() == "text/plain"
    assert mime.get_content() == "Hello,\nplease pay.\n"
    assert report.sent_message_ids == [row.message_id]

    again = await deliver_due(engine, transport, clock=clock)
    assert again.claimed == 0 and len(transport.sent) == 1


async def test_a_transient_failure_backs_off_then_succeeds(
    engine: Engine, clock: FixedClock
) -> None:
    (row_id,) = _queue(engine, clock)
    transport = InMemoryTransport(fail_next=2)
    first = await deliver_due(engine, transport, clock=clock)
    assert first.retrying == 1
    row = _row(engine, row_id)
    assert row.status == "queued" and row.attempts == 1
    assert row.next_attempt_at == clock.now() + retry_delay(1)
    assert row.last_error and "421" in row.last_error

    assert (await deliver_due(engine, transport, clock=clock)).claimed == 0
    clock.advance(retry_delay(1))
    assert (await deliver_due(engine, transport, clock=clock)).retrying == 1
    assert _row(engine, row_id).next_attempt_at == clock.now() + retry_delay(2)
    clock.advance(retry_delay(2))
    final = await deliver_due(engine, transport, clock=clock)
    assert final.sent == 1 and len(transport.sent) == 1
    sent = _row(engine, row_id)
    assert (sent.status, sent.attempts, sent.last_error) == ("sent", 3, None)


def test_retry_delays_grow_and_are_capped() -> None:
    delays = [retry_delay(n) for n in range(1, 12)]
    assert delays[:4] == [timedelta(minutes=m) for m in (1, 2, 4, 8)]
    assert delays[-1] == timedelta(hours=2)
    assert delays == sorted(delays)


async def test_giving_up_after_the_last_attempt(engine: Engine, clock: FixedClock) -> None:
    (row_id,) = _queue(engine, clock)
    with open_session(engine) as session:
        row = session.get(Message, row_id)
        assert row is not None
        row.attempts = MAX_ATTEMPTS - 1
        session.commit()
    report = await deliver_due(engine, InMemoryTransport(fail_next=1), clock=clock)
    assert report.failed == 1
    failed = _row(engine, row_id)
    assert failed.status == "failed" and failed.last_error
    assert failed.last_error.startswith(f"gave up after {MAX_ATTEMPTS} attempts")


async def test_a_permanent_refusal_fails_the_message_and_marks_the_contact(
    engine: Engine, clock: FixedClock
) -> None:
    (row_id,) = _queue(engine, clock, to="gone@acme.example", customer_email="gone@acme.example")
    report = await deliver_due(engine, InMemoryTransport(refuse=["gone@acme.example"]), clock=clock)
    assert report.failed == 1
    row = _row(engine, row_id)
    assert row.status == "failed" and row.last_error and "550" in row.last_error
    with open_session(engine) as session:
        contact = session.exec(select(Contact).where(Contact.email == "gone@acme.example")).one()
        assert contact.undeliverable
        escalation = session.exec(select(Escalation)).one()
        assert (escalation.category, escalation.customer_id) == (
            "contact_change",
            contact.customer_id,
        )


async def test_one_refused_recipient_among_several(engine: Engine, clock: FixedClock) -> None:
    (row_id,) = _queue(engine, clock, cc="old@acme.example")
    with open_session(engine) as session:
        owner = session.exec(select(Contact).where(Contact.email == "ap@acme.example")).one()
        session.add(Contact(customer_id=owner.customer_id, email="old@acme.example"))
        session.commit()
    transport = InMemoryTransport(refuse=["old@acme.example"])
    report = await deliver_due(engine, transport, clock=clock)
    assert report.sent == 1 and len(transport.sent) == 1
    row = _row(engine, row_id)
    assert row.status == "sent" and row.last_error == "refused: old@acme.example"
    with open_session(engine) as session:
        marks = {c.email: c.undeliverable for c in session.exec(select(Contact))}
        assert marks == {"ap@acme.example": False, "old@acme.example": True}
        assert session.exec(select(Escalation)).first() is None


async def test_an_interrupted_send_that_went_out_is_not_sent_again(
    engine: Engine, clock: FixedClock
) -> None:
    """The crash between the server's 250 and our commit: the row is still
    queued with an expired claim, but the delivery record has the message."""
    (row_id,) = _queue(engine, clock)
    transport = InMemoryTransport()
    with open_session(engine) as session:
        row = session.get(Message, row_id)
        assert row is not None
        customer = session.get(Customer, row.customer_id)
        assert customer is not None
        await transport.send(
            build_mime(row, customer=customer, from_name="AR", documents=_NoDocs())
        )
        row.attempts = 1
        row.next_attempt_at = clock.now() - timedelta(seconds=1)
        session.commit()

    report = await deliver_due(engine, transport, clock=clock)
    assert (report.confirmed, report.sent) == (1, 0)
    assert len(transport.sent) == 1
    row = _row(engine, row_id)
    assert row.status == "sent" and row.note and "not sent again" in row.note


async def test_a_claim_held_by_another_sender_is_left_alone(
    engine: Engine, clock: FixedClock
) -> None:
    (row_id,) = _queue(engine, clock)
    with open_session(engine) as session:
        row = session.get(Message, row_id)
        assert row is not None
        row.attempts = 1
        row.next_attempt_at = clock.now() + timedelta(minutes=4)
        session.commit()
    transport = InMemoryTransport()
    assert (await deliver_due(engine, transport, clock=clock)).claimed == 0
    assert transport.sent == []


class _SlowTransport(InMemoryTransport):
    async def send(self, message: EmailMessage) -> list[str]:
        await asyncio.sleep(0.005)
        return await super().send(message)


async def test_two_senders_at_once_never_send_a_message_twice(
    engine: Engine, clock: FixedClock
) -> None:
    _queue(engine, clock, count=15)
    transport = _SlowTransport()
    reports = await asyncio.gather(
        deliver_due(engine, transport, clock=clock), deliver_due(engine, transport, clock=clock)
    )
    ids = [bare_message_id(m) for m in transport.sent]
    assert len(ids) == 15 == len(set(ids))
    assert sum(r.claimed for r in reports) == 15
    with open_session(engine) as session:
        assert outbox_depth(session) == 0


async def test_several_sends_at_once_each_message_once(engine: Engine, clock: FixedClock) -> None:
    _queue(engine, clock, count=9)

    class Counting(InMemoryTransport):
        def __init__(self) -> None:
            super().__init__()
            self.in_flight = self.most = 0

        async def send(self, message: EmailMessage) -> list[str]:
            self.in_flight += 1
            self.most = max(self.most, self.in_flight)
            await asyncio.sleep(0.02)
            self.in_flight -= 1
            return await super().send(message)

    transport = Counting()
    report = await deliver_due(engine, transport, clock=clock, concurrency=3)
    assert report.sent == 9 and transport.most == 3
    ids = [bare_message_id(m) for m in transport.sent]
    assert len(set(ids)) == 9


async def test_stop_takes_no_new_message(engine: Engine, clock: FixedClock) -> None:
    _queue(engine, clock, count=3)
    stop = asyncio.Event()
    stop.set()
    transport = InMemoryTransport()
    report = await deliver_due(engine, transport, clock=clock, stop=stop)
    assert report.claimed == 0 and transport.sent == []


class _Docs:
    def invoice_copy(self, number: str) -> Attachment:
        return Attachment(f"invoice-{number}.pdf", b"%PDF-1.4 " + number.encode())

    def statement(self) -> Attachment:
        return Attachment("statement.pdf", b"%PDF-1.4 statement")


class _NoDocs:
    def invoice_copy(self, number: str) -> Attachment:
        raise AssertionError("no attachment expected")

    def statement(self) -> Attachment:
        raise AssertionError("no attachment expected")


def test_build_mime_renders_the_attachments_and_keeps_headers_on_one_line(
    session: Session, clock: FixedClock
) -> None:
    owner = factory.customer(session, email="ap@acme.example")
    row = Message(
        customer_id=owner.id,
        direction="outbound",
        status="queued",
        message_id="abc@recoup.test",
        from_addr="ar@recoup.test",
        to_addrs="ap@acme.example, Boss <boss@acme.example>",
        subject="Copy\r\nBcc: victim@evil.example",
        text="Attached.",
        attachments=[{"kind": "invoice_copy", "invoice": "INV-9"}, {"kind": "statement"}],
        created_at=clock.now(),
    )
    mime = build_mime(row, customer=owner, from_name="AR", documents=_Docs())
    assert mime["Subject"] == "Copy Bcc: victim@evil.example"
    assert mime["Bcc"] is None
    assert mime["To"] == "ap@acme.example, Boss <boss@acme.example>"
    parts = [
        (p.get_filename(), p.get_content_type(), p.get_content()) for p in mime.iter_attachments()
    ]
    assert parts == [
        ("invoice-INV-9.pdf", "application/pdf", b"%PDF-1.4 INV-9"),
        ("statement.pdf", "application/pdf", b"%PDF-1.4 statement"),
    ]


async def test_an_unbuildable_message_fails_and_the_rest_go_out(
    engine: Engine, clock: FixedClock
) -> None:
    (bad,) = _queue(engine, clock, attachments=[{"kind": "mystery"}])
    (good,) = _queue(engine, clock)
    transport = InMemoryTransport()
    report = await deliver_due(engine, transport, clock=clock)
    assert (report.failed, report.sent) == (1, 1)
    failed = _row(engine, bad)
    assert failed.status == "failed" and "mystery" in (failed.last_error or "")
    assert _row(engine, good).status == "sent"
    assert [bare_message_id(m) for m in transport.sent] == [_row(engine, good).message_id]


async def test_the_maildir_outbox_is_its_own_delivery_record(
    engine: Engine, clock: FixedClock, tmp_path: Path
) -> None:
    first, second = _queue(engine, clock, count=2)
    transport = MaildirTransport(tmp_path / "mail")
    report = await deliver_due(engine, transport, clock=clock, limit=1)
    assert report.sent == 1
    sent_id = _row(engine, first).message_id
    assert await MaildirTransport(tmp_path / "mail").contains(sent_id)
    assert not await MaildirTransport(tmp_path / "mail").contains(_row(engine, second).message_id)

    # The second row was sent, then the process died before marking it.
    with open_session(engine) as session:
        row = session.get(Message, second)
        assert row is not None
        customer = session.get(Customer, row.customer_id)
        assert customer is not None
        await MaildirTransport(tmp_path / "mail").send(
            build_mime(row, customer=customer, from_name="AR", documents=_NoDocs())
        )
        row.attempts = 1
        session.commit()
    restarted = MaildirTransport(tmp_path / "mail")
    report = await deliver_due(engine, restarted, clock=clock)
    assert report.confirmed == 1 and report.sent == 0
    assert len(restarted.delivered()) == 2


async def test_a_sent_copy_is_kept(engine: Engine, clock: FixedClock) -> None:
    _queue(engine, clock, count=2)

    class Folder:
        def __init__(self) -> None:
            self.copies: list[EmailMessage] = []

        async def append(self, message: EmailMessage) -> None:
            self.copies.append(message)

        async def contains(self, message_id: str) -> bool:
            return any(bare_message_id(m) == message_id for m in self.copies)

    folder = Folder()
    transport = InMemoryTransport()
    await deliver_due(engine, transport, clock=clock, sent_copy=folder)
    assert [bare_message_id(m) for m in folder.copies] == [
        bare_message_id(m) for m in transport.sent
    ]
    assert len(folder.copies) == 2


def test_ledger_documents_render_real_pdfs(session: Session, clock: FixedClock) -> None:
    pytest.importorskip("recoup.ledger.documents")
    from recoup.ledger.documents import Letterhead
    from recoup.mail.compose import LedgerDocuments

    owner = factory.customer(session, email="ap@acme.example")
    invoice = factory.invoice(session, owner, due=clock.now().date())
    documents = LedgerDocuments(session, owner, clock.now(), Letterhead("Northwind Supply Co."))
    copy = documents.invoice_copy(invoice.number)
    assert copy.filename == f"invoice-{invoice.number}.pdf"
    assert copy.content.startswith(b"%PDF")
    statement = documents.statement()
    assert statement.filename == f"statement-{owner.ref}-2026-11-23.pdf"
    assert statement.content.startswith(b"%PDF")
