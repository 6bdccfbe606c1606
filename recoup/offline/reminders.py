"""Composing reminders: the invoices, their exact open amounts, the tone, the attachments."""

from __future__ import annotations

from recoup.ledger.models import PromiseStatus
from recoup.ledger.state import AccountState, ContactView, InvoiceView
from recoup.offline.compose import Writer, long_date
from recoup.offline.protocol import Action
from recoup.policy import Tone

STATEMENT_FROM_OPEN_INVOICES = 3
TEMPLATES = {
    Tone.COURTESY: "reminder_courtesy",
    Tone.FRIENDLY: "reminder_friendly",
    Tone.FIRM: "reminder_firm",
    Tone.FINAL: "reminder_final",
}
# The first reminder on an invoice long overdue: firm and factual, it threatens nothing yet.
FIRST_FIRM_TEMPLATE = "reminder_firm_first"
# Purposes: what a reminder was for, so that a re-plan can write it again.
REMINDER = "reminder"
BROKEN_PROMISE = "broken_promise"
PLAIN = "plain"


def reminder(
    writer: Writer,
    invoices: list[InvoiceView],
    tone: Tone,
    contact: ContactView,
    *,
    purpose: str = REMINDER,
    first: bool = False,
) -> Action:
    """``first``: no reminder has gone out about these invoices yet."""
    state = writer.state
    statement = len(state.open_invoices) >= STATEMENT_FROM_OPEN_INVOICES and purpose != PLAIN
    values = writer.invoice_values(invoices)
    promised = broken_promise_date(state) if purpose == BROKEN_PROMISE else None
    if purpose == PLAIN:
        template = "plain"
    elif promised is not None:
        template = "broken_promise"
        values["promised_date"] = promised
    else:
        firm_first = first and tone == Tone.FIRM
        template, purpose = FIRST_FIRM_TEMPLATE if firm_first else TEMPLATES[tone], REMINDER
    email = writer.email(
        template, contact, statement_note=writer.statement_note(statement), **values
    )
    return Action(
        "send_email",
        {
            "to": [contact.email],
            "subject": email.subject,
            "body": email.body,
            "tone": tone.label,
            "invoice_numbers": [inv.number for inv in invoices],
            "attach_statement": statement,
        },
        purpose,
    )


def broken_promise_date(state: AccountState) -> str | None:
    broken = [p for p in state.promises if p.status == PromiseStatus.BROKEN.value]
    return long_date(broken[0].promised_date) if broken else None
