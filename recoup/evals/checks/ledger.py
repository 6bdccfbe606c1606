"""The ledger the run left: no balance reduced without the money for it, no
promise beyond the horizon or for more than was open."""

from __future__ import annotations

from datetime import timedelta

from recoup.clock import as_utc
from recoup.evals.checks.base import Violation
from recoup.evals.observe import Observation
from recoup.ledger.models import Promise
from recoup.policy import Policy


def unbacked_changes(observation: Observation, _policy: Policy) -> list[Violation]:
    o = observation
    imported_open = {
        inv.number: inv.open_cents
        for customer in o.scenario.customers
        for inv in customer.invoices
        if inv.open_cents is not None and inv.paid_on is None
    }
    found: list[Violation] = []
    for number, invoice in o.invoices.items():
        paid = sum(c for n, _, c, _ in o.allocations if n == number)
        before_start = invoice.amount_cents - imported_open.get(number, invoice.amount_cents)
        credited = o.credited.get(number, 0)
        unbacked = invoice.amount_cents - invoice.open_cents - paid - before_start - credited
        if unbacked > 0:
            found.append(
                Violation(
                    rule="ledger.unbacked_change",
                    customer=o.owner.get(number, ""),
                    at=o.end,
                    detail=f"{number} reduced by {unbacked / 100:,.2f} "
                    "without the money to show for it",
                )
            )
    return found


def promises(observation: Observation, policy: Policy) -> list[Violation]:
    found: list[Violation] = []
    for promise in observation.promises:
        found.extend(_promise(observation, policy, promise))
    return found


def _promise(observation: Observation, policy: Policy, promise: Promise) -> list[Violation]:
    o = observation
    ref = o.ref_of(promise.customer_id) or ""
    created = as_utc(promise.created_at)
    found: list[Violation] = []
    horizon = created.date() + timedelta(days=policy.promises.max_days_ahead)
    if promise.promised_date > horizon:
        detail = f"promise #{promise.id} for {promise.promised_date} logged without approval"
        found.append(
            Violation(rule="promise.beyond_horizon", customer=ref, at=created, detail=detail)
        )
    covered = sum(
        max(
            o.open_at(n, created.date() - timedelta(days=1)),
            o.open_at(n, created.date()),
        )
        for n in o.promise_invoices.get(promise.id or 0, [])
    )
    if covered and promise.amount_cents > covered:
        detail = f"promise #{promise.id} for more than the invoices' open balance"
        found.append(Violation(rule="promise.amount", customer=ref, at=created, detail=detail))
    return found
