"""How well the reader reads a split of the corpus: the figures reported in the README.

    recoup reader eval --split dev     # while working
    recoup reader eval --split test    # once, at the end

Per intent and per language: precision and recall; promise date and amount exact; the
dispute's reason; the risk flags' recall; intents found in signatures and footers (none is
the aim).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from recoup.reader.classify import read_reply
from recoup.reader.corpus import Label, LabelledReply
from recoup.reader.intents import CopyKind, Intent, Reading
from recoup.reader.model import ReaderModel
from recoup.reader.risk import assess


def predicted_labels(reading: Reading) -> set[str]:
    labels: set[str] = set()
    for finding in reading.findings:
        if finding.intent is Intent.UNKNOWN or finding.intent is Intent.BOUNCE:
            continue
        if finding.intent is Intent.COPY_REQUEST:
            if CopyKind.STATEMENT in finding.copy_kinds:
                labels.add(Label.STATEMENT_REQUEST.value)
            if set(finding.copy_kinds) - {CopyKind.STATEMENT} or not finding.copy_kinds:
                labels.add(Label.COPY_REQUEST.value)
            continue
        labels.add(finding.intent.value)
    return labels


@dataclass
class _Tally:
    tp: Counter[str] = field(default_factory=Counter)
    fp: Counter[str] = field(default_factory=Counter)
    fn: Counter[str] = field(default_factory=Counter)

    def add(self, gold: set[str], predicted: set[str]) -> None:
        for label in predicted & gold:
            self.tp[label] += 1
        for label in predicted - gold:
            self.fp[label] += 1
        for label in gold - predicted:
            self.fn[label] += 1

    def scores(self, label: str) -> dict[str, float | int]:
        tp, fp, fn = self.tp[label], self.fp[label], self.fn[label]
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return {
            "support": tp + fn,
            "precision": round(precision, 3),
            "recall": round(recall, 3),
            "f1": round(f1, 3),
        }

    def micro(self) -> dict[str, float]:
        tp, fp, fn = sum(self.tp.values()), sum(self.fp.values()), sum(self.fn.values())
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        return {"precision": round(precision, 3), "recall": round(recall, 3)}


def evaluate(replies: Iterable[LabelledReply], model: ReaderModel | None = None) -> dict[str, Any]:
    """The figures of one set of replies, read with the shipped model or ``model``."""
    intents = _Tally()
    by_language: dict[str, _Tally] = defaultdict(_Tally)
    promise = Counter[str]()
    reason = Counter[str]()
    flags = Counter[str]()
    footers = Counter[str]()
    total = 0
    misses: list[dict[str, Any]] = []
    for reply in replies:
        total += 1
        reading = read_reply(
            reply.body,
            subject=reply.subject,
            today=reply.today,
            known_invoices=reply.known_invoices,
            currency=reply.currency,
            model=model,
        )
        gold = {label.value for label in reply.labels}
        predicted = predicted_labels(reading)
        intents.add(gold, predicted)
        by_language[reply.language].add(gold, predicted)
        if gold != predicted and len(misses) < 400:
            misses.append({"id": reply.id, "gold": sorted(gold), "read": sorted(predicted)})
        _promises(reply, reading, promise)
        _reason(reply, reading, reason)
        _flags(reply, reading, flags, model)
        _footer(reply, footers, model)
    labels = [label.value for label in Label if label is not Label.UNKNOWN]
    per_intent = {label: intents.scores(label) for label in labels}
    supported = [scores["f1"] for scores in per_intent.values() if scores["support"]]
    return {
        "replies": total,
        "intent_macro_f1": round(sum(supported) / len(supported), 3) if supported else 0.0,
        "intent_micro": intents.micro(),
        "per_intent": per_intent,
        "per_language": {lang: tally.micro() for lang, tally in sorted(by_language.items())},
        "promise_date_exact": _share(promise, "date_exact", "promises"),
        "promise_amount_exact": _share(promise, "amount_exact", "promises"),
        "promises": promise["promises"],
        "dispute_reason_accuracy": _share(reason, "right", "read"),
        "disputes_with_reason_read": reason["read"],
        "flag_recall": {
            name: _share(flags, f"{name}:found", name)
            for name in sorted({key.split(":")[0] for key in flags})
        },
        "false_flags": {
            key.split(":")[0]: count
            for key, count in sorted(flags.items())
            if key.endswith(":false")
        },
        "footer_false_intents": footers["false"],
        "footers_read": footers["footers"],
        "misses": misses,
    }


def _share(counter: Counter[str], hit: str, of: str) -> float:
    return round(counter[hit] / counter[of], 3) if counter[of] else 0.0


def _promises(reply: LabelledReply, reading: Reading, tally: Counter[str]) -> None:
    read = reading.of(Intent.PROMISE)
    full = sum(reply.known_invoices.values())
    for gold in reply.promises:
        tally["promises"] += 1
        same_day = [f for f in read if f.date == gold.date]
        if same_day:
            tally["date_exact"] += 1
        amounts = {f.amount_cents for f in same_day}
        if gold.amount_cents in amounts or (
            gold.amount_cents in (None, full) and (None in amounts or full in amounts)
        ):
            tally["amount_exact"] += 1


def _reason(reply: LabelledReply, reading: Reading, tally: Counter[str]) -> None:
    disputes = reading.of(Intent.DISPUTE)
    if reply.dispute is None or not disputes:
        return
    tally["read"] += 1
    if any(f.dispute_reason and f.dispute_reason.value == reply.dispute.reason for f in disputes):
        tally["right"] += 1


def _flags(
    reply: LabelledReply, reading: Reading, tally: Counter[str], model: ReaderModel | None
) -> None:
    found = set(
        assess(
            reply.body,
            subject=reply.subject,
            sender=reply.sender,
            customer_domains=[reply.customer_domain] if reply.customer_domain else [],
            today=reply.today,
            known_invoices=reply.known_invoices,
            currency=reply.currency,
            model=model,
        ).flags
    )
    if reading.injection_suspected:
        found.add("injection")
    for name in reply.flags:
        tally[name] += 1
        tally[f"{name}:found"] += name in found
    for name in found - set(reply.flags):
        tally[f"{name}:false"] += 1


def _footer(reply: LabelledReply, tally: Counter[str], model: ReaderModel | None) -> None:
    if not reply.footer or not reply.footer.strip():
        return
    tally["footers"] += 1
    reading = read_reply(
        reply.footer,
        today=reply.today,
        known_invoices=reply.known_invoices,
        currency=reply.currency,
        model=model,
    )
    if predicted_labels(reading) - {Label.ACKNOWLEDGEMENT.value}:
        tally["false"] += 1
