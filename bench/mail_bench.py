"""Mail benchmarks against a real Dovecot and SMTP server on 127.0.0.1.

- ``ingest_msgs_per_s``: messages fetched from Dovecot over IMAP, parsed,
  matched to an account, stored with their event and filed to Archive, a
  second (one ``ImapSource.sync`` over a batch of 2,000; 200 with --quick; the
  source's read workers start with its connection, before the clock).
- ``send_msgs_per_s``: queued outbox rows delivered over SMTP and marked sent,
  a second, as the daemon runs it: four at a time, each with its receipt copy
  to the collections mailbox and its IMAP copy in Sent (batch of 1,000; 100
  with --quick).

The servers are started with the test suite's launcher (tests/support/mailservers.py):
Dovecot must be installed (apt-get install dovecot-imapd dovecot-lmtpd).
"""

from __future__ import annotations

import asyncio
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from imapclient import IMAPClient
from pydantic import SecretStr
from sqlalchemy import Engine, insert

from recoup.clock import FixedClock
from recoup.daemon.app import SEND_CONCURRENCY
from recoup.ledger.db import create_all, make_engine
from recoup.ledger.models import Contact, Customer, Direction, Invoice, Message, MessageStatus
from recoup.logs import configure_logging
from recoup.mail.imap_source import ImapSource
from recoup.mail.outbox import deliver_due
from recoup.mail.transports.imap_sent import ImapSentFolder
from recoup.mail.transports.smtp import SmtpTransport
from recoup.policy import Policy
from recoup.settings import ImapSettings, SmtpSettings
from tests.daemon.kit import raw_mail
from tests.support.mailservers import MailServers, start_mail_servers

NOW = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)
ACCOUNTS = 200


def _ledger(engine: Engine) -> None:
    customers, contacts, invoices = [], [], []
    for n in range(1, ACCOUNTS + 1):
        customers.append(
            {"id": n, "ref": f"B{n:05d}", "name": f"Buyer {n}", "segment": "smb",
             "strategic": False, "terms_days": 30, "timezone": "UTC", "currency": "USD",
             "taken_over": False, "email_domain": f"b{n}.example"}
        )  # fmt: skip
        contacts.append(
            {"customer_id": n, "name": "AP", "email": f"ap@b{n}.example", "role": "billing",
             "is_primary": True, "do_not_contact": False, "undeliverable": False}
        )  # fmt: skip
        invoices.append(
            {"id": n, "customer_id": n, "number": f"BINV{n:06d}", "issue_date": NOW.date(),
             "due_date": NOW.date(), "amount_cents": 10_000, "open_cents": 10_000,
             "currency": "USD", "status": "open"}
        )  # fmt: skip
    with engine.begin() as connection:
        connection.execute(insert(Customer), customers)
        connection.execute(insert(Contact), contacts)
        connection.execute(insert(Invoice), invoices)


def _imap_settings(servers: MailServers, user: str) -> ImapSettings:
    return ImapSettings(
        host=servers.imap_host,
        port=servers.imap_port,
        user=user,
        password=SecretStr(servers.password),
        tls=False,
    )


def ingest_msgs_per_s(servers: MailServers, engine: Engine, count: int) -> dict[str, float]:
    user = servers.new_user()
    client = IMAPClient(servers.imap_host, port=servers.imap_port, ssl=False)
    client.login(user, servers.password)
    for n in range(count):
        buyer = n % ACCOUNTS + 1
        client.append(
            "INBOX",
            raw_mail(
                sender=f"Pat <ap@b{buyer}.example>",
                to="ar@recoup.bench",
                subject=f"Re: invoice BINV{buyer:06d}",
                body=f"Hello,\n\nWe paid BINV{buyer:06d} today.\n\nRegards\n\n"
                "> On Monday, AR wrote:\n> Invoice overdue.\n",
                message_id=f"{uuid.uuid4().hex}@b{buyer}.example",
            ),
        )
    client.logout()
    source = ImapSource(
        engine,
        _imap_settings(servers, user),
        clock=FixedClock(NOW),
        policy=Policy(),
        batch_size=100,
    )
    connection = source.connect()
    started = time.perf_counter()
    report = source.sync(connection)
    elapsed = time.perf_counter() - started
    connection.logout()
    assert report.fetched == count and report.statuses == {"stored": count}, report
    return {"ingest_msgs_per_s": count / elapsed, "ingest_batch": count}


def send_msgs_per_s(servers: MailServers, engine: Engine, count: int) -> dict[str, float]:
    collections = servers.new_user()
    sender = f"{collections}@recoup.bench"
    rows = [
        {
            "customer_id": n % ACCOUNTS + 1,
            "direction": Direction.OUTBOUND.value,
            "status": MessageStatus.QUEUED.value,
            "message_id": f"{uuid.uuid4().hex}@recoup.bench",
            "references": "",
            "from_addr": sender,
            "to_addrs": f"{servers.new_user()}@b{n % ACCOUNTS + 1}.example",
            "cc_addrs": "",
            "subject": f"Invoice BINV{n % ACCOUNTS + 1:06d}",
            "text": "Hello,\n\nA friendly reminder that the invoice is due.\n\nRegards",
            "quoted_text": "",
            "invoice_numbers": [],
            "attachments": [],
            "created_at": NOW,
            "next_attempt_at": NOW,
            "attempts": 0,
        }
        for n in range(count)
    ]
    with engine.begin() as connection:
        connection.execute(insert(Message), rows)
    transport = SmtpTransport(
        SmtpSettings(
            host=servers.smtp_host,
            port=servers.smtp_port,
            user=collections,
            password=SecretStr(servers.password),
            tls="none",
        ),
        receipt_to=sender,
        max_connections=SEND_CONCURRENCY,
    )
    sent_copy = ImapSentFolder(_imap_settings(servers, collections))

    async def deliver() -> int:
        total = 0
        while True:
            report = await deliver_due(
                engine,
                transport,
                clock=FixedClock(NOW),
                sent_copy=sent_copy,
                limit=500,
                concurrency=SEND_CONCURRENCY,
            )
            total += report.sent
            if report.claimed == 0:
                await transport.close()
                return total

    started = time.perf_counter()
    delivered = asyncio.run(deliver())
    elapsed = time.perf_counter() - started
    sent_copy.close()
    assert delivered == count, delivered
    return {"send_msgs_per_s": count / elapsed, "send_batch": count}


def run_mail_bench(quick: bool) -> dict[str, Any]:
    configure_logging(level="WARNING")  # one log line per message would be measured too
    servers = start_mail_servers()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            engine = make_engine(f"sqlite:///{Path(tmp) / 'mail_bench.db'}")
            create_all(engine)
            _ledger(engine)
            results: dict[str, Any] = {}
            results.update(ingest_msgs_per_s(servers, engine, 200 if quick else 2_000))
            results.update(send_msgs_per_s(servers, engine, 100 if quick else 1_000))
            engine.dispose()
            return results
    finally:
        servers.stop()


if __name__ == "__main__":
    import json

    print(json.dumps(run_mail_bench(quick=True), indent=2))
