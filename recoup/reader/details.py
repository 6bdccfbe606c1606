"""Turning cues into findings: the invoices, amount, date and other details around each one."""

from __future__ import annotations

import datetime
import re

from recoup.reader import lexicon as lx
from recoup.reader.context import Context, Cue, inside, nearest, sentence_of
from recoup.reader.dates import DateHit
from recoup.reader.intents import EVIDENCE_MAX, DisputeReason, Finding, Intent
from recoup.reader.segments import Segment
from recoup.reader.text import fold

_NOT_A_PROMISE_DATE = re.compile(
    r"(?:(?:invoice|inv|facture|rechnung|factura|factuur|fattura|bill)[^.;!?]{0,20}"
    r"(?:dated|of|from|du|vom|del|van|de|datata|datee|issued(?: on)?)\s*(?:the\s+)?"
    r"|\b(?:due|dated|fallig|echeance|vencimiento|vervaldatum|scadenza|scadut\w*)\b"
    r"[^.;!?]{0,8})$"
)
_CLAUSE_JOIN = re.compile(
    r"[,;]|\b(?:and|but|so|then|while|et|mais|und|aber|y|pero|en|maar|e|ma)\b"
)
_RETURN_CUE = re.compile(
    r"(?:until|till|back|return\w*|retour|jusqu'?\w*|bis|hasta|tot|t/m|fino|rientr\w*"
    r"|wieder|terug\w*|vuelta|volvere|regres\w*|ab dem|from)\W+(?:\w+\W+){0,3}$"
)


def _promise_date(cue: Cue, seg: Segment, ctx: Context) -> datetime.date | None:
    hits = inside(seg.start, seg.end, ctx.dates)
    if cue.until:
        hits = [hit for hit in hits if hit.start >= cue.end]
    plain = [
        hit
        for hit in hits
        if not _NOT_A_PROMISE_DATE.search(ctx.masked[max(0, hit.start - 40) : hit.start])
    ]
    chosen = _same_clause(plain or hits, cue, ctx)
    if chosen is None:
        return None
    value = chosen.future[1]
    return max(value, ctx.today)


def _same_clause(hits: list[DateHit], cue: Cue, ctx: Context) -> DateHit | None:
    """The date nearest the cue, preferring one not across an "and" or a comma from it.

    "I put it through this morning and it should be with you by the 30th" promises the 30th.
    """
    if not hits:
        return None

    def between(hit: DateHit) -> str:
        if hit.start >= cue.end:
            return ctx.masked[cue.end : hit.start]
        if hit.end <= cue.start:
            return ctx.masked[hit.end : cue.start]
        return ctx.masked[hit.end : cue.end]

    joined = [hit for hit in hits if not _CLAUSE_JOIN.search(between(hit))]
    return nearest(joined or hits, cue.start)


def _paid_date(cue: Cue, seg: Segment, ctx: Context) -> datetime.date | None:
    chosen = nearest(inside(seg.start, seg.end, ctx.dates), cue.start)
    if chosen is None:
        return None
    value = chosen.past[1]
    if not chosen.explicit and value < ctx.today - datetime.timedelta(days=183):
        value = chosen.future[1]
    return min(value, ctx.today)


def _reference(cue: Cue, seg: Segment, ctx: Context) -> str | None:
    pools = [inside(seg.start, seg.end, ctx.references)]
    index, sentence = sentence_of(seg.start, ctx.sentences)
    pools.append(inside(sentence[0], sentence[1], ctx.references))
    if 0 <= index + 1 < len(ctx.sentences):
        following = ctx.sentences[index + 1]
        pools.append(inside(following[0], following[1], ctx.references))
    for pool in pools:
        fresh = [hit for hit in pool if hit.start not in ctx.used_references]
        chosen = nearest(fresh, cue.start)
        if chosen is not None:
            ctx.used_references.add(chosen.start)
            return chosen.text
    return None


