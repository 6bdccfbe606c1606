"""`recoup eval`: run the scenario corpus for recoup and the dunning baseline, side by side."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from recoup.errors import InputError
from recoup.evals.report import METRICS, expectations_by_type, show, write_html, write_json
from recoup.evals.runner import EvalConfig, EvalResult, load_scenarios, run_eval
from recoup.evals.scenario import DEFAULT_SCENARIOS_DIR, ScenarioError

console = Console()


def _table(result: EvalResult) -> Table:
    table = Table(title="recoup vs fixed-schedule dunning")
    table.add_column("metric")
    table.add_column(f"recoup ({result.agent.contender})", justify="right")
    if result.baseline is not None:
        table.add_column(f"baseline ({result.baseline.contender})", justify="right")
    for key, label, kind, _ in METRICS:
        cells = [label, show(getattr(result.agent, key), kind)]
        if result.baseline is not None:
            cells.append(show(getattr(result.baseline, key), kind))
        table.add_row(*cells)
    return table


def _by_type(result: EvalResult) -> Table:
    table = Table(title="Expectations by type (recoup)")
    table.add_column("type")
    table.add_column("met", justify="right")
    for kind, (met, checked) in expectations_by_type(result.runs, result.agent.contender).items():
        table.add_row(kind, f"{met}/{checked}")
    return table


def eval_command(
    ctx: typer.Context,
    model: Annotated[
        str, typer.Option("--model", help="offline | openai:MODEL | replay:FILE")
    ] = "offline",
    baseline: Annotated[
        str, typer.Option("--baseline", help="The baseline to compare with: dunning, or none.")
    ] = "dunning",
    scenarios: Annotated[
        Path, typer.Option("--scenarios", help="A directory of scenario files (YAML or JSON).")
    ] = DEFAULT_SCENARIOS_DIR,
    repeat: Annotated[
        int, typer.Option("--repeat", min=1, help="Runs per scenario for recoup (pass^k).")
    ] = 1,
    seed: Annotated[int, typer.Option("--seed", help="Seeds the simulated customers.")] = 0,
    json_path: Annotated[Path | None, typer.Option("--json", help="Write the JSON report.")] = None,
    html_path: Annotated[Path | None, typer.Option("--html", help="Write the HTML report.")] = None,
    workers: Annotated[int, typer.Option("--workers", min=1, help="Worker processes.")] = 2,
    only: Annotated[
        list[str] | None, typer.Option("--only", help="Run only this scenario id (repeatable).")
    ] = None,
) -> None:
    """Replay the scenario corpus through the same pipeline as `recoup run`, score
    recovery, DSO, escalations and policy, and compare with fixed-schedule dunning."""
    try:
        config = EvalConfig(
            scenarios_dir=scenarios,
            model=model,
            baseline=None if baseline.lower() == "none" else baseline,
            repeat=repeat,
            seed=seed,
            workers=workers,
            only=tuple(only or ()),
            config_file=ctx.obj if isinstance(ctx.obj, Path) else None,
        )
        total = len(load_scenarios(config))
    except ScenarioError:
        raise
    except ValueError as exc:
        raise InputError(f"eval: {exc}") from exc
    progress = Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    )
    with progress:
        task = progress.add_task("scenarios", total=total)
        result = run_eval(config, on_done=lambda _scenario: progress.advance(task))
    console.print(_table(result))
    console.print(_by_type(result))
    console.print(f"{total} scenarios in {result.elapsed_s:.1f} s")
    if json_path is not None:
        write_json(result, json_path)
        console.print(f"JSON report: {json_path}")
    if html_path is not None:
        write_html(result, html_path)
        console.print(f"HTML report: {html_path}")
