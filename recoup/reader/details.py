"""Turning cues into findings: the invoices, amount, date and other details around each one."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from recoup.reader import lexicon as lx
from recoup.reader.amounts import AmountHit
from recoup.reader.context import Context, Cue, inside, nearest, sentence_of
from recoup.reader.dates import DateHit
from recoup.reader.intents import EVIDENCE_MAX, DisputeReason, Finding, Intent
from recoup.reader.segments import Segment
from recoup.reader.text import fold

_NOT_A_PROMISE_DATE = re.compile(
    r"(?:(?:invoice|inv|facture|rechnung|factura|factuur|fattura|bill)[^.;!?]{0,20}"
    r"(?:dated|of|from|du|vom|del|van|de|datata|datee|issued(?: on)?)\s*(?:the\s+)?"
    r"|\b(?:due|dated|fallig|echeance|vencimiento|vervaldatum|(?<!con )scadenza|scadut\w*"
    r"|termin platnosci|vencimento|vencid[oa]|wystawion\w*|emitid[oa]|datad[oa])\b"
    r"[^.;!?]{0,8}"
    # A schedule, not a day: "she does the payments every other Tuesday".
    r"|\b(?:every(?: other| second)?|each|jeden|jede[nr]?|alle|chaque|tous les|cada|todos los"
    r"|todas las|elke|iedere|ogni|tutti i|todas? as|todos os|co(?: drugi| druga)?)\s+)$"
)
_CLAUSE_JOIN = re.compile(
    r"[,;]|\b(?:and|but|so|then|while|et|mais|und|aber|y|pero|en|maar|e|ma)\b"
)
_RETURN_CUE = re.compile(
    r"(?:until|till|back|return\w*|retour|jusqu'?\w*|bis|hasta|tot|t/m|fino|rientr\w*"
    r"|wieder|terug\w*|vuelta|volvere|regres\w*|ab dem|from)\W+(?:\w+\W+){0,3}$"
)


def _promise_date(cue: Cue, start: int, end: int, ctx: Context) -> datetime.date | None:
    """The day a promise names: not an invoice's date or due date, not a day gone by."""
    hits = inside(start, end, ctx.dates)
    if cue.until:
        hits = [hit for hit in hits if hit.start >= cue.end]
    if not hits and lx.THAT_DATE.search(ctx.masked, *_sentence_span(ctx, cue.start)):
        # "...until 27 October. We'll pay on that date."
        said = [hit for hit in ctx.dates if hit.end <= cue.start and hit.future[1] >= ctx.today]
        latest = max(said, key=lambda hit: hit.start, default=None)
        return max(latest.future[1], ctx.today) if latest else None
    plain = [hit for hit in hits if _a_promise_day(hit, ctx)]
    if hits and not plain:
        # The clause names only a schedule or an invoice's date: the day is elsewhere in the
        # sentence ("put yours through on the 18th, she pays every other Tuesday").
        sentence = [hit for hit in inside(*_sentence_span(ctx, cue.start), ctx.dates)]
        plain = [hit for hit in sentence if _a_promise_day(hit, ctx)]
    ahead = [hit for hit in plain or hits if hit.future[1] >= ctx.today]
    chosen = _same_clause(ahead or plain or hits, cue, ctx)
    if chosen is None:
        return None
    value = chosen.future[1]
    return max(value, ctx.today)


def _a_promise_day(hit: DateHit, ctx: Context) -> bool:
    return not _NOT_A_PROMISE_DATE.search(ctx.masked[max(0, hit.start - 40) : hit.start])


@dataclass(frozen=True)
class Terms:
    """What one promise commits to: the day, the amount, the invoices, what it hangs on."""

    date: datetime.date | None
    amount_cents: int | None
    invoices: tuple[str, ...] = ()
    condition: str | None = None


def _balance(ctx: Context, invoices: list[str]) -> int | None:
    """What "the rest" and "half" are of: the named invoices, else all that is open."""
    named = [ctx.balances[number] for number in invoices if number in ctx.balances]
    total = sum(named) if named else sum(ctx.balances.values())
    return total or None


def _amount_near(
    ctx: Context, start: int, end: int, anchor: int, balance: int | None
) -> int | None:
    """The amount of a promise: in the promise's own sentence first, nearest the cue."""
    sentence_start, sentence_end = _sentence_span(ctx, anchor)
    own = inside(max(start, sentence_start), min(end, sentence_end), ctx.amounts)
    amount = nearest(own or inside(start, end, ctx.amounts), anchor)
    if amount is not None:
        return amount.cents
    half = lx.HALF.search(ctx.masked, start, end)
    if half and balance:
        return balance // 2
    return None


