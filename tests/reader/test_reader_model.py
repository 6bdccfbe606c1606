"""The reader's corpus, its learned model and how both are measured."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import pytest

from recoup.reader import corpus
from recoup.reader.evaluate import evaluate, predicted_labels
from recoup.reader.footer import cut_footer, cut_signature
from recoup.reader.model import MODEL_PATH, ModelFileError, load, loads
from recoup.reader.risk import assess
from recoup.reader.train import train_bytes


@pytest.fixture(scope="module")
def replies() -> list[corpus.LabelledReply]:
    return corpus.load()


def test_the_corpus_is_split_by_author_and_template(replies):
    assert len(replies) >= 3000
    assert {r.language for r in replies} >= {"en", "de", "fr", "es", "nl", "it", "pt", "pl"}
    by_split = {s: corpus.of_split(replies, s) for s in corpus.Split}
    assert {r.author for r in by_split[corpus.Split.TEST]} == set(corpus.TEST_AUTHORS)
    assert not {r.author for r in by_split[corpus.Split.TRAIN]} & corpus.TEST_AUTHORS
    train_templates = {r.template for r in by_split[corpus.Split.TRAIN]}
    assert not train_templates & {r.template for r in by_split[corpus.Split.DEV]}
    assert len(by_split[corpus.Split.DEV]) > 200


def test_a_bad_corpus_line_names_its_file_and_line(tmp_path: Path):
    (tmp_path / "x.jsonl").write_text('{"id": "x-1"}\n', encoding="utf-8")
    with pytest.raises(corpus.CorpusError, match=r"x.jsonl:1"):
        corpus.load(tmp_path)


def test_training_gives_the_same_bytes_twice(replies, tmp_path: Path):
    sample = [r for r in replies if r.split is not corpus.Split.TEST][::12]
    first, second = train_bytes(sample), train_bytes(sample)
    assert first == second
    model = loads(first)
    assert set(model.heads) == {"intents", "flags", "language", "reason"}
    scores = model.head("intents").probabilities({"w:pay", "w:friday"})
    assert all(0.0 <= p <= 1.0 for p in scores.values())


def test_the_committed_model_is_what_training_rebuilds(replies):
    assert train_bytes(replies) == MODEL_PATH.read_bytes()


def test_a_broken_model_file_is_a_clear_error(tmp_path: Path):
    path = tmp_path / "model.json.gz"
    path.write_bytes(b"not gzip")
    with pytest.raises(ModelFileError, match="not a reader model"):
        load(path)


def test_the_model_reads_the_languages_it_was_trained_on():
    from recoup.reader.features import features

    language = load().head("language")
    for text, expected in [
        ("Zapłacimy fakturę w przyszły piątek, przepraszamy za opóźnienie.", "pl"),
        ("Vamos pagar a fatura na próxima sexta-feira, desculpem o atraso.", "pt"),
        ("Wir überweisen den Betrag nächste Woche.", "de"),
    ]:
        distribution = language.distribution(features(text))
        assert max(distribution, key=lambda name: distribution[name]) == expected


def test_footers_and_signatures_are_cut_but_sentences_stay():
    text = (
        "We will pay INV-1 on Friday.\n\nHans Müller\nBuchhaltung\nMüller GmbH\n"
        "Amtsgericht Köln HRB 12345, USt-IdNr. DE123456789\n"
        "Diese E-Mail enthält vertrauliche Informationen."
    )
    assert cut_signature(cut_footer(text)) == "We will pay INV-1 on Friday."
    kept = "Our lawyer will take this to the Amtsgericht if you keep writing."
    assert cut_footer(kept) == kept
    assert cut_signature("Wir zahlen am 05.12.2026") == "Wir zahlen am 05.12.2026"
    assert cut_signature("Do Not Contact Us Again") == "Do Not Contact Us Again"


@pytest.mark.parametrize(
    ("text", "sender", "flag"),
    [
        ("Note our new bank details: IBAN DE89 3704.", "ap@acme.example", "bank_change"),
        ("Bitte beachten Sie unsere neue Bankverbindung.", "ap@acme.example", "bank_change"),
        ("Your CFO approved a 20% discount on it.", "ap@acme.example", "claimed_approval"),
        ("We will pay on Friday.", "ap@acrne.example", "lookalike_domain"),
        ("We will pay on Friday.", "ap@globex.example", None),
    ],
)
def test_risk_signals(text, sender, flag):
    risk = assess(text, sender=sender, customer_domains=["acme.example"])
    if flag is None:
        assert "lookalike_domain" not in risk.flags
    else:
        assert flag in risk.flags


def test_a_plain_promise_carries_no_risk():
    risk = assess("We will pay INV-1 next Friday.", sender="ap@acme.example",
                  customer_domains=["acme.example"])  # fmt: skip
    assert risk.flags == []


def test_evaluation_counts_what_the_reader_got_right_and_wrong(tmp_path: Path):
    lines = [
        {
            "id": "t-1", "author": "E", "template": "t", "language": "en",
            "today": "2026-12-01", "body": "We will pay INV-1 on 2026-12-11.",
            "known_invoices": {"INV-1": 10000}, "intents": ["promise"],
            "promises": [{"date": "2026-12-11", "amount_cents": None, "invoices": ["INV-1"]}],
        },
        {
            "id": "t-2", "author": "E", "template": "t", "language": "en",
            "today": "2026-12-01", "body": "We will pay INV-1 on 2026-12-11.",
            "known_invoices": {"INV-1": 10000}, "intents": ["dispute"],
        },
    ]  # fmt: skip
    (tmp_path / "e.jsonl").write_text("\n".join(json.dumps(x) for x in lines), encoding="utf-8")
    report = evaluate(corpus.load(tmp_path))
    assert report["per_intent"]["promise"] == {
        "support": 1, "precision": 0.5, "recall": 1.0, "f1": 0.667
    }  # fmt: skip
    assert report["per_intent"]["dispute"]["recall"] == 0.0
    assert report["promise_date_exact"] == 1.0
    assert [miss["id"] for miss in report["misses"]] == ["t-2"]


def test_predicted_labels_name_a_statement_request():
    from recoup.reader import read_reply

    reading = read_reply(
        "Could you send us a statement of account?", today=datetime.date(2026, 12, 1)
    )
    assert "statement_request" in predicted_labels(reading)
