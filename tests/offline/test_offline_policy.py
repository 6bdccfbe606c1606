"""The offline model plans within the policy in force, as the guardrails read it.

Each policy below is an edit of the shipped one. The model runs through the real loop
and guardrails over the same small ledger; every call it makes must be one the
guardrails allow (no denial, no tone held for a cap), and its choices must follow the
edit (a Saturday is a working day when no weekday is quiet, and so on).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import Engine
from sqlmodel import col, select

from recoup.agent.clients.offline import OfflineModel
from recoup.agent.loop import AgentDeps
from recoup.agent.runner import Runner
from recoup.clock import FixedClock
from recoup.ledger.db import session as open_session
from recoup.ledger.events import aging_event
from recoup.ledger.models import (
    AuditEvent,
    Customer,
    Direction,
    Escalation,
    Event,
    EventKind,
    Message,
)
from recoup.policy import ContactRules, Policy, ToneRules
from tests.support import factory

SATURDAY = datetime(2026, 11, 28, 11, 0, tzinfo=UTC)
MONDAY = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)
MONDAY_EVENING = datetime(2026, 11, 23, 20, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Ledger:
    young: int  # 12 days past due, never written to
    old: int  # 100 days past due, never written to
    enterprise: int  # 45 days past due, enterprise segment
    strategic: int  # 45 days past due, strategic
    touched: int  # 20 days past due, written to 4 days ago


def _ledger(engine: Engine, clock: FixedClock) -> Ledger:
    today = clock.now().date()
    ids: dict[str, int] = {}
    with open_session(engine) as session:
        for key, days, segment, strategic in (
            ("young", 12, "smb", False),
            ("old", 100, "smb", False),
            ("enterprise", 45, "enterprise", False),
            ("strategic", 45, "smb", True),
            ("touched", 20, "smb", False),
        ):
            owner = factory.customer(
                session,
                name=f"{key.title()} Ltd",
                email=f"ap@{key}.example",
                segment=segment,
                strategic=strategic,
            )
            invoice = factory.invoice(
                session, owner, amount_cents=250_000, due=today - timedelta(days=days)
            )
            session.add(aging_event(invoice, 1, now=clock.now()))
            ids[key] = owner.id or 0
        touched_at = clock.now() - timedelta(days=4)
        session.add(
            Message(
                customer_id=ids["touched"],
                direction=Direction.OUTBOUND.value,
                status="sent",
                message_id="earlier-touch@recoup.example",
                to_addrs="ap@touched.example",
                subject="Reminder",
                tone="friendly",
                created_at=touched_at,
            )
        )
        owner_row = session.get(Customer, ids["touched"])
        assert owner_row is not None
        owner_row.last_touch_at = touched_at
        session.commit()
    return Ledger(**ids)


async def _run(engine: Engine, clock: FixedClock, policy: Policy) -> None:
    deps = AgentDeps(engine=engine, clock=clock, policy=policy, model=OfflineModel())
    report = await Runner(deps).tick()
    assert not report.errors


def _denied(engine: Engine) -> list[tuple[str | None, str]]:
    with open_session(engine) as session:
        rows = session.exec(select(AuditEvent).where(AuditEvent.verdict == "deny"))
        return [(row.rule_id, row.reason) for row in rows]


def _held(engine: Engine) -> list[str]:
    with open_session(engine) as session:
        rows = session.exec(select(Escalation).where(col(Escalation.held_action).is_not(None)))
        return [row.category for row in rows]


def _emails(engine: Engine, customer_id: int, since: datetime) -> list[Message]:
    with open_session(engine) as session:
        return list(
            session.exec(
                select(Message).where(
                    Message.customer_id == customer_id,
                    Message.direction == Direction.OUTBOUND.value,
                    Message.created_at >= since,
                )
            )
        )


def _next_look(engine: Engine, customer_id: int) -> date | None:
    with open_session(engine) as session:
        row = session.exec(
            select(Event).where(
                Event.customer_id == customer_id,
                Event.kind == EventKind.FOLLOWUP_DUE.value,
                col(Event.processed_at).is_(None),
            )
        ).first()
        return row.due_at.date() if row else None


def _policy(**sections: object) -> Policy:
    return Policy.model_validate(sections)


async def test_with_no_quiet_weekdays_a_saturday_is_a_working_day(
    engine: Engine, clock: FixedClock
) -> None:
    clock.set(SATURDAY)
    ledger = _ledger(engine, clock)
    await _run(engine, clock, _policy(contact={"quiet_weekdays": []}))
    assert _denied(engine) == [] and _held(engine) == []
    for customer_id in (ledger.young, ledger.old, ledger.enterprise, ledger.strategic):
        (email,) = _emails(engine, customer_id, SATURDAY)
        assert email.status == "queued"
    # The account written to four days ago is due again today, not on Monday.
    assert len(_emails(engine, ledger.touched, SATURDAY)) == 1


async def test_with_quiet_weekends_a_saturday_waits_for_monday(
    engine: Engine, clock: FixedClock
) -> None:
    clock.set(SATURDAY)
    ledger = _ledger(engine, clock)
    await _run(engine, clock, _policy(contact={"quiet_weekdays": [5, 6]}))
    assert _denied(engine) == [] and _held(engine) == []
    for customer_id in (ledger.young, ledger.old, ledger.enterprise, ledger.strategic):
        assert _emails(engine, customer_id, SATURDAY) == []
        assert _next_look(engine, customer_id) == date(2026, 11, 30)


async def test_a_quiet_monday_is_kept_without_being_told(engine: Engine, clock: FixedClock) -> None:
    clock.set(MONDAY)
    ledger = _ledger(engine, clock)
    await _run(engine, clock, _policy(contact={"quiet_weekdays": [0, 5, 6]}))
    assert _denied(engine) == []
    assert _emails(engine, ledger.young, MONDAY) == []
    assert _next_look(engine, ledger.young) == date(2026, 11, 24)


async def test_earlier_quiet_hours_are_kept(engine: Engine, clock: FixedClock) -> None:
    clock.set(MONDAY)
    ledger = _ledger(engine, clock)
    policy = Policy(contact=ContactRules(quiet_hours_start=time(14, 0), quiet_hours_end=time(8, 0)))
    await _run(engine, clock, policy)
    assert _denied(engine) == []
    assert _emails(engine, ledger.young, MONDAY) == []
    assert _next_look(engine, ledger.young) == date(2026, 11, 24)


async def test_a_longer_gap_between_touches_is_kept(engine: Engine, clock: FixedClock) -> None:
    clock.set(MONDAY)
    ledger = _ledger(engine, clock)
    await _run(engine, clock, _policy(contact={"min_days_between_touches": 6}))
    assert _denied(engine) == []
    assert _emails(engine, ledger.touched, MONDAY) == []
    # Four days ago at 15:00, plus six days: the next 10:00 follow-up after that.
    assert _next_look(engine, ledger.touched) == date(2026, 11, 26)
    assert len(_emails(engine, ledger.young, MONDAY)) == 1


async def test_a_weekly_cap_of_one_is_kept(engine: Engine, clock: FixedClock) -> None:
    clock.set(MONDAY)
    ledger = _ledger(engine, clock)
    await _run(engine, clock, _policy(contact={"max_touches_per_week": 1}))
    assert _denied(engine) == []
    assert _emails(engine, ledger.touched, MONDAY) == []
    assert _next_look(engine, ledger.touched) == date(2026, 11, 27)  # the touch ages out


@pytest.mark.parametrize(
    ("tone", "expected"),
    [
        ({"segment_caps": {"smb": "friendly"}}, {"old": "friendly", "young": "friendly"}),
        ({"segment_caps": {"enterprise": "friendly"}}, {"enterprise": "friendly", "old": "firm"}),
        ({"strategic_cap": "courtesy"}, {"strategic": "courtesy"}),
        ({"days_31_60": "friendly", "days_over_90": "friendly"}, {"old": "friendly"}),
    ],
)
async def test_tone_caps_are_kept_without_a_hold(
    engine: Engine, clock: FixedClock, tone: dict[str, object], expected: dict[str, str]
) -> None:
    clock.set(MONDAY)
    ledger = _ledger(engine, clock)
    await _run(engine, clock, Policy(tone=ToneRules.model_validate(tone)))
    assert _denied(engine) == [] and _held(engine) == []
    for key, wanted in expected.items():
        (email,) = _emails(engine, getattr(ledger, key), MONDAY)
        assert email.tone == wanted, key


async def test_a_first_reminder_on_a_very_old_invoice_is_firm_and_factual(
    engine: Engine, clock: FixedClock
) -> None:
    clock.set(MONDAY)
    ledger = _ledger(engine, clock)
    await _run(engine, clock, Policy())
    assert _denied(engine) == []
    (email,) = _emails(engine, ledger.old, MONDAY)
    assert email.tone == "firm" and "100 days past due" in email.text
    assert "final" not in email.text.lower() and "final" not in email.subject.lower()
    assert "still unpaid" not in email.text  # nothing was sent before


async def test_after_a_firm_reminder_the_ladder_reaches_the_final_notice(
    engine: Engine, clock: FixedClock
) -> None:
    clock.set(MONDAY)
    ledger = _ledger(engine, clock)
    await _run(engine, clock, Policy())
    (first,) = _emails(engine, ledger.old, MONDAY)
    assert first.tone == "firm"
    later = MONDAY + timedelta(days=7)
    clock.set(later)
    with open_session(engine) as session:
        session.add(
            Event(
                customer_id=ledger.old,
                kind=EventKind.FOLLOWUP_DUE.value,
                due_at=later,
                created_at=later,
                detail="firm reminder followed up",
            )
        )
        session.commit()
    await _run(engine, clock, Policy())
    assert _denied(engine) == []
    (second,) = _emails(engine, ledger.old, later)
    assert second.tone == "final" and second.subject.startswith("Final notice")
