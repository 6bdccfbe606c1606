"""Leaving one author out: each author is read by a model that never saw their replies."""

from __future__ import annotations

import pytest

from recoup.reader import corpus
from recoup.reader.crossval import by_author

WORDINGS = {
    "promise": "We will pay {inv} on 2026-12-{day:02d}.",
    "already_paid": "We paid {inv} by bank transfer last week.",
    "copy_request": "Please send us a copy of invoice {inv}.",
}


def _reply(author: str, n: int, label: str) -> corpus.LabelledReply:
    inv = f"INV-{n}"
    data = {
        "id": f"{author}-{n}", "author": author, "template": f"{author}-t{n}",
        "language": "en", "today": "2026-12-01", "known_invoices": {inv: 10000},
        "body": WORDINGS[label].format(inv=inv, day=10 + n % 10), "intents": [label],
    }  # fmt: skip
    if label == "promise":
        data["promises"] = [{"date": f"2026-12-{10 + n % 10:02d}", "invoices": [inv]}]
    return corpus.LabelledReply.model_validate(data)


def _corpus(*authors: str) -> list[corpus.LabelledReply]:
    return [
        _reply(author, n, label)
        for author in authors
        for n, label in enumerate(list(WORDINGS) * 4, start=1)
    ]


def test_every_author_but_the_test_split_is_read_by_a_model_trained_on_the_others():
    test_author = sorted(corpus.TEST_AUTHORS)[0]
    report = by_author(_corpus("P", "Q", "R", test_author))
    assert set(report["authors"]) == {"P", "Q", "R"}
    for figures in report["authors"].values():
        assert figures["replies"] == 12
        assert figures["per_intent"]["promise"]["support"] == 4
    assert set(report["mean"]) == {"intent_macro_f1", "promise_date_exact", "promise_amount_exact"}
    assert 0.0 < report["mean"]["intent_macro_f1"] <= 1.0


def test_one_author_cannot_be_left_out():
    with pytest.raises(ValueError, match="two authors"):
        by_author(_corpus("P"))
