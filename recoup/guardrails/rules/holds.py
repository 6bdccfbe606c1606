"""No outreach about an invoice on hold: an open dispute, or a promise not yet due."""

from __future__ import annotations

from recoup.guardrails.facts import Facts
from recoup.guardrails.rules.contact import answers_customer
from recoup.guardrails.rules.text import invoice_numbers_in
from recoup.guardrails.verdict import Verdict, deny
from recoup.ledger.models import Invoice
from recoup.ledger.operations.disputes import ended_dispute_raised_in, undisputed_cents
from recoup.ledger.state import Account
from recoup.money import format_money
from recoup.tools.email import SendEmailArgs


def is_acknowledgement(facts: Facts, args: SendEmailArgs) -> bool:
    """A courtesy-toned answer to the customer's own, not yet answered message may name
    held invoices (to confirm a dispute or a promise); it is not a reminder. Replying
    again to an answered message is: one answer per message from the customer."""
    return args.tone == "courtesy" and (
        answers_customer(facts, args) or tells_dispute_outcome(facts, args)
    )


def tells_dispute_outcome(facts: Facts, args: SendEmailArgs) -> bool:
    """A courtesy letter in the thread of a dispute that has ended tells the customer how
    it ended (a credit, a write-off, a rejection with its reason): not a reminder."""
    return args.reply_to_message_id is not None and ended_dispute_raised_in(
        facts.session, facts.account.customer_id, args.reply_to_message_id
    )


def invoices_on_hold(facts: Facts, args: SendEmailArgs) -> Verdict | None:
    if is_acknowledgement(facts, args):
        return None
    account = facts.account
    disputed = account.disputed_invoice_ids()
    promised = account.promised_invoice_ids(facts.today, facts.policy.promises.grace_days)
    named = {n.upper() for n in args.invoice_numbers}
    named |= {n.upper() for n in invoice_numbers_in(f"{args.subject}\n{args.body}", account)}
    for invoice in account.invoices:
        if invoice.number.upper() not in named:
            continue
        if invoice.id in disputed:
            return deny("hold.dispute", _dispute_hold(account, invoice))
        if invoice.id in promised:
            return deny(
                "hold.promise",
                f"invoice {invoice.number} is under a pending promise to pay that is not yet "
                "due (plus grace days): no reminder about it",
            )
    return None


def _dispute_hold(account: Account, invoice: Invoice) -> str:
    """Why a reminder may not name a disputed invoice; for a partly disputed one, what the
    customer can still be written to about (an answer to their own message)."""
    held = f"invoice {invoice.number} has an open dispute: no reminder about it until the "
    held += "dispute is resolved"
    rest = undisputed_cents(account, invoice)
    if rest:
        held += (
            f"; its undisputed part ({format_money(rest, invoice.currency)}) can be confirmed "
            "in a courtesy answer to the customer's message"
        )
    return held
