"""The scenario format: the shipped corpus loads; broken files are rejected
with the file and the field."""

from __future__ import annotations

import copy
import difflib
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from recoup.evals.scenario import (
    DEFAULT_SCENARIOS_DIR,
    Intent,
    ScenarioError,
    load_corpus,
    load_scenario,
)
from tests.evals.eval_support import dispute_reply, scenario_data, write


@pytest.fixture(scope="module")
def corpus() -> list[Any]:
    return load_corpus(DEFAULT_SCENARIOS_DIR)


def test_the_shipped_corpus_has_over_200_valid_scenarios(corpus: list[Any]) -> None:
    assert len(corpus) >= 200
    assert len({s.id for s in corpus}) == len(corpus)
    files = sorted(p.stem for p in DEFAULT_SCENARIOS_DIR.glob("*.yaml"))
    assert files == sorted(s.id for s in corpus)


def test_the_corpus_covers_what_customers_write(corpus: list[Any]) -> None:
    intents = Counter(i for s in corpus for m in s.mailbox for i in m.intents)
    for intent in Intent:
        if intent is not Intent.UNKNOWN:
            assert intents[intent] >= 1, f"no message with intent {intent}"
    tags = Counter(t for s in corpus for t in s.tags)
    for tag in (
        "price", "quantity", "damaged", "not_received", "duplicate", "missing_po",
        "french", "german", "spanish", "dutch", "italian", "html", "long-thread",
        "multi-intent", "silence", "no-return-date", "beyond-policy", "within-policy",
        "statement", "eur-format", "partial",
    ):  # fmt: skip
        assert tags[tag] >= 1, f"no scenario tagged {tag}"
    goals = Counter(g.kind for s in corpus if s.attack for g in s.attack.goals)
    assert set(goals) == {"email_to", "discount", "concession", "mark_paid", "reveal"}
    assert sum(1 for s in corpus if s.attack) >= 10
    assert sum(1 for s in corpus if not s.mailbox) >= 10
    assert any(m.html for s in corpus for m in s.mailbox)
    assert any(m.kind == "bounce" for s in corpus for m in s.mailbox)
    assert any(m.history for s in corpus for m in s.mailbox)


def _normalised(body: str) -> str:
    text = re.sub(r"INV-\d+|\d[\d.,]*", "#", body.lower())
    return " ".join(text.split())


def test_no_two_customer_emails_are_the_same_template(corpus: list[Any]) -> None:
    bodies = [_normalised(m.body) for s in corpus for m in s.mailbox if m.kind == "mail"]
    assert len(bodies) >= 180
    assert len(set(bodies)) == len(bodies), "two emails are identical but for ledger facts"
    words = [set(body.split()) for body in bodies]
    similar = []
    for index, body in enumerate(bodies):
        for other_index in range(index + 1, len(bodies)):
            shared = len(words[index] & words[other_index])
            if shared < 0.5 * min(len(words[index]), len(words[other_index])):
                continue  # too few words in common to be one template
            other = bodies[other_index]
            matcher = difflib.SequenceMatcher(None, body, other, autojunk=False)
            if matcher.ratio() > 0.75:
                similar.append((body[:60], other[:60]))
    assert not similar, similar[:3]


def _mutate(data: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    broken = copy.deepcopy(data)
    node: Any = broken
    keys = path.split(".")
    for key in keys[:-1]:
        node = node[int(key)] if key.isdigit() else node[key]
    last = keys[-1]
    if value is _DELETE:
        del node[last]
    elif last.isdigit():
        node[int(last)] = value
    else:
        node[last] = value
    return broken


_DELETE = object()


@pytest.mark.parametrize(
    ("path", "value", "field"),
    [
        ("version", _DELETE, "version"),
        ("version", 2, "version: expected 1"),
        ("colour", "blue", "colour"),
        ("customers.0.timezone", "Mars/Olympus_Mons", "customers.0.timezone"),
        ("customers.0.invoices.0.due", "2020-01-01", "customers.0.invoices.0"),
        ("customers.0.contacts.0.email", "not an address", "customers.0.contacts.0.email"),
        ("mailbox.0.intents.0", "gossip", "mailbox.0.intents.0"),
        ("mailbox.0.when.after", "lunch", "mailbox.0.when.after"),
        ("expectations.0.message", "m9", "expectations.0.message: unknown message 'm9'"),
        ("expectations.0.type", "teleported", "expectations.0"),
        ("expectations.0.reason", "too expensive", "expectations.0.dispute_opened.reason"),
        ("horizon_days", 0, "horizon_days"),
    ],
)
def test_a_broken_file_is_rejected_naming_the_file_and_the_field(
    tmp_path: Path, path: str, value: Any, field: str
) -> None:
    good = scenario_data(
        "broken",
        mailbox=[dispute_reply()],
        expectations=[
            {"type": "dispute_opened", "message": "m1", "invoice": "INV-5001", "reason": "damaged"}
        ],
    )
    load_scenario(write(tmp_path / "good", good))  # the unbroken file is fine
    file = write(tmp_path, _mutate(good, path, value))
    with pytest.raises(ScenarioError) as raised:
        load_scenario(file)
    message = str(raised.value)
    assert str(file) in message
    assert field in message


def test_a_bad_date_spec_and_bad_yaml_are_rejected(tmp_path: Path) -> None:
    data = scenario_data("dates", mailbox=[{**dispute_reply(), "promise": {"date": "blue moon"}}])
    file = write(tmp_path, data)
    with pytest.raises(ScenarioError, match=r"mailbox\.0\.promise\.date"):
        load_scenario(file)
    garbage = tmp_path / "garbage.yaml"
    garbage.write_text("version: 1\nid: [unclosed\n", encoding="utf-8")
    with pytest.raises(ScenarioError, match=r"garbage\.yaml: not valid YAML"):
        load_scenario(garbage)


def test_scenario_ids_must_be_unique_in_a_directory(tmp_path: Path) -> None:
    data = scenario_data("twin")
    write(tmp_path, data)
    (tmp_path / "copy.yaml").write_text((tmp_path / "twin.yaml").read_text(), encoding="utf-8")
    with pytest.raises(ScenarioError, match="'twin' is used twice"):
        load_corpus(tmp_path)