def _redirect(cue: Cue, ctx: Context) -> str | None:
    index, sentence = sentence_of(cue.start, ctx.sentences)
    spans = [sentence]
    if cue.strong:
        spans += ctx.sentences[index + 1 : index + 3]
    for start, end in spans:
        emails = inside(start, end, ctx.emails)
        if emails:
            chosen = nearest(emails, cue.start) if (start, end) == sentence else emails[0]
            return chosen.text if chosen else None
    return None


def _plan_terms(seg: Segment, ctx: Context) -> tuple[int | None, int | None]:
    _, sentence = sentence_of(seg.start, ctx.sentences)
    text = ctx.masked[min(seg.start, sentence[0]) : max(seg.end, sentence[1])]
    installments = months = None
    for match in lx.INSTALLMENT_COUNT.finditer(text):
        value = lx.number_value(match["n"])
        if value and 2 <= value <= 60:
            installments = value
            break
    month_match = lx.MONTH_COUNT.search(text)
    if month_match:
        value = lx.number_value(month_match["n"])
        if value and 1 <= value <= 60:
            months = value
    monthly = bool(lx.MONTHLY.search(text))
    if months is None and installments and monthly:
        months = installments
    if installments is None and months and monthly:
        installments = months
    return installments, months


def _evidence(body: str, seg: Segment, anchor: int) -> str:
    text = " ".join(body[seg.start : seg.end].split())
    if len(text) <= EVIDENCE_MAX:
        return text
    start = max(seg.start, anchor - 30)
    while start > seg.start and not body[start - 1].isspace():
        start -= 1
    text = " ".join(body[start : seg.end].split())
    if len(text) <= EVIDENCE_MAX:
        return text
    cut = text[: EVIDENCE_MAX - 3].rsplit(" ", 1)[0]
    return f"{cut}..."


# A sentence that pays or clears its invoice is not the one a complaint after it is about.
_CLEARS_INVOICE = re.compile(
    r"\b(?:is|are|was|were|looks?|seems?)\s+(?:all\s+)?(?:fine|correct|ok|okay|right|good"
    r"|in order)\b|\bno (?:issue|problem)s?\b"
)
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")


def _neighbour_invoices(seg: Segment, ctx: Context) -> list[str]:
    """The invoice a complaint is about when its own clause names none.

    "INV-7 bills the whole order, but only half arrived": earlier in the same sentence.
    "The order on INV-7 went to our old site. We never got it.": the sentence just before,
    in the same paragraph, when it names one invoice and neither pays nor clears it.
    """
    index, (sentence_start, _) = sentence_of(seg.start, ctx.sentences)
    earlier = list(
        dict.fromkeys(hit.number for hit in inside(sentence_start, seg.start, ctx.invoices))
    )
    if len(earlier) == 1:
        return earlier
    if earlier or index <= 0:
        return []
    previous_start, previous_end = ctx.sentences[index - 1]
    if _PARAGRAPH_BREAK.search(ctx.masked, previous_end, sentence_start + 1):
        return []
    previous = list(
        dict.fromkeys(hit.number for hit in inside(previous_start, previous_end, ctx.invoices))
    )
    text = ctx.masked[previous_start:previous_end]
    if len(previous) != 1 or any(
        pattern.search(text) for pattern in (lx.PROMISE, lx.ALREADY_PAID, _CLEARS_INVOICE)
    ):
        return []
    return previous


def finding_for(cue: Cue, seg: Segment, ctx: Context) -> Finding:
    """The finding a cue stands for, with the details found in its clause."""
    invoices = list(dict.fromkeys(hit.number for hit in inside(seg.start, seg.end, ctx.invoices)))
    if not invoices and cue.intent is Intent.DISPUTE:
        invoices = _neighbour_invoices(seg, ctx)
    details: dict[str, object] = {}
    if cue.intent in {Intent.PROMISE, Intent.ALREADY_PAID, Intent.DISPUTE, Intent.PAYMENT_PLAN}:
        amount = nearest(inside(seg.start, seg.end, ctx.amounts), cue.start)
        if amount is not None:
            details["amount_cents"] = amount.cents
    if cue.intent is Intent.PROMISE:
        details["date"] = _promise_date(cue, seg, ctx)
    elif cue.intent is Intent.ALREADY_PAID:
        details["date"] = _paid_date(cue, seg, ctx)
        details["payment_reference"] = _reference(cue, seg, ctx)
    elif cue.intent is Intent.DISPUTE:
        details["dispute_reason"] = cue.reason or DisputeReason.OTHER
    elif cue.intent is Intent.COPY_REQUEST:
        details["copy_kinds"] = list(cue.kinds)
    elif cue.intent is Intent.PAYMENT_PLAN:
        details["installments"], details["months"] = _plan_terms(seg, ctx)
    elif cue.intent is Intent.WRONG_CONTACT:
        details["redirect_email"] = _redirect(cue, ctx)
    return Finding(
        intent=cue.intent,
        invoice_numbers=invoices,
        evidence=_evidence(ctx.body, seg, cue.start),
        **details,  # type: ignore[arg-type]
    )


