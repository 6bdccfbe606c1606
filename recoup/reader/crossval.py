"""How the reader reads an author it never saw: leave one author out, for every author.

    recoup reader crossval

Each author's replies are read by a model trained (and its thresholds tuned) on the other
authors' train and dev splits. This is the figure the rules' families, the combination's
floors and the model's settings are chosen on: unlike the dev split, no wording of the
author read was seen, which is what a new customer's reply is like. The test split's
authors are left out entirely.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from typing import Any

from recoup.reader.corpus import LabelledReply, Split, of_split
from recoup.reader.evaluate import evaluate
from recoup.reader.train import Example, examples, fit

MEANS = ("intent_macro_f1", "promise_date_exact", "promise_amount_exact")


def by_author(replies: Sequence[LabelledReply]) -> dict[str, Any]:
    """Per held-out author, the figures of ``evaluate``; and their means."""
    usable = of_split(list(replies), Split.TRAIN, Split.DEV)
    authors = sorted({reply.author for reply in usable if reply.author != "corrections"})
    if len(authors) < 2:
        raise ValueError("leaving one author out needs at least two authors")
    # Preparing a reply is most of the cost: each is prepared once for every fold.
    learned = {reply.id: examples([reply], footers=True) for reply in usable}
    figures: dict[str, dict[str, Any]] = {}
    for author in authors:
        others = [reply for reply in usable if reply.author != author]
        learn: list[Example] = [
            example
            for reply in others
            if reply.split is Split.TRAIN
            for example in learned[reply.id]
        ]
        tune = [learned[reply.id][-1] for reply in others if reply.split is Split.DEV]
        held_out = [reply for reply in usable if reply.author == author]
        report = evaluate(held_out, model=fit(learn, tune))
        report.pop("misses")
        figures[author] = report
    per_intent = {
        label: round(
            statistics.mean(report["per_intent"][label]["f1"] for report in figures.values()), 3
        )
        for label in next(iter(figures.values()))["per_intent"]
    }
    return {
        "authors": figures,
        "mean": {key: round(statistics.mean(r[key] for r in figures.values()), 3) for key in MEANS},
        "mean_f1_per_intent": per_intent,
    }
