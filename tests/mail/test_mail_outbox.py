"""The outbox: each queued message delivered once, retried when the failure is
temporary, failed (and its contact marked) when it is permanent."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Sequence
from datetime import timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import pytest
from sqlalchemy import Engine, event
from sqlmodel import Session, select

from recoup.clock import FixedClock
from recoup.ledger.db import session as open_session
from recoup.ledger.models import (
    AuditEvent,
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


def _parse(data: bytes) -> EmailMessage:
    parsed = message_from_bytes(data, policy=policy.default)
    assert isinstance(parsed, EmailMessage)
    return parsed


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
    async def send(self, message: EmailMessage, *, data: bytes | None = None) -> list[str]:
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

        async def send(self, message: EmailMessage, *, data: bytes | None = None) -> list[str]:
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

        async def append(self, messages: Sequence[bytes]) -> None:
            self.copies.extend(_parse(data) for data in messages)

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


class _Folder:
    """A Sent folder in memory that keeps each batch it was given."""

    def __init__(self) -> None:
        self.batches: list[list[bytes]] = []

    async def append(self, messages: Sequence[bytes]) -> None:
        self.batches.append(list(messages))

    async def contains(self, message_id: str) -> bool:
        return any(f"<{message_id}>".encode() in data for b in self.batches for data in b)


class _WireTransport(InMemoryTransport):
    """Keeps the bytes it was handed with each message."""

    def __init__(self) -> None:
        super().__init__()
        self.wire: list[bytes | None] = []

    async def send(self, message: EmailMessage, *, data: bytes | None = None) -> list[str]:
        self.wire.append(data)
        await asyncio.sleep(0)
        return await super().send(message)


async def test_a_batch_is_serialized_once_for_the_wire_and_the_sent_copies(
    engine: Engine, clock: FixedClock
) -> None:
    ids = _queue(engine, clock, count=40)
    transport, folder = _WireTransport(), _Folder()
    report = await deliver_due(engine, transport, clock=clock, sent_copy=folder, concurrency=4)
    assert (report.claimed, report.sent) == (40, 40)
    copies = [data for batch in folder.batches for data in batch]
    assert len(folder.batches) < 40  # many copies per append
    assert all(data is not None for data in transport.wire)
    assert sorted(copies) == sorted(data for data in transport.wire if data is not None)
    assert sorted(bare_message_id(m) for m in transport.sent) == sorted(
        _row(engine, row_id).message_id for row_id in ids
    )
    with open_session(engine) as session:
        rows = session.exec(select(Message)).all()
        assert {(r.status, r.attempts) for r in rows} == {("sent", 1)}
        events = session.exec(select(AuditEvent).where(AuditEvent.action == "deliver_email"))
        assert sorted(e.detail["outbox_id"] for e in events) == sorted(ids)


async def test_stop_mid_batch_hands_the_unsent_claims_back(
    engine: Engine, clock: FixedClock
) -> None:
    ids = _queue(engine, clock, count=10)
    stop = asyncio.Event()

    class Stopping(InMemoryTransport):
        async def send(self, message: EmailMessage, *, data: bytes | None = None) -> list[str]:
            stop.set()  # SIGTERM while the first message is on its way
            await asyncio.sleep(0)
            return await super().send(message)

    transport = Stopping()
    report = await deliver_due(engine, transport, clock=clock, stop=stop, concurrency=2)
    assert report.claimed == 10 and report.sent == len(transport.sent) == 1  # the one in flight
    rows = [_row(engine, row_id) for row_id in ids]
    unsent = [r for r in rows if r.status == "queued"]
    assert len(unsent) == 9
    assert {(r.attempts, r.next_attempt_at) for r in unsent} == {(0, clock.now())}

    again = await deliver_due(engine, transport, clock=clock)
    assert again.sent == 9 and again.confirmed == 0
    assert len({bare_message_id(m) for m in transport.sent}) == 10


async def test_a_claim_that_waited_half_its_lease_is_not_sent(
    engine: Engine, clock: FixedClock
) -> None:
    _queue(engine, clock, count=3)

    class Slow(InMemoryTransport):
        async def send(self, message: EmailMessage, *, data: bytes | None = None) -> list[str]:
            await asyncio.sleep(0.6)
            return await super().send(message)

    transport = Slow()
    lease = timedelta(seconds=2)  # the third would start 1.2 s after its claim
    report = await deliver_due(engine, transport, clock=clock, lease=lease)
    assert report.claimed == 3 and report.sent == 2 and len(transport.sent) == 2
    with open_session(engine) as session:
        (left,) = session.exec(select(Message).where(Message.status == "queued")).all()
        assert (left.attempts, left.next_attempt_at) == (0, clock.now())


async def test_sent_rows_are_recorded_in_few_commits(engine: Engine, clock: FixedClock) -> None:
    _queue(engine, clock, count=40)
    commits = 0

    def count(_connection: object) -> None:
        nonlocal commits
        commits += 1

    event.listen(engine, "commit", count)
    try:
        report = await deliver_due(engine, InMemoryTransport(), clock=clock, concurrency=4)
    finally:
        event.remove(engine, "commit", count)
    assert report.sent == 40
    assert commits <= 12  # 3 claims and 2 records (plus their read-only commits), not 80


async def test_a_claim_takes_no_more_than_the_limit(engine: Engine, clock: FixedClock) -> None:
    _queue(engine, clock, count=5)
    transport = InMemoryTransport()
    report = await deliver_due(engine, transport, clock=clock, limit=2)
    assert report.claimed == report.sent == len(transport.sent) == 2
    with open_session(engine) as session:
        assert outbox_depth(session) == 3
