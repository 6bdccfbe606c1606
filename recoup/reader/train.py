"""Training the reader's model from the labelled corpus: the same corpus, the same bytes.

    recoup reader train                     # rebuilds recoup/reader/model/reader-model.json.gz
    recoup reader train --with-corrections  # also the replies people labelled in reading cases

Only the train split is learned from; each intent's threshold is chosen on the dev split;
the test split is never opened here. Every step is deterministic (sorted features, a fixed
solver seed, rounded weights), so a rebuild gives the committed file bit for bit.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from recoup.reader.corpus import Label, LabelledReply, Split, of_split
from recoup.reader.model import Head, ReaderModel, dumps
from recoup.reader.prepare import prepared_features

MIN_DOCUMENT_FREQUENCY = 2
MAX_FEATURES = 40_000
C_INTENTS = 8.0
C_SINGLE = 8.0
# Injection is read by rules alone: the model's features leave injected text out (so that it
# never becomes an intent), which leaves it nothing to learn injection from but noise.
LEARNED_FLAGS = ("bank_change", "claimed_approval")
INTENT_LABELS = tuple(label.value for label in Label if label is not Label.UNKNOWN)
REASONS = (
    "price",
    "quantity",
    "damaged",
    "not_received",
    "duplicate",
    "missing_po",
    "quality",
    "tax",
    "other",
)


@dataclass(frozen=True)
class Example:
    features: frozenset[str]
    labels: frozenset[str]
    flags: frozenset[str]
    language: str
    reason: str | None


def examples(replies: Iterable[LabelledReply], *, footers: bool = False) -> list[Example]:
    """The replies as the model sees them; with ``footers``, each footer as a reply too,
    labelled with no intent: what a signature looks like is learned as saying nothing."""
    result = []
    for reply in replies:
        if footers and reply.footer and reply.footer.strip():
            blank = prepared_features(
                reply.footer,
                subject="",
                today=reply.today,
                known_invoices=reply.known_invoices,
                currency=reply.currency,
            )
            if blank:
                result.append(
                    Example(frozenset(blank), frozenset(), frozenset(), reply.language, None)
                )
        present = prepared_features(
            reply.body,
            subject=reply.subject,
            today=reply.today,
            known_invoices=reply.known_invoices,
            currency=reply.currency,
        )
        reason = reply.dispute.reason if reply.dispute and reply.dispute.reason in REASONS else None
        result.append(
            Example(
                features=frozenset(present),
                labels=frozenset(label.value for label in reply.labels),
                flags=frozenset(f for f in reply.flags if f in LEARNED_FLAGS),
                language=reply.language,
                reason=reason,
            )
        )
    return result


def train(replies: Sequence[LabelledReply]) -> ReaderModel:
    learn = examples(of_split(list(replies), Split.TRAIN), footers=True)
    tune = examples(of_split(list(replies), Split.DEV))
    return fit(learn, tune)


def fit(learn: list[Example], tune: list[Example]) -> ReaderModel:
    """The model learned from ``learn``, each intent's threshold chosen on ``tune``."""
    if not learn:
        raise ValueError("the corpus has no replies in the train split")
    vocabulary = _vocabulary(learn)
    intents = _tuned(_fit_binary("intents", learn, vocabulary, INTENT_LABELS), tune or learn)
    flags = _tuned(_fit_binary("flags", learn, vocabulary, LEARNED_FLAGS), tune or learn)
    languages = sorted({example.language for example in learn})
    language = _fit_single("language", learn, vocabulary, [e.language for e in learn], languages)
    disputed = [e for e in learn if e.reason]
    reason = _fit_single(
        "reason", disputed, vocabulary, [e.reason or "other" for e in disputed], list(REASONS)
    )
    trained_on = {
        "train_replies": len(learn),
        "dev_replies": len(tune),
        "features": len(vocabulary),
        "labels": dict(sorted(Counter(lab for e in learn for lab in e.labels).items())),
    }
    return ReaderModel(
        heads={"intents": intents, "flags": flags, "language": language, "reason": reason},
        trained_on=trained_on,
    )


def train_bytes(replies: Sequence[LabelledReply]) -> bytes:
    return dumps(train(replies))


def _vocabulary(learn: list[Example]) -> list[str]:
    frequency = Counter(f for example in learn for f in example.features)
    kept = [f for f, n in frequency.items() if n >= MIN_DOCUMENT_FREQUENCY]
    # The most frequent first; ties by name, so the order never depends on a hash.
    kept.sort(key=lambda f: (-frequency[f], f))
    return sorted(kept[:MAX_FEATURES])


