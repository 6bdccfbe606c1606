"""GET /health: the database, the mailbox, the outbox and the runner at a glance."""

from __future__ import annotations

import asyncio
import socket
import uuid
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine
from starlette.testclient import TestClient

from recoup.clock import FixedClock
from recoup.daemon.app import run_daemon
from recoup.daemon.health import DaemonStatus, create_health_app
from recoup.daemon.startup import approvals_notice
from recoup.errors import ServiceError
from recoup.ledger.db import make_engine
from recoup.ledger.db import session as open_session
from recoup.ledger.models import Direction, Message, MessageStatus
from recoup.logs import redact_secrets
from recoup.mail.maildir_source import MaildirSource
from recoup.mail.transports.maildir import MaildirInbox
from recoup.policy import Policy
from recoup.settings import Settings
from tests.daemon.kit import collector_model, eventually, free_port, running_daemon
from tests.support import factory


def _queue(engine: Engine, clock: FixedClock, count: int) -> None:
    with open_session(engine) as session:
        owner = factory.customer(session)
        for _ in range(count):
            session.add(
                Message(
                    customer_id=owner.id,
                    direction=Direction.OUTBOUND.value,
                    status=MessageStatus.QUEUED.value,
                    message_id=f"{uuid.uuid4().hex}@recoup.test",
                    to_addrs="ap@acme.example",
                    created_at=clock.now(),
                    next_attempt_at=clock.now() + timedelta(days=1),
                )
            )
        session.commit()


def test_health_reports_each_loop(engine: Engine, clock: FixedClock) -> None:
    _queue(engine, clock, 3)
    status = DaemonStatus(started_at=clock.now(), mailbox_kind="imap")
    status.mailbox.connected = True
    status.mailbox.last_sync_at = clock.now()
    status.runner.ran(clock.now() - timedelta(seconds=5))
    client = TestClient(create_health_app(engine, status, clock))

    response = client.get("/health")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok" and body["db"] == {"ok": True, "error": None}
    assert body["outbox"]["depth"] == 3
    assert body["mailbox"]["kind"] == "imap" and body["mailbox"]["connected"] is True
    assert body["mailbox"]["last_sync_at"] == clock.now().isoformat()
    assert body["runner"]["last_tick_at"] == (clock.now() - timedelta(seconds=5)).isoformat()
    assert body["runner"]["ticks"] == 1


def test_health_is_503_when_the_database_is_gone(tmp_path: Path, clock: FixedClock) -> None:
    broken = make_engine(f"sqlite:///{tmp_path / 'missing' / 'dir' / 'recoup.db'}")
    status = DaemonStatus(started_at=clock.now(), mailbox_kind="maildir")
    response = TestClient(create_health_app(broken, status, clock)).get("/health")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "degraded" and body["db"]["ok"] is False
    assert body["outbox"]["depth"] is None


async def test_the_daemon_serves_health_and_the_approvals_pages(
    tmp_path: Path, clock: FixedClock
) -> None:
    port = free_port()
    settings = Settings(home=tmp_path / "home", http_port=port, tick_interval_s=1)
    async with (
        running_daemon(settings, clock=clock, model=collector_model(), serve_http=True),
        httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=5) as client,
    ):

        async def ticked() -> dict[str, object] | None:
            try:
                response = await client.get("/health")
            except httpx.HTTPError:
                return None
            body = response.json()
            return body if body["runner"]["last_tick_at"] else None

        body = await eventually(ticked, timeout=15)
        assert body["db"]["ok"] and body["mailbox"]["kind"] == "maildir"
        assert body["outbox"]["depth"] == 0
        login = await client.get("/login")
        assert login.status_code == 200 and "text/html" in login.headers["content-type"]
    # Stopped: the port is closed again.
    async with httpx.AsyncClient(timeout=1) as client:
        try:
            await client.get(f"http://127.0.0.1:{port}/health")
        except httpx.ConnectError:
            pass
        else:
            raise AssertionError("the health server still answers after the daemon stopped")


async def test_a_busy_http_port_stops_the_daemon_with_the_reason(
    tmp_path: Path, clock: FixedClock
) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        settings = Settings(home=tmp_path / "home", http_port=port, tick_interval_s=1)
        stop = asyncio.Event()
        with pytest.raises(ServiceError, match=f"port {port} on 127.0.0.1 is already in use"):
            await asyncio.wait_for(
                run_daemon(settings, clock=clock, stop_event=stop, model=collector_model()),
                timeout=30,
            )
    assert not (tmp_path / "home").exists(), "nothing is set up before the port is known free"


def test_health_says_the_current_state_not_an_old_error(
    engine: Engine, clock: FixedClock, tmp_path: Path
) -> None:
    status = DaemonStatus(started_at=clock.now(), mailbox_kind="maildir")
    client = TestClient(create_health_app(engine, status, clock))
    status.runner.ran(clock.now(), "OperationalError: database is locked")
    status.mailbox.last_error = "OSError: inbox unreadable"
    failing = client.get("/health").json()
    assert failing["status"] == "degraded" and failing["failing"] == ["mailbox", "runner"]

    clock.advance(timedelta(minutes=1))
    status.runner.ran(clock.now())
    source = MaildirSource(
        engine,
        MaildirInbox(tmp_path / "mail"),
        clock=clock,
        policy=Policy(),
        status=status.mailbox,
    )
    source.status.last_error = "OSError: inbox unreadable"
    source.sync(lambda: False)
    healthy = client.get("/health").json()
    assert healthy["status"] == "ok" and healthy["failing"] == []
    assert healthy["runner"]["last_error"] is None and healthy["mailbox"]["last_error"] is None


def test_the_start_up_log_says_where_the_page_and_its_token_are(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path, http_host="0.0.0.0", http_port=8123)
    notice = {
        "approvals_page": "http://127.0.0.1:8123/",
        "login_from": str((tmp_path / "approvals.token").resolve()),
    }
    assert approvals_notice(settings) == notice
    assert redact_secrets(None, "info", approvals_notice(settings)) == notice  # shown in the log
    given = Settings(home=tmp_path, approvals_token="s3cret")  # type: ignore[arg-type]
    assert "s3cret" not in str(approvals_notice(given))
