"""Running a corpus: every scenario for recoup (``repeat`` times) and once for
the baseline, in a pool of worker processes, then the side-by-side scores.

Each scenario's ledger is imported once and copied for each of its runs.
The baseline is deterministic for a seed, so it runs once per scenario;
repeats are for models that are not (pass^k).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from pathlib import Path

from pydantic import BaseModel

from recoup.chat import ModelClient
from recoup.evals.calibration import load_calibration
from recoup.evals.database import empty_database, seeded_ledger, work_directory
from recoup.evals.scenario import (
    DEFAULT_SCENARIOS_DIR,
    Scenario,
    ScenarioError,
    load_scenario,
    scenario_paths,
)
from recoup.evals.scoring import Aggregate, RunScore, aggregate, mean_timeline, score
from recoup.evals.simulator import Contender, simulate
from recoup.policy import Policy, load_policy

BASELINES = ("dunning",)
ModelFactory = Callable[[], ModelClient]


@dataclass(frozen=True)
class EvalConfig:
    scenarios_dir: Path = DEFAULT_SCENARIOS_DIR
    model: str = "offline"
    baseline: str | None = "dunning"
    repeat: int = 1
    seed: int = 0
    workers: int = 2
    policy_file: Path | None = None
    only: tuple[str, ...] = field(default_factory=tuple)
    config_file: Path | None = None

    def __post_init__(self) -> None:
        if self.repeat < 1:
            raise ValueError("repeat must be at least 1")
        if self.baseline is not None and self.baseline not in BASELINES:
            raise ValueError(f"unknown baseline {self.baseline!r}; use one of {BASELINES}")


class EvalResult(BaseModel):
    config: dict[str, object]
    elapsed_s: float
    agent: Aggregate
    baseline: Aggregate | None
    runs: list[RunScore]
    titles: dict[str, str]
    tags: dict[str, list[str]]
    timeline: dict[str, dict[str, list[float]]]


def model_factory(spec: str, config_file: Path | None = None) -> ModelFactory:
    """A factory for the model ``spec`` names, configured like the daemon's."""
    from recoup.agent.clients.factory import make_model
    from recoup.settings import load_settings

    settings = load_settings(config_file).model.model_copy(update={"spec": spec})
    return lambda: make_model(settings)


async def run_scenario(
    scenario: Scenario,
    *,
    factory: ModelFactory,
    label: str,
    baseline: str | None,
    repeat: int,
    seed: int,
    policy: Policy,
) -> list[RunScore]:
    """All runs of one scenario: recoup ``repeat`` times, then the baseline."""
    calibration = load_calibration()
    ledger = seeded_ledger(scenario, policy)
    contenders = [(Contender.agent(label, factory), index) for index in range(repeat)]
    if baseline is not None:
        contenders.append((Contender.dunning(), 0))
    scores = []
    for contender, index in contenders:
        simulation = await simulate(
            scenario,
            contender,
            seed=seed,
            calibration=calibration,
            policy=policy,
            directory=work_directory(),
            ledger=ledger,
        )
        try:
            scores.append(score(simulation, repeat=index))
        finally:
            simulation.engine.dispose()
    return scores


def _quiet_logs() -> None:
    from recoup.logs import configure_logging

    configure_logging(level="WARNING")


def _job(scenario: Scenario, config: dict[str, object]) -> list[dict[str, object]]:
    """One scenario in a worker process (results cross back as plain data)."""
    cfg = EvalConfig(**config)  # type: ignore[arg-type]
    scores = asyncio.run(
        run_scenario(
            scenario,
            factory=model_factory(cfg.model, cfg.config_file),
            label=cfg.model,
            baseline=cfg.baseline,
            repeat=cfg.repeat,
            seed=cfg.seed,
            policy=load_policy(cfg.policy_file),
        )
    )
    return [s.model_dump(mode="json") for s in scores]


def _warm_up(config: EvalConfig) -> None:
    """Load once in the parent what every worker needs; forked workers inherit it."""
    load_calibration()
    empty_database()
    if config.model == "offline":
        import recoup.agent.clients.offline  # noqa: F401


def load_scenarios(config: EvalConfig) -> list[tuple[Path, Scenario]]:
    """Every scenario of the directory, validated before anything runs."""
    loaded = [(path, load_scenario(path)) for path in scenario_paths(config.scenarios_dir)]
    if config.only:
        known = {s.id for _, s in loaded} | {p.stem for p, _ in loaded}
        unknown = [wanted for wanted in config.only if wanted not in known]
        if unknown:
            raise ScenarioError(
                f"no scenario {', '.join(repr(u) for u in unknown)} in {config.scenarios_dir}",
                hint="--only takes a scenario id or file name; see the scenario files",
            )
        loaded = [(p, s) for p, s in loaded if s.id in config.only or p.stem in config.only]
    ids = [s.id for _, s in loaded]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise ValueError(f"scenario ids used twice: {', '.join(duplicates)}")
    return loaded


def run_eval(
    config: EvalConfig,
    *,
    factory: ModelFactory | None = None,
    on_done: Callable[[str], None] | None = None,
) -> EvalResult:
    """Run the corpus. With ``factory`` (an in-process model, e.g. a FunctionModel)
    everything runs here, one scenario after another; otherwise in ``workers``
    processes, each building the model from ``config.model``."""
    started = time.perf_counter()
    scenarios = load_scenarios(config)
    if not scenarios:
        raise ValueError(f"{config.scenarios_dir}: no scenario files")
    runs: list[RunScore] = []
    if factory is not None or config.workers <= 1:
        policy = load_policy(config.policy_file)
        chosen = factory or model_factory(config.model, config.config_file)
        for _, scenario in scenarios:
            runs.extend(
                asyncio.run(
                    run_scenario(
                        scenario,
                        factory=chosen,
                        label=config.model,
                        baseline=config.baseline,
                        repeat=config.repeat,
                        seed=config.seed,
                        policy=policy,
                    )
                )
            )
            if on_done:
                on_done(scenario.id)
    else:
        plain = {k: v for k, v in asdict(config).items()}
        _warm_up(config)
        with ProcessPoolExecutor(max_workers=config.workers, initializer=_quiet_logs) as pool:
            futures = {pool.submit(_job, s, plain): s.id for _, s in scenarios}
            for future in as_completed(futures):
                runs.extend(RunScore.model_validate(row) for row in future.result())
                if on_done:
                    on_done(futures[future])
    order = {s.id: index for index, (_, s) in enumerate(scenarios)}
    runs.sort(key=lambda r: (order[r.scenario], r.contender, r.repeat))
    agent_runs = [r for r in runs if r.contender == config.model]
    baseline_runs = [r for r in runs if config.baseline and r.contender == config.baseline]
    timeline = {"agent": mean_timeline([r for r in agent_runs if r.repeat == 0])}
    if baseline_runs:
        timeline["baseline"] = mean_timeline(baseline_runs)
    return EvalResult(
        config={
            "scenarios_dir": str(config.scenarios_dir),
            "model": config.model,
            "baseline": config.baseline,
            "repeat": config.repeat,
            "seed": config.seed,
            "workers": config.workers,
        },
        elapsed_s=round(time.perf_counter() - started, 2),
        agent=aggregate(config.model, agent_runs),
        baseline=aggregate(config.baseline, baseline_runs) if config.baseline else None,
        runs=runs,
        titles={s.id: s.title for _, s in scenarios},
        tags={s.id: list(s.tags) for _, s in scenarios},
        timeline=timeline,
    )
