"""The rules and the learned model, read together.

The model's ``intents`` head decides which intents a reply holds, each against the
threshold chosen for it on the dev split. A rule finding stays unless the model disagrees
(its probability under ``KEEP`` times the threshold; for most intents the rules' finding
always stands): the rules know where an intent shows and which invoice, date and amount go
with it. An intent only the model
sees is placed in the clause the model scores highest for it, and that clause's details
are collected by the same extractors the rules use.

How sure the reading is: on each actionable intent, how far the model agrees with the
reading (its margin to the threshold, counted against the reading when the rules read an
intent the model doubts, or leave out one it sees). The least agreement, on a 0..1 scale
where 0.5 is the threshold, is the reading's confidence; under ``UNSURE_BELOW`` the reading
is unsure, as it is when a promise has no date it can place or intents contradict.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from recoup.reader import lexicon as lx
from recoup.reader.context import Cue
from recoup.reader.cues import BELIEF, NEGATION
from recoup.reader.details import findings_for
from recoup.reader.intents import (
    EVIDENCE_MAX,
    RANK,
    SAYS_LITTLE,
    SOFT,
    CopyKind,
    DisputeReason,
    Finding,
    Intent,
)
from recoup.reader.lexicon import LANGUAGES as RULED_LANGUAGES
from recoup.reader.model import ReaderModel
from recoup.reader.prepare import Prepared, cue_features, text_features
from recoup.reader.text import fold

# Chosen per intent by reading each author's replies with a model trained on the other
# authors' (precision and recall of each intent), preferring the rules' reading when the
# difference was small:
# - KEEP: a rule finding is dropped when the model's probability is below this share of the
#   intent's threshold (0: the rules' finding always stands);
# - FLOOR: an intent the rules did not read is added on the model's word only at or above
#   the larger of its threshold and this floor (above 1: never). Legal threats are read by
#   the rules alone: the model confuses anger with them; anger it reads past one in two.
#   The floors on disputes and requests keep its word on what the rules read as negated
#   ("arrived without any damage") from holding an account; they cost little.
KEEP: dict[str, float] = {"legal_threat": 0.3}
# A dispute the rules read on a general word alone ("in the wrong folder") is dropped when
# the model scores it under this share of its threshold; one with a reason always stands,
# since a missed dispute means reminders about a contested invoice.
VAGUE_DISPUTE_KEEP = 0.2
FLOOR: dict[str, float] = {
    "legal_threat": 1.01,
    "hostile": 0.5,
    "dispute": 0.8,
    "copy_request": 0.8,
    "statement_request": 0.8,
}
# In a language the rules cannot read, an intent's threshold is this share of its own
# (chosen by leaving one author out at a time).
UNRULED_LANGUAGE_SCALE = 0.8
# A reading goes to a person when its confidence is below this: chosen on dev, where it
# marks about one reply in nine.
UNSURE_BELOW = 0.3
# The reason head overrides the rules' "other" only when it is at least this sure.
REASON_SURE = 0.7
STATEMENT = "statement_request"
COPY = "copy_request"
# Said alone or not at all (in the corpus they never come with another intent): the model
# adds them only to a reading that has nothing else.
ALONE = frozenset({"acknowledgement", "out_of_office"})
# What a person would act on: a wrong call on these changes what the agent does.
ACTIONABLE = frozenset(
    {
        "promise",
        "payment_plan",
        "dispute",
        "already_paid",
        "write_off_claim",
        "opt_out",
        "wrong_contact",
        "insolvency",
        "legal_threat",
        "stall",
    }
)


@dataclass(frozen=True)
class Combined:
    findings: list[Finding]
    confidence: float
    unsure_why: str | None


def labels_of(finding: Finding) -> set[str]:
    """The corpus labels one finding stands for (a statement request is a copy request)."""
    if finding.intent in {Intent.UNKNOWN, Intent.BOUNCE}:
        return set()
    if finding.intent is not Intent.COPY_REQUEST:
        return {finding.intent.value}
    labels = set()
    if CopyKind.STATEMENT in finding.copy_kinds:
        labels.add(STATEMENT)
    if set(finding.copy_kinds) - {CopyKind.STATEMENT} or not finding.copy_kinds:
        labels.add(COPY)
    return labels


def combine(prepared: Prepared, rules: list[tuple[int, Finding]], model: ReaderModel) -> Combined:
    """The findings the model agrees with, those only it sees, and how sure the reading is."""
    head = model.head("intents")
    scores = head.probabilities(prepared.features)
    ruled = {label for _, finding in rules for label in labels_of(finding)}
    # Where no rule can read the language, the model is the only reader: its thresholds,
    # chosen where the rules read most replies, are too shy there.
    shy = 1.0 if prepared.language in RULED_LANGUAGES else UNRULED_LANGUAGE_SCALE
    cut = {label: _cut(label, head.threshold(label) * shy, ruled) for label in head.classes}
    accepted = {label for label in head.classes if scores[label] >= cut[label]}
    kept = [(pos, f) for pos, f in (_agreed(p, f, accepted) for p, f in rules) if f is not None]
    vague = head.threshold("dispute") * VAGUE_DISPUTE_KEEP if "dispute" in head.classes else 0.0
    kept = [(pos, f) for pos, f in kept if not (_vague_dispute(f) and scores["dispute"] < vague)]
    covered = {label for _, finding in kept for label in labels_of(finding)}
    missing = accepted - covered
    if covered or missing - ALONE:
        missing -= ALONE
    elif len(missing) > 1:
        missing = {max(missing, key=lambda label: (scores[label], label))}
    placed = [item for label in sorted(missing) for item in _placed(label, prepared, model)]
    placed = [(p, f) for p, f in placed if not _no_payment(f, prepared.language)]
    contradicted = [_contradicted(f, kept, scores) for _, f in placed]
    overruled = {
        lab for (_, f), no in zip(placed, contradicted, strict=True) if no for lab in labels_of(f)
    }
    placed = [item for item, no in zip(placed, contradicted, strict=True) if not no]
    findings = settled(
        [f for _, f in sorted(kept + placed, key=lambda i: (RANK[i[1].intent], i[0]))],
        prepared.ctx.today,
    )
    findings = [_with_reason(f, prepared, model) for f in findings]
    read = {label for finding in findings for label in labels_of(finding)}
    # How far the model agrees with the reading on each actionable intent: positive when it
    # agrees (the intent is read and scores above its threshold, or neither), negative when
    # the reading stands on the rules' word against the model's.
    # An intent overruled by the rules' reading of its clause is no doubt of the reading.
    agreement = {
        label: _margin(scores[label], head.threshold(label)) * (1 if label in read else -1)
        for label in (ACTIONABLE & set(head.classes)) - (overruled - read)
    }
    agreement = _counted(findings, agreement)
    # 0.5 is the model on the threshold of one actionable intent; 0 is it sure of the opposite.
    confidence = round((1 + min(agreement.values(), default=1.0)) / 2, 3)
    return Combined(findings, confidence, _unsure_why(findings, agreement))


def _vague_dispute(finding: Finding) -> bool:
    """A dispute the rules read on a general word ("wrong", "verkeerd") with no reason."""
    return finding.intent is Intent.DISPUTE and finding.dispute_reason in (
        None,
        DisputeReason.OTHER,
    )


def _cut(label: str, threshold: float, ruled: set[str]) -> float:
    if label in ruled:
        return threshold * KEEP.get(label, 0.0)
    return max(threshold, FLOOR.get(label, 0.0))


def _agreed(position: int, finding: Finding, accepted: set[str]) -> tuple[int, Finding | None]:
    labels = labels_of(finding)
    if finding.intent is Intent.COPY_REQUEST:
        kinds = [
            kind
            for kind in finding.copy_kinds
            if (STATEMENT if kind is CopyKind.STATEMENT else COPY) in accepted
        ]
        if not kinds and COPY in accepted and not finding.copy_kinds:
            return position, finding
        return position, finding.model_copy(update={"copy_kinds": kinds}) if kinds else None
    if labels and not labels & accepted:
        return position, None
    return position, finding


_FIRMER = frozenset(Intent) - {
    Intent.STALL,
    Intent.ACKNOWLEDGEMENT,
    Intent.QUESTION,
    Intent.HOSTILE,
    Intent.UNKNOWN,
    Intent.BOUNCE,
    Intent.OUT_OF_OFFICE,
}

# An intent the model adds in a clause where the rules read another one that the model is
# known to confuse it with, or that rules it out: the rules' reading of that clause stands.
_CONFUSED = {
    Intent.OPT_OUT: {Intent.WRONG_CONTACT},  # "not the right person, write to ap@…"
    Intent.DISPUTE: {Intent.COPY_REQUEST},  # "we never received the invoice"
    # "$300 today and $300 each month"; "il pagamento è stato effettuato il 18/11"
    Intent.PROMISE: {Intent.PAYMENT_PLAN, Intent.ALREADY_PAID},
    Intent.ALREADY_PAID: {Intent.PROMISE},  # "INV-1 and INV-2 will all be paid on the 1st"
    # As in the rules' reading, a stall says no more than anything firmer beside it; "we
    # will see you in court" is no stall.
    Intent.STALL: _FIRMER,
    # "Cancel it, the service was never delivered": the dispute asks for the credit.
    Intent.WRITE_OFF_CLAIM: {Intent.DISPUTE},
    # "We're not paying until we get a credit" is firm, not abuse: abuse the rules read. A
    # legal threat or an insolvency reaches a person already.
    Intent.HOSTILE: _FIRMER,
}

# Confused wherever the other is read: "not the right person. Please write to ap@…".
# Unless the model is at least this sure: abuse beside a dispute is both.
SURE_BESIDE: dict[str, float] = {"hostile": 0.6}

_ANYWHERE = frozenset({Intent.OPT_OUT, Intent.WRITE_OFF_CLAIM, Intent.HOSTILE, Intent.STALL})


def _contradicted(
    finding: Finding, kept: list[tuple[int, Finding]], scores: dict[str, float]
) -> bool:
    """Whether a finding only the model saw is contradicted by what the rules read."""
    if scores.get(finding.intent.value, 0.0) >= SURE_BESIDE.get(finding.intent.value, 1.01):
        return False
    # An out-of-office note says nothing else.
    if any(other.intent is Intent.OUT_OF_OFFICE for _, other in kept):
        return True
    confused = _CONFUSED.get(finding.intent, set())
    return any(
        other.intent in confused
        and (
            finding.intent in _ANYWHERE
            or finding.evidence in other.evidence
            or other.evidence in finding.evidence
        )
        for _, other in kept
    )


def _placed(label: str, prepared: Prepared, model: ReaderModel) -> list[tuple[int, Finding]]:
    """A finding only the model saw, in the clause it scores highest for that intent (a
    split promise: one for each part)."""
    ctx, head = prepared.ctx, model.head("intents")
    best, best_score = None, -1.0
    for seg, cues in prepared.cues:
        present = text_features(ctx, start=seg.start, end=seg.end) | cue_features([(seg, cues)])
        score = head.probabilities(present)[label]
        if score > best_score:
            best, best_score = seg, score
    intent = Intent.COPY_REQUEST if label == STATEMENT else Intent(label)
    kinds: tuple[CopyKind, ...] = ()
    if label == STATEMENT:
        kinds = (CopyKind.STATEMENT,)
    elif label == COPY:
        kinds = (CopyKind.INVOICE,)
    if best is None:
        evidence = " ".join(ctx.body.split())[:EVIDENCE_MAX]
        return [(0, Finding(intent=intent, copy_kinds=list(kinds), evidence=evidence))]
    reason = _model_reason(prepared, model)[0] if intent is Intent.DISPUTE else None
    cue = Cue(intent, best.start, best.end, reason=reason, kinds=kinds)
    return [(best.start, finding) for finding in findings_for(cue, best, ctx)]


def settled(findings: list[Finding], today: datetime.date) -> list[Finding]:
    """The reading with what another finding already says left out: a stall or an
    acknowledgement beside anything firmer. A payment that waits for the correction a
    dispute asks for ("send a credit note for the difference and we'll pay straight away")
    has no day of its own: it is due once the dispute ends, not today. A day named after the
    correction ("once we have the credit note we pay on the 30th") stands."""
    if any(f.intent not in SAYS_LITTLE for f in findings):
        findings = [f for f in findings if f.intent not in SOFT]
    if any(f.intent is Intent.DISPUTE for f in findings):
        findings = [
            f.model_copy(update={"date": None})
            if f.intent is Intent.PROMISE
            and (f.date is None or f.date <= today)
            and lx.CORRECTION.search(fold(f.evidence))
            else f
            for f in findings
        ]
    return findings


def _no_payment(finding: Finding, language: str) -> bool:
    """A payment the model reads where the words say none: "has INV-7 been paid?", "we
    haven't paid it yet", "I thought it had been paid"."""
    if finding.intent is not Intent.ALREADY_PAID:
        return False
    folded = fold(finding.evidence)
    negation = NEGATION.get(language, NEGATION["en"])
    return folded.rstrip().endswith("?") or bool(negation.search(folded) or BELIEF.search(folded))


