"""Randomness keyed by what it decides, not by the order it is asked in.

recoup and the baseline send different mail at different times, so the
customers are asked different questions in a different order. Keying every
draw by (seed, scenario, customer, what, which) gives the same customer the
same answer to the same question in both runs: "the same customers".
"""

from __future__ import annotations

import hashlib


class Dice:
    def __init__(self, seed: int, scenario_id: str) -> None:
        self._prefix = f"{seed}:{scenario_id}"

    def random(self, *key: object) -> float:
        """A uniform number in [0, 1), the same for the same key."""
        text = ":".join([self._prefix, *(str(part) for part in key)])
        digest = hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest()
        return int.from_bytes(digest, "big") / 2**64

    def between(self, low: int, high: int, *key: object) -> int:
        """An integer in [low, high], the same for the same key."""
        return low + int(self.random(*key) * (high - low + 1))
