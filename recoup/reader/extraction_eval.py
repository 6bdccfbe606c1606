"""How well the reader extracts a promise's date and amount and a dispute's reason and amount,
apart from whether it found the intent: every reply of a split with a gold promise or dispute
is read as if the intent were known, over its whole new text.

    python -m recoup.reader.extraction_eval --split dev

Promise: the extracted commitments (one, or two for a split "part now, the rest later") must
hold the gold date; the amount counts when the commitment of that date has the gold amount
(or none, or the full balance, when the gold says the whole). Dispute: the reason read for the
disputed invoice, and the disputed part (none, or the invoice's balance, when the gold says
the whole invoice).
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from collections.abc import Iterable
from typing import Any

from recoup.reader import lexicon as lx
from recoup.reader.context import Context, Cue
from recoup.reader.corpus import LabelledReply, Split, load, of_split
from recoup.reader.cues import detect
from recoup.reader.details import Terms, dispute_terms, promise_terms
from recoup.reader.intents import Intent
from recoup.reader.language import detect_language
from recoup.reader.prepare import MAX_BODY, MAX_RAW, prepare
from recoup.reader.segments import clauses
from recoup.reader.text import fold, normalise, strip_history


def _context(reply: LabelledReply) -> Context:
    body = strip_history(normalise(reply.body[:MAX_RAW]))[:MAX_BODY]
    language = detect_language(fold(body) if body.strip() else fold(reply.subject))
    ctx, _ = prepare(body, language, reply.today, reply.known_invoices, reply.currency)
    return ctx


def _anchor(ctx: Context, pattern: Any) -> int:
    match = pattern.search(ctx.masked)
    return match.start() if match else 0


def _whole(ctx: Context, intent: Intent, anchor: int) -> Cue:
    return Cue(intent, anchor, anchor)


def _dispute_cue(ctx: Context) -> Cue | None:
    """The first dispute cue the clauses show, as reading finds it; None if there is none."""
    invoice_spans = [(hit.start, hit.end) for hit in ctx.invoices]
    for seg in clauses(ctx.body, fold(ctx.body), invoice_spans, ctx.sentences):
        for cue in detect(seg, ctx):
            if cue.intent is Intent.DISPUTE:
                return cue
    return None


def _promise(reply: LabelledReply, ctx: Context, tally: Counter[str]) -> None:
    anchor = _anchor(ctx, lx.PROMISE)
    terms: list[Terms] = promise_terms(_whole(ctx, Intent.PROMISE, anchor), 0, len(ctx.masked), ctx)
    full = sum(reply.known_invoices.values())
    tally["commitments_read"] += len(terms)
    for gold in reply.promises:
        tally["promises"] += 1
        same_day = [term for term in terms if term.date == gold.date]
        if not same_day:
            continue
        tally["date_exact"] += 1
        amounts = {term.amount_cents for term in same_day}
        named = sum(reply.known_invoices.get(number, 0) for number in gold.invoices)
        whole = {None, full, named or full}
        if gold.amount_cents in amounts or (
            (gold.amount_cents is None or gold.amount_cents in whole) and amounts & whole
        ):
            tally["amount_exact"] += 1
    tally["commitments_right"] += sum(
        1 for term in terms if any(term.date == gold.date for gold in reply.promises)
    )


def _dispute(reply: LabelledReply, ctx: Context, tally: Counter[str]) -> None:
    gold = reply.dispute
    if gold is None:
        return
    read = dispute_terms(ctx, _dispute_cue(ctx))
    tally["disputes"] += 1
    if read.reason is not None and read.reason.value == gold.reason:
        tally["reason_right"] += 1
    balance = sum(reply.known_invoices.get(number, 0) for number in gold.invoices)
    if gold.amount_cents is not None and gold.amount_cents != balance:
        tally["partial"] += 1
        tally["partial_right"] += read.amount_cents == gold.amount_cents
    else:
        tally["whole"] += 1
        tally["whole_right"] += read.amount_cents in {None, balance or None}


def _share(tally: Counter[str], hit: str, of: str) -> float:
    return round(tally[hit] / tally[of], 3) if tally[of] else 0.0


def evaluate_extraction(replies: Iterable[LabelledReply]) -> dict[str, Any]:
    tally = Counter[str]()
    for reply in replies:
        if not reply.promises and reply.dispute is None:
            continue
        ctx = _context(reply)
        if reply.promises:
            _promise(reply, ctx, tally)
        _dispute(reply, ctx, tally)
    return {
        "promises": tally["promises"],
        "promise_date_exact": _share(tally, "date_exact", "promises"),
        "promise_amount_exact": _share(tally, "amount_exact", "promises"),
        "commitment_date_precision": _share(tally, "commitments_right", "commitments_read"),
        "disputes": tally["disputes"],
        "dispute_reason_accuracy": _share(tally, "reason_right", "disputes"),
        "disputed_part_exact": _share(tally, "partial_right", "partial"),
        "partial_disputes": tally["partial"],
        "whole_dispute_amount_exact": _share(tally, "whole_right", "whole"),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=[Split.TRAIN.value, Split.DEV.value], default="dev")
    args = parser.parse_args(argv)
    replies = of_split(load(), Split(args.split))
    print(json.dumps(evaluate_extraction(replies), indent=2))


if __name__ == "__main__":
    main()
