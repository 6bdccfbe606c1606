"""Reading a customer's reply: what they mean, about which invoices, for when and how much."""

from __future__ import annotations

import datetime
from collections.abc import Mapping

from recoup.reader import lexicon as lx
from recoup.reader.autoreply import automatic, bounce_phrase, out_of_office
from recoup.reader.combine import combine, settled
from recoup.reader.context import Cue
from recoup.reader.details import findings_for, merged, out_of_office_findings
from recoup.reader.intents import (
    EVIDENCE_MAX,
    RANK,
    SAYS_LITTLE,
    SOFT,
    CopyKind,
    Finding,
    Intent,
    Reading,
)
from recoup.reader.model import ModelFileError, ReaderModel, load
from recoup.reader.prepare import Prepared, prepare_reply
from recoup.reader.text import fold, normalise


def read_reply(
    text: str,
    *,
    subject: str = "",
    today: datetime.date,
    known_invoices: Mapping[str, int] | None = None,
    currency: str = "USD",
    model: ReaderModel | None = None,
) -> Reading:
    """Read a customer's reply to a collections e-mail.

    ``known_invoices`` maps the account's invoice numbers to their open balance in cents;
    only those numbers are ever reported. Dates resolve against ``today``; ``currency`` is
    the account's, and decides how an ambiguous 05/12/2026 is read (month first only for
    English on USD). Only the new text is read: quoted history, signature and footer never
    produce an intent. ``model`` is the shipped model unless another is given (measuring
    one trained on part of the corpus).
    """
    if isinstance(today, datetime.datetime):
        today = today.date()
    prepared = prepare_reply(
        text,
        subject=subject,
        today=today,
        known_invoices=known_invoices or {},
        currency=currency,
    )
    language = prepared.language
    subject_folded = fold(normalise(subject or ""))
    phrase = bounce_phrase(subject_folded, fold(prepared.raw))
    if phrase:
        finding = Finding(intent=Intent.BOUNCE, evidence=phrase[:EVIDENCE_MAX])
        return Reading(findings=[finding], language=language)

    rules = _rule_findings(prepared, subject_folded)
    if model is None:
        model = _shipped_model()
    if model is None:
        findings = settled(
            [f for _, f in sorted(rules, key=lambda i: (RANK[i[1].intent], i[0]))], today
        )
        confidence, why = 1.0, None
    else:
        combined = combine(prepared, rules, model)
        findings, confidence, why = combined.findings, combined.confidence, combined.unsure_why
    findings = _question_beside(_beside_an_opt_out(findings))
    if any(
        cue.intent is Intent.HOSTILE and cue.strong for _, clause in prepared.cues for cue in clause
    ):
        findings = [
            f.model_copy(update={"abusive": True}) if f.intent is Intent.HOSTILE else f
            for f in findings
        ]
    if not findings:
        snippet = " ".join(prepared.body.split())[:EVIDENCE_MAX]
        findings = [Finding(intent=Intent.UNKNOWN, evidence=snippet)]
    return Reading(
        findings=findings,
        language=language,
        injection_suspected=prepared.injected,
        confidence=confidence,
        unsure=why is not None,
        unsure_why=why,
    )


def _abusive(prepared: Prepared) -> bool:
    return any(
        cue.intent is Intent.HOSTILE and cue.strong for _, cues in prepared.cues for cue in cues
    )


def _shipped_model() -> ReaderModel | None:
    try:
        return load()
    except ModelFileError:
        return None


Placed = list[tuple[int, Finding]]


def _balance_mismatch(finding: Finding) -> bool:
    return finding.intent is Intent.DISPUTE and bool(
        lx.BALANCE_MISMATCH.search(fold(finding.evidence))
    )


# What a question beside these asks is their own business: "can we pay in 4 instalments?",
# "could you check with the carrier?", "are you joking? the work was never finished".
_ASKS_ITS_OWN = frozenset(
    {
        Intent.PROMISE,
        Intent.PAYMENT_PLAN,
        Intent.DISPUTE,
        Intent.ALREADY_PAID,
        Intent.WRITE_OFF_CLAIM,
        Intent.COPY_REQUEST,
        Intent.HOSTILE,
    }
)


def _question_beside(findings: list[Finding]) -> list[Finding]:
    """A question beside a firmer intent is that intent's ask, not one to answer first;
    but "has INV-7 been paid?" asks whether a payment was made, it claims none."""
    return [
        f for f in findings if f.intent is not Intent.QUESTION or not _answered_beside(f, findings)
    ]


def _answered_beside(question: Finding, findings: list[Finding]) -> bool:
    return any(
        f.intent in _ASKS_ITS_OWN
        and not (f.intent is Intent.ALREADY_PAID and f.evidence == question.evidence)
        for f in findings
    )


def _beside_an_opt_out(findings: list[Finding]) -> list[Finding]:
    """ "Stop emailing me, I'm not the right person": the opt-out says it all; a wrong
    contact that names someone else to write to stays."""
    if not any(f.intent is Intent.OPT_OUT for f in findings):
        return findings
    return [f for f in findings if f.intent is not Intent.WRONG_CONTACT or f.redirect_email]


def _rule_findings(prepared: Prepared, subject_folded: str) -> Placed:
    """What the rules read, each finding with where it starts."""
    ctx = prepared.ctx
    findings = [
        (cue.start, finding)
        for seg, cues in prepared.cues
        for cue in cues
        for finding in findings_for(cue, seg, ctx)
    ]
    cues = [cue for _, clause in prepared.cues for cue in clause]
    # An alternative contact in an out-of-office note is not a wrong-contact reply.
    substantive = [
        cue
        for cue in cues
        if cue.intent not in SAYS_LITTLE
        and not (cue.intent is Intent.WRONG_CONTACT and not cue.strong)
    ]
    ooo_matches = out_of_office(ctx.masked)
    if ooo_matches and (automatic(subject_folded, fold(prepared.body)) or not substantive):
        return list(enumerate(out_of_office_findings(ooo_matches, ctx, findings)))
    return _said_better(merged(findings), cues)


def _said_better(combined: Placed, cues: list[Cue]) -> Placed:
    """Leaves out what another finding of the same reply already says better."""
    # "Looking into it", "forwarded to AP" beside a promise, a payment or a dispute say no
    # more than they do.
    if any(f.intent not in SAYS_LITTLE for _, f in combined):
        combined = [(p, f) for p, f in combined if f.intent not in SOFT]
    # "Please send a statement, our balances don't agree": the statement is what is asked.
    if any(CopyKind.STATEMENT in f.copy_kinds for _, f in combined):
        combined = [(p, f) for p, f in combined if not _balance_mismatch(f)]
    # "We owe nothing: the goods never came" is a dispute; it asks for the credit.
    if any(f.intent is Intent.DISPUTE for _, f in combined):
        combined = [(p, f) for p, f in combined if f.intent is not Intent.WRITE_OFF_CLAIM]
    # Anger beside a real request is left out; abuse, threats and a broken relationship are
    # kept, so that a person answers.
    abusive = any(cue.intent is Intent.HOSTILE and cue.strong for cue in cues) and not any(
        f.intent in {Intent.INSOLVENCY, Intent.LEGAL_THREAT} for _, f in combined
    )
    if not abusive and any(f.intent is not Intent.HOSTILE for _, f in combined):
        combined = [(p, f) for p, f in combined if f.intent is not Intent.HOSTILE]
    return combined
