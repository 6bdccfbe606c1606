"""Reader benchmark: every non-test corpus reply read through ``read_reply``.

- ``replies_per_s``: replies read a second (rules, model and their combination);
- ``peak_mb``: the process's peak resident memory at the end, model loaded.

The test split (author E) is never read here.

    python bench/reader_bench.py
"""

from __future__ import annotations

import json
import resource
import sys
import time

from recoup.reader import read_reply
from recoup.reader.corpus import Split, load, of_split
from recoup.reader.model import load as load_model


def main() -> dict[str, float]:
    replies = of_split(load(), Split.TRAIN, Split.DEV)
    load_model()
    started = time.perf_counter()
    for reply in replies:
        read_reply(
            reply.body,
            subject=reply.subject,
            today=reply.today,
            known_invoices=reply.known_invoices,
            currency=reply.currency,
        )
    elapsed = time.perf_counter() - started
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "replies": len(replies),
        "replies_per_s": round(len(replies) / elapsed, 1),
        "peak_mb": round(peak_kb / 1024, 1),
    }


if __name__ == "__main__":
    json.dump(main(), sys.stdout)
    sys.stdout.write("\n")
