"""The learned part of the reader: linear models over the features of ``features.py``.

A model file holds heads that share one vocabulary: ``intents`` (one yes/no model an
intent, each with the threshold chosen on the dev split), ``language`` and ``reason`` (the
reason of a dispute), each picking one class. Reading needs no numeric library: a score
is the sum of the weights of the features present, scaled by their count.
"""

from __future__ import annotations

import gzip
import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from recoup.errors import ConfigurationError

MODEL_PATH = Path(__file__).parent / "model" / "reader-model.json.gz"


class ModelFileError(ConfigurationError):
    """A model file that is missing or not one this reader can use."""


@dataclass(frozen=True)
class Head:
    name: str
    classes: tuple[str, ...]
    bias: tuple[float, ...]
    weights: dict[str, tuple[float, ...]]
    thresholds: tuple[float, ...] = ()

    def raw(self, present: set[str]) -> list[float]:
        known = [self.weights[f] for f in present if f in self.weights]
        scale = 1 / math.sqrt(len(known)) if known else 0.0
        totals = list(self.bias)
        for row in known:
            for index, weight in enumerate(row):
                totals[index] += weight * scale
        return totals

    def probabilities(self, present: set[str]) -> dict[str, float]:
        """Independent yes/no probabilities (the ``intents`` head)."""
        return {c: _sigmoid(s) for c, s in zip(self.classes, self.raw(present), strict=True)}

    def distribution(self, present: set[str]) -> dict[str, float]:
        """One class among many: a softmax over the classes."""
        scores = self.raw(present)
        top = max(scores)
        exps = [math.exp(s - top) for s in scores]
        total = sum(exps)
        return {c: e / total for c, e in zip(self.classes, exps, strict=True)}

    def threshold(self, label: str) -> float:
        return self.thresholds[self.classes.index(label)] if self.thresholds else 0.5


@dataclass(frozen=True)
class ReaderModel:
    heads: dict[str, Head]
    trained_on: dict[str, object]

    def head(self, name: str) -> Head:
        try:
            return self.heads[name]
        except KeyError:
            raise ModelFileError(f"the reader model has no {name!r} head") from None


def _sigmoid(value: float) -> float:
    if value >= 0:
        return 1 / (1 + math.exp(-value))
    exp = math.exp(value)
    return exp / (1 + exp)


def dumps(model: ReaderModel) -> bytes:
    """The model file's bytes: the same model always gives the same bytes."""
    document = {
        "format": 1,
        "trained_on": model.trained_on,
        "heads": {
            name: {
                "classes": list(head.classes),
                "bias": [round(b, 4) for b in head.bias],
                "thresholds": [round(t, 3) for t in head.thresholds],
                "weights": {
                    f: [round(w, 4) for w in row] for f, row in sorted(head.weights.items())
                },
            }
            for name, head in sorted(model.heads.items())
        },
    }
    text = json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return gzip.compress(text.encode("utf-8"), compresslevel=9, mtime=0)


def loads(data: bytes, source: str = "model") -> ReaderModel:
    try:
        document = json.loads(gzip.decompress(data))
        heads = {
            name: Head(
                name=name,
                classes=tuple(raw["classes"]),
                bias=tuple(float(b) for b in raw["bias"]),
                thresholds=tuple(float(t) for t in raw.get("thresholds", [])),
                weights={f: tuple(float(w) for w in row) for f, row in raw["weights"].items()},
            )
            for name, raw in document["heads"].items()
        }
        return ReaderModel(heads=heads, trained_on=dict(document.get("trained_on", {})))
    except (OSError, EOFError, ValueError, KeyError, TypeError) as error:
        raise ModelFileError(f"{source}: not a reader model file ({error})") from error


@lru_cache(maxsize=4)
def load(path: Path = MODEL_PATH) -> ReaderModel:
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ModelFileError(
            f"{path}: the reader model is missing; rebuild it with `recoup reader train`"
        ) from error
    return loads(data, str(path))
