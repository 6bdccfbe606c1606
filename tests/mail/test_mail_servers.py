"""Smoke test of the real Dovecot + SMTP servers that the mail tests run against."""

from __future__ import annotations

import socket
import time
import uuid

import aiosmtplib
import pytest
from imapclient import IMAPClient

from tests.support.mailservers import LmtpRelay, MailServers

pytest_plugins = ["tests.support.mail_fixtures"]

pytestmark = pytest.mark.mail


def _message(user: str, subject: str) -> bytes:
    return (
        f"From: Billing <billing@supplier.example>\r\n"
        f"To: {user}@customer.example\r\n"
        f"Subject: {subject}\r\n"
        f"Message-ID: <{uuid.uuid4().hex}@supplier.example>\r\n"
        f"\r\n"
        f"Invoice INV-1001 is now overdue.\r\n"
    ).encode()


async def _send(servers: MailServers, user: str, subject: str) -> None:
    await aiosmtplib.send(
        _message(user, subject),
        sender="billing@supplier.example",
        recipients=[f"{user}@customer.example"],
        hostname=servers.smtp_host,
        port=servers.smtp_port,
        username=user,
        password=servers.password,
        timeout=30,
    )


def _imap(servers: MailServers, user: str) -> IMAPClient:
    client = IMAPClient(servers.imap_host, port=servers.imap_port, ssl=False, timeout=30)
    client.login(user, servers.password)
    return client


async def test_smtp_delivery_is_visible_over_imap(mail_servers: MailServers) -> None:
    user = mail_servers.new_user()
    await _send(mail_servers, user, "Overdue INV-1001")

    with _imap(mail_servers, user) as client:
        selected = client.select_folder("INBOX")
        assert selected[b"EXISTS"] == 1
        uids = client.search(["SUBJECT", "INV-1001"])
        assert len(uids) == 1
        fetched = client.fetch(uids, ["RFC822", "ENVELOPE"])
        raw = fetched[uids[0]][b"RFC822"]
        assert b"Invoice INV-1001 is now overdue." in raw
        assert fetched[uids[0]][b"ENVELOPE"].subject == b"Overdue INV-1001"
        assert b"IDLE" in client.capabilities()


async def test_fresh_users_have_isolated_empty_mailboxes(mail_servers: MailServers) -> None:
    first, second = mail_servers.new_user(), mail_servers.new_user()
    assert first != second
    await _send(mail_servers, first, "only for the first user")

    with _imap(mail_servers, second) as client:
        assert client.select_folder("INBOX")[b"EXISTS"] == 0
        folders = {name for _flags, _sep, name in client.list_folders()}
        assert {"INBOX", "Archive", "Sent"} <= folders


async def test_idle_notices_a_second_delivery(mail_servers: MailServers) -> None:
    user = mail_servers.new_user()
    await _send(mail_servers, user, "first")

    with _imap(mail_servers, user) as client:
        assert client.select_folder("INBOX")[b"EXISTS"] == 1
        client.idle()
        try:
            await _send(mail_servers, user, "second")
            responses: list[tuple[int, bytes]] = []
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline and (2, b"EXISTS") not in responses:
                responses.extend(client.idle_check(timeout=1))
        finally:
            client.idle_done()
        assert (2, b"EXISTS") in responses


def test_seed_and_set_uidvalidity(mail_servers: MailServers) -> None:
    user = mail_servers.new_user()
    mail_servers.seed(user, _message(user, "seeded"))
    mail_servers.seed(user, _message(user, "archived"), folder="Archive")

    with _imap(mail_servers, user) as client:
        before = client.select_folder("INBOX")
        assert before[b"EXISTS"] == 1
        assert client.select_folder("Archive")[b"EXISTS"] == 1

    new_value = before[b"UIDVALIDITY"] + 12345
    mail_servers.set_uidvalidity(user, new_value)

    with _imap(mail_servers, user) as client:
        after = client.select_folder("INBOX")
        assert after[b"UIDVALIDITY"] == new_value
        assert after[b"EXISTS"] == 1


async def test_smtp_rejects_a_wrong_password(mail_servers: MailServers) -> None:
    user = mail_servers.new_user()
    with pytest.raises(aiosmtplib.SMTPAuthenticationError):
        await aiosmtplib.send(
            _message(user, "nope"),
            sender="billing@supplier.example",
            recipients=[f"{user}@customer.example"],
            hostname=mail_servers.smtp_host,
            port=mail_servers.smtp_port,
            username=user,
            password="not-the-password",
            timeout=30,
        )


def test_relay_answers_451_when_lmtp_is_unreachable() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed_port = sock.getsockname()[1]
    relay = LmtpRelay("127.0.0.1", closed_port)
    reply = relay._deliver("a@example.com", ["b@example.com"], b"Subject: x\r\n\r\nx\r\n")
    assert reply.startswith("451 ")
