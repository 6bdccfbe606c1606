"""The policy file: the shipped default loads; a bad one is refused with its key and why."""

from __future__ import annotations

from datetime import time
from pathlib import Path

import pytest

from recoup.policy import DEFAULT_POLICY_PATH, Policy, PolicyError, Tone, load_policy


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "policy.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_default_file_loads_and_matches_the_built_in_defaults() -> None:
    policy = load_policy()

    assert policy == load_policy(DEFAULT_POLICY_PATH) == Policy()
    assert policy.contact.quiet_hours_start == time(19, 0)
    assert policy.contact.quiet_weekdays == [5, 6]
    assert policy.tone.allowed_for_age(45) is Tone.FIRM
    assert policy.tone.segment_caps == {"enterprise": "firm"}
    assert policy.promises.max_days_ahead == 45


def test_a_partial_file_keeps_the_defaults_for_what_it_leaves_out(tmp_path: Path) -> None:
    policy = load_policy(
        _write(tmp_path, 'paused = true\npause_reason = "audit"\n[tone]\ndays_1_30 = "Courtesy"\n')
    )

    assert policy.paused and policy.pause_reason == "audit"
    assert policy.tone.days_1_30 == "courtesy"
    assert policy.contact == Policy().contact


@pytest.mark.parametrize(
    ("text", "key", "why"),
    [
        ("[contact]\nmax_touches_per_wek = 3\n", "contact.max_touches_per_wek", "Extra inputs"),
        ("colour = 'blue'\n", "colour", "Extra inputs are not permitted"),
        ("[contact]\nmax_touches_per_week = 'twice'\n", "contact.max_touches_per_week", "integer"),
        ("[contact]\nquiet_weekdays = 'weekends'\n", "contact.quiet_weekdays", "valid list"),
        ("[contact]\nquiet_hours_start = 'late'\n", "contact.quiet_hours_start", "time"),
        ("[contact]\nquiet_weekdays = [5, 9]\n", "contact.quiet_weekdays.1", "equal to 6"),
        ("[contact]\nmin_days_between_touches = -1\n", "contact.min_days_between_touches", "0"),
        ("[tone]\ndays_31_60 = 'harsh'\n", "tone.days_31_60", "unknown tone 'harsh'"),
        ("[tone]\nsegment_caps = { smb = 'brutal' }\n", "tone.segment_caps", "'brutal'"),
        ("[concessions]\nmax_discount_pct = 150\n", "concessions.max_discount_pct", "100"),
        ("[promises]\nmax_days_ahead = 0\n", "promises.max_days_ahead", "equal to 1"),
        ("[cadence]\nmax_agent_steps = 1\n", "cadence.max_agent_steps", "equal to 2"),
        ("[reader]\nunsure_hold_days = 0\n", "reader.unsure_hold_days", "equal to 1"),
        ("[reader]\nstall_followup_days = '3'\n", "reader.stall_followup_days", "quotes"),
        ("contact = 3\n", "contact", "valid dictionary"),
        ("[contact]\nmax_touches_per_week = '3'\n", "contact.max_touches_per_week", "quotes"),
        ("[concessions]\nmax_discount_pct = '5'\n", "concessions.max_discount_pct", "quotes"),
        (
            "[tone]\nsegment_caps = { enterprize = 'firm' }\n",
            "tone.segment_caps",
            "unknown segment 'enterprize'",
        ),
        (
            "[cadence]\naging_thresholds_days = [1, 61, 31]\n",
            "cadence.aging_thresholds_days",
            "increasing order",
        ),
        (
            "[escalation]\nopen_case_expiry_hours = 24\nreminder_before_expiry_hours = 48\n",
            "escalation",
            "less than open_case_expiry_hours",
        ),
    ],
)
def test_a_bad_value_names_its_key_and_the_reason(
    tmp_path: Path, text: str, key: str, why: str
) -> None:
    path = _write(tmp_path, text)

    with pytest.raises(PolicyError) as raised:
        load_policy(path)

    message = str(raised.value)
    assert message.startswith(f"{path}: ")
    assert f"{key}: " in message and why in message, message


def test_every_bad_value_is_named_at_once(tmp_path: Path) -> None:
    path = _write(tmp_path, "[contact]\nquiet_weekdays = [9]\n[tone]\ncurrent = 'stern'\n")

    with pytest.raises(PolicyError) as raised:
        load_policy(path)

    assert "contact.quiet_weekdays.0" in str(raised.value)
    assert "tone.current" in str(raised.value)


@pytest.mark.parametrize(
    "text",
    ["[contact\nmin_days_between_touches = 3\n", "paused = \n", "paused = yes\n"],
)
def test_a_file_that_is_not_toml_says_so_and_where(tmp_path: Path, text: str) -> None:
    path = _write(tmp_path, text)

    with pytest.raises(PolicyError) as raised:
        load_policy(path)

    assert f"{path}: not valid TOML" in str(raised.value)
    assert "line 1" in str(raised.value)


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(PolicyError, match="policy file not found"):
        load_policy(tmp_path / "nowhere.toml")


def test_a_file_that_cannot_be_read_is_a_policy_error(tmp_path: Path) -> None:
    with pytest.raises(PolicyError, match="cannot read the policy file"):
        load_policy(tmp_path)  # a directory

    binary = tmp_path / "binary.toml"
    binary.write_bytes(b"paused = \xff\xfe\n")
    with pytest.raises(PolicyError, match="cannot read the policy file"):
        load_policy(binary)


def test_the_policy_knows_the_ledgers_segments() -> None:
    from recoup.ledger.models import Segment
    from recoup.policy import KNOWN_SEGMENTS

    assert set(KNOWN_SEGMENTS) == {segment.value for segment in Segment}
