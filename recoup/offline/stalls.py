"""Soft replies: a stall without a date, a claimed write-off, a bare acknowledgement.

- A stall ("we're working on it") gets a thank-you that asks for a date and a follow-up
  in the policy's ``reader.stall_followup_days``; when the customer stalled before, the ask
  is firmer.
- A claimed write-off or credit the ledger does not show is never argued: the invoices
  go to a person to check against the ledger, and reminders about them wait.
- "Received, forwarded to AP" needs no answer: the cadence goes on, nothing is promised.
"""

from __future__ import annotations

from datetime import date

from recoup.ledger.models import Direction, EscalationCategory
from recoup.offline.compose import Writer, invoice_phrase, long_date, template_opening
from recoup.offline.dates import in_days
from recoup.offline.prior import stall_followup_days
from recoup.offline.protocol import Action
from recoup.offline.readings import Item
from recoup.offline.situation import Situation

ESCALATE = "escalate"
_ASKED = (template_opening("stall_ack"), template_opening("stall_repeat"))


def stalled_before(here: Situation) -> bool:
    """Whether the customer stalled before: an earlier answer of ours asked for a date."""
    return any(
        m.direction == Direction.OUTBOUND.value and any(opening in m.text for opening in _ASKED)
        for m in here.state.recent_messages
    )


def stall_section(item: Item, here: Situation, writer: Writer) -> tuple[str, list[str]]:
    """The reply's section for a stall, and the invoices it names."""
    invoices = _concerned(item, here)
    check = stall_followup_day(here)
    template = "stall_repeat" if stalled_before(here) else "stall_ack"
    section = writer.section(
        template,
        invoice_phrase=_phrase(invoices),
        check_date=long_date(check),
    )
    return section, invoices


def stall_followup_reason(item: Item) -> str:
    return f"ask again for a payment date (message #{item.message_id} gave none)"


def stall_followup_day(here: Situation) -> date:
    return in_days(here.conv.today, stall_followup_days())


def write_off_section(item: Item, here: Situation, writer: Writer) -> tuple[str, list[str]]:
    invoices = _concerned(item, here)
    return writer.section("write_off_claim", invoice_phrase=_phrase(invoices)), invoices


def write_off_case(item: Item, here: Situation) -> Action:
    """The claimed invoices go to a person to verify; they wait for the answer."""
    invoices = _concerned(item, here)
    return Action(
        "escalate",
        {
            "category": EscalationCategory.DISPUTE_REVIEW.value,
            "reason": f"message #{item.message_id} says {_phrase(invoices)} was written off, "
            f"credited or is no longer owed; the ledger shows it open: {item.finding.evidence}"[
                :1000
            ],
            "recommendation": "Check the claim against the ledger and the customer's "
            "agreements: issue the credit if it was granted, otherwise tell the customer the "
            "invoice stands and resume collection.",
            "invoice_numbers": invoices,
            "source_message_id": item.message_id,
        },
        ESCALATE,
    )


def _concerned(item: Item, here: Situation) -> list[str]:
    named = [inv.number for n in item.finding.invoice_numbers if (inv := here.invoice(n))]
    if named:
        return list(dict.fromkeys(named))
    return [inv.number for inv in here.state.open_invoices if not here.on_hold(inv)]


def _phrase(invoices: list[str]) -> str:
    return invoice_phrase(invoices) if invoices else "your open invoices"
