"""The outbox over real SMTP into Dovecot, the Sent folder over IMAP, and how
SMTP replies map to retry or failure."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from imapclient import IMAPClient
from pydantic import SecretStr
from sqlalchemy import Engine
from sqlmodel import select

from recoup.clock import FixedClock
from recoup.ledger.db import session as open_session
from recoup.ledger.models import Direction, Message, MessageStatus
from recoup.mail.compose import build_mime
from recoup.mail.outbox import deliver_due
from recoup.mail.transports import PermanentSendError, SmtpTransport, TransientSendError
from recoup.mail.transports.base import wire_bytes
from recoup.mail.transports.imap_sent import ImapSentFolder
from recoup.settings import SmtpSettings
from tests.daemon.kit import (
    COLLECTIONS_DOMAIN,
    address,
    folder_messages,
    free_port,
    imap_settings,
    message_ids,
    parse,
    smtp_settings,
)
from tests.support import factory
from tests.support.mailservers import MailServers

pytestmark = pytest.mark.mail


def _mime(to: str, *, cc: str | None = None, sender: str = "ar@recoup.test") -> EmailMessage:
    message = EmailMessage()
    message["From"] = f"AR <{sender}>"
    message["To"] = to
    if cc:
        message["Cc"] = cc
    message["Subject"] = "Invoice INV-1 reminder"
    message["Message-ID"] = f"<{uuid.uuid4().hex}@recoup.test>"
    message["In-Reply-To"] = "<q1@buyer.test>"
    message["References"] = "<q0@buyer.test> <q1@buyer.test>"
    message.set_content("Please pay INV-1.")
    return message


async def test_smtp_delivers_with_a_receipt_copy_and_a_sent_copy(
    mail_servers: MailServers,
) -> None:
    customer, collections = mail_servers.new_user(), mail_servers.new_user()
    receipt = address(collections, COLLECTIONS_DOMAIN)
    transport = SmtpTransport(smtp_settings(mail_servers, collections), receipt_to=receipt)
    sent = ImapSentFolder(imap_settings(mail_servers, collections))
    message = _mime(address(customer), sender=receipt)
    message_id = str(message["Message-ID"]).strip("<>")
    try:
        assert not await sent.contains(message_id)
        assert await transport.send(message) == []
        (received,) = folder_messages(mail_servers, customer)
        got = parse(received)
        assert got["Message-ID"] == f"<{message_id}>"
        assert got["In-Reply-To"] == "<q1@buyer.test>"
        assert got["References"] == "<q0@buyer.test> <q1@buyer.test>"
        assert got["Bcc"] is None and got["To"] == address(customer) and got["Cc"] is None
        # The receipt copy alone already proves delivery.
        assert message_ids(mail_servers, collections) == [message_id]
        assert await sent.contains(message_id)
        await sent.append([wire_bytes(message)])
        assert message_ids(mail_servers, collections, "Sent") == [message_id]
        assert not await sent.contains("never-sent@recoup.test")
    finally:
        await transport.close()
        sent.close()


async def test_the_outbox_over_smtp_sends_each_message_once(
    engine: Engine, clock: FixedClock, mail_servers: MailServers
) -> None:
    customer, collections = mail_servers.new_user(), mail_servers.new_user()
    receipt = address(collections, COLLECTIONS_DOMAIN)
    with open_session(engine) as session:
        owner = factory.customer(session, email=address(customer))
        rows = []
        for n in range(3):
            row = Message(
                customer_id=owner.id,
                direction=Direction.OUTBOUND.value,
                status=MessageStatus.QUEUED.value,
                message_id=f"{uuid.uuid4().hex}@{COLLECTIONS_DOMAIN}",
                from_addr=receipt,
                to_addrs=address(customer),
                subject=f"Reminder {n}",
                text="Please pay.",
                created_at=clock.now(),
                next_attempt_at=clock.now(),
            )
            session.add(row)
            rows.append(row)
        session.commit()
        wanted = sorted(r.message_id for r in rows)
        interrupted = rows[2]
        # The third was sent just before a crash: the server has it, the row does not know.
        early = SmtpTransport(smtp_settings(mail_servers, collections), receipt_to=receipt)
        await early.send(build_mime(interrupted, customer=owner, from_name="AR", documents=None))  # type: ignore[arg-type]
        await early.close()
        stored = session.get(Message, interrupted.id)
        assert stored is not None
        stored.attempts = 1
        session.commit()

    transport = SmtpTransport(smtp_settings(mail_servers, collections), receipt_to=receipt)
    sent = ImapSentFolder(imap_settings(mail_servers, collections))
    try:
        report = await deliver_due(engine, transport, clock=clock, sent_copy=sent)
        again = await deliver_due(engine, transport, clock=clock, sent_copy=sent)
    finally:
        await transport.close()
        sent.close()
    assert (report.sent, report.confirmed, again.claimed) == (2, 1, 0)
    assert sorted(message_ids(mail_servers, customer)) == wanted
    assert len(message_ids(mail_servers, collections, "Sent")) == 2
    with open_session(engine) as session:
        statuses = {m.status for m in session.exec(select(Message))}
        assert statuses == {"sent"}


# --- reply codes, against a server that refuses on purpose ---------------------------


class _Picky:
    """Accepts everyone except dead@ (550) and later@ (451); remembers deliveries."""

    def __init__(self) -> None:
        self.delivered: list[tuple[list[str], bytes]] = []

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if address.startswith("dead@"):
            return "550 5.1.1 <dead@buyer.test>: user unknown"
        if address.startswith("later@"):
            return "451 4.2.0 mailbox busy, try later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.delivered.append((list(envelope.rcpt_tos), envelope.original_content))
        return "250 OK queued"


@pytest.fixture
def picky() -> Iterator[tuple[_Picky, int]]:
    handler = _Picky()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield handler, port
    finally:
        controller.stop()


def _plain_smtp(port: int) -> SmtpSettings:
    return SmtpSettings(host="127.0.0.1", port=port, tls="none")


async def test_all_recipients_refused_for_good_is_permanent(picky: tuple[_Picky, int]) -> None:
    handler, port = picky
    transport = SmtpTransport(_plain_smtp(port), receipt_to="ar@recoup.test")
    with pytest.raises(PermanentSendError) as refused:
        await transport.send(_mime("dead@buyer.test"))
    assert refused.value.recipients == ["dead@buyer.test"]
    assert handler.delivered == []  # no receipt either: nobody got the message
    await transport.close()


async def test_a_busy_mailbox_is_transient(picky: tuple[_Picky, int]) -> None:
    handler, port = picky
    transport = SmtpTransport(_plain_smtp(port))
    with pytest.raises(TransientSendError, match="451"):
        await transport.send(_mime("later@buyer.test"))
    assert handler.delivered == []
    await transport.close()


async def test_a_partly_refused_message_reaches_the_others(picky: tuple[_Picky, int]) -> None:
    handler, port = picky
    transport = SmtpTransport(_plain_smtp(port), receipt_to="ar@recoup.test")
    refused = await transport.send(_mime("ap@buyer.test", cc="dead@buyer.test"))
    assert refused == ["dead@buyer.test"]
    ((recipients, _data),) = handler.delivered
    assert recipients == ["ap@buyer.test", "ar@recoup.test"]
    # The connection is kept for the next message.
    await transport.send(_mime("ap@buyer.test"))
    assert len(handler.delivered) == 2
    await transport.close()


async def test_several_connections_send_at_once(picky: tuple[_Picky, int]) -> None:
    handler, port = picky
    transport = SmtpTransport(_plain_smtp(port), max_connections=3)
    messages = [_mime(f"ap{n}@buyer.test") for n in range(7)]
    assert await asyncio.gather(*(transport.send(m) for m in messages)) == [[]] * 7
    assert sorted(r[0] for r, _data in handler.delivered) == sorted(
        f"ap{n}@buyer.test" for n in range(7)
    )
    assert len(transport._idle) <= 3
    await transport.close()


async def test_a_deferred_recipient_among_accepted_ones_is_not_marked(
    picky: tuple[_Picky, int],
) -> None:
    handler, port = picky
    transport = SmtpTransport(_plain_smtp(port))
    assert await transport.send(_mime("ap@buyer.test", cc="later@buyer.test")) == []
    ((recipients, _data),) = handler.delivered
    assert recipients == ["ap@buyer.test"]
    await transport.close()


async def test_no_server_and_a_wrong_password_are_transient(mail_servers: MailServers) -> None:
    nowhere = SmtpTransport(_plain_smtp(free_port()), timeout_s=5)
    with pytest.raises(TransientSendError):
        await nowhere.send(_mime("ap@buyer.test"))
    wrong = SmtpTransport(
        SmtpSettings(
            host=mail_servers.smtp_host,
            port=mail_servers.smtp_port,
            user="someone",
            password=SecretStr("not-the-password"),
            tls="none",
        )
    )
    with pytest.raises(TransientSendError, match="535"):
        await wrong.send(_mime("ap@buyer.test"))


async def test_the_sent_folder_takes_copies_in_batches_and_lists_its_folder_once(
    mail_servers: MailServers, monkeypatch: pytest.MonkeyPatch
) -> None:
    collections = mail_servers.new_user()
    sent = ImapSentFolder(imap_settings(mail_servers, collections))
    lists: list[str] = []
    folder_exists = IMAPClient.folder_exists

    def listing(client: IMAPClient, folder: str) -> bool:
        lists.append(folder)
        return bool(folder_exists(client, folder))

    monkeypatch.setattr(IMAPClient, "folder_exists", listing)
    messages = [_mime(f"ap{n}@buyer.test") for n in range(5)]
    try:
        await sent.append([wire_bytes(m) for m in messages[:3]])
        await sent.append([wire_bytes(m) for m in messages[3:]])
        assert lists == ["Sent"]  # created once, then known on this connection
    finally:
        sent.close()
        monkeypatch.undo()
    wanted = sorted(str(m["Message-ID"]).strip("<>") for m in messages)
    assert sorted(message_ids(mail_servers, collections, "Sent")) == wanted