def condition_in(ctx: Context, start: int, end: int) -> str | None:
    """The condition or concession a promise or offer hangs on, as written, if any."""
    match = lx.CONDITION.search(ctx.masked, start, end)
    if match is None:
        return None
    text = " ".join(ctx.body[match.start() : min(match.end(), end)].split())
    return text[:EVIDENCE_MAX]


def _sentence_span(ctx: Context, position: int) -> tuple[int, int]:
    index, (start, end) = sentence_of(position, ctx.sentences)
    if index < 0:
        return 0, len(ctx.masked)
    return start, end


def _split_region(ctx: Context, start: int, end: int) -> tuple[int, int, int] | None:
    """Where a split commitment's second part starts ("... and the rest by the 30th").

    Looked for in the promise's own sentence, then at the head of the next one ("₹50,000 by
    the 25th. Balance ₹85,000 on 5th November.").
    """
    rest = lx.REST.search(ctx.masked, start, end)
    if rest and rest.start() > start:
        return start, rest.start(), end
    index, _ = sentence_of(start, ctx.sentences)
    if 0 <= index + 1 < len(ctx.sentences):
        next_start, next_end = ctx.sentences[index + 1]
        rest = lx.REST.search(ctx.masked, next_start, min(next_end, next_start + 40))
        if rest:
            return start, next_start, next_end
    return None


def _sending_now(ctx: Context, start: int, end: int) -> bool:
    """ "We're sending $500 today and the rest will follow": a first part still to be paid."""
    if not inside(start, end, ctx.amounts) or lx.ALREADY_PAID.search(ctx.masked, start, end):
        return False
    today = [hit for hit in inside(start, end, ctx.dates) if hit.future[1] == ctx.today]
    return bool(today or lx.NOW.search(ctx.masked, start, end))


def _named(ctx: Context, start: int, end: int) -> tuple[str, ...]:
    return tuple(dict.fromkeys(hit.number for hit in inside(start, end, ctx.invoices)))


def _dated_part(ctx: Context, start: int, end: int) -> bool:
    """ "5k on Weds and the other 3.2k next Friday": a first part with its own amount and a
    day still to come is a commitment, wherever the promise was read."""
    if not inside(start, end, ctx.amounts) or lx.ALREADY_PAID.search(ctx.masked, start, end):
        return False
    return any(hit.future[1] > ctx.today for hit in inside(start, end, ctx.dates))


def _split_terms(cue: Cue, start: int, end: int, ctx: Context) -> list[Terms] | None:
    region = _split_region(ctx, start, end)
    if region is None or lx.SETTLEMENT_OFFER.search(ctx.masked, start, end):
        # "€ 9.000 a saldo e stralcio": one amount offered for everything, no rest to come.
        return None
    first_start, middle, last_end = region
    if (
        cue.start >= middle
        and not _sending_now(ctx, first_start, middle)
        and not _dated_part(ctx, first_start, middle)
    ):
        # "I've sent £600 and the other half follows at month end": only the rest is promised.
        return None
    # "Paid €300 already, the rest on Friday"; "the €190 difference we won't pay, the rest
    # on Friday": only the rest is promised.
    paid_first = bool(
        lx.ALREADY_PAID.search(ctx.masked, first_start, middle)
        or lx.DISPUTED_PART.search(ctx.masked, first_start, middle)
    )
    later = [
        hit
        for hit in inside(middle, last_end, ctx.dates)
        if hit.future[1] >= ctx.today
        and not _NOT_A_PROMISE_DATE.search(ctx.masked[max(0, hit.start - 40) : hit.start])
    ]
    if not later:
        return None
    invoices = list(
        dict.fromkeys(hit.number for hit in inside(first_start, last_end, ctx.invoices))
    )
    # "CIP-1 now; the remaining CIP-2 by the 20th": each part is about the invoices it names.
    first_invoices = tuple(
        dict.fromkeys(h.number for h in inside(first_start, middle, ctx.invoices))
    )
    rest_invoices = tuple(dict.fromkeys(h.number for h in inside(middle, last_end, ctx.invoices)))
    if not first_invoices or not rest_invoices:
        first_invoices = rest_invoices = tuple(invoices)
    balance = _balance(ctx, invoices)
    first_cue = Cue(cue.intent, max(first_start, min(cue.start, middle - 1)), cue.end)
    first_date = _promise_date(first_cue, first_start, middle, ctx)
    first_amount = _amount_near(ctx, first_start, middle, first_cue.start, balance)
    if first_date is None and first_amount is None:
        return None
    if lx.PLAN.search(ctx.masked, middle, last_end) or lx.SPREAD.search(
        ctx.masked, max(first_start, middle - 30), last_end
    ):
        # "... and split the remaining $3,037 over four months": the rest is a plan.
        return [Terms(first_date or ctx.today, first_amount, tuple(invoices), None)]
    second_date = max(later[0].future[1], ctx.today)
    explicit = inside(middle, last_end, ctx.amounts)
    if explicit:
        second_amount: int | None = explicit[0].cents
    elif balance is not None and first_amount is not None and balance > first_amount:
        second_amount = balance - first_amount
    else:
        second_amount = None
    condition = condition_in(ctx, first_start, last_end)
    if paid_first:
        return [Terms(second_date, second_amount, rest_invoices, condition)]
    return [
        Terms(first_date or ctx.today, first_amount, first_invoices, condition),
        Terms(second_date, second_amount, rest_invoices, condition),
    ]


