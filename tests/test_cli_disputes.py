"""`recoup disputes list|show|resolve|reject`, run as a person runs it, against a ledger it
opens itself: readable tables, money with its currency, one-line errors."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import select
from typer.testing import CliRunner, Result

from recoup.cli.app import app
from recoup.clock import SystemClock
from recoup.ledger.db import make_engine, migrate
from recoup.ledger.db import session as open_session
from recoup.ledger.models import Dispute, DisputeReason, Event, Invoice
from recoup.ledger.operations import disputes
from recoup.ledger.operations.actor import Actor
from recoup.ledger.state import load_account
from recoup.policy import Policy
from tests.support import factory

runner = CliRunner()


@pytest.fixture
def ledger(tmp_path: Path) -> Iterator[tuple[Engine, dict[str, str]]]:
    url = f"sqlite:///{tmp_path / 'recoup.db'}"
    engine = make_engine(url)
    migrate(engine)
    env = {"RECOUP_DATABASE_URL": url, "RECOUP_HOME": str(tmp_path), "COLUMNS": "200"}
    try:
        yield engine, env
    finally:
        engine.dispose()


def _seed(engine: Engine, *, currency: str = "EUR") -> list[int]:
    now = SystemClock().now()
    with open_session(engine) as session:
        owner = factory.customer(session, name="Globex GmbH", currency=currency)
        first = factory.invoice(
            session, owner, number="INV-9001", amount_cents=120_000, due=now.date()
        )
        second = factory.invoice(
            session, owner, number="INV-9002", amount_cents=30_000, due=now.date()
        )
        words = factory.inbound(
            session, owner, "The unit price should be 40, not 60 (see quote Q-17).", at=now
        )
        ids = []
        for invoice, amount in ((first, 40_000), (second, None)):
            opened = disputes.open_dispute(
                session,
                load_account(session, owner.id or 0, now=now),
                now=now,
                actor=Actor("agent"),
                policy=Policy(),
                invoice_number=invoice.number,
                reason=DisputeReason.PRICE,
                amount_cents=amount,
                message_id=words.id,
            )
            ids.append(opened.dispute.id or 0)
        session.commit()
        return ids


def _run(env: dict[str, str], *args: str) -> Result:
    return runner.invoke(app, ["disputes", *args], env=env)


def _said(result: Result) -> str:
    return " ".join(result.output.split())


def test_list_and_show_name_the_parts_in_the_invoice_currency(
    ledger: tuple[Engine, dict[str, str]],
) -> None:
    engine, env = ledger
    part, whole = _seed(engine)
    listed = _run(env, "list")
    assert listed.exit_code == 0, listed.output
    said = _said(listed)
    assert f"#{part}" in said and f"#{whole}" in said and "Globex GmbH" in said
    assert "€400.00" in said and "€300.00" in said and "Collections team" in said
    shown = _run(env, "show", str(part))
    assert shown.exit_code == 0
    said = _said(shown)
    assert f"Dispute #{part}: €400.00 of INV-9001 (Globex GmbH)" in said
    assert "undisputed €800.00" in said and "> The unit price should be 40" in said
    assert f"recoup disputes reject {part}" in said


def test_errors_are_one_line_and_change_nothing(ledger: tuple[Engine, dict[str, str]]) -> None:
    engine, env = ledger
    part, _ = _seed(engine, currency="USD")
    for args, wanted in [
        (("show", "99"), "error: no dispute #99"),
        (("resolve", str(part)), "error: give either --credit AMOUNT (or 'full') or --write-off"),
        (("resolve", str(part), "--credit", "lots"), "error: 'lots' is not an amount"),
        (("resolve", str(part), "--credit", "1500"), "at most the open balance of INV-9001"),
        (("resolve", str(part), "--write-off"), "error: a write-off needs --approved-by NAME"),
        (("reject", str(part), "--reason", " "), "error: a rejection needs the reason"),
        (("resolve", "99", "--credit", "full"), "error: no dispute #99"),
    ]:
        result = _run(env, *args)
        assert result.exit_code != 0, args
        assert wanted in result.output and "Traceback" not in result.output, result.output
        assert len(result.output.strip().splitlines()) <= 2
    with open_session(engine) as session:
        assert {d.status for d in session.exec(select(Dispute))} == {"open"}
        assert session.exec(select(Event)).all() == []


def test_resolve_and_reject_end_the_disputes_and_wake_the_account(
    ledger: tuple[Engine, dict[str, str]],
) -> None:
    engine, env = ledger
    part, whole = _seed(engine, currency="USD")
    credited = _run(env, "resolve", str(part), "--credit", "250.50", "--as", "lee")
    assert credited.exit_code == 0, credited.output
    assert (
        f"Dispute #{part} on INV-9001 resolved with a credit of $250.50; $949.50 open (by lee)"
        in _said(credited)
    )
    again = _run(env, "resolve", str(part), "--credit", "full")
    assert again.exit_code != 0 and f"dispute #{part} is already credited" in again.output
    rejected = _run(env, "reject", str(whole), "--reason", "the quote was for 60", "--as", "lee")
    assert rejected.exit_code == 0 and "rejected: collection resumes on it" in _said(rejected)
    ended = _run(env, "list", "--all")
    assert "credited" in ended.output and "rejected" in ended.output
    assert _said(_run(env, "list")) == "No open disputes."
    with open_session(engine) as session:
        invoice = session.exec(select(Invoice).where(Invoice.number == "INV-9001")).one()
        assert invoice.open_cents == 94_950
        details = [e.detail for e in session.exec(select(Event).where(Event.kind == "decision"))]
        assert len(details) == 2 and "reason: the quote was for 60" in details[1]
        resolved_by = {d.resolved_by for d in session.exec(select(Dispute))}
        assert resolved_by == {"person:lee via cli"}


def test_a_write_off_names_its_approver(ledger: tuple[Engine, dict[str, str]]) -> None:
    engine, env = ledger
    part, _ = _seed(engine, currency="USD")
    result = _run(env, "resolve", str(part), "--write-off", "--approved-by", "Kim (controller)")
    assert result.exit_code == 0, result.output
    assert "resolved in the customer's favour: $400.00 written off; $800.00 open" in _said(result)
    with open_session(engine) as session:
        dispute = session.get(Dispute, part)
        assert dispute is not None and dispute.outcome == "written_off"
        assert "approved by Kim (controller)" in (dispute.outcome_note or "")
