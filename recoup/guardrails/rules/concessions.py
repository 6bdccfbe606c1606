"""Discounts, fee waivers, payment plans and extended terms: declared, as large as the
email says, and within the policy's limits."""

from __future__ import annotations

import re
from collections.abc import Callable

from recoup.guardrails.facts import Facts
from recoup.guardrails.verdict import Verdict, deny, needs_approval
from recoup.money import format_money, to_cents
from recoup.tools.email import Concession, SendEmailArgs
from recoup.tools.promise import LogPromiseArgs


def _words(*patterns: str) -> re.Pattern[str]:
    return re.compile(rf"(?<!\w)(?:{'|'.join(patterns)})(?!\w)", re.IGNORECASE)


# Offer language, by the kind of concession that has to be declared for it.
_OFFER_WORDS: dict[str, re.Pattern[str]] = {
    "discount": _words(
        r"discount(?:s|ed)?",
        r"rebates?",
        r"\d+(?:[.,]\d+)?\s?%\s?off",
        r"percent off",
        r"price reduction",
        r"reduc(?:e|ed|ing|tion)(?: of)? (?:the |your )?(?:price|amount|balance|invoice)s?",
        r"credit notes?",
        r"writ(?:e|es|ten|ing)[- ]?offs?",
        r"rabatt",
        r"skonto",
        r"remise",
        r"descuento",
        r"sconto",
        r"korting",
    ),
    "fee_waiver": _words(
        r"waiv(?:e|ed|es|ing|er)",
        r"forgiv(?:e|en|es|ing)",
        r"cancel(?:l?ed|l?ing)? (?:the |your |any )?(?:late |overdue )?(?:fees?|interest|charges?)",
    ),
    "payment_plan": _words(
        r"instal+ments?",
        r"payment (?:plan|schedule)s?",
        r"ratenzahlung",
        r"plan de pagos?",
        r"échéancier",
    ),
    "extended_terms": _words(
        r"extend(?:ed|ing)? (?:the |your )?(?:payment )?(?:terms|deadline|due dates?)",
        r"extensions?",
        r"postpon(?:e|ed|ing) (?:the |your )?(?:payment|due date|deadline)",
        r"zahlungsaufschub",
        r"prórroga",
    ),
}
# Money off what is owed: a discount or a waived fee, whoever proposes it.
MONEY_OFF_LANGUAGE = re.compile(
    f"{_OFFER_WORDS['discount'].pattern}|{_OFFER_WORDS['fee_waiver'].pattern}", re.IGNORECASE
)
# Any offer language at all: what an email without a concession must not contain.
OFFER_LANGUAGE = re.compile(
    "|".join(pattern.pattern for pattern in _OFFER_WORDS.values()), re.IGNORECASE
)
_LABELS = {
    "discount": "a discount",
    "fee_waiver": "a fee waiver",
    "payment_plan": "a payment plan",
    "extended_terms": "extended terms",
}

_Size = Callable[[Concession], float | None]
# Sizes an email states, by kind, with the declared field each must not exceed.
_STATED_SIZES: dict[str, list[tuple[re.Pattern[str], _Size, str]]] = {
    "discount": [
        (
            re.compile(r"(\d+(?:[.,]\d+)?)\s?(?:%|percent(?!\w)|per cent(?!\w))", re.I),
            lambda offer: offer.discount_pct,
            "% discount",
        )
    ],
    "payment_plan": [
        (
            re.compile(r"(?<!\w)(\d+)\s+(?:\w+\s+)?(?:instal+ments?|parts)(?!\w)", re.I),
            lambda offer: offer.installments,
            " instalments",
        ),
        (
            re.compile(r"(?<!\w)(?:over|across|within|for|in)\s+(\d+)\s+months?(?!\w)", re.I),
            lambda offer: offer.months,
            " months",
        ),
    ],
    "extended_terms": [
        (
            re.compile(
                r"(?<!\w)(\d+)\s+(?:extra|additional|more)\s+days(?!\w)"
                r"|(?<!\w)(?:extension|extend\w*)\b[^.\n]{0,40}?\b(?:of|by)\s+(\d+)\s+days(?!\w)",
                re.I,
            ),
            lambda offer: offer.extension_days,
            " days",
        )
    ],
}
_REQUIRED_SIZE: dict[str, tuple[str, ...]] = {
    "discount": ("discount_pct",),
    "fee_waiver": ("fee_waiver_amount",),
    "payment_plan": ("installments", "months"),
    "extended_terms": ("extension_days",),
}


def declared_concession(_facts: Facts, args: SendEmailArgs) -> Verdict | None:
    """An email offers only what it declares in ``concession``, and no more of it."""
    text = f"{args.subject}\n{args.body}"
    offer = args.concession
    for kind, words in _OFFER_WORDS.items():
        match = words.search(text)
        if match is None or (offer is not None and offer.kind == kind):
            continue
        declared = f"declares {_LABELS[offer.kind]}" if offer else "declares no concession"
        return deny(
            "concession.undeclared",
            f"the email offers or mentions '{match.group(0)}' but {declared}; declare "
            f"{_LABELS[kind]} in `concession` so it can be checked against the policy",
        )
    if offer is None:
        return None
    missing = [name for name in _REQUIRED_SIZE[offer.kind] if getattr(offer, name) is None]
    if missing:
        return deny(
            "concession.incomplete",
            f"{_LABELS[offer.kind]} must declare {' and '.join(missing)} so its size can be "
            "checked against the policy",
        )
    for pattern, declared_size, unit in _STATED_SIZES.get(offer.kind, []):
        limit = declared_size(offer) or 0
        for match in pattern.finditer(text):
            stated = float(next(g for g in match.groups() if g).replace(",", "."))
            if stated > limit:
                return deny(
                    "concession.mismatch",
                    f"the email states {stated:g}{unit} but the declared concession is "
                    f"{limit:g}{unit}; state only what is declared",
                )
    return None


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


def conditional_promise(facts: Facts, args: LogPromiseArgs) -> Verdict | None:
    """An offer is not a promise until it is accepted: a settlement for less than the
    invoices' balance is a discount the policy must allow, and any other condition is a
    person's to accept."""
    if not (args.condition or args.settles_in_full):
        return None
    account = facts.account
    currency = account.customer.currency
    named = [account.invoice(number) for number in args.invoice_numbers]
    disputed = account.disputed_invoice_ids()
    invoices = [i for i in named if i is not None] or [
        i for i in account.open_invoices if i.id not in disputed
    ]
    covered = sum(i.open_cents for i in invoices)
    offered = to_cents(args.amount) if args.amount is not None else covered
    if args.settles_in_full and 0 < offered < covered:
        pct = round(100 * (covered - offered) / covered, 2)
        limit = facts.policy.concessions.max_discount_pct
        if pct > limit:
            return needs_approval(
                "concession.discount",
                f"the customer offers {format_money(offered, currency)} to settle "
                f"{format_money(covered, currency)}, a {pct:g}% discount beyond the policy's "
                f"{limit:g}%",
            )
    if args.condition:
        return needs_approval(
            "concession.condition",
            f"the customer's offer to pay {format_money(offered, currency)} by "
            f"{args.promised_date} hangs on a condition: {args.condition[:200]}",
        )
    return None