def _matrix(rows: list[Example], vocabulary: list[str]):  # type: ignore[no-untyped-def]
    import numpy as np
    from scipy.sparse import csr_matrix

    index = {f: i for i, f in enumerate(vocabulary)}
    data: list[float] = []
    columns: list[int] = []
    pointers = [0]
    for example in rows:
        present = sorted(index[f] for f in example.features if f in index)
        value = 1 / np.sqrt(len(present)) if present else 0.0
        columns.extend(present)
        data.extend([value] * len(present))
        pointers.append(len(columns))
    return csr_matrix(
        (np.array(data), np.array(columns, dtype=np.int64), np.array(pointers)),
        shape=(len(rows), len(vocabulary)),
    )


def _fit_binary(
    name: str, learn: list[Example], vocabulary: list[str], labels: Sequence[str]
) -> Head:
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    matrix = _matrix(learn, vocabulary)
    biases: list[float] = []
    columns: list[list[float]] = []
    for label in labels:
        target = np.array([label in e.labels or label in e.flags for e in learn], dtype=int)
        if target.min() == target.max():
            biases.append(-8.0 if target.max() == 0 else 8.0)
            columns.append([0.0] * len(vocabulary))
            continue
        model = LogisticRegression(
            C=C_INTENTS, solver="liblinear", class_weight="balanced", random_state=0, max_iter=500
        )
        model.fit(matrix, target)
        biases.append(float(model.intercept_[0]))
        columns.append([float(w) for w in model.coef_[0]])
    return _head(name, labels, biases, columns, vocabulary)


def _fit_single(
    name: str, rows: list[Example], vocabulary: list[str], targets: list[str], classes: list[str]
) -> Head:
    from sklearn.linear_model import LogisticRegression

    present = sorted(set(targets))
    if len(present) < 2:
        only = present[0] if present else classes[0]
        biases = [8.0 if c == only else -8.0 for c in classes]
        return _head(name, tuple(classes), biases, [[0.0] * len(vocabulary)] * len(classes), [])
    model = LogisticRegression(C=C_SINGLE, solver="lbfgs", max_iter=2000, random_state=0)
    model.fit(_matrix(rows, vocabulary), targets)
    learned = [str(c) for c in model.classes_]
    biases, columns = [], []
    for label in classes:
        if label in learned:
            row = learned.index(label)
            biases.append(float(model.intercept_[row]))
            columns.append([float(w) for w in model.coef_[row]])
        else:
            biases.append(-8.0)
            columns.append([0.0] * len(vocabulary))
    return _head(name, tuple(classes), biases, columns, vocabulary)


def _head(
    name: str,
    classes: Sequence[str],
    biases: list[float],
    columns: list[list[float]],
    vocabulary: list[str],
) -> Head:
    weights: dict[str, tuple[float, ...]] = {}
    for index, feature in enumerate(vocabulary):
        row = tuple(round(column[index], 4) for column in columns)
        if any(abs(w) >= 0.0005 for w in row):
            weights[feature] = row
    return Head(name=name, classes=tuple(classes), bias=tuple(biases), weights=weights)


def _tuned(head: Head, tune: list[Example]) -> Head:
    """Each intent's threshold: the one that reads the dev split best (F1), else 0.5."""
    scored = [(head.probabilities(set(e.features)), e.labels | e.flags) for e in tune]
    thresholds = []
    for label in head.classes:
        best, best_f1 = 0.5, -1.0
        for step in range(15, 86, 5):
            threshold = step / 100
            tp = sum(1 for p, gold in scored if p[label] >= threshold and label in gold)
            fp = sum(1 for p, gold in scored if p[label] >= threshold and label not in gold)
            fn = sum(1 for p, gold in scored if p[label] < threshold and label in gold)
            f1 = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
            # Ties go to the threshold nearest 0.5: the least tuned.
            if f1 > best_f1 + 1e-9 or (
                abs(f1 - best_f1) <= 1e-9 and abs(threshold - 0.5) < abs(best - 0.5)
            ):
                best, best_f1 = threshold, f1
        thresholds.append(best)
    return Head(
        name=head.name,
        classes=head.classes,
        bias=head.bias,
        weights=head.weights,
        thresholds=tuple(thresholds),
    )