def _model_reason(prepared: Prepared, model: ReaderModel) -> tuple[DisputeReason, float]:
    reasons = model.heads.get("reason")
    if reasons is None:
        return DisputeReason.OTHER, 0.0
    distribution = reasons.distribution(prepared.features)
    chosen = max(distribution, key=lambda name: (distribution[name], name))
    return DisputeReason(chosen), distribution[chosen]


def _with_reason(finding: Finding, prepared: Prepared, model: ReaderModel) -> Finding:
    """A dispute the rules gave no reason: the model's reason head names one, if sure."""
    if finding.intent is not Intent.DISPUTE or finding.dispute_reason not in {
        None,
        DisputeReason.OTHER,
    }:
        return finding
    reason, probability = _model_reason(prepared, model)
    if probability < REASON_SURE:
        return finding
    return finding.model_copy(update={"dispute_reason": reason})


def _margin(score: float, threshold: float) -> float:
    """How far a score is from its threshold, on a -1..1 scale (0 is on the threshold)."""
    if score >= threshold:
        return (score - threshold) / (1 - threshold) if threshold < 1 else 1.0
    return (score - threshold) / threshold if threshold > 0 else -1.0


_BESIDE_A_PROMISE = frozenset(
    {Intent.DISPUTE, Intent.PAYMENT_PLAN, Intent.ALREADY_PAID, Intent.COPY_REQUEST}
)


