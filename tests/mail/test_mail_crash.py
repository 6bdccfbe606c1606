"""Kill -9 the daemon at random points while it sends and reads mail, many
times; after the restarts every message went out exactly once and every
inbound message was processed exactly once."""

from __future__ import annotations

import asyncio
import json
import os
import random
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine, create_engine, text
from sqlmodel import col, select

from recoup.clock import SystemClock
from recoup.ledger.db import make_engine, migrate
from recoup.ledger.db import session as open_session
from recoup.ledger.models import Contact, Customer, Direction, Event, Message, MessageStatus
from tests.daemon.kit import (
    COLLECTIONS_DOMAIN,
    address,
    free_port,
    message_ids,
    raw_mail,
    smtp_deliver,
)
from tests.support.databases import (
    POSTGRES_URL,
    postgres_available,
    required_in_ci,
    selected_backends,
)
from tests.support.mailservers import MailServers

pytestmark = pytest.mark.mail

ROUNDS = {"sqlite": 20, "postgres": 10}
ROUNDS_BUDGET_S = {"sqlite": 60.0, "postgres": 35.0}
OUTBOUND_PER_ROUND = 5
INBOUND_PER_ROUND = 3
ROOT = Path(__file__).resolve().parents[2]
POLICY = """\
[contact]
quiet_hours_start = 00:00:00
quiet_hours_end = 00:00:00
quiet_weekdays = []
"""


@pytest.fixture(params=selected_backends())
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, str]]:
    """(backend, URL) of an empty database the child processes can open too."""
    if request.param == "sqlite":
        yield "sqlite", f"sqlite:///{tmp_path / 'crash.db'}"
        return
    problem = postgres_available()
    if problem:
        required_in_ci(problem)
    schema = f"crash_{uuid.uuid4().hex[:10]}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield "postgres", f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


class Harness:
    def __init__(self, url: str, servers: MailServers, home: Path) -> None:
        self.url = url
        self.servers = servers
        self.home = home
        self.engine: Engine = make_engine(url)
        migrate(self.engine)
        self.collections = servers.new_user()
        self.customers = servers.new_user()  # every contact is a +detail of this mailbox
        self.inbound_ids: list[str] = []
        self.sequence = 0
        (home / "policy.toml").write_text(POLICY)
        self.logs = home / "logs"
        self.logs.mkdir()

    @property
    def collections_address(self) -> str:
        return address(self.collections, COLLECTIONS_DOMAIN)

    def _customer(self) -> tuple[int, str]:
        self.sequence += 1
        contact = address(f"{self.customers}+c{self.sequence}")
        with open_session(self.engine) as session:
            customer = Customer(ref=f"K-{self.sequence:04d}", name=f"Buyer {self.sequence}")
            session.add(customer)
            session.flush()
            session.add(Contact(customer_id=customer.id or 0, email=contact, is_primary=True))
            session.commit()
            return customer.id or 0, contact

    def queue_outbound(self, count: int) -> None:
        now = SystemClock().now()
        for _ in range(count):
            customer_id, contact = self._customer()
            with open_session(self.engine) as session:
                session.add(
                    Message(
                        customer_id=customer_id,
                        direction=Direction.OUTBOUND.value,
                        status=MessageStatus.QUEUED.value,
                        message_id=f"{uuid.uuid4().hex}@{COLLECTIONS_DOMAIN}",
                        from_addr=self.collections_address,
                        to_addrs=contact,
                        subject=f"Statement {self.sequence}",
                        text="Your statement of account is ready.",
                        created_at=now,
                        next_attempt_at=now,
                    )
                )
                session.commit()

    async def deliver_inbound(self, count: int) -> None:
        for _ in range(count):
            _customer_id, contact = self._customer()
            message_id = f"{uuid.uuid4().hex}@buyer.test"
            raw = raw_mail(
                sender=contact,
                to=self.collections_address,
                subject=f"Question {self.sequence}",
                body="Can you confirm the remittance address?",
                message_id=message_id,
            )
            await smtp_deliver(self.servers, raw, contact, self.collections_address)
            self.inbound_ids.append(message_id)

    def config(self, label: str) -> tuple[Path, int]:
        port = free_port()
        password = self.servers.password
        settings: dict[str, Any] = {
            "home": str(self.home),
            "database_url": self.url,
            "tick_interval_s": 1,
            "http_port": port,
            "mail": {
                "from_address": self.collections_address,
                "send_lease_s": 6,
                "imap": {
                    "host": self.servers.imap_host,
                    "port": self.servers.imap_port,
                    "user": self.collections,
                    "password": password,
                    "tls": False,
                    "idle_timeout_s": 30,
                    "poll_interval_s": 1,
                },
                "smtp": {
                    "host": self.servers.smtp_host,
                    "port": self.servers.smtp_port,
                    "user": self.collections,
                    "password": password,
                    "tls": "none",
                },
            },
        }
        path = self.home / f"config-{label}.json"
        path.write_text(json.dumps({"settings": settings}))
        return path, port

    def all_done(self) -> bool:
        with open_session(self.engine) as session:
            queued = session.exec(
                select(Message.id).where(Message.status == MessageStatus.QUEUED.value)
            ).first()
            inbound = session.exec(
                select(Message.message_id).where(Message.direction == Direction.INBOUND.value)
            ).all()
            pending = session.exec(
                select(Event.id).where(col(Event.processed_at).is_(None))
            ).first()
            replies = session.exec(
                select(Message.in_reply_to).where(
                    Message.direction == Direction.OUTBOUND.value,
                    col(Message.in_reply_to).is_not(None),
                )
            ).all()
        return (
            queued is None
            and pending is None
            and set(inbound) == set(self.inbound_ids)
            and set(self.inbound_ids) <= set(replies)
            and message_ids(self.servers, self.collections) == []
        )


