"""Finding where each intent shows in a clause, with negations and questions taken into account."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from recoup.reader import lexicon as lx
from recoup.reader.context import Context, Cue, Span, inside
from recoup.reader.footer import register_line
from recoup.reader.intents import CopyKind, DisputeReason, Intent
from recoup.reader.segments import Segment

NEGATION = {lang: re.compile(f"{lx.NEGATORS['en']}|{lx.NEGATORS[lang]}") for lang in lx.NEGATORS}
_NEGATORS_AFTER = {lang: re.compile(pattern) for lang, pattern in lx.NEGATORS_AFTER.items()}
_CLAUSE_STOP = re.compile(r"[,;:()]")
_INVOICE_NOUN = re.compile(
    r"\b(?:invoices?|bills?|factures?|rechnung(?:en)?|rechnungskopie|facturas?|factuur"
    r"|facturen|fattur[ae])\b"
)
_CONDITION = re.compile(
    r"\b(?:before|until|unless|so that|in order|avant|bevor|ehe|antes|voordat|prima|sin que)\b"
)
_FIRST_PERSON = re.compile(r"(?:we|i|wir|ich|nous|j'|hemos|he|wij|ik|abbiamo|ho)\b")
_INVERSION = re.compile(
    r"^(?:have|has|had|did|do|does|was|were|are|is|can|could|should|would|will|haben|hatten"
    r"|avons|hebben|hemos|abbiamo)$"
)
_NOT_ORDERED = re.compile(
    r"\b(?:never|not|n't|nie|nicht|jamais|pas|nunca|no|nooit|niet|non)\b.{0,12}"
    r"(?:order|bestellt|commande|pedimos|encargamos|besteld|ordinat)|recogni[sz]e|no record"
)
# "An extension for invoice X" is about the invoice, it does not ask for it.
_ABOUT = re.compile(
    r"\b(?:for|on|regarding|about|under|with|from|pour|sur|fur|zur|zu|para|sobre|voor|op|per|su"
    r"|di)\s+(?:the |this |that |your |our |la |le |de |die |der |el |het |il )?$"
)
# "The goods for invoice X", "la merce relativa alla fattura X": what the goods belong to,
# not the thing that did not arrive.
_ABOUT_DOC = re.compile(
    r"\b(?:for|on|regarding|about|under|of|from|pour|de|fur|zur|zu|para|sobre|voor|van|per|di"
    r"|del|della|alla|relativ[oaie]\s+al(?:la)?|riferit[oaie]\s+al(?:la)?)\s+"
    r"(?:the |this |that |your |our |la |le |l'|die |der |el |het |il |de )?"
    r"(?:invoices?|bills?|factures?|rechnung(?:en)?|facturas?|factuur|fattur[ae])\s*(?:n[or°.]*\s*)?$"
)
# "I thought it had been paid": a mistaken belief, now corrected, not a payment made.
_BELIEF_WORDS = (
    r"\b(?:thought|assumed|believed|was under the impression|had the impression|pensais"
    r"|croyais|dachte|dachten|ging(?:en)? davon aus|pensaba|creia|dacht|dachten|pensavo"
    r"|credevo|pensavamo|credevamo)\b"
)
BELIEF = re.compile(_BELIEF_WORDS)
_MISTAKEN_BELIEF = re.compile(
    rf"{_BELIEF_WORDS}(?:\s+that)?(?!\s+(?:we|i|nous|wir|ich)\b)(?:\s+[\w']+){{0,2}}\s*$"
)
_ARRIVAL = re.compile(
    r"\b(?:reach|arrive|be with you|hit your|land|receive|see|get|recevrez|recevoir|erhalten"
    r"|recibir\w*|ontvangt|ricever\w*|arrivera|llegara)\b"
)

# --------------------------------------------------------------------------- negation


def _negated(
    masked: str,
    clause: Span,
    span: Span,
    language: str,
    *,
    prior_words: int = 4,
    within: bool = False,
    after: bool = True,
) -> bool:
    negator = NEGATION.get(language, NEGATION["en"])
    before = masked[clause[0] : span[0]]
    stops = list(_CLAUSE_STOP.finditer(before))
    if stops:
        before = before[stops[-1].end() :]
    window = " ".join(before.split()[-prior_words:]) if prior_words else ""
    if window and negator.search(window):
        return True
    if within and negator.search(masked[span[0] : span[1]]):
        return True
    post_pattern = _NEGATORS_AFTER.get(language)
    if after and post_pattern:
        rest = masked[span[1] : clause[1]]
        stop = _CLAUSE_STOP.search(rest)
        if stop:
            rest = rest[: stop.start()]
        if post_pattern.match(rest):
            return True
    return False


# --------------------------------------------------------------------------- cue detection


def _matches(pattern: re.Pattern[str], text: str) -> Iterator[re.Match[str]]:
    """Matches at every start, overlapping: a rejected long match must not hide a shorter one."""
    position = 0
    while (match := pattern.search(text, position)) is not None:
        yield match
        position = match.start() + 1


def _copy_kinds(text: str, has_invoice_numbers: bool) -> tuple[CopyKind, ...]:
    kinds = []
    if lx.COPY_KIND_INVOICE.search(text) or has_invoice_numbers:
        kinds.append(CopyKind.INVOICE)
    if lx.COPY_KIND_STATEMENT.search(text):
        kinds.append(CopyKind.STATEMENT)
    if lx.COPY_KIND_TAX.search(text):
        kinds.append(CopyKind.TAX_FORM)
    # "Copy of the statement" is a statement: "copy" alone does not ask for an invoice too;
    # nor do the invoices a statement lists ("a statement of all open invoices").
    statement = lx.COPY_KIND_STATEMENT.search(text)
    noun = _INVOICE_NOUN.search(text)
    if (
        CopyKind.INVOICE in kinds
        and len(kinds) > 1
        and not has_invoice_numbers
        and (not noun or (statement is not None and statement.start() < noun.start()))
    ):
        kinds.remove(CopyKind.INVOICE)
    return tuple(kinds) or (CopyKind.INVOICE,)


def _not_received_object(masked: str, clause: Span, found: Span, ctx: Context) -> str:
    """'goods', 'doc' or 'other': what it is that did not arrive."""
    start, end = found
    after_text = masked[end : min(clause[1], end + 60)]
    before_start = max(clause[0], start - 45)
    before_text = masked[before_start:start]
    candidates: list[tuple[int, str]] = []  # (distance from "not received", what)
    before: list[tuple[int, str]] = []  # (where, what) named before it
    after: list[tuple[int, str]] = []  # (distance, what) named after it
    invoice_after = False
    for pattern, label in (
        (lx.GOODS_WORDS, "goods"),
        (lx.DOC_WORDS, "doc"),
        (lx.OTHER_OBJECTS, "other"),
    ):
        for word in pattern.finditer(after_text):
            after.append((word.start(), label))
        for word in pattern.finditer(before_text):
            if label == "doc" and _ABOUT_DOC.search(
                masked[max(0, before_start + word.start() - 40) : before_start + word.end()]
            ):
                continue
            candidates.append((len(before_text) - word.end() + 1, label))
            before.append((before_start + word.start(), label))
    for hit in ctx.invoices:
        # "Nothing for INV-2": the invoice says what it is about, not what did not arrive.
        if _ABOUT.search(masked[max(0, hit.start - 30) : hit.start]):
            continue
        if _ABOUT_DOC.search(masked[max(0, hit.start - 50) : hit.start]):
            continue
        if end <= hit.start < end + 60 and hit.start < clause[1]:
            candidates.append((hit.start - end, "doc"))
            invoice_after = True
        elif before_start <= hit.start < start:
            candidates.append((start - hit.end + 1, "doc"))
            before.append((hit.start, "doc"))
    candidates += after
    objects = [item for item in after if item[0] <= 12]
    inner = masked[start:end]
    if lx.GOODS_WORDS.search(inner):
        candidates.append((0, "goods"))
    elif objects:
        # "We not receive the goods": the object of the verb, whatever came before it.
        return min(objects)[1]
    elif not (after or invoice_after) and {"goods", "doc"} <= {label for _, label in before}:
        # "The delivery for INV-2 never arrived", "the invoice for the May order never came":
        # in one phrase, the first named is what did not arrive; the other says which one.
        first = min(item for item in before if item[1] != "other")
        other = min(item for item in before if item[1] not in {"other", first[1]})
        if not re.search(r"[,;:]", masked[first[0] : other[0]]):
            return first[1]
    if candidates:
        return min(candidates)[1]
    if lx.GOODS_VERB.search(inner):
        return "goods"
    # "We never got it.": what "it" is was said in the sentence before.
    earlier = masked[max(0, clause[0] - 160) : clause[0]]
    if lx.GOODS_WORDS.search(earlier) and not lx.DOC_WORDS.search(earlier):
        return "goods"
    return "doc"


@dataclass
class _Clause:
    """One clause being read, with the helpers every detector needs."""

    seg: Segment
    ctx: Context
    text: str
    has_invoice: bool
    # A "not received" that is about a document asks for a copy: the copy detector takes it.
    pending_copy: list[Cue] = field(default_factory=list)

    @property
    def span_of_clause(self) -> Span:
        return self.seg.start, self.seg.end

    def span(self, match: re.Match[str]) -> Span:
        return self.seg.start + match.start(), self.seg.start + match.end()

    def in_question(self, start: int) -> bool:
        return self.seg.question_from is not None and start >= self.seg.question_from

    def negated(self, span: Span, **options: Any) -> bool:
        return _negated(self.ctx.masked, self.span_of_clause, span, self.ctx.language, **options)


def _insolvency(c: _Clause, cues: list[Cue]) -> None:
    for match in lx.INSOLVENCY.finditer(c.text):
        if not c.negated(c.span(match), prior_words=3, after=False):
            cues.append(Cue(Intent.INSOLVENCY, *c.span(match)))
            return


def _legal_threat(c: _Clause, cues: list[Cue]) -> None:
    # "Amtsgericht München HRB 12345" registers a company; it threatens no one.
    if register_line(c.text):
        return
    match = lx.LEGAL_THREAT.search(c.text)
    if match:
        cues.append(Cue(Intent.LEGAL_THREAT, *c.span(match)))


def _strong_reasons(c: _Clause) -> list[tuple[int, DisputeReason, Span]]:
    reasons: list[tuple[int, DisputeReason, Span]] = []
    for reason, pattern in lx.REASONS_STRONG.items():
        if reason is DisputeReason.DUPLICATE and lx.DUPLICATE_AS_COPY.search(c.text):
            continue
        for match in pattern.finditer(c.text):
            if not c.negated(c.span(match), prior_words=3, after=False):
                reasons.append((match.start(), reason, c.span(match)))
                break
    missing = lx.NOT_RECEIVED.search(c.text)
    if missing:
        found = _not_received_object(c.ctx.masked, c.span_of_clause, c.span(missing), c.ctx)
        if found == "goods":
            reasons.append((missing.start(), DisputeReason.NOT_RECEIVED, c.span(missing)))
        elif found == "doc":
            around = c.ctx.masked[max(c.seg.start, c.seg.start + missing.start() - 45) : c.seg.end]
            kinds = _copy_kinds(around, c.has_invoice)
            c.pending_copy.append(Cue(Intent.COPY_REQUEST, *c.span(missing), kinds=kinds))
    return reasons


def _general_reason(c: _Clause, start: int, end: int) -> DisputeReason:
    """The reason of a dispute said with a general word ("wrong"): the topic nearest it."""
    base, masked, text = c.seg.start, c.ctx.masked, c.text
    # "38 were delivered, 48 billed. The difference we do not accept": the reason was
    # said just before, in the same paragraph, and says more than a topic word here.
    before = masked[max(0, base - 300) : base].rsplit("\n\n", 1)[-1]
    said = [
        (m.end(), reason)
        for reason, pattern in lx.REASONS_STRONG.items()
        for m in pattern.finditer(before)
    ]
    if said:
        return max(said)[1]
    weak_hits = [
        (abs(m.start() - (start - base)), weak)
        for weak, pattern in lx.REASONS_WEAK.items()
        for m in pattern.finditer(text)
    ]
    if not weak_hits:
        # "That's not right.": what is wrong was said just before.
        earlier = masked[max(0, base - 200) : base]
        weak_hits = [
            (start - max(0, base - 200) - m.end() + len(text), weak)
            for weak, pattern in lx.REASONS_WEAK.items()
            for m in pattern.finditer(earlier)
        ]
    # "I never ordered these 10 units" is about the order, not the quantity.
    if weak_hits and not _NOT_ORDERED.search(masked, start, end):
        return min(weak_hits)[1]
    return DisputeReason.OTHER


def _dispute(c: _Clause, cues: list[Cue]) -> None:
    """A reason of its own ("damaged"), or a general word ("wrong") plus a topic."""
    reasons = _strong_reasons(c)
    general: list[Span] = [c.span(m) for m in lx.DISPUTE_INTRINSIC.finditer(c.text)]
    for match in lx.DISPUTE_NEGATABLE.finditer(c.text):
        # "Was the credit note booked?" asks; it does not dispute.
        if c.in_question(c.span(match)[0]):
            continue
        if not c.negated(c.span(match)):
            general.append(c.span(match))
    if reasons:
        reasons.sort(key=lambda item: item[0])
        _, reason, (start, end) = reasons[0]
        cues.append(Cue(Intent.DISPUTE, start, end, reason=reason))
    elif general:
        start, end = min(general)
        cues.append(Cue(Intent.DISPUTE, start, end, reason=_general_reason(c, start, end)))


def _already_paid(c: _Clause, cues: list[Cue]) -> None:
    masked, seg = c.ctx.masked, c.seg
    for match in _matches(lx.ALREADY_PAID, c.text):
        start, end = c.span(match)
        # "Did you get the $500 we wired?" still says it was wired; "Have we paid?" does not.
        if c.in_question(start) and not (
            _FIRST_PERSON.match(match.group())
            and not _INVERSION.search(" ".join(masked[seg.start : start].split()[-1:]))
        ):
            continue
        if c.negated((start, end), prior_words=2, within=True):
            continue
        if _MISTAKEN_BELIEF.search(masked, max(seg.start, start - 60), start):
            continue
        cues.append(Cue(Intent.ALREADY_PAID, start, end))
        break
    # The Spanish "pagamos" may be either: paid if the clause looks back, else a promise.
    ambiguous = lx.AMBIGUOUS_PAST.search(c.text)
    if ambiguous and not c.negated(c.span(ambiguous), prior_words=2):
        looks_back = bool(lx.PAST_MARKERS.search(c.text)) or any(
            hit.future[1] < c.ctx.today for hit in inside(seg.start, seg.end, c.ctx.dates)
        )
        intent = Intent.ALREADY_PAID if looks_back else Intent.PROMISE
        cues.append(Cue(intent, *c.span(ambiguous)))


def _promise(c: _Clause, cues: list[Cue]) -> None:
    masked, seg = c.ctx.masked, c.seg
    for match in _matches(lx.PROMISE, c.text):
        start, end = c.span(match)
        if c.negated((start, end), prior_words=2, within=True):
            continue
        if _CONDITION.search(" ".join(masked[seg.start : start].split()[-2:])):
            continue
        # "Can we pay by card?" asks; "Can we pay next Friday?" proposes a date.
        if c.in_question(start) and not inside(start, seg.end, c.ctx.dates):
            continue
        # "We'll pay that one on time" is about an invoice not yet due: no promise to log.
        if lx.PROMISE_ON_TIME.search(masked, end, seg.end):
            continue
        arrival = bool(_ARRIVAL.search(match.group()))
        cues.append(Cue(Intent.PROMISE, start, end, arrival=arrival))
        break
    if not any(cue.intent is Intent.PROMISE for cue in cues):
        # "Vi proponiamo € 9.000 a saldo e stralcio": an offer to pay, on its terms.
        offer = lx.SETTLEMENT_OFFER.search(c.text)
        amounts = inside(seg.start, seg.end, c.ctx.amounts)
        if offer and amounts:
            start, end = c.span(offer)
            # The amount offered is the one written just before the terms, if any.
            offered = [hit for hit in amounts if hit.end <= start and start - hit.end <= 40]
            cues.append(Cue(Intent.PROMISE, offered[-1].start if offered else start, end))
    for match in lx.PROMISE_UNTIL.finditer(c.text):
        start, end = c.span(match)
        later = [hit for hit in c.ctx.dates if end <= hit.start < seg.end]
        if later and lx.PAYMENT_STEM.search(c.text):
            cues.append(Cue(Intent.PROMISE, start, end, until=True))
            break


def _plan(c: _Clause, cues: list[Cue]) -> None:
    text = c.text
    for plan in lx.PLAN.finditer(text):
        if not c.negated(c.span(plan), prior_words=3, after=False):
            cues.append(Cue(Intent.PAYMENT_PLAN, *c.span(plan)))
            return
    about_paying = bool(lx.PAYMENT_STEM.search(text) or c.has_invoice or lx.DOC_WORDS.search(text))
    if about_paying:
        match = lx.PLAN_NEEDS_PAY.search(text)
        if match and not c.negated(c.span(match), prior_words=3, after=False):
            cues.append(Cue(Intent.PAYMENT_PLAN, *c.span(match)))
            return
    if inside(c.seg.start, c.seg.end, c.ctx.amounts):
        match = lx.RECURRING.search(text)
        if match and lx.PAYMENT_STEM.search(text):
            cues.append(Cue(Intent.PAYMENT_PLAN, *c.span(match)))


def _copy(c: _Clause, cues: list[Cue]) -> None:
    found = c.pending_copy + _copy_requests(
        c.text, c.seg.start, c.span_of_clause, c.ctx, c.has_invoice
    )
    if found:
        cues.append(found[0])


def _wrong_contact(c: _Clause, cues: list[Cue]) -> None:
    match = lx.WRONG_CONTACT_STRONG.search(c.text)
    if match:
        cues.append(Cue(Intent.WRONG_CONTACT, *c.span(match)))
        return
    match = lx.WRONG_CONTACT_REDIRECT.search(c.text)
    sentence = next((s for s in c.ctx.sentences if s[0] <= c.seg.start < s[1]), c.span_of_clause)
    if match and inside(sentence[0], sentence[1], c.ctx.emails):
        cues.append(Cue(Intent.WRONG_CONTACT, *c.span(match), strong=False))


def _question(c: _Clause, cues: list[Cue]) -> None:
    question = lx.QUESTION.search(c.text)
    if question:
        cues.append(Cue(Intent.QUESTION, *c.span(question)))
        return
    asked_from = c.seg.question_from
    if asked_from is None:
        return
    part = c.ctx.masked[asked_from : c.seg.end]
    answered = any(cue.start >= asked_from for cue in cues)
    asked = part.strip(" ?") and not lx.RHETORICAL.search(part) and not lx.ASKS_TO_SEND.search(part)
    if not answered and asked:
        cues.append(Cue(Intent.QUESTION, asked_from, c.seg.end))


Detector = Callable[[_Clause, list[Cue]], None]


def _said(intent: Intent, pattern: re.Pattern[str], *, negatable: bool = True) -> Detector:
    """A detector for an intent said in one of a family of wordings, unless negated."""

    def detect(c: _Clause, cues: list[Cue]) -> None:
        match = pattern.search(c.text)
        if match and not (negatable and c.negated(c.span(match), prior_words=2, after=False)):
            cues.append(Cue(intent, *c.span(match)))

    return detect


def _hostile(c: _Clause, cues: list[Cue]) -> None:
    strong = lx.HOSTILE_STRONG.search(c.text)
    hostile = strong or lx.HOSTILE.search(c.text) or lx.RHETORICAL.search(c.text)
    if hostile:
        cues.append(Cue(Intent.HOSTILE, *c.span(hostile), strong=bool(strong)))


# In order: a question is answered by any cue found before it, so it comes late.
_DETECTORS: tuple[Detector, ...] = (
    _insolvency,
    _legal_threat,
    _dispute,
    _already_paid,
    _promise,
    _plan,
    _copy,
    _wrong_contact,
    _said(Intent.OPT_OUT, lx.OPT_OUT, negatable=False),
    _said(Intent.WRITE_OFF_CLAIM, lx.WRITE_OFF_CLAIM),
    _said(Intent.STALL, lx.STALL),
    _said(Intent.ACKNOWLEDGEMENT, lx.ACKNOWLEDGEMENT),
    _question,
    _hostile,
)


def detect(seg: Segment, ctx: Context) -> list[Cue]:
    """The cues of one clause, at most one per intent."""
    text = ctx.masked[seg.start : seg.end]
    if not text.strip():
        return []
    clause = _Clause(seg, ctx, text, bool(inside(seg.start, seg.end, ctx.invoices)))
    cues: list[Cue] = []
    for detector in _DETECTORS:
        detector(clause, cues)
    return _tidy(cues)


def _copy_requests(
    text: str, base: int, clause: Span, ctx: Context, has_invoice: bool
) -> list[Cue]:
    found: list[Cue] = []
    for match in lx.COPY_STRONG.finditer(text):
        span = (base + match.start(), base + match.end())
        if not _negated(ctx.masked, clause, span, ctx.language, prior_words=3, after=False):
            found.append(Cue(Intent.COPY_REQUEST, *span, kinds=_copy_kinds(text, has_invoice)))
            return found
    verbs = list(lx.COPY_VERB_EN.finditer(text)) + list(lx.COPY_VERB_OTHER.finditer(text))
    for verb in verbs:
        span = (base + verb.start(), base + verb.end())
        if _negated(ctx.masked, clause, span, ctx.language, prior_words=3, after=False):
            continue
        for noun in lx.COPY_NOUN.finditer(text):
            if noun.start() >= verb.end():
                between = text[verb.end() : noun.start()]
            elif noun.end() <= verb.start() and verb.re is lx.COPY_VERB_OTHER:
                between = text[noun.end() : verb.start()]
            else:
                continue
            if lx.COPY_KIND_TAX.match(noun.group()):
                between = lx.FORM_STATE.sub(" ", between)
            if len(between) > 60 or lx.COPY_BREAK.search(between) or _ABOUT.search(between):
                continue
            region = text[min(verb.start(), noun.start()) :]
            kinds = _copy_kinds(region, has_invoice)
            start = base + min(verb.start(), noun.start())
            found.append(
                Cue(Intent.COPY_REQUEST, start, base + noun.end(), kinds=kinds, strong=False)
            )
            return found
    for again in lx.COPY_SEND_AGAIN.finditer(text):
        span = (base + again.start(), base + again.end())
        if _negated(ctx.masked, clause, span, ctx.language, prior_words=3, after=False):
            continue
        # "It" must be a document: an invoice or a document word in the clause or just before.
        earlier = ctx.masked[max(0, clause[0] - 160) : clause[1]]
        if not (
            has_invoice
            or lx.COPY_NOUN.search(text)
            or (lx.DOC_WORDS.search(earlier) and not lx.PAYMENT_STEM.search(text))
        ):
            continue
        found.append(
            Cue(Intent.COPY_REQUEST, *span, kinds=_copy_kinds(text, has_invoice), strong=False)
        )
        return found
    renewal = lx.TAX_FORM_RENEWAL.search(text)
    if renewal and lx.COPY_KIND_TAX.search(ctx.masked):
        span = (base + renewal.start(), base + renewal.end())
        if not _negated(ctx.masked, clause, span, ctx.language, prior_words=3, after=False):
            found.append(Cue(Intent.COPY_REQUEST, *span, kinds=(CopyKind.TAX_FORM,)))
    return found


def _tidy(cues: list[Cue]) -> list[Cue]:
    """One cue per intent; a payment plan covers the promise made in the same breath."""
    seen: dict[Intent, Cue] = {}
    for cue in cues:
        seen.setdefault(cue.intent, cue)
    if Intent.PAYMENT_PLAN in seen:
        seen.pop(Intent.PROMISE, None)
    dispute = seen.get(Intent.DISPUTE)
    copy = seen.get(Intent.COPY_REQUEST)
    if dispute and copy and not copy.strong and copy.kinds == (CopyKind.INVOICE,):
        seen.pop(Intent.COPY_REQUEST)
    if copy and not copy.strong and Intent.WRONG_CONTACT in seen:
        seen.pop(Intent.COPY_REQUEST, None)
    if Intent.ALREADY_PAID in seen and Intent.PROMISE in seen:
        paid, promise = seen[Intent.ALREADY_PAID], seen[Intent.PROMISE]
        # "It was sent Friday and should reach you soon" is one payment, already made; so is
        # "it went out in Friday's BACS run".
        adjacent = 0 <= promise.start - paid.end <= 1
        if (paid.start < promise.end and promise.start < paid.end) or promise.arrival or adjacent:
            seen.pop(Intent.PROMISE)
    return sorted(seen.values(), key=lambda cue: cue.start)
