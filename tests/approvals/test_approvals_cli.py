"""`recoup approvals`, run as a person runs it, against a database it opens itself."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import select
from typer.testing import CliRunner, Result

from recoup.cli.approvals import app
from recoup.clock import FixedClock, SystemClock
from recoup.ledger.db import make_engine, migrate
from recoup.ledger.db import session as open_session
from recoup.ledger.models import Customer, Event, Message
from recoup.policy import DEFAULT_POLICY_PATH, Policy, load_policy
from tests.approvals.approvals_support import escalation, held_email_case, plain_case

runner = CliRunner()


@pytest.fixture
def workspace(tmp_path: Path) -> Iterator[tuple[Engine, dict[str, str]]]:
    """A migrated SQLite ledger, and the environment the command reads its settings from.

    The policy has no quiet hours, so approving outreach works at any hour of the run."""
    policy_file = tmp_path / "policy.toml"
    policy_file.write_text(
        DEFAULT_POLICY_PATH.read_text(encoding="utf-8")
        .replace("quiet_hours_start = 19:00:00", "quiet_hours_start = 00:00:00")
        .replace("quiet_hours_end = 08:00:00", "quiet_hours_end = 00:00:00")
        .replace("quiet_weekdays = [5, 6]", "quiet_weekdays = []"),
        encoding="utf-8",
    )
    url = f"sqlite:///{tmp_path / 'recoup.db'}"
    engine = make_engine(url)
    migrate(engine)
    env = {
        "RECOUP_DATABASE_URL": url,
        "RECOUP_HOME": str(tmp_path),
        "RECOUP_POLICY_FILE": str(policy_file),
        "RECOUP_MAIL__FROM_ADDRESS": "ar@northwind.example",
        "RECOUP_MAIL__FROM_NAME": "Northwind AR",
    }
    try:
        yield engine, env
    finally:
        engine.dispose()


@pytest.fixture
def cli_policy(workspace: tuple[Engine, dict[str, str]]) -> Policy:
    return load_policy(Path(workspace[1]["RECOUP_POLICY_FILE"]))


def _said(result: Result) -> str:
    """The command's output with rich's line wrapping undone."""
    return " ".join(result.output.split())


def _clock() -> FixedClock:
    """The command reads the system clock; the ledger is seeded at the same moment."""
    return FixedClock(SystemClock().now())


def test_list_and_show(workspace: tuple[Engine, dict[str, str]], cli_policy: Policy) -> None:
    engine, env = workspace
    clock = _clock()
    held = held_email_case(engine, clock, cli_policy)
    plain_id, _ = plain_case(engine, clock, cli_policy)

    listed = runner.invoke(app, ["list"], env=env)
    assert listed.exit_code == 0, listed.output
    assert f"#{held.escalation_id}" in _said(listed) and f"#{plain_id}" in _said(listed)
    assert "Globex" in _said(listed) and "Initech" in _said(listed)
    assert "Waiting to: send an email · outreach continues" in _said(listed)
    assert "Waiting to: hand to a person (or resume collection) · outreach stopped" in _said(listed)
    assert "Why: balance $30,000.00 with no reply for 30+ days" in _said(listed)

    shown = runner.invoke(app, ["show", str(held.escalation_id)], env=env)
    assert shown.exit_code == 0, shown.output
    assert "From: Northwind AR <ar@northwind.example>" in _said(shown)
    assert f"Subject: {held.subject}" in _said(shown)
    assert "exceeds the strategic account cap" in _said(shown)
    assert "<b>please hold</b>" in _said(shown)
    assert "Send this email (recommended)" in _said(shown)
    assert f"recoup approvals approve {held.escalation_id}" in _said(shown)
    assert f'recoup approvals reject {held.escalation_id} --note "…"' in _said(shown)
    assert "Approve the held" not in _said(shown)

    missing = runner.invoke(app, ["show", "9999"], env=env)
    assert missing.exit_code == 1 and "No case #9999" in _said(missing)


def test_approve_runs_the_held_email_once(
    workspace: tuple[Engine, dict[str, str]], cli_policy: Policy
) -> None:
    engine, env = workspace
    held = held_email_case(engine, _clock(), cli_policy)

    approved = runner.invoke(
        app, ["approve", str(held.escalation_id), "--as", "kim", "--note", "fine"], env=env
    )
    again = runner.invoke(app, ["approve", str(held.escalation_id), "--as", "lee"], env=env)

    assert approved.exit_code == 0, approved.output
    assert "Approved by kim (cli): the email is queued in the outbox" in _said(approved)
    assert again.exit_code == 1
    assert "already approved by kim via cli" in _said(again)
    with open_session(engine) as session:
        [sent] = session.exec(
            select(Message)
            .where(Message.customer_id == held.customer_id)
            .where(Message.direction == "outbound")
        ).all()
    assert (sent.subject, sent.status) == (held.subject, "queued")
    row = escalation(engine, held.escalation_id)
    assert (row.decided_by, row.decision_channel, row.decision_note) == ("kim", "cli", "fine")


def test_reject_needs_a_note_and_tells_the_agent(
    workspace: tuple[Engine, dict[str, str]], cli_policy: Policy
) -> None:
    engine, env = workspace
    held = held_email_case(engine, _clock(), cli_policy)

    without = runner.invoke(app, ["reject", str(held.escalation_id)], env=env)
    blank = runner.invoke(app, ["reject", str(held.escalation_id), "--note", " "], env=env)
    assert escalation(engine, held.escalation_id).status == "open"
    rejected = runner.invoke(
        app,
        ["reject", str(held.escalation_id), "--note", "Send a softer one", "--as", "kim"],
        env=env,
    )

    assert without.exit_code == 2
    assert blank.exit_code == 2 and "needs a note" in _said(blank)
    assert rejected.exit_code == 0, rejected.output
    with open_session(engine) as session:
        [woken] = session.exec(select(Event).where(Event.kind == "decision")).all()
    assert woken.detail == f"escalation #{held.escalation_id} rejected by kim: Send a softer one"


def test_takeover_then_release(
    workspace: tuple[Engine, dict[str, str]], cli_policy: Policy
) -> None:
    engine, env = workspace
    escalation_id, customer_id = plain_case(engine, _clock(), cli_policy)

    taken = runner.invoke(app, ["takeover", str(escalation_id), "--as", "kim"], env=env)
    with open_session(engine) as session:
        assert session.get(Customer, customer_id).taken_over is True  # type: ignore[union-attr]
    released = runner.invoke(app, ["release", str(escalation_id), "--as", "kim"], env=env)
    twice = runner.invoke(app, ["release", str(escalation_id), "--as", "kim"], env=env)

    assert taken.exit_code == 0 and "Taken over by kim (cli)" in _said(taken)
    assert released.exit_code == 0 and "Released by kim (cli)" in _said(released)
    assert twice.exit_code == 1 and "nothing changed" in _said(twice)
    with open_session(engine) as session:
        assert session.get(Customer, customer_id).taken_over is False  # type: ignore[union-attr]