class Zygote:
    """Forks daemons from one process that has already imported everything."""

    def __init__(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.daemon.child", "--zygote"],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )

    def start(self, config: Path, log: Path) -> int:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(f"start {config} {log}\n")
        self.process.stdin.flush()
        answer = self.process.stdout.readline().split()
        assert answer[:1] == ["pid"], f"the zygote answered {answer}"
        return int(answer[1])

    def close(self) -> None:
        if self.process.stdin is not None:
            self.process.stdin.close()
        self.process.wait(timeout=10)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def _kill(pid: int) -> None:
    os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + 10
    while _alive(pid):  # reaped by the zygote: then the pid is really gone
        assert time.monotonic() < deadline
        time.sleep(0.01)


async def _wait_healthy(alive: Any, port: int, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    async with httpx.AsyncClient(timeout=1) as client:
        while time.monotonic() < deadline:
            if not alive():
                raise AssertionError("the daemon exited")
            try:
                if (await client.get(f"http://127.0.0.1:{port}/health")).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            await asyncio.sleep(0.05)
    raise AssertionError("the daemon did not become healthy")


async def test_kill_9_at_random_points_loses_and_repeats_nothing(
    database: tuple[str, str], mail_servers: MailServers, tmp_path: Path
) -> None:
    backend, url = database
    seed = int(os.environ.get("RECOUP_CRASH_SEED", random.randrange(1 << 30)))
    rng = random.Random(seed)
    harness = Harness(url, mail_servers, tmp_path)
    started = time.monotonic()
    rounds = 0
    zygote = Zygote()
    try:
        while rounds < ROUNDS[backend] and time.monotonic() - started < ROUNDS_BUDGET_S[backend]:
            harness.queue_outbound(OUTBOUND_PER_ROUND)
            await harness.deliver_inbound(INBOUND_PER_ROUND - 1)
            config, port = harness.config(f"round-{rounds}")
            pid = zygote.start(config, harness.logs / f"round-{rounds}.log")
            try:
                await _wait_healthy(lambda pid=pid: _alive(pid), port)
                await harness.deliver_inbound(1)  # arrives while running: the IDLE path
                await asyncio.sleep(rng.uniform(0.0, 1.0))
            finally:
                _kill(pid)
            rounds += 1
        zygote.close()

        config, port = harness.config("final")
        with open(harness.logs / "final.log", "wb") as log:
            process = subprocess.Popen(
                [sys.executable, "-m", "tests.daemon.child", str(config)],
                cwd=ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        try:
            await _wait_healthy(lambda: process.poll() is None, port)
            deadline = time.monotonic() + 60
            while not await asyncio.to_thread(harness.all_done):
                assert time.monotonic() < deadline, f"work left after the restarts (seed {seed})"
                await asyncio.sleep(0.3)
            process.send_signal(signal.SIGTERM)
            assert process.wait(timeout=30) == 0, "SIGTERM must stop the daemon cleanly"
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
    finally:
        if zygote.process.poll() is None:
            zygote.process.kill()
        harness.engine.dispose()

    assert rounds >= min(ROUNDS[backend], 8), f"only {rounds} rounds ran"
    with open_session(make_engine(url)) as session:
        outbound = session.exec(
            select(Message).where(Message.direction == Direction.OUTBOUND.value)
        ).all()
        inbound = session.exec(
            select(Message).where(Message.direction == Direction.INBOUND.value)
        ).all()
        message_events = Counter(
            session.exec(select(Event.ref_id).where(Event.kind == "message")).all()
        )
    expected_outbound = rounds * OUTBOUND_PER_ROUND + len(harness.inbound_ids)
    assert len(outbound) == expected_outbound, f"seed {seed}"
    assert {m.status for m in outbound} == {"sent"}
    # Sent exactly once: every Message-ID is in the customers' mailbox once.
    received = Counter(message_ids(mail_servers, harness.customers))
    assert received == Counter({m.message_id: 1 for m in outbound}), f"seed {seed}"
    # Processed exactly once: one row, one wake-up and one answer per inbound message.
    assert sorted(m.message_id for m in inbound) == sorted(harness.inbound_ids)
    assert all(message_events[m.id] == 1 for m in inbound), f"seed {seed}"
    answers = Counter(m.in_reply_to for m in outbound if m.in_reply_to)
    assert answers == Counter({m.message_id: 1 for m in inbound}), f"seed {seed}"
    archived = Counter(message_ids(mail_servers, harness.collections, "Archive"))
    assert all(archived[mid] == 1 for mid in harness.inbound_ids)
    assert max(Counter(message_ids(mail_servers, harness.collections, "Sent")).values()) == 1
