"""Quiet hours in the customer's timezone, the minimum interval and the weekly cap."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest
from sqlmodel import Session

from recoup.clock import FixedClock
from recoup.policy import Policy
from tests.guardrails.guardrail_world import World, assert_allowed, assert_denied, build_world

MONDAY = datetime(2026, 11, 23, tzinfo=UTC)


@pytest.fixture
def world(session: Session, clock: FixedClock, policy: Policy) -> World:
    return build_world(session, clock, policy)


def _at(world: World, moment: datetime, timezone: str) -> None:
    world.clock.set(moment)
    world.acme.timezone = timezone


@pytest.mark.parametrize(
    ("utc", "timezone", "local"),
    [
        (MONDAY.replace(hour=19, minute=30), "Europe/Berlin", "Monday 20:30"),
        (MONDAY.replace(hour=6, minute=59), "Europe/Berlin", "Monday 07:59"),
        (MONDAY.replace(hour=18, minute=0), "Europe/Berlin", "Monday 19:00"),
        (MONDAY.replace(hour=2, minute=0), "America/New_York", "Sunday 21:00"),
        (MONDAY.replace(hour=15, minute=0), "Pacific/Auckland", "Tuesday 04:00"),
        (MONDAY.replace(hour=15, minute=0) + timedelta(days=5), "UTC", "Saturday 15:00"),
        (MONDAY.replace(hour=14, minute=0) - timedelta(days=1), "Asia/Tokyo", "Sunday 23:00"),
    ],
)
def test_outreach_in_the_customers_quiet_hours_or_days_is_denied(
    world: World, utc: datetime, timezone: str, local: str
) -> None:
    _at(world, utc, timezone)

    verdict = world.verdict()

    assert_denied(verdict, "contact.quiet_hours")
    assert f"it is {local} in {timezone}" in verdict.reason


@pytest.mark.parametrize(
    ("utc", "timezone"),
    [
        (MONDAY.replace(hour=15, minute=0), "America/New_York"),  # 10:00 local
        (MONDAY.replace(hour=7, minute=0), "Europe/Berlin"),  # 08:00 local, quiet hours over
        (MONDAY.replace(hour=17, minute=59), "Europe/Berlin"),  # 18:59 local
        (MONDAY.replace(hour=23, minute=0) - timedelta(days=1), "Asia/Tokyo"),  # Monday 08:00
    ],
)
def test_outreach_in_the_customers_business_hours_is_allowed(
    world: World, utc: datetime, timezone: str
) -> None:
    _at(world, utc, timezone)

    assert_allowed(world.verdict())


def test_quiet_hours_and_days_follow_the_policy(world: World) -> None:
    _at(world, MONDAY.replace(hour=20), "UTC")
    night_owl = world.policy.model_copy(
        update={"contact": world.policy.contact.model_copy(update={"quiet_weekdays": [0]})}
    )
    late_hours = world.policy.model_copy(
        update={
            "contact": world.policy.contact.model_copy(
                update={"quiet_weekdays": [6], "quiet_hours_start": time(21, 0)}
            )
        }
    )

    assert_denied(world.verdict(policy=night_owl), "contact.quiet_hours")  # Mondays off
    assert_allowed(world.verdict(policy=late_hours))  # quiet only from 21:00


def test_an_unknown_customer_timezone_fails_closed(world: World) -> None:
    world.acme.timezone = "Mars/Olympus_Mons"

    verdict = world.verdict()

    assert_denied(verdict, "contact.timezone_unknown")
    assert "Mars/Olympus_Mons" in verdict.reason


def test_a_second_email_within_the_minimum_interval_is_denied(world: World) -> None:
    world.outbound(at=world.now - timedelta(days=2, hours=23))

    verdict = world.verdict()

    assert_denied(verdict, "contact.min_interval")
    next_ok = world.now + timedelta(hours=1)
    assert f"from {next_ok:%Y-%m-%d %H:%M} UTC" in verdict.reason


def test_an_email_once_the_minimum_interval_has_passed_is_allowed(world: World) -> None:
    world.outbound(at=world.now - timedelta(days=3))

    assert_allowed(world.verdict())


def test_the_weekly_cap_counts_touches_of_the_last_seven_days(world: World) -> None:
    world.outbound(at=world.now - timedelta(days=6, hours=23))
    world.outbound(at=world.now - timedelta(days=3, hours=1))

    verdict = world.verdict()

    assert_denied(verdict, "contact.weekly_cap")
    assert "already 2 touches" in verdict.reason


def test_a_touch_older_than_seven_days_leaves_the_cap(world: World) -> None:
    world.outbound(at=world.now - timedelta(days=7, minutes=1))
    world.outbound(at=world.now - timedelta(days=3, hours=1))

    assert_allowed(world.verdict())


def test_failed_emails_are_no_touches(world: World) -> None:
    world.outbound(at=world.now - timedelta(days=6), status="failed")
    world.outbound(at=world.now - timedelta(days=4), status="failed")
    world.outbound(at=world.now - timedelta(days=3, hours=1))

    assert_allowed(world.verdict())


def test_a_reply_to_a_message_newer_than_the_last_touch_is_exempt(world: World) -> None:
    world.outbound(at=world.now - timedelta(days=6))
    world.outbound(at=world.now - timedelta(days=1))
    question = world.inbound("Could you send me a copy of INV-1001?")

    assert_denied(world.verdict(), "contact.min_interval")
    assert_allowed(world.verdict(reply_to_message_id=question.id))


def test_a_reply_to_a_message_already_answered_is_not(world: World) -> None:
    question = world.inbound("Could you send me a copy?", at=world.now - timedelta(days=2))
    world.outbound(at=world.now - timedelta(days=1))

    assert_denied(world.verdict(reply_to_message_id=question.id), "contact.min_interval")


def test_a_reply_to_one_of_our_own_emails_is_not(world: World) -> None:
    ours = world.outbound(at=world.now - timedelta(days=1))

    assert_denied(world.verdict(reply_to_message_id=ours.id), "contact.min_interval")


def test_a_reply_is_still_kept_out_of_quiet_hours(world: World) -> None:
    _at(world, MONDAY.replace(hour=22), "UTC")
    question = world.inbound("Are you there?")

    assert_denied(world.verdict(reply_to_message_id=question.id), "contact.quiet_hours")
