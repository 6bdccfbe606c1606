"""Discounts, fee waivers, payment plans and extended terms within the policy's limits."""

from __future__ import annotations

from recoup.guardrails.facts import Facts
from recoup.guardrails.verdict import Verdict, needs_approval
from recoup.money import format_money
from recoup.tools.email import SendEmailArgs


def concession_limits(facts: Facts, args: SendEmailArgs) -> Verdict | None:
    offer = args.concession
    if offer is None:
        return None
    limits = facts.policy.concessions
    currency = facts.account.customer.currency
    if offer.kind == "discount":
        pct = offer.discount_pct or 0.0
        if pct > limits.max_discount_pct:
            return needs_approval(
                "concession.discount",
                f"a {pct:g}% discount exceeds the policy's {limits.max_discount_pct:g}%",
            )
    elif offer.kind == "fee_waiver":
        cents = round((offer.fee_waiver_amount or 0) * 100)
        if cents > limits.max_fee_waiver_cents:
            return needs_approval(
                "concession.fee_waiver",
                f"waiving {format_money(cents, currency)} exceeds the policy's "
                f"{format_money(limits.max_fee_waiver_cents, currency)}",
            )
    elif offer.kind == "payment_plan":
        installments, months = offer.installments or 0, offer.months or 0
        balance = facts.account.balance_cents
        if installments > limits.max_plan_installments or months > limits.max_plan_months:
            return needs_approval(
                "concession.payment_plan",
                f"a plan of {installments} instalments over {months} months exceeds the policy "
                f"({limits.max_plan_installments} over {limits.max_plan_months} months)",
            )
        if balance < limits.min_plan_balance_cents:
            return needs_approval(
                "concession.payment_plan",
                f"a plan on a balance of {format_money(balance, currency)} is below the policy's "
                f"minimum of {format_money(limits.min_plan_balance_cents, currency)}",
            )
    elif offer.kind == "extended_terms":
        days = offer.extension_days or 0
        if days > limits.max_extension_days:
            return needs_approval(
                "concession.extension",
                f"extending by {days} days exceeds the policy's {limits.max_extension_days}",
            )
    return None
