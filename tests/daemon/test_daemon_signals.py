"""SIGTERM and SIGINT: no new work, the run in flight finishes, a clean exit."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from sqlmodel import select

from recoup.clock import SystemClock
from recoup.ledger.db import make_engine, migrate
from recoup.ledger.db import session as open_session
from recoup.ledger.models import AgentRun, Event
from tests.daemon.kit import free_port, seed_account

ROOT = Path(__file__).resolve().parents[2]


def _start(home: Path, *, latency_s: float = 0.0) -> tuple[subprocess.Popen[bytes], int, Path]:
    port = free_port()
    config = home / "child.json"
    settings = {"home": str(home), "tick_interval_s": 1, "http_port": port}
    config.write_text(json.dumps({"settings": settings, "model_latency_s": latency_s}))
    log = home / "child.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "tests.daemon.child", str(config)],
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    return process, port, log


def _wait_healthy(process: subprocess.Popen[bytes], port: int) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        assert process.poll() is None, "the daemon exited early"
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.05)
    raise AssertionError("the daemon did not become healthy")


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_stop_signal_ends_the_daemon_cleanly(tmp_path: Path, signum: int) -> None:
    process, port, log = _start(tmp_path)
    try:
        _wait_healthy(process, port)
        process.send_signal(signum)
        assert process.wait(timeout=20) == 0
    finally:
        if process.poll() is None:
            process.kill()
    events = [json.loads(line)["event"] for line in log.read_text().splitlines() if line[:1] == "{"]
    assert events[0] == "daemon_started"
    assert events[-3:] == ["daemon_stopping", "daemon_draining", "daemon_stopped"]


def test_the_run_in_flight_finishes_before_the_exit(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'recoup.db'}")
    migrate(engine)
    seed_account(engine, SystemClock(), contact="ap@buyer.test", overdue={"SIG-1": 10})
    process, port, _log = _start(tmp_path, latency_s=1.0)
    try:
        _wait_healthy(process, port)
        deadline = time.monotonic() + 20
        while True:
            with open_session(engine) as session:
                if session.exec(select(AgentRun)).first() is not None:
                    break
            assert time.monotonic() < deadline, "no run started"
            time.sleep(0.05)
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0
    finally:
        if process.poll() is None:
            process.kill()
    with open_session(engine) as session:
        (run,) = session.exec(select(AgentRun)).all()
        assert run.outcome == "completed" and run.finished_at is not None and run.steps == 2
        aging = session.exec(select(Event).where(Event.kind == "aging")).all()
        assert any(e.processed_at is not None and e.run_id == run.id for e in aging)
    engine.dispose()
