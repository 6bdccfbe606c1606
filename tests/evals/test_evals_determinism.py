"""The same seed gives the same run; another seed, other customers' choices."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from recoup.evals.calibration import load_calibration
from recoup.evals.scenario import Scenario
from recoup.evals.scoring import RunScore, score
from recoup.evals.simulator import Contender, simulate
from recoup.policy import Policy
from tests.evals.eval_support import (
    START,
    blind_reminders,
    dispute_reply,
    scenario_data,
    scripted_agent,
)


async def _run(tmp_path: Path, data: dict[str, Any], contender: Contender, seed: int) -> RunScore:
    directory = tmp_path / f"{contender.label}-{seed}-{len(list(tmp_path.iterdir()))}"
    directory.mkdir()
    simulation = await simulate(
        Scenario.model_validate(data),
        contender,
        seed=seed,
        calibration=load_calibration(),
        policy=Policy(),
        directory=directory,
    )
    try:
        return score(simulation)
    finally:
        simulation.engine.dispose()


def _agent() -> Contender:
    return Contender.agent("blind", lambda: scripted_agent(blind_reminders, "blind"))


async def test_the_same_seed_gives_the_same_run(tmp_path: Path) -> None:
    data = scenario_data(
        "same",
        mailbox=[dispute_reply()],
        expectations=[{"type": "no_outreach", "invoice": "INV-5001", "after": "m1"}],
        persona={"profile": "slightly_late", "withholds": ["INV-5001"]},
    )
    for contender in (_agent(), Contender.dunning()):
        first = await _run(tmp_path, data, contender, seed=11)
        second = await _run(tmp_path, data, contender, seed=11)
        assert first.touches > 0
        assert first.model_dump() == second.model_dump()


def _silent(slug: str) -> dict[str, Any]:
    today = START.date()
    invoices = [
        {
            "number": f"INV-7{index:03d}",
            "issued": (today - timedelta(days=31 + index)).isoformat(),
            "due": (today - timedelta(days=1 + index)).isoformat(),
            "amount_cents": 100_000 + index,
        }
        for index in range(6)
    ]
    return scenario_data(slug, invoices=invoices, persona={"profile": "very_late"})


async def test_the_seed_drives_the_customers(tmp_path: Path) -> None:
    outcomes = set()
    for seed in range(4):
        result = await _run(tmp_path, _silent("habits"), Contender.dunning(), seed=seed)
        outcomes.add(tuple(point.collected_cents for point in result.timeline))
    assert len(outcomes) > 1
