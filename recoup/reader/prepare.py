"""One reply made ready to read: its new text, and everything the extractors find in it.

The rules, the learned model and the model's training all start here, so that what the
model learned from is what it is given at run time.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

from recoup.reader.amounts import find_amounts, order_spans, phone_spans
from recoup.reader.context import Context, Cue
from recoup.reader.cues import detect
from recoup.reader.dates import find_dates
from recoup.reader.features import Facts, features
from recoup.reader.footer import cut_footer, cut_signature
from recoup.reader.injection import mask
from recoup.reader.intents import Intent
from recoup.reader.invoices import InvoiceIndex
from recoup.reader.language import detect_language
from recoup.reader.references import find_emails, find_references
from recoup.reader.segments import Segment, clauses, sentences
from recoup.reader.text import fold, normalise, strip_history

# A reply's new text is short; a pasted ledger or log must not make reading slow.
MAX_RAW = 200_000
MAX_BODY = 10_000


def new_text(text: str) -> tuple[str, str]:
    """The whole text normalised, and its new part: no quoted history, signature or footer."""
    raw = normalise((text or "")[:MAX_RAW])
    return raw, cut_signature(_without_history_and_footer(raw))[:MAX_BODY]


@lru_cache(maxsize=512)
def written_text(text: str) -> str:
    """What the sender wrote, signature included: no quoted history, legal footer or
    company-register line (where a policy word such as "*gericht" means nothing)."""
    return _without_history_and_footer(normalise((text or "")[:MAX_RAW]))


def _without_history_and_footer(raw: str) -> str:
    return cut_footer(strip_history(raw))


def prepare(
    body: str,
    language: str,
    today: datetime.date,
    known_invoices: Mapping[str, int],
    currency: str,
) -> tuple[Context, bool]:
    """Everything the clauses are read against, found once over the whole reply.

    Order matters: invoice numbers first, then references, dates and amounts, each kept
    off the spans of the ones before, so that no number is read twice.
    """
    folded = fold(body)
    sentence_spans = sentences(body, folded)
    masked, injected = mask(folded, sentence_spans)
    phones = phone_spans(masked)
    invoices = InvoiceIndex(known_invoices).find(masked, blocked=phones)
    invoice_spans = [(hit.start, hit.end) for hit in invoices]
    references = find_references(masked, body, blocked=invoice_spans)
    reference_spans = [(hit.start, hit.end) for hit in references]
    dates = find_dates(
        masked,
        today,
        language=language,
        month_first=language == "en" and currency.upper() == "USD",
        blocked=invoice_spans + reference_spans + phones,
    )
    date_spans = [(hit.start, hit.end) for hit in dates]
    blocked = invoice_spans + date_spans + phones + order_spans(masked) + reference_spans
    ctx = Context(
        body=body,
        masked=masked,
        language=language,
        today=today,
        sentences=sentence_spans,
        invoices=invoices,
        dates=dates,
        amounts=find_amounts(masked, blocked=blocked, currency=currency),
        references=references,
        emails=find_emails(masked, body),
        balances=known_invoices,
        currency=currency,
    )
    return ctx, injected


def facts_between(ctx: Context, start: int, end: int) -> Facts:
    def count(hits: list) -> int:  # type: ignore[type-arg]
        return sum(1 for hit in hits if start <= hit.start < end)

    return Facts(
        dates=count(ctx.dates),
        past_dates=sum(
            1 for hit in ctx.dates if start <= hit.start < end and hit.future[0] < ctx.today
        ),
        amounts=count(ctx.amounts),
        invoices=count(ctx.invoices),
        emails=count(ctx.emails),
    )


def clause_cues(ctx: Context) -> list[tuple[Segment, list[Cue]]]:
    """The rules' cues, clause by clause."""
    result: list[tuple[Segment, list[Cue]]] = []
    invoice_spans = [(hit.start, hit.end) for hit in ctx.invoices]
    previous: tuple[Segment, list[Cue]] | None = None
    for seg in clauses(ctx.body, fold(ctx.body), invoice_spans, ctx.sentences):
        cues = detect(seg, ctx)
        if not cues and seg.gapped and previous and previous[0].sentence == seg.sentence:
            # "We'll pay INV-1 on Friday and INV-2 next week": the verb is shared.
            cues = [
                Cue(c.intent, seg.start, seg.start, reason=c.reason, kinds=c.kinds)
                for c in previous[1]
                if c.intent not in {Intent.QUESTION, Intent.HOSTILE}
            ]
        result.append((seg, cues))
        previous = (seg, cues)
    return result


def cue_features(cues: list[tuple[Segment, list[Cue]]]) -> set[str]:
    """What the rules found, as features of the model: it learns how far to trust each."""
    found: set[str] = set()
    for _, clause in cues:
        for cue in clause:
            name = f"r:{cue.intent.value}"
            found.add(name)
            found.update(f"{name}:{kind.value}" for kind in cue.kinds)
            if not cue.strong:
                found.add(f"{name}:weak")
    return found


def text_features(
    ctx: Context, subject: str = "", start: int = 0, end: int | None = None
) -> set[str]:
    """The model's features of the reply (or of one clause of it), injected text left out."""
    stop = len(ctx.masked) if end is None else end
    present = features(ctx.masked[start:stop], facts_between(ctx, start, stop))
    if subject:
        present.update(f"s:{f}" for f in features(subject) if f.startswith("w:"))
    return present


@dataclass(frozen=True)
class Prepared:
    """One reply ready to read: the same for the rules, the model and its training."""

    raw: str
    body: str
    language: str
    ctx: Context
    injected: bool
    cues: list[tuple[Segment, list[Cue]]]
    features: set[str]


def prepare_reply(
    text: str,
    *,
    subject: str,
    today: datetime.date,
    known_invoices: Mapping[str, int],
    currency: str,
) -> Prepared:
    raw, body = new_text(text)
    language = detect_language(fold(body) if body.strip() else fold(normalise(subject or "")))
    ctx, injected = prepare(body, language, today, known_invoices, currency)
    cues = clause_cues(ctx)
    present = text_features(ctx, subject=normalise(subject or "")) | cue_features(cues)
    return Prepared(raw, body, language, ctx, injected, cues, present)


def prepared_features(
    text: str,
    *,
    subject: str,
    today: datetime.date,
    known_invoices: Mapping[str, int],
    currency: str,
) -> set[str]:
    """What the model sees of one reply: the training side of ``read_reply``."""
    return prepare_reply(
        text, subject=subject, today=today, known_invoices=known_invoices, currency=currency
    ).features
