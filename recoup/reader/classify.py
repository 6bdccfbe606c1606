"""Reading a customer's reply: what they mean, about which invoices, for when and how much."""

from __future__ import annotations

import datetime
from collections.abc import Mapping

from recoup.reader.autoreply import automatic, bounce_phrase, out_of_office
from recoup.reader.context import Context, Cue
from recoup.reader.cues import detect
from recoup.reader.details import findings_for, merged, out_of_office_findings
from recoup.reader.intents import EVIDENCE_MAX, RANK, Finding, Intent, Reading
from recoup.reader.language import detect_language
from recoup.reader.prepare import MAX_BODY, MAX_RAW, prepare
from recoup.reader.segments import Segment, clauses
from recoup.reader.text import fold, normalise, strip_history


def read_reply(
    text: str,
    *,
    subject: str = "",
    today: datetime.date,
    known_invoices: Mapping[str, int] | None = None,
    currency: str = "USD",
) -> Reading:
    """Read a customer's reply to a collections e-mail.

    ``known_invoices`` maps the account's invoice numbers to their open balance in cents;
    only those numbers are ever reported. Dates resolve against ``today``; ``currency`` is
    the account's, and decides how an ambiguous 05/12/2026 is read (month first only for
    English on USD).
    """
    if isinstance(today, datetime.datetime):
        today = today.date()
    raw = normalise((text or "")[:MAX_RAW])
    body = strip_history(raw)[:MAX_BODY]
    folded = fold(body)
    subject_folded = fold(normalise(subject or ""))
    language = detect_language(folded if folded.strip() else subject_folded)

    phrase = bounce_phrase(subject_folded, fold(raw))
    if phrase:
        finding = Finding(intent=Intent.BOUNCE, evidence=phrase[:EVIDENCE_MAX])
        return Reading(findings=[finding], language=language)

    ctx, injected = prepare(body, language, today, known_invoices or {}, currency)
    findings, cues = _read_clauses(ctx, folded)

    # An alternative contact in an out-of-office note is not a wrong-contact reply.
    substantive = [
        cue
        for cue in cues
        if cue.intent not in {Intent.QUESTION, Intent.HOSTILE}
        and not (cue.intent is Intent.WRONG_CONTACT and not cue.strong)
    ]
    ooo_matches = out_of_office(ctx.masked)
    if ooo_matches and (automatic(subject_folded, folded) or not substantive):
        result = out_of_office_findings(ooo_matches, ctx, findings)
        return Reading(findings=result, language=language, injection_suspected=injected)

    combined = merged(findings)
    ordered = [f for _, f in sorted(combined, key=lambda item: (RANK[item[1].intent], item[0]))]
    # Anger beside a real request is left out; abuse, threats and a broken relationship are
    # kept (last), so that a person answers.
    abusive = any(cue.intent is Intent.HOSTILE and cue.strong for cue in cues) and not any(
        f.intent in {Intent.INSOLVENCY, Intent.LEGAL_THREAT} for f in ordered
    )
    if not abusive and any(f.intent is not Intent.HOSTILE for f in ordered):
        ordered = [f for f in ordered if f.intent is not Intent.HOSTILE]
    if not ordered:
        snippet = " ".join(body.split())[:EVIDENCE_MAX]
        ordered = [Finding(intent=Intent.UNKNOWN, evidence=snippet)]
    return Reading(findings=ordered, language=language, injection_suspected=injected)


def _read_clauses(ctx: Context, folded: str) -> tuple[list[tuple[int, Finding]], list[Cue]]:
    findings: list[tuple[int, Finding]] = []
    all_cues: list[Cue] = []
    invoice_spans = [(hit.start, hit.end) for hit in ctx.invoices]
    previous: tuple[Segment, list[Cue]] | None = None
    for seg in clauses(ctx.body, folded, invoice_spans, ctx.sentences):
        cues = detect(seg, ctx)
        if not cues and seg.gapped and previous and previous[0].sentence == seg.sentence:
            # "We'll pay INV-1 on Friday and INV-2 next week": the verb is shared.
            cues = [
                Cue(c.intent, seg.start, seg.start, reason=c.reason, kinds=c.kinds)
                for c in previous[1]
                if c.intent not in {Intent.QUESTION, Intent.HOSTILE}
            ]
        for cue in cues:
            findings.extend((cue.start, finding) for finding in findings_for(cue, seg, ctx))
        all_cues.extend(cues)
        previous = (seg, cues)
    return findings, all_cues