_PAIR_GAP = re.compile(r"\s*(?:,|:|-)?\s*(?:on|by|until|le|am|el|il|op|em|w|dnia|bis|au|al)?\s*")


def _paired_terms(start: int, end: int, ctx: Context) -> list[Terms]:
    """ "$1,148.23 on February 28, $1,148.23 on March 31 and $1,148.24 on April 30": each
    amount written just before its own day is a promise of its own."""
    pairs: list[Terms] = []
    amounts = inside(start, end, ctx.amounts)
    for hit in inside(start, end, ctx.dates):
        if hit.future[1] < ctx.today:
            continue
        before = [a for a in amounts if a.end <= hit.start and hit.start - a.end <= 12]
        if before and _PAIR_GAP.fullmatch(ctx.masked[before[-1].end : hit.start]):
            pairs.append(Terms(hit.future[1], before[-1].cents))
    return pairs if len(pairs) >= 2 else []


def promise_terms(cue: Cue, start: int, end: int, ctx: Context) -> list[Terms]:
    """The commitments a promise cue makes in text[start:end]: one, or two when it is split
    into a part now and the rest later, or one for each amount written with its own day."""
    sentence_start, sentence_end = _sentence_span(ctx, cue.start)
    split = _split_terms(cue, min(start, sentence_start), max(end, sentence_end), ctx)
    if split:
        return split
    paired = _paired_terms(min(start, sentence_start), max(end, sentence_end), ctx)
    if paired:
        invoices = tuple(dict.fromkeys(hit.number for hit in inside(start, end, ctx.invoices)))
        condition = condition_in(ctx, sentence_start, sentence_end)
        return [Terms(t.date, t.amount_cents, invoices, condition) for t in paired]
    named = list(dict.fromkeys(hit.number for hit in inside(start, end, ctx.invoices)))
    balance = _balance(ctx, named)
    return [
        Terms(
            _promise_date(cue, start, end, ctx),
            _amount_near(ctx, start, end, cue.start, balance),
            tuple(named),
            condition_in(ctx, min(start, sentence_start), max(end, sentence_end)),
        )
    ]


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


def findings_for(cue: Cue, seg: Segment, ctx: Context) -> list[Finding]:
    """The findings a cue stands for: one, or one a part when a promise is split."""
    finding = finding_for(cue, seg, ctx)
    if cue.intent is not Intent.PROMISE:
        return [finding]
    terms = promise_terms(cue, seg.start, seg.end, ctx)
    if len(terms) < 2:
        return [finding]
    # Parts that name invoices of their own keep them; otherwise the clause's stand.
    own = len({part.invoices for part in terms}) > 1
    return [
        finding.model_copy(
            update={
                "date": part.date,
                "amount_cents": part.amount_cents,
                "invoice_numbers": list(part.invoices)
                if own
                else finding.invoice_numbers or list(part.invoices),
                "condition": part.condition,
            }
        )
        for part in terms
    ]


@dataclass(frozen=True)
class DisputeTerms:
    """What a dispute is about: the reason, the disputed part (None: the whole invoice)."""

    reason: DisputeReason | None
    amount_cents: int | None
    invoices: tuple[str, ...] = ()


def _paragraph(ctx: Context, position: int, paragraphs: int = 1) -> tuple[int, int]:
    """The dispute's sentence and the ones after it, up to a paragraph break (or more)."""
    start, end = _sentence_span(ctx, position)
    for _ in range(paragraphs):
        brk = _PARAGRAPH_BREAK.search(ctx.masked, end)
        if brk is None:
            return start, len(ctx.masked)
        end = brk.end()
    return start, end


def unit_price(ctx: Context, hit: AmountHit) -> bool:
    """Whether an amount is a price per unit, as written ("à 61,20 €", "$45/hour")."""
    return bool(
        lx.UNIT_PRICE_BEFORE.search(ctx.body[max(0, hit.start - 12) : hit.start])
        or lx.UNIT_PRICE_AFTER.search(ctx.masked[hit.end : hit.end + 24])
    )


