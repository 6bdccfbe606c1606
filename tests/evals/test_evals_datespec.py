"""Dates relative to when a customer's message arrived."""

from __future__ import annotations

from datetime import date

import pytest

from recoup.evals.datespec import DateSpecError, check_date_spec, resolve_date_spec

WEDNESDAY = date(2026, 11, 4)


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("2026-12-01", date(2026, 12, 1)),
        ("+10d", date(2026, 11, 14)),
        ("fri", date(2026, 11, 6)),
        ("wed", date(2026, 11, 11)),  # the next one, never the arrival day itself
        ("fri+7", date(2026, 11, 13)),
        ("mon+1w", date(2026, 11, 16)),
        ("eom", date(2026, 11, 30)),
        ("eom-3d", date(2026, 11, 27)),
        ("eom+1m", date(2026, 12, 31)),
        ("eom+3m", date(2027, 2, 28)),
        ("day15", date(2026, 11, 15)),
        ("day3", date(2026, 12, 3)),
        ("day31", date(2026, 11, 30)),  # clamped to the month's last day
        ("-2d", date(2026, 11, 2)),
    ],
)
def test_specs_resolve_against_the_arrival_date(spec: str, expected: date) -> None:
    assert resolve_date_spec(spec, WEDNESDAY) == expected


@pytest.mark.parametrize("spec", ["", "next friday", "day32", "2026-13-01", "fri+", "eom+1y"])
def test_bad_specs_are_refused(spec: str) -> None:
    with pytest.raises(DateSpecError):
        check_date_spec(spec)
