"""What an email says must be true of this account's ledger."""

from __future__ import annotations

from recoup.guardrails.facts import Facts
from recoup.guardrails.rules.text import (
    foreign_invoice_numbers,
    invoice_numbers_in,
    money_amounts_cents,
    unknown_invoice_like,
)
from recoup.guardrails.verdict import Verdict, deny
from recoup.ledger.operations.disputes import ended_dispute_amounts, undisputed_cents
from recoup.money import format_money
from recoup.tools.email import SendEmailArgs


def invoices_exist(facts: Facts, args: SendEmailArgs) -> Verdict | None:
    account = facts.account
    for number in [*args.invoice_numbers, *args.attach_invoice_copies]:
        if account.invoice(number) is None:
            return deny("content.unknown_invoice", f"invoice {number} is not on this account")
    text = f"{args.subject}\n{args.body}"
    foreign = foreign_invoice_numbers(facts.session, text, account)
    if foreign:
        return deny(
            "content.foreign_invoice",
            f"the email names {', '.join(foreign)}, which belong to another customer",
        )
    unknown = unknown_invoice_like(text, account)
    if unknown:
        return deny(
            "content.unknown_invoice", f"the email names {', '.join(unknown)}, not on this account"
        )
    return None


def amounts_match(facts: Facts, args: SendEmailArgs) -> Verdict | None:
    account = facts.account
    text = f"{args.subject}\n{args.body}"
    stated = money_amounts_cents(text)
    if not stated:
        return None
    numbers = {n.upper() for n in [*args.invoice_numbers, *invoice_numbers_in(text, account)]}
    named = [inv for inv in account.open_invoices if inv.number.upper() in numbers]
    true_amounts = {inv.amount_cents for inv in account.invoices}
    # A paid or void invoice owes nothing: its zero is no balance to state.
    true_amounts |= {inv.open_cents for inv in account.open_invoices}
    overdue = sum(inv.open_cents for inv in account.open_invoices if inv.due_date < facts.today)
    true_amounts.add(account.balance_cents)
    # Totals of nothing are no facts: an empty sum must not vouch for "$0.00".
    if named:
        true_amounts.add(sum(inv.open_cents for inv in named))
    if overdue:
        true_amounts.add(overdue)
    true_amounts |= {p.amount_cents for p in account.promises}
    true_amounts |= {p.amount_cents for p in account.payments}
    true_amounts |= {d.amount_cents for d in account.open_disputes}
    # The undisputed part of a partly disputed invoice (never a zero: see above).
    true_amounts |= {undisputed_cents(account, inv) for inv in account.open_invoices} - {0}
    if args.concession and args.concession.fee_waiver_amount is not None:
        true_amounts.add(round(args.concession.fee_waiver_amount * 100))
    if any(cents not in true_amounts for cents in stated):
        true_amounts |= ended_dispute_amounts(facts.session, account.customer_id)
    for cents in stated:
        if cents not in true_amounts:
            return deny(
                "content.amount_mismatch",
                f"the email states {format_money(cents, account.customer.currency)}, which "
                "matches no invoice, balance, payment or promise on this account",
            )
    return None