def disputed_part(ctx: Context, position: int, invoices: list[str]) -> int | None:
    """The part of the invoice a dispute is about, when it names one ("the difference is
    €96", "VAT (€39.36)"); None when it is about the whole invoice."""
    named = [hit.start for hit in ctx.invoices if hit.number in invoices and hit.start < position]
    start = _sentence_span(ctx, min([position, *named]))[0]
    end = _paragraph(ctx, position, paragraphs=2)[1]
    balance = _balance(ctx, invoices) if invoices else None
    marked: list[int] = []
    plain: list[int] = []
    for hit in inside(start, end, ctx.amounts):
        before = ctx.masked[max(start, hit.start - 60) : hit.start]
        if lx.NOT_DISPUTED_PART.search(before) or lx.REST.search(before[-25:]):
            continue
        if (balance is not None and hit.cents >= balance) or unit_price(ctx, hit):
            continue
        (marked if lx.DISPUTED_PART.search(before) else plain).append(hit.cents)
    if marked:
        return (
            marked[-1]
            if len(marked) > 1 and lx.TAX_DISPUTE.search(ctx.masked, start, end)
            else marked[0]
        )
    return plain[0] if len(plain) == 1 else None


def _reasons_between(ctx: Context, start: int, end: int) -> list[tuple[int, DisputeReason]]:
    found: list[tuple[int, DisputeReason]] = []
    for reason, pattern in lx.REASONS_STRONG.items():
        match = pattern.search(ctx.masked, start, end)
        if match:
            found.append((match.start(), reason))
    match = lx.NOT_RECEIVED.search(ctx.masked, start, end)
    if match and lx.GOODS_WORDS.search(
        ctx.masked, max(start, match.start() - 45), min(end, match.end() + 60)
    ):
        found.append((match.start(), DisputeReason.NOT_RECEIVED))
    return sorted(found, key=lambda item: item[0])


def dispute_reason(ctx: Context, position: int, invoices: list[str]) -> DisputeReason | None:
    """The reason given for the disputed invoice: in the sentence that names it, else in the
    dispute's own sentence and paragraph; a reverse-charge or VAT-rate complaint is TAX."""
    spans = []
    for hit in ctx.invoices:
        if hit.number in invoices:
            spans.append(_sentence_span(ctx, hit.start))
    spans.append(_sentence_span(ctx, position))
    spans.append(_paragraph(ctx, position))
    for start, end in spans:
        if lx.TAX_DISPUTE.search(ctx.masked, start, end):
            return DisputeReason.TAX
        found = _reasons_between(ctx, start, end)
        if found:
            return found[0][1]
    return None


def dispute_terms(ctx: Context, cue: Cue | None = None) -> DisputeTerms:
    """A dispute's reason and disputed part, read around the cue (or over the whole text)."""
    if cue is None:
        found = _reasons_between(ctx, 0, len(ctx.masked))
        position = found[0][0] if found else (ctx.invoices[0].start if ctx.invoices else 0)
        reason = None
    else:
        position, reason = cue.start, cue.reason
    _, (sentence_start, sentence_end) = sentence_of(position, ctx.sentences)
    invoices = list(
        dict.fromkeys(hit.number for hit in inside(sentence_start, sentence_end, ctx.invoices))
    )
    if not invoices and ctx.invoices:
        before = [hit for hit in ctx.invoices if hit.start <= position]
        invoices = [before[-1].number] if before else []
    read = dispute_reason(ctx, position, invoices)
    if reason in {None, DisputeReason.OTHER} or read is DisputeReason.TAX:
        reason = read or reason
    return DisputeTerms(reason, disputed_part(ctx, position, invoices), tuple(invoices))


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
        first = promise_terms(cue, seg.start, seg.end, ctx)[0]
        details["date"] = first.date
        details["condition"] = first.condition
        if first.amount_cents is not None:
            details["amount_cents"] = first.amount_cents
    elif cue.intent is Intent.ALREADY_PAID:
        details["date"] = _paid_date(cue, seg, ctx)
        details["payment_reference"] = _reference(cue, seg, ctx)
    elif cue.intent is Intent.DISPUTE:
        terms = dispute_terms(ctx, cue)
        details["dispute_reason"] = terms.reason or DisputeReason.OTHER
        details["amount_cents"] = terms.amount_cents
    elif cue.intent is Intent.COPY_REQUEST:
        details["copy_kinds"] = list(cue.kinds)
    elif cue.intent is Intent.PAYMENT_PLAN:
        details["installments"], details["months"] = _plan_terms(seg, ctx)
        details["condition"] = condition_in(ctx, *_sentence_span(ctx, cue.start))
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
    "condition",
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
