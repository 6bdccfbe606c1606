"""What an email says must be true of this account's ledger."""

from __future__ import annotations

import re

from recoup.guardrails.facts import Facts
from recoup.guardrails.rules.text import (
    foreign_invoice_numbers,
    money_amounts_cents,
    unknown_invoice_like,
)
from recoup.guardrails.verdict import Verdict, deny
from recoup.money import format_money
from recoup.tools.email import SendEmailArgs

_CONCESSION_WORDS = re.compile(
    r"\b(discount|rebate|waive[sd]?|waiver|write[- ]?off|forgive|instal+ments?|payment plan|"
    r"extend(?:ed)? (?:the )?(?:terms|deadline|due date)|extension|% off|credit note)\b",
    re.IGNORECASE,
)


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
    named = [inv for n in args.invoice_numbers if (inv := account.invoice(n)) is not None]
    true_amounts = {inv.amount_cents for inv in account.invoices}
    true_amounts |= {inv.open_cents for inv in account.invoices}
    true_amounts |= {account.balance_cents, sum(inv.open_cents for inv in named)}
    true_amounts |= {
        sum(inv.open_cents for inv in account.open_invoices if inv.due_date < facts.today)
    }
    true_amounts |= {p.amount_cents for p in account.promises}
    true_amounts |= {p.amount_cents for p in account.payments}
    true_amounts |= {d.amount_cents for d in account.open_disputes}
    if args.concession and args.concession.fee_waiver_amount is not None:
        true_amounts.add(round(args.concession.fee_waiver_amount * 100))
    for cents in money_amounts_cents(f"{args.subject}\n{args.body}"):
        if cents not in true_amounts:
            return deny(
                "content.amount_mismatch",
                f"the email states {format_money(cents, account.customer.currency)}, which "
                "matches no invoice, balance, payment or promise on this account",
            )
    return None


def undeclared_concession(_facts: Facts, args: SendEmailArgs) -> Verdict | None:
    if args.concession is None and (match := _CONCESSION_WORDS.search(args.body)):
        return deny(
            "concession.undeclared",
            f"the email offers or mentions '{match.group(0)}' without declaring a concession; "
            "declare it in `concession` so it can be checked against the policy",
        )
    return None
