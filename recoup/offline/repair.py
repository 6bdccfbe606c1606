"""Re-planning after the guardrails answered: wait, drop, soften, escalate or simplify.

Each denial names a rule; the model answers it the way a collector would and
never sends the same thing twice. An action held for approval is left to the
person who will decide it.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

from recoup.ledger.models import EscalationCategory
from recoup.ledger.state import ContactView, InvoiceView
from recoup.offline.cadence import (
    BROKEN_NOTE,
    FOLLOWUP,
    FOLLOWUP_REASON_MAX,
    THANKS,
    THANKS_NOTE,
    Plan,
    followup,
    no_contact,
)
from recoup.offline.compose import Writer
from recoup.offline.dates import allowed_again, in_days
from recoup.offline.dispute_endings import OUTCOME, Ended, ended_disputes, put_off_note
from recoup.offline.outreach import answer_customer
from recoup.offline.protocol import Action, CallRecord, Conversation
from recoup.offline.readings import Item, deferred_note
from recoup.offline.recipients import contact_by_email, primary_contact
from recoup.offline.reminders import BROKEN_PROMISE, PLAIN, reminder
from recoup.offline.replies import PLAIN_REPLY, REPLY, plain_reply
from recoup.offline.situation import Situation
from recoup.offline.tone import followup_days, softer
from recoup.policy import Tone

HOLDING_REPLY = "holding_reply"
FREQUENCY_RULES = frozenset({"contact.quiet_hours", "contact.min_interval", "contact.weekly_cap"})
RECIPIENT_RULES = frozenset(
    {"contact.recipient_unknown", "contact.do_not_contact", "contact.undeliverable"}
)
HOLD_RULES = frozenset({"hold.dispute", "hold.promise"})
REPLIES = frozenset({REPLY, HOLDING_REPLY, PLAIN_REPLY})
FOLLOWUP_CLAMP_DAYS = 90
_HELD_INVOICE = re.compile(r"invoice (\S+) (?:has|is)")


def repair_plan(
    conv: Conversation,
    here: Situation,
    writer: Writer,
    items: list[Item],
    outcomes: dict[int, list[CallRecord]] | None,
) -> Plan:
    actions: list[Action] = []
    waits: list[tuple[date, str]] = []
    letters: list[Ended] = []
    for call in conv.last_step:
        if call.name == "schedule_followup" and call.rule == "followup.too_far":
            day = in_days(conv.today, FOLLOWUP_CLAMP_DAYS)
            actions.append(followup(day, str(call.args.get("reason", "look again"))))
        if call.name != "send_email":
            continue
        if call.held:
            if call.purpose == REPLY and call.args.get("concession"):
                actions.extend(_holding_reply(items, outcomes, here, writer))
            continue
        if not call.denied:
            continue
        rule = call.rule
        if rule in FREQUENCY_RULES and call.purpose == OUTCOME:
            letters.extend(_put_off_letters(call, conv))
            waits.append((_allowed_again(call, here), ""))
        elif rule in FREQUENCY_RULES:
            waits.extend(_wait(call, here))
        elif rule in HOLD_RULES:
            actions.extend(_without_held(call, here, writer))
        elif rule == "tone.aging":
            actions.extend(_softer(call, here, writer))
        elif rule.startswith("escalation."):
            actions.extend(_escalate(call, here))
        elif rule.startswith("content.") or rule == "concession.undeclared":
            actions.extend(_plainer(call, here, writer))
        elif rule in RECIPIENT_RULES:
            actions.extend(_another_recipient(call, conv, here, writer))
    if waits:
        # Put-off answers first: their note must survive the reason's length limit.
        waits.sort(key=lambda w: not w[1].startswith("answer message"))
        day = max(day for day, _ in waits)
        notes = "; ".join(note for _, note in waits if note)
        # A put-off dispute letter goes last: its reason runs to the end of the note.
        for ended in letters:
            room = FOLLOWUP_REASON_MAX - len(notes) - 2
            notes = "; ".join(n for n in (notes, put_off_note(ended, room)) if n)
        actions = [a for a in actions if a.purpose != FOLLOWUP]
        actions.append(followup(day, notes))
    return Plan(actions)


def _allowed_again(call: CallRecord, here: Situation) -> date:
    return allowed_again(
        call.rule,
        call.reason,
        now=here.now,
        timezone=here.state.timezone,
        touches=here.touches(),
    )


def _put_off_letters(call: CallRecord, conv: Conversation) -> list[Ended]:
    named = set(call.args.get("invoice_numbers") or [])
    return [ended for ended in ended_disputes(conv.events) if ended.invoice in named]


def _wait(call: CallRecord, here: Situation) -> list[tuple[date, str]]:
    day = _allowed_again(call, here)
    message_id = call.args.get("reply_to_message_id")
    if call.purpose in REPLIES and message_id:
        return [(day, deferred_note(int(message_id)))]
    if call.purpose == THANKS:
        return [(day, THANKS_NOTE)]
    if call.purpose == BROKEN_PROMISE:
        return [(day, BROKEN_NOTE)]
    numbers = ", ".join(call.args.get("invoice_numbers") or [])
    return [(day, f"reminder about {numbers} waits: {call.rule}")]


def _invoices(call: CallRecord, here: Situation) -> list[InvoiceView]:
    return [
        inv
        for n in call.args.get("invoice_numbers") or []
        if (inv := here.invoice(str(n))) is not None and not here.on_hold(inv)
    ]


def _recipient(call: CallRecord, here: Situation) -> tuple[Tone, ContactView | None]:
    to = (call.args.get("to") or [""])[0]
    return Tone.parse(str(call.args.get("tone", "friendly"))), contact_by_email(here.state, to)


def _without_held(call: CallRecord, here: Situation, writer: Writer) -> list[Action]:
    found = _HELD_INVOICE.search(call.reason)
    held = found.group(1).upper() if found else ""
    invoices = [inv for inv in _invoices(call, here) if inv.number.upper() != held]
    tone, contact = _recipient(call, here)
    if not invoices or contact is None or call.purpose in REPLIES:
        return []
    return [reminder(writer, invoices, tone, contact, purpose=call.purpose)]


def _softer(call: CallRecord, here: Situation, writer: Writer) -> list[Action]:
    tone, contact = _recipient(call, here)
    gentler = softer(tone)
    invoices = _invoices(call, here)
    if gentler is None or contact is None or not invoices or call.purpose in REPLIES:
        return []
    numbers = ", ".join(i.number for i in invoices)
    return [
        reminder(writer, invoices, gentler, contact, purpose=call.purpose),
        followup(
            in_days(here.conv.today, followup_days(gentler, here.state)),
            f"{gentler.label} reminder about {numbers}",
        ),
    ]


def _escalate(call: CallRecord, here: Situation) -> list[Action]:
    raw = call.rule.split(".", 1)[1]
    known = {c.value for c in EscalationCategory}
    category = raw if raw in known else EscalationCategory.OTHER.value
    if category in here.escalated:
        return []
    here.escalated.add(category)
    return [
        Action(
            "escalate",
            {
                "category": category,
                "reason": call.reason[:1000],
                "recommendation": "Decide whether collection continues, and how; recoup has "
                "stopped writing to the customer until then.",
                "invoice_numbers": list(call.args.get("invoice_numbers") or []),
            },
            "escalate",
        )
    ]


def _plainer(call: CallRecord, here: Situation, writer: Writer) -> list[Action]:
    """Fall back to the plain template: no amounts, no quoted subject."""
    if call.purpose in {PLAIN, PLAIN_REPLY}:
        return []
    tone, contact = _recipient(call, here)
    if contact is None:
        return []
    if call.purpose in REPLIES:
        message_id = call.args.get("reply_to_message_id")
        return [plain_reply(writer, contact, int(message_id) if message_id else None)]
    invoices = _invoices(call, here)
    if not invoices:
        return []
    return [reminder(writer, invoices, tone, contact, purpose=PLAIN)]


def _another_recipient(
    call: CallRecord, conv: Conversation, here: Situation, writer: Writer
) -> list[Action]:
    tried = frozenset(
        str(address).lower()
        for earlier in conv.calls()
        if earlier.name == "send_email" and earlier.rule in RECIPIENT_RULES
        for address in earlier.args.get("to") or []
    )
    contact = primary_contact(here.state, avoid=tried)
    if contact is None:
        if EscalationCategory.CONTACT_CHANGE.value in here.escalated:
            return []
        here.escalated.add(EscalationCategory.CONTACT_CHANGE.value)
        return [no_contact()]
    if call.purpose in REPLIES:
        return [Action("send_email", {**call.args, "to": [contact.email]}, call.purpose)]
    invoices = _invoices(call, here)
    tone = Tone.parse(str(call.args.get("tone", "friendly")))
    if not invoices:
        return []
    return [reminder(writer, invoices, tone, contact, purpose=call.purpose)]


def _holding_reply(
    items: list[Item],
    outcomes: dict[int, list[CallRecord]] | None,
    here: Situation,
    writer: Writer,
) -> list[Action]:
    """The proposal waits for a person; tell the customer it is being looked at."""
    _, reply, _ = answer_customer(items, outcomes, here, writer, plan_held=True)
    if reply is None or reply.name != "send_email":
        return []
    return [replace(reply, purpose=HOLDING_REPLY)]
