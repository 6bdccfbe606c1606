"""No reminder about an invoice the customer contests or promised to pay,
whether or not the ledger recorded the dispute or the promise."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from recoup.clock import as_utc
from recoup.evals.checks.base import Violation, about, in_order
from recoup.evals.datespec import resolve_date_spec
from recoup.evals.observe import Observation, tokens
from recoup.evals.scenario import DisputeBooked, DisputeOpened, Intent, PromiseLogged
from recoup.policy import Policy


def holds_on_reminders(observation: Observation, policy: Policy) -> list[Violation]:
    holds = customer_holds(observation, policy) + ledger_holds(observation, policy)
    found: list[Violation] = []
    for mail in in_order(observation):
        if mail.acknowledgement:
            continue
        for number in sorted(mail.named):
            if observation.owner.get(number) != mail.customer:
                continue
            for hold in holds:
                if hold.invoice == number and _held(hold, mail.created_at):
                    found.append(
                        about(
                            mail,
                            f"hold.{hold.why}",
                            f"reminder names {number}, under a {hold.why} since "
                            f"{hold.since:%Y-%m-%d %H:%M}",
                        )
                    )
                    break
    return found


@dataclass(frozen=True)
class Hold:
    """An invoice the customer contests or promised, from ``since`` until ``until``."""

    invoice: str
    since: datetime
    until: date | None
    why: str


def customer_holds(observation: Observation, policy: Policy) -> list[Hold]:
    """What the customers actually said, whatever the ledger made of it: the
    disputes the scenario expects, the invoices a disputing message names and
    the persona contests, and the invoices a promise covers."""
    holds: list[Hold] = []
    grace = timedelta(days=policy.promises.grace_days)
    for expectation in observation.scenario.expectations:
        if isinstance(expectation, DisputeOpened):
            arrival = observation.arrived(expectation.message)
            if arrival is not None:
                until = _ended_on(observation, expectation.invoice, arrival.at)
                holds.append(Hold(expectation.invoice, arrival.at, until, "dispute"))
    for expectation in observation.scenario.expectations:
        if isinstance(expectation, DisputeBooked) and expectation.message is not None:
            arrival = observation.arrived(expectation.message)
            if arrival is not None:
                until = _ended_on(observation, expectation.invoice, arrival.at)
                holds.append(Hold(expectation.invoice, arrival.at, until, "dispute"))
    for spec in observation.scenario.mailbox:
        arrival = observation.arrived(spec.id)
        if arrival is None or Intent.DISPUTE not in spec.intents:
            continue
        contested = observation.scenario.customer(spec.customer).persona.withholds
        named = tokens(spec.body)
        holds.extend(
            Hold(number, arrival.at, _ended_on(observation, number, arrival.at), "dispute")
            for number in contested
            if number.upper() in named
        )
    for spec in observation.scenario.mailbox:
        arrival = observation.arrived(spec.id)
        if spec.promise is None or arrival is None:
            continue
        promised = resolve_date_spec(spec.promise.date, arrival.at.date())
        until = promised + grace
        invoices = list(spec.promise.invoices) or next(
            (
                list(e.invoices or [])
                for e in observation.scenario.expectations
                if isinstance(e, PromiseLogged) and e.message == spec.id and e.invoices
            ),
            [],
        )
        if not invoices:  # "we'll pay it all": what was open and due by then
            day = arrival.at.date()
            invoices = [
                inv.number
                for inv in observation.invoices_of(spec.customer)
                if inv.issue_date <= day
                and inv.due_date < promised
                and observation.open_at(inv.number, day) > 0
            ]
        holds.extend(Hold(number, arrival.at, until, "promise") for number in invoices)
    return holds


def _ended_on(observation: Observation, number: str, since: datetime) -> date | None:
    """The day a person (or the system of record) ended the dispute raised then: the
    customer's contest is answered from that day."""
    invoice = observation.invoices.get(number)
    ends = [
        as_utc(d.resolved_at).date()
        for d in observation.disputes
        if invoice is not None
        and d.invoice_id == invoice.id
        and d.resolved_at is not None
        and as_utc(d.resolved_at) >= since
    ]
    return min(ends) if ends else None


def ledger_holds(observation: Observation, policy: Policy) -> list[Hold]:
    numbers = {inv.id: number for number, inv in observation.invoices.items()}
    holds = [
        Hold(
            numbers.get(d.invoice_id, ""),
            as_utc(d.opened_at),
            d.resolved_at.date() if d.resolved_at else None,
            "dispute",
        )
        for d in observation.disputes
    ]
    grace = timedelta(days=policy.promises.grace_days)
    for promise in observation.promises:
        until = promise.promised_date + grace
        if promise.settled_at is not None:
            until = min(until, as_utc(promise.settled_at).date())
        holds.extend(
            Hold(number, as_utc(promise.created_at), until, "promise")
            for number in observation.promise_invoices.get(promise.id or 0, [])
        )
    return holds


def _held(hold: Hold, moment: datetime) -> bool:
    if moment < hold.since:
        return False
    return hold.until is None or moment.date() <= hold.until
