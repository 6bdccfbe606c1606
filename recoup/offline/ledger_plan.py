"""What a reply changes in the ledger, or hands to a person, before anyone is answered.

These calls go first, in their own turn: the answer to the customer then says
what actually happened (a promise logged, or held for approval; a dispute opened).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from recoup.ledger.models import DisputeReason, EscalationCategory
from recoup.money import format_money
from recoup.offline.contacts import contact_actions
from recoup.offline.disputed_parts import book_planned_dispute, disputed_part
from recoup.offline.offers import offer_condition, settles_for_less
from recoup.offline.prior import large_balance_cents
from recoup.offline.protocol import Action
from recoup.offline.readings import Item
from recoup.offline.situation import Situation
from recoup.offline.stalls import write_off_case
from recoup.reader import CopyKind, Intent

PROMISE = "promise"
DISPUTE = "dispute"
ESCALATE = "escalate"
CONTACT = "contact"

_UNANSWERABLE = re.compile(
    r"\b(bank|iban|swift|routing|card|address|contact|w-?9|tax|vat|contract|price|pricing"
    r"|discount|credit|refund|portal|login|password|who)\b",
    re.IGNORECASE,
)
# What only a person can settle even beside a dispute: the rest (tax, prices, credits...)
# is what the dispute's reviewer looks at anyway.
_NOT_A_DISPUTE_MATTER = re.compile(
    r"\b(bank|iban|swift|routing|card|address|contact|w-?9|portal|login|password|who)\b",
    re.IGNORECASE,
)
_LEDGER_QUESTION = re.compile(
    r"\b(balance|owe|owing|outstanding|open|amount|total|due|invoices?|statement|how much"
    r"|overdue|paid|unpaid)\b",
    re.IGNORECASE,
)

# Findings the reply itself deals with; a vague question beside them needs no person.
_ANSWERED_BY_REPLY = frozenset(
    {
        Intent.PROMISE,
        Intent.DISPUTE,
        Intent.ALREADY_PAID,
        Intent.COPY_REQUEST,
        Intent.PAYMENT_PLAN,
    }
)
# Findings that already hand the whole message to a person.
_TO_A_PERSON = frozenset(
    {Intent.INSOLVENCY, Intent.LEGAL_THREAT, Intent.HOSTILE, Intent.WRONG_CONTACT}
)


@dataclass(frozen=True)
class Planned:
    """An action and the finding (its index among the items) it answers."""

    item: int
    action: Action


def answerable_from_ledger(item: Item) -> bool:
    evidence = item.finding.evidence
    return bool(_LEDGER_QUESTION.search(evidence)) and not _UNANSWERABLE.search(evidence)


def needs_a_person(item: Item, items: list[Item]) -> bool:
    """A question the ledger cannot answer and nothing else in its message answers.

    "Is INV-7 the March order? Can you send me a copy?": the copy is the answer. A question
    that rides along a copy request, a claimed payment, a dispute, a promise or a plan is
    answered by the reply to those, unless it asks about what only a person can settle
    (bank details, contracts, prices...); beside a dispute, prices, tax and credits are
    the dispute's own matter.
    """
    if item.intent is not Intent.QUESTION or answerable_from_ledger(item):
        return False
    beside = {other.intent for other in items if other.message_id == item.message_id}
    evidence = item.finding.evidence
    if _UNANSWERABLE.search(evidence):
        # "It should be reverse-charged. Could you reissue it without VAT?": the dispute.
        return Intent.DISPUTE not in beside or bool(_NOT_A_DISPUTE_MATTER.search(evidence))
    return not beside & _ANSWERED_BY_REPLY


def dispute_targets(item: Item, here: Situation) -> list[str]:
    """The open invoices a dispute is about; empty when the account leaves it unclear."""
    named = [inv.number for n in item.finding.invoice_numbers if (inv := here.invoice(n))]
    if named:
        return list(dict.fromkeys(named))
    if len(here.state.open_invoices) == 1:
        return [here.state.open_invoices[0].number]
    return []


def promise_invoices(item: Item, here: Situation, disputed: set[str]) -> list[str]:
    named = [inv.number for n in item.finding.invoice_numbers if (inv := here.invoice(n))]
    if named:
        return [n for n in dict.fromkeys(named) if n not in disputed]
    overdue = [
        inv
        for inv in here.state.open_invoices
        if inv.days_past_due > 0 and inv.number not in disputed
    ]
    # "Will pay the 12.500 kr Thursday, the small one after": an amount that is exactly one
    # invoice's balance names that invoice.
    exact = [inv.number for inv in overdue if inv.open_cents == item.finding.amount_cents]
    if len(exact) == 1 and len(overdue) > 1:
        return exact
    return [inv.number for inv in overdue]


def ledger_actions(items: list[Item], here: Situation) -> list[Planned]:
    planned: list[Planned] = []
    # Disputes first: a promise in the same reply never covers a contested part.
    for index, item in enumerate(items):
        if item.intent is Intent.DISPUTE:
            for action in _dispute(item, here):
                planned.append(Planned(index, action))
                if action.name == "open_dispute":
                    book_planned_dispute(here, action)
    disputed = {n for n in here.disputed if n not in here.disputed_parts}
    read_by_a_person = {item.message_id for item in items if _to_a_person(item)}
    # "Take me off your list, write to billing@…": the opt-out leaves someone to write to.
    redirected = {
        item.message_id
        for item in items
        if item.intent is Intent.WRONG_CONTACT and item.finding.redirect_email
    }
    for index, item in enumerate(items):
        if item.intent in {Intent.WRONG_CONTACT, Intent.OPT_OUT}:
            changes = contact_actions(item, here, CONTACT, redirected=item.message_id in redirected)
            if changes is not None:
                planned.extend(Planned(index, action) for action in changes)
                continue
        if item.message_id in read_by_a_person and item.intent in {Intent.QUESTION, Intent.UNKNOWN}:
            # The person who takes the message reads all of it: no second hand-off.
            continue
        other = _other(item, here, disputed, items)
        if other is not None:
            planned.append(Planned(index, other))
    return _one_escalation_per_category(planned)


def _to_a_person(item: Item) -> bool:
    """A redirect to a named address is handled here; without one, a person finds out who."""
    if item.intent is Intent.WRONG_CONTACT:
        return not item.finding.redirect_email
    return item.intent in _TO_A_PERSON


def _dispute(item: Item, here: Situation) -> list[Action]:
    targets = dispute_targets(item, here)
    if not targets:
        return [
            _escalation(
                item,
                here,
                EscalationCategory.DISPUTE_REVIEW,
                reason=f"message #{item.message_id} disputes an invoice without saying which "
                f"({len(here.state.open_invoices)} are open): {item.finding.evidence}",
                recommendation="Identify the contested invoice (the customer has been asked "
                "which one) and open a dispute on it.",
            )
        ]
    reason = item.finding.dispute_reason
    return [
        Action(
            "open_dispute",
            {
                "invoice_number": number,
                "reason": reason.value if reason else DisputeReason.OTHER.value,
                "detail": item.finding.evidence,
                "source_message_id": item.message_id,
            }
            | disputed_part(item, here, targets),
            DISPUTE,
        )
        for number in targets
    ]


def _other(item: Item, here: Situation, disputed: set[str], items: list[Item]) -> Action | None:
    finding = item.finding
    intent = item.intent
    if intent is Intent.PROMISE:
        return _promise(item, here, disputed, items)
    if intent is Intent.WRITE_OFF_CLAIM:
        return write_off_case(item, here)
    if intent is Intent.COPY_REQUEST and CopyKind.TAX_FORM in finding.copy_kinds:
        return _escalation(
            item,
            here,
            EscalationCategory.OTHER,
            reason=f"message #{item.message_id} asks for our tax form (W-9)",
            recommendation=f"Send the W-9 to {item.sender}; the customer was told it is coming.",
        )
    if intent is Intent.QUESTION and needs_a_person(item, items):
        return _escalation(
            item,
            here,
            EscalationCategory.OTHER,
            reason=f"message #{item.message_id} asks a question the ledger cannot answer: "
            f"{finding.evidence}",
            recommendation="Answer the customer; they were told a colleague will reply.",
        )
    if intent is Intent.BOUNCE and not any(c.contactable for c in here.state.contacts):
        return _escalation(
            item,
            here,
            EscalationCategory.CONTACT_CHANGE,
            reason="mail to the account bounced and no contact that can be written to remains",
            recommendation="Find a working billing contact and add it to the account.",
        )
    if intent is Intent.WRONG_CONTACT:
        where = f" and points to {finding.redirect_email}" if finding.redirect_email else ""
        return _escalation(
            item,
            here,
            EscalationCategory.CONTACT_CHANGE,
            reason=f"message #{item.message_id} says we are writing to the wrong person{where}",
            recommendation="Confirm the right billing contact and update the account's contacts; "
            "recoup writes only to listed contacts.",
        )
    if intent is Intent.INSOLVENCY:
        return _escalation(
            item,
            here,
            EscalationCategory.INSOLVENCY,
            reason=f"message #{item.message_id} signals insolvency: {finding.evidence}",
            recommendation="Stop collection outreach, verify the filing, place the account on "
            "credit hold and file a claim with the administrator if confirmed.",
        )
    if intent is Intent.LEGAL_THREAT:
        return _escalation(
            item,
            here,
            EscalationCategory.LEGAL,
            reason=f"message #{item.message_id} mentions legal action: {finding.evidence}",
            recommendation="Hand the account to legal counsel; no further outreach until they "
            "have reviewed it.",
        )
    if intent is Intent.HOSTILE:
        return _escalation(
            item,
            here,
            EscalationCategory.HOSTILE,
            reason=f"message #{item.message_id} is hostile: {finding.evidence}",
            recommendation="A person should answer the customer and decide how collection "
            "continues.",
        )
    if intent is Intent.UNKNOWN and here.state.balance_cents > large_balance_cents():
        balance = format_money(here.state.balance_cents, here.state.currency)
        return _escalation(
            item,
            here,
            EscalationCategory.OTHER,
            reason=f"message #{item.message_id} on a {balance} balance could not be read "
            "with confidence",
            recommendation="Read the message and answer the customer; the balance is large.",
        )
    return None


def _promise(item: Item, here: Situation, disputed: set[str], items: list[Item]) -> Action | None:
    finding = item.finding
    condition = offer_condition(item)
    if condition is not None and finding.date is None:
        return _offer_to_a_person(item, here, condition)
    if finding.date is None or finding.date < here.conv.today:
        return None
    numbers = promise_invoices(item, here, disputed)
    covered = sum(here.collectable_cents(inv) for n in numbers if (inv := here.invoice(n)))
    if condition is not None:
        return _offer(item, finding.date, numbers, covered, condition)
    amount = finding.amount_cents
    if amount is not None:
        # "I've sent half, the rest at month end": the promise is for both halves by
        # that date, so the half in transit does not count as the promise kept.
        amount += _in_transit(item, items, numbers)
    args: dict[str, Any] = {
        "promised_date": finding.date.isoformat(),
        "invoice_numbers": numbers,
        "source_message_id": item.message_id,
        "note": f"promised in message #{item.message_id}",
    }
    if amount is not None and 0 < amount < covered:
        args["amount"] = amount / 100
    return Action("log_promise", args, PROMISE)


def _offer(item: Item, promised: date, numbers: list[str], covered: int, condition: str) -> Action:
    """An offer goes to the concession rules as a promise that hangs on its condition: within
    the policy it is accepted and logged, beyond it a person decides."""
    finding = item.finding
    args: dict[str, Any] = {
        "promised_date": promised.isoformat(),
        "invoice_numbers": numbers,
        "source_message_id": item.message_id,
        "note": f"offered in message #{item.message_id}",
    }
    amount = finding.amount_cents
    if amount is not None and 0 < amount <= covered:
        args["amount"] = amount / 100
    if settles_for_less(item, covered):
        args["settles_in_full"] = True
        if finding.condition:
            args["condition"] = finding.condition
    else:
        args["condition"] = condition
    return Action("log_promise", args, PROMISE)


def _offer_to_a_person(item: Item, here: Situation, condition: str) -> Action:
    offered = item.finding.amount_cents
    what = f" {format_money(offered, here.state.currency)}" if offered else ""
    return _escalation(
        item,
        here,
        EscalationCategory.CONCESSION,
        reason=f"message #{item.message_id} offers to pay{what} on a condition "
        f"({condition}): {item.finding.evidence}",
        recommendation="Accept or decline the offer; the customer was told a colleague will "
        "reply. Nothing was logged as a promise.",
    )


def _in_transit(promise: Item, items: list[Item], numbers: list[str]) -> int:
    """Money the same message says is already on its way for the same invoices."""
    return sum(
        other.finding.amount_cents or 0
        for other in items
        if other.message_id == promise.message_id
        and other.intent is Intent.ALREADY_PAID
        and (not other.finding.invoice_numbers or set(other.finding.invoice_numbers) & set(numbers))
    )


def _escalation(
    item: Item, here: Situation, category: EscalationCategory, *, reason: str, recommendation: str
) -> Action:
    named = [inv.number for n in item.finding.invoice_numbers if (inv := here.invoice(n))]
    return Action(
        "escalate",
        {
            "category": category.value,
            "reason": reason[:1000],
            "recommendation": recommendation,
            "invoice_numbers": list(dict.fromkeys(named)),
            "source_message_id": item.message_id,
        },
        ESCALATE,
    )


def _one_escalation_per_category(planned: list[Planned]) -> list[Planned]:
    seen: set[str] = set()
    kept: list[Planned] = []
    for entry in planned:
        if entry.action.name == "escalate":
            category = entry.action.args["category"]
            if category in seen:
                continue
            seen.add(category)
        kept.append(entry)
    return kept
