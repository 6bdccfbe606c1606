"""Promises, disputes and follow-ups must fit the ledger and the policy's horizon."""

from __future__ import annotations

from datetime import timedelta

from recoup.guardrails.facts import Facts
from recoup.guardrails.verdict import Verdict, deny, needs_approval
from recoup.ledger.operations.disputes import undisputed_cents
from recoup.ledger.operations.promises import (
    DisputedInFull,
    NothingToPromise,
    promised_invoices,
)
from recoup.ledger.operations.refused import OperationRefused
from recoup.money import format_money, to_cents
from recoup.tools.dispute import OpenDisputeArgs
from recoup.tools.followup import ScheduleFollowupArgs
from recoup.tools.promise import LogPromiseArgs

MAX_FOLLOWUP_DAYS = 120


def promise_terms(facts: Facts, args: LogPromiseArgs) -> Verdict | None:
    account = facts.account
    if args.promised_date < facts.today:
        return deny("promise.past_date", f"{args.promised_date} is in the past")
    try:
        invoices = promised_invoices(account, args.invoice_numbers)
    except DisputedInFull as exc:
        return deny("promise.disputed", str(exc))
    except NothingToPromise:
        invoices = []  # the tool says so
    except OperationRefused as exc:
        return deny("promise.unknown_invoice", str(exc))
    covered = sum(undisputed_cents(account, inv) for inv in invoices)
    if args.amount is not None and to_cents(args.amount) > covered:
        return deny(
            "promise.amount",
            f"promised {format_money(to_cents(args.amount), account.customer.currency)} exceeds "
            f"the undisputed open balance it covers "
            f"({format_money(covered, account.customer.currency)})",
        )
    horizon = facts.today + timedelta(days=facts.policy.promises.max_days_ahead)
    if args.promised_date > horizon:
        return needs_approval(
            "promise.horizon",
            f"a promise for {args.promised_date} is beyond the policy's "
            f"{facts.policy.promises.max_days_ahead}-day horizon",
        )
    return None


def dispute_target(facts: Facts, args: OpenDisputeArgs) -> Verdict | None:
    invoice = facts.account.invoice(args.invoice_number)
    if invoice is None or invoice not in facts.account.open_invoices:
        return deny(
            "dispute.unknown_invoice", f"invoice {args.invoice_number} is not open on this account"
        )
    if args.amount is not None and to_cents(args.amount) > invoice.open_cents:
        return deny("dispute.amount", "the disputed amount exceeds the invoice's open balance")
    return None


def followup_date(facts: Facts, args: ScheduleFollowupArgs) -> Verdict | None:
    if args.on < facts.today:
        return deny("followup.past_date", f"{args.on} is in the past")
    if args.on > facts.today + timedelta(days=MAX_FOLLOWUP_DAYS):
        return deny(
            "followup.too_far", f"a follow-up more than {MAX_FOLLOWUP_DAYS} days out is not allowed"
        )
    return None