_DETAIL_FIELDS = (
    "amount_cents",
    "date",
    "installments",
    "months",
    "redirect_email",
    "payment_reference",
)


def _compatible(a: Finding, b: Finding) -> bool:
    if a.intent != b.intent:
        return False
    if a.invoice_numbers and b.invoice_numbers and a.invoice_numbers != b.invoice_numbers:
        return False
    for name in _DETAIL_FIELDS:
        left, right = getattr(a, name), getattr(b, name)
        if left is not None and right is not None and left != right:
            return False
    reasons = {a.dispute_reason, b.dispute_reason} - {None, DisputeReason.OTHER}
    return len(reasons) <= 1


def _merge(a: Finding, b: Finding) -> Finding:
    update: dict[str, object] = {}
    if not a.invoice_numbers and b.invoice_numbers:
        update["invoice_numbers"] = b.invoice_numbers
    for name in _DETAIL_FIELDS:
        if getattr(a, name) is None and getattr(b, name) is not None:
            update[name] = getattr(b, name)
    if a.dispute_reason in {None, DisputeReason.OTHER} and b.dispute_reason not in {
        None,
        DisputeReason.OTHER,
    }:
        update["dispute_reason"] = b.dispute_reason
    kinds = list(dict.fromkeys([*a.copy_kinds, *b.copy_kinds]))
    if kinds != a.copy_kinds:
        update["copy_kinds"] = kinds
    return a.model_copy(update=update)


def merged(findings: list[tuple[int, Finding]]) -> list[tuple[int, Finding]]:
    """Findings of one intent that complete each other become one."""
    result: list[tuple[int, Finding]] = []
    for position, finding in findings:
        for index, (kept_position, kept) in enumerate(result):
            if _compatible(kept, finding):
                result[index] = (kept_position, _merge(kept, finding))
                break
        else:
            result.append((position, finding))
    return result


def out_of_office_findings(
    matches: list[re.Match[str]], ctx: Context, findings: list[tuple[int, Finding]]
) -> list[Finding]:
    first = matches[0]
    ooo_sentences = [
        sentence
        for sentence in ctx.sentences
        if any(sentence[0] <= m.start() < sentence[1] for m in matches)
    ]
    hits = [hit for s in ooo_sentences for hit in inside(s[0], s[1], ctx.dates)] or ctx.dates
    cued = [
        hit for hit in hits if _RETURN_CUE.search(ctx.masked[max(0, hit.start - 40) : hit.start])
    ]
    chosen = max(cued or hits, key=lambda hit: hit.future[0], default=None)
    date = max(chosen.future[0], ctx.today) if chosen else None
    redirect = ctx.emails[0].text if ctx.emails else None
    seg = next(
        (Segment(s[0], s[1], 0) for s in ctx.sentences if s[0] <= first.start() < s[1]),
        Segment(first.start(), first.end(), 0),
    )
    ooo = Finding(
        intent=Intent.OUT_OF_OFFICE,
        date=date,
        redirect_email=redirect,
        evidence=_evidence(ctx.body, seg, first.start()),
    )
    left = [
        f
        for _, f in findings
        if f.intent is Intent.WRONG_CONTACT and lx.WRONG_CONTACT_STRONG.search(fold(f.evidence))
    ]
    return [*left, ooo]
