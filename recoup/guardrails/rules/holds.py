"""No outreach about an invoice on hold: an open dispute, or a promise not yet due."""

from __future__ import annotations

from recoup.guardrails.facts import Facts
from recoup.guardrails.rules.contact import answers_customer
from recoup.guardrails.rules.text import invoice_numbers_in
from recoup.guardrails.verdict import Verdict, deny
from recoup.tools.email import SendEmailArgs


def is_acknowledgement(facts: Facts, args: SendEmailArgs) -> bool:
    """A courtesy-toned answer to the customer's own, not yet answered message may name
    held invoices (to confirm a dispute or a promise); it is not a reminder. Replying
    again to an answered message is: one answer per message from the customer."""
    return args.tone == "courtesy" and answers_customer(facts, args)


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
            return deny(
                "hold.dispute",
                f"invoice {invoice.number} has an open dispute: no outreach about it until "
                "the dispute is resolved",
            )
        if invoice.id in promised:
            return deny(
                "hold.promise",
                f"invoice {invoice.number} is under a pending promise to pay that is not yet "
                "due (plus grace days): no reminder about it",
            )
    return None
