"""The IMAP loop against a real Dovecot: checkpoints, filing, UIDVALIDITY
resync, IDLE, reconnects, and quarantine."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Iterable
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlmodel import select

from recoup.clock import FixedClock
from recoup.ledger.db import session as open_session
from recoup.ledger.models import Event, MailCheckpoint, Message
from recoup.mail import imap_source
from recoup.mail.imap_source import ImapSource
from recoup.mail.parse import MailLimits
from recoup.policy import Policy
from tests.daemon.kit import address, eventually, imap, imap_settings, raw_mail, smtp_deliver
from tests.support import factory
from tests.support.mailservers import MailServers

pytestmark = pytest.mark.mail


def _source(
    engine: Engine, servers: MailServers, user: str, clock: FixedClock, **overrides: Any
) -> ImapSource:
    limits = overrides.pop("limits", MailLimits())
    read_workers = overrides.pop("read_workers", 0)
    return ImapSource(
        engine,
        imap_settings(servers, user, **overrides),
        clock=clock,
        policy=Policy(),
        limits=limits,
        batch_size=overrides.pop("batch_size", 3),
        backoff_max_s=0.5,
        read_workers=read_workers,
    )


def _append(servers: MailServers, user: str, messages: Iterable[bytes]) -> None:
    with imap(servers, user) as client:
        for raw in messages:
            client.append("INBOX", raw)


def _replies(sender: str, count: int, start: int = 0) -> list[bytes]:
    return [
        raw_mail(
            sender=sender,
            to="ar@recoup.test",
            subject=f"Payment question {n}",
            body=f"Question number {n}.",
            message_id=f"q{n}-{sender}",
        )
        for n in range(start, start + count)
    ]


def _counts(servers: MailServers, user: str) -> dict[str, int]:
    with imap(servers, user) as client:
        return {
            folder: client.select_folder(folder, readonly=True)[b"EXISTS"]
            for folder in ("INBOX", "Archive", "Quarantine")
            if client.folder_exists(folder)
        }


def _stored(engine: Engine) -> list[Message]:
    with open_session(engine) as session:
        return list(session.exec(select(Message).order_by(Message.id)))  # type: ignore[arg-type]


def _message_events(engine: Engine) -> list[Event]:
    with open_session(engine) as session:
        return list(session.exec(select(Event).where(Event.kind == "message")))


def _customer(engine: Engine, email: str) -> int:
    with open_session(engine) as session:
        owner = factory.customer(session, email=email)
        session.commit()
        return owner.id or 0


def test_new_mail_is_ingested_once_checkpointed_and_filed(
    engine: Engine, clock: FixedClock, mail_servers: MailServers
) -> None:
    user = mail_servers.new_user()
    customer_id = _customer(engine, "ap@acme.example")
    _append(mail_servers, user, _replies("ap@acme.example", 5))
    source = _source(engine, mail_servers, user, clock)
    client = source.connect()
    try:
        first = source.sync(client)
        assert first.fetched == 5 and first.statuses == {"stored": 5}
        assert _counts(mail_servers, user) == {"INBOX": 0, "Archive": 5, "Quarantine": 0}
        with open_session(engine) as session:
            checkpoint = session.exec(select(MailCheckpoint)).one()
            assert checkpoint.last_uid == 5 and checkpoint.folder == "INBOX"
        assert source.sync(client).fetched == 0

        _append(mail_servers, user, _replies("ap@acme.example", 2, start=5))
        second = source.sync(client)
        assert second.fetched == 2
    finally:
        client.logout()
    stored = _stored(engine)
    assert [m.subject for m in stored] == [f"Payment question {n}" for n in range(7)]
    assert {m.customer_id for m in stored} == {customer_id}
    assert len(_message_events(engine)) == 7
    with imap(mail_servers, user) as check:
        check.select_folder("Archive", readonly=True)
        flags = check.get_flags(check.search(["ALL"]))
        assert all(b"\\Seen" in f for f in flags.values())


def test_worker_processes_read_the_next_batch_while_one_is_stored(
    engine: Engine, clock: FixedClock, mail_servers: MailServers
) -> None:
    user = mail_servers.new_user()
    customer_id = _customer(engine, "ap@acme.example")
    _append(mail_servers, user, _replies("ap@acme.example", 7))
    source = _source(engine, mail_servers, user, clock, read_workers=1)
    client = source.connect()
    try:
        assert source.reader.running
        assert source.sync(client).statuses == {"stored": 7}
        # A worker that dies costs nothing but speed: its batch is read inline.
        source.reader._workers[0].process.kill()
        _append(mail_servers, user, _replies("ap@acme.example", 4, start=7))
        assert source.sync(client).statuses == {"stored": 4}
        assert not source.reader.running
    finally:
        client.logout()
        source.reader.close()
    stored = _stored(engine)
    assert [m.subject for m in stored] == [f"Payment question {n}" for n in range(11)]
    assert {m.customer_id for m in stored} == {customer_id}
    assert len(_message_events(engine)) == 11
    assert _counts(mail_servers, user) == {"INBOX": 0, "Archive": 11, "Quarantine": 0}


def test_a_crash_between_commit_and_move_is_finished_on_reconnect(
    engine: Engine, clock: FixedClock, mail_servers: MailServers, monkeypatch: pytest.MonkeyPatch
) -> None:
    user = mail_servers.new_user()
    _customer(engine, "ap@acme.example")
    _append(mail_servers, user, _replies("ap@acme.example", 3))
    source = _source(engine, mail_servers, user, clock)

    def crash(*_args: object) -> None:
        raise ConnectionError("connection lost while moving")

    monkeypatch.setattr(imap_source, "move_messages", crash)
    client = source.connect()
    with pytest.raises(ConnectionError):
        source.sync(client)
    client.logout()
    assert len(_stored(engine)) == 3
    assert _counts(mail_servers, user)["INBOX"] == 3  # committed, not yet moved

    monkeypatch.undo()
    client = source.connect()
    try:
        report = source.sync(client)
    finally:
        client.logout()
    assert report.fetched == 0 and report.statuses == {"duplicate": 3}
    assert _counts(mail_servers, user) == {"INBOX": 0, "Archive": 3, "Quarantine": 0}
    assert len(_stored(engine)) == 3 and len(_message_events(engine)) == 3


def test_a_uidvalidity_change_resyncs_without_processing_twice(
    engine: Engine, clock: FixedClock, mail_servers: MailServers
) -> None:
    user = mail_servers.new_user()
    _customer(engine, "ap@acme.example")
    _append(mail_servers, user, _replies("ap@acme.example", 3))
    # Mail stays in the folder: after the change, every message is seen again.
    source = _source(engine, mail_servers, user, clock, processed_folder=None)
    client = source.connect()
    try:
        assert source.sync(client).statuses == {"stored": 3}
    finally:
        client.logout()
    with imap(mail_servers, user) as check:
        old = check.select_folder("INBOX")[b"UIDVALIDITY"]
    mail_servers.set_uidvalidity(user, old + 1000)
    _append(mail_servers, user, _replies("ap@acme.example", 1, start=3))

    client = source.connect()
    try:
        report = source.sync(client)
    finally:
        client.logout()
    assert report.resynced
    assert report.statuses == {"duplicate": 3, "stored": 1}
    with open_session(engine) as session:
        checkpoint = session.exec(select(MailCheckpoint)).one()
        assert (checkpoint.uidvalidity, checkpoint.last_uid) == (old + 1000, 4)
    assert len(_stored(engine)) == 4 and len(_message_events(engine)) == 4


@contextlib.asynccontextmanager
async def _running(source: ImapSource) -> AsyncIterator[None]:
    stop = asyncio.Event()
    task = asyncio.create_task(source.run(stop))
    try:
        await eventually(lambda: source.status.last_sync_at is not None, timeout=10)
        yield
    finally:
        stop.set()
        await asyncio.wait_for(task, timeout=10)


async def test_idle_picks_up_mail_as_it_arrives(
    engine: Engine, clock: FixedClock, mail_servers: MailServers
) -> None:
    user = mail_servers.new_user()
    _customer(engine, "ap@acme.example")
    source = _source(engine, mail_servers, user, clock, idle_timeout_s=600, poll_interval_s=600)
    async with _running(source):
        for raw in _replies("ap@acme.example", 2):
            await smtp_deliver(mail_servers, raw, "ap@acme.example", address(user))
        # With 10-minute IDLE renewals and polling, only IDLE can have noticed.
        await eventually(lambda: len(_stored(engine)) == 2, timeout=10)
    assert source.status.reconnects == 0 and not source.status.connected
    assert _counts(mail_servers, user)["INBOX"] == 0


async def test_a_dropped_connection_reconnects(
    engine: Engine, clock: FixedClock, mail_servers: MailServers
) -> None:
    user = mail_servers.new_user()
    _customer(engine, "ap@acme.example")
    source = _source(engine, mail_servers, user, clock)
    async with _running(source):
        first, second = _replies("ap@acme.example", 2)
        await smtp_deliver(mail_servers, first, "ap@acme.example", address(user))
        await eventually(lambda: len(_stored(engine)) == 1, timeout=10)
        await asyncio.to_thread(mail_servers.doveadm, "kick", user)
        await eventually(lambda: source.status.reconnects >= 1, timeout=10)
        await smtp_deliver(mail_servers, second, "ap@acme.example", address(user))
        await eventually(lambda: len(_stored(engine)) == 2, timeout=15)
        await eventually(lambda: source.status.connected, timeout=10)
    # The drop is counted; the error is over once connected again (health shows now).
    assert source.status.reconnects >= 1 and source.status.last_error is None
    assert len(_message_events(engine)) == 2


def _corpus() -> list[tuple[str, bytes]]:
    """(expected outcome, raw): what a mailbox really receives when things go wrong."""
    boundary_missing = (
        b"From: ap@acme.example\r\nTo: ar@recoup.test\r\nSubject: broken mime\r\n"
        b"Message-ID: <broken-mime@acme.example>\r\nMIME-Version: 1.0\r\n"
        b"Content-Type: multipart/mixed\r\n\r\n--xyz\r\nContent-Type: text/plain\r\n\r\n"
        b"Text inside a multipart with no boundary.\r\n--xyz--\r\n"
    )
    wrong_charset = (
        b"From: ap@acme.example\r\nTo: ar@recoup.test\r\nSubject: charset\r\n"
        b"Message-ID: <charset@acme.example>\r\n"
        b"Content-Type: text/plain; charset=klingon-8\r\n\r\nPay\xe9 d\xe9j\xe0 \xff\xfe.\r\n"
    )
    huge_part = (
        b"From: ap@acme.example\r\nTo: ar@recoup.test\r\nSubject: huge attachment\r\n"
        b"Message-ID: <huge-part@acme.example>\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: multipart/mixed; boundary="b1"\r\n\r\n--b1\r\n'
        b"Content-Type: text/plain\r\n\r\nSee the scan.\r\n--b1\r\n"
        b'Content-Type: image/tiff; name="scan.tif"\r\nContent-Transfer-Encoding: base64\r\n\r\n'
        + b"QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFB\r\n" * 3000
        + b"--b1--\r\n"
    )
    oversized = (
        b"From: ap@acme.example\r\nTo: ar@recoup.test\r\nSubject: too big\r\n"
        b"Message-ID: <too-big@acme.example>\r\n\r\n" + b"x" * 70 + b"\r\n" * 1
    ) + (b"y" * 76 + b"\r\n") * 5000
    empty_body = (
        b"From: ap@acme.example\r\nTo: ar@recoup.test\r\nSubject: (empty)\r\n"
        b"Message-ID: <empty@acme.example>\r\n\r\n"
    )
    nested = b"Subject: innermost\r\n\r\nThe original question.\r\n"
    for depth in range(40):
        nested = (
            b"From: fw%d@acme.example\r\nSubject: Fwd\r\nMIME-Version: 1.0\r\n"
            b"Content-Type: message/rfc822\r\n\r\n" % depth
        ) + nested
    nested = b"To: ar@recoup.test\r\nMessage-ID: <nested@acme.example>\r\n" + nested
    garbage = bytes(range(256)) * 20
    bad_base64 = (
        b"From: ap@acme.example\r\nTo: ar@recoup.test\r\nSubject: base64\r\n"
        b"Message-ID: <b64@acme.example>\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        b"!!!! not base64 at all ####\r\n"
    )
    good = _replies("ap@acme.example", 3)
    return [
        ("stored", good[0]),
        ("stored", boundary_missing),
        ("stored", wrong_charset),
        ("quarantined", garbage),
        ("stored", huge_part),
        ("quarantined", oversized),
        ("stored", good[1]),
        ("stored", empty_body),
        ("stored", nested),
        ("stored", bad_base64),
        ("stored", good[2]),
    ]


async def test_malformed_mail_is_quarantined_and_the_rest_flows_on(
    engine: Engine, clock: FixedClock, mail_servers: MailServers
) -> None:
    user = mail_servers.new_user()
    _customer(engine, "ap@acme.example")
    corpus = _corpus()
    limits = MailLimits(max_message_bytes=300_000, max_part_bytes=100_000)
    source = _source(engine, mail_servers, user, clock, limits=limits)
    _append(mail_servers, user, [raw for _outcome, raw in corpus[:6]])
    async with _running(source):
        for _outcome, raw in corpus[6:]:
            await smtp_deliver(mail_servers, raw, "ap@acme.example", address(user))
        await eventually(lambda: len(_stored(engine)) == len(corpus), timeout=20)
        await eventually(lambda: _counts(mail_servers, user)["INBOX"] == 0, timeout=10)
        assert source.status.connected and source.status.reconnects == 0

    stored = _stored(engine)
    quarantined = [m for m in stored if m.status == "quarantined"]
    assert len(quarantined) == sum(1 for outcome, _ in corpus if outcome == "quarantined")
    oversized = next(
        raw for outcome, raw in corpus if outcome == "quarantined" and b"too big" in raw
    )
    assert {m.note for m in quarantined} == {
        "no headers",
        f"message is {len(oversized)} bytes, over the limit of 300000",
    }
    readable = [m for m in stored if m.status != "quarantined"]
    assert all(m.customer_id is not None for m in readable)
    assert len(_message_events(engine)) == len(readable)
    huge = next(m for m in readable if m.subject == "huge attachment")
    assert huge.attachments[0]["filename"] == "scan.tif" and huge.attachments[0]["dropped"]
    assert "dropped" in (huge.note or "")
    assert _counts(mail_servers, user) == {
        "INBOX": 0,
        "Archive": len(readable),
        "Quarantine": len(quarantined),
    }
    with imap(mail_servers, user) as client:
        client.select_folder("Quarantine", readonly=True)
        flags = client.get_flags(client.search(["ALL"]))
        assert all(b"\\Flagged" in f and b"\\Seen" in f for f in flags.values())
