"""Benchmark: the whole offline eval (recoup and the dunning baseline) on the
shipped corpus, in a pool of worker processes.

    python bench/eval_bench.py [--workers 2] [--quick]

Prints {"eval_seconds": ..., "scenarios": ..., ...} as JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from typing import Any

from recoup.evals.runner import EvalConfig, load_scenarios, run_eval
from recoup.logs import configure_logging


def run_eval_bench(quick: bool = False, workers: int = 2) -> dict[str, Any]:
    configure_logging(level="WARNING")
    config = EvalConfig(model="offline", workers=workers)
    if quick:
        every_fifth = tuple(s.id for _, s in load_scenarios(config)[::5])
        config = EvalConfig(model="offline", workers=workers, only=every_fifth)
    before = os.times()
    started = time.perf_counter()
    result = run_eval(config)
    elapsed = time.perf_counter() - started
    after = os.times()
    cpu = (after.user + after.children_user + after.system + after.children_system) - (
        before.user + before.children_user + before.system + before.children_system
    )
    return {
        "eval_seconds": round(elapsed, 2),
        "scenarios": result.agent.scenarios,
        "runs": len(result.runs),
        "workers": workers,
        "cpu_seconds": round(cpu, 1),
        "cpus": os.cpu_count(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--quick", action="store_true", help="every fifth scenario")
    args = parser.parse_args()
    print(json.dumps(run_eval_bench(quick=args.quick, workers=args.workers)))


if __name__ == "__main__":
    main()
