"""Benchmarks: `python bench/run.py [--quick]` prints one JSON object."""

from __future__ import annotations

import argparse
import json
import platform
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.core_bench import run_core_bench
from bench.eval_bench import run_eval_bench
from bench.import_bench import run_import_bench
from bench.mail_bench import run_mail_bench
from bench.scaleout_bench import run_scaleout_bench
from recoup.logs import configure_logging


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small, fast sizes")
    parser.add_argument(
        "--only", choices=["core", "scaleout", "mail", "eval", "import"], help="run one group"
    )
    args = parser.parse_args()
    configure_logging(level="WARNING")
    results: dict[str, object] = {"quick": args.quick, "python": platform.python_version()}
    if args.only in (None, "core"):
        results.update(run_core_bench(quick=args.quick))
    if args.only in (None, "scaleout"):
        results.update(run_scaleout_bench(quick=args.quick))
    if args.only in (None, "mail"):
        results.update(run_mail_bench(quick=args.quick))
    if args.only in (None, "import"):
        results.update(run_import_bench(quick=args.quick))
    if args.only in (None, "eval"):
        results.update(run_eval_bench(quick=args.quick))
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
