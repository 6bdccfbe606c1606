"""Messages the agent does not act on by itself: they go to a person as a case.

- A message with a security signal (a bank-detail change, a look-alike sender domain, a
  claimed approval, an injection attempt) opens a security case with the evidence; nothing
  it asks for is done, and outreach waits for the person.
- A message the reader was unsure of opens a reading case; outreach on what it concerns
  (its invoices, or the account) waits the policy's ``reader.unsure_hold_days`` for the
  person's reading. Unless the reading holds something that only holds outreach (a
  dispute, a payment made, a plan, a dated promise, an opt-out) or goes to a person anyway:
  acting on that is already the safe side, and it is acted on.

Either way the customer may get a bare acknowledgement, and nothing firmer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from recoup.ledger.models import EscalationCategory
from recoup.offline.cadence import Plan, followup
from recoup.offline.compose import Writer, long_date
from recoup.offline.dates import in_days
from recoup.offline.prior import unsure_hold_days
from recoup.offline.protocol import Action
from recoup.offline.readings import Item, deferred_note
from recoup.offline.recipients import contact_by_email
from recoup.offline.situation import Situation
from recoup.reader import Intent

CASE = "case"
CASE_REPLY = "case_reply"
FLAG_NAMES = {
    "bank_change": "a request to change bank details",
    "lookalike_domain": "a sender domain that imitates the customer's",
    "claimed_approval": "an approval said to come from one of our people",
    "injection": "instructions aimed at the collections system",
}


@dataclass(frozen=True)
class SetAside:
    """One customer message that goes to a person instead of being acted on."""

    message_id: int
    sender: str
    subject: str
    category: EscalationCategory
    risk: dict[str, str] = field(default_factory=dict)
    unsure_why: str = ""
    invoices: tuple[str, ...] = ()


# A message read as one of these already goes to a person as an escalation of its own: an
# unsure reading of it adds a second case for the same message and nothing else.
_HANDED_OVER = frozenset({Intent.INSOLVENCY, Intent.LEGAL_THREAT, Intent.HOSTILE})
# Acting on these only holds outreach (a dispute, a payment to look for, a plan to weigh, a
# request to stop), and a dispute or plan reaches a person through its own workflow: the
# agent acts on them even when the reader doubts the reading, which is the safe side.
_PROTECTIVE = frozenset({Intent.DISPUTE, Intent.ALREADY_PAID, Intent.PAYMENT_PLAN, Intent.OPT_OUT})


def _settles_a_doubt(item: Item) -> bool:
    """Whether acting on this finding is already what an unsure reading should lead to."""
    if item.intent in _HANDED_OVER or item.intent in _PROTECTIVE:
        return True
    return item.intent is Intent.PROMISE and item.finding.date is not None


def set_aside(items: list[Item], here: Situation) -> tuple[list[Item], list[SetAside]]:
    """(the items the agent acts on, the messages that go to a person)."""
    kept: list[Item] = []
    aside: dict[int, SetAside] = {}
    settled = {item.message_id for item in items if _settles_a_doubt(item)}
    for item in items:
        unsure = item.unsure_why is not None and item.message_id not in settled
        if not item.risk and not unsure:
            kept.append(item)
            continue
        named = [inv.number for n in item.finding.invoice_numbers if (inv := here.invoice(n))]
        earlier = aside.get(item.message_id)
        invoices = tuple(dict.fromkeys([*(earlier.invoices if earlier else ()), *named]))
        aside[item.message_id] = SetAside(
            item.message_id,
            item.sender,
            item.subject,
            EscalationCategory.SECURITY if item.risk else EscalationCategory.READING,
            dict(item.risk),
            item.unsure_why or "",
            invoices,
        )
    return kept, list(aside.values())


def case_actions(cases: list[SetAside], here: Situation) -> list[Action]:
    return [_security(case) if case.risk else _reading(case, here) for case in cases]


def case_plan(cases: list[SetAside], here: Situation, writer: Writer) -> Plan:
    """An acknowledgement to the newest message (only to its sender, when a listed contact;
    put off to business hours) and, for a reading case, a look when its hold ends."""
    newest = max(cases, key=lambda case: case.message_id)
    contact = contact_by_email(here.state, newest.sender)
    writable = contact is not None and contact.contactable
    if writable and here.quiet():
        note = deferred_note(newest.message_id)
        return Plan([followup(here.business_morning(), note)], "acknowledge in business hours")
    actions: list[Action] = []
    if contact is not None and writable:
        email = writer.reply([writer.section("case_received")], contact, newest.subject)
        args = {
            "to": [contact.email],
            "subject": email.subject,
            "body": email.body,
            "tone": "courtesy",
            "invoice_numbers": [],
            "reply_to_message_id": newest.message_id,
        }
        actions.append(Action("send_email", args, CASE_REPLY))
        here.emailed_now = True
    reading = [case for case in cases if not case.risk]
    if reading:
        day = hold_end(here.conv.today)
        actions.append(followup(day, f"the reading hold on message #{reading[-1].message_id} ends"))
    kinds = sorted({case.category.value for case in cases})
    return Plan(actions, f"sent to a person ({', '.join(kinds)})")


def hold_end(today: date) -> date:
    return in_days(today, unsure_hold_days())


def _security(case: SetAside) -> Action:
    signals = "; ".join(
        f"{FLAG_NAMES.get(flag, flag)} ({flag}: “{words}”)" for flag, words in case.risk.items()
    )
    return Action(
        "escalate",
        {
            "category": EscalationCategory.SECURITY.value,
            "reason": f"message #{case.message_id} from {case.sender or 'an unknown sender'} "
            f"carries {signals}; nothing it asks for was done"[:1000],
            "recommendation": "Verify the request with the customer through a contact you "
            "already know (not by answering this message) before anything changes; then "
            "decide whether collection resumes.",
            "invoice_numbers": list(case.invoices),
            "source_message_id": case.message_id,
        },
        CASE,
    )


def _reading(case: SetAside, here: Situation) -> Action:
    what = ", ".join(case.invoices) if case.invoices else "the account"
    until = long_date(hold_end(here.conv.today))
    return Action(
        "escalate",
        {
            "category": EscalationCategory.READING.value,
            "reason": f"message #{case.message_id} could not be read with confidence "
            f"({case.unsure_why}); outreach on {what} is held until {until}"[:1000],
            "recommendation": "Read the message and say what it means: a promise (date and "
            "amount), a dispute (reason), already paid, a redirect (address), a question, "
            "or nothing to do. recoup acts on your reading.",
            "invoice_numbers": list(case.invoices),
            "source_message_id": case.message_id,
        },
        CASE,
    )