def _more_than_a_promise(findings: list[Finding]) -> bool:
    """Beside a request, a dispute, a plan or a payment, "we will pay" says no more than
    they do."""
    return any(f.intent in _BESIDE_A_PROMISE for f in findings)


def _counted(findings: list[Finding], agreement: dict[str, float]) -> dict[str, float]:
    """The agreement the reading's confidence counts: beside what says more, the model's
    doubt of a "we will pay" with no date and no amount ("once the balances are agreed")
    is no doubt of the reading."""
    promises = [f for f in findings if f.intent is Intent.PROMISE]
    if _more_than_a_promise(findings) and all(
        f.date is None and f.amount_cents is None for f in promises
    ):
        return {label: value for label, value in agreement.items() if label != "promise"}
    return agreement


def _unsure_why(findings: list[Finding], agreement: dict[str, float]) -> str | None:
    read = {label for finding in findings for label in labels_of(finding)}
    weakest = min(sorted(agreement), key=lambda label: agreement[label], default=None)
    if weakest is not None and (1 + agreement[weakest]) / 2 < UNSURE_BELOW:
        name = weakest.replace("_", " ")
        if weakest in read:
            return f"read as {name} on the rules' word; the model doubts it"
        return f"may be {name}: near its threshold"
    promises = [f for f in findings if f.intent is Intent.PROMISE]
    if not _more_than_a_promise(findings) and any(f.date is None for f in promises):
        return "a promise with no date it can place"
    paid = [f for f in findings if f.intent is Intent.ALREADY_PAID]
    for promise in promises:
        for payment in paid:
            same = set(promise.invoice_numbers) == set(payment.invoice_numbers)
            if same and promise.amount_cents is None and payment.amount_cents is None:
                return "paid already and a promise to pay, for the same invoices"
    return None
