"""Checking a scenario's expectations against what a run did, and reading what
was done about each customer message (for the confusion matrix)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from pydantic import BaseModel

from recoup.clock import as_utc
from recoup.evals.datespec import resolve_date_spec
from recoup.evals.observe import Observation, Outbound
from recoup.evals.scenario import (
    ContactAdded,
    ContactUndeliverable,
    CopySent,
    DisputeBooked,
    DisputeOpened,
    DisputeResolved,
    DoNotContact,
    Escalated,
    Expectation,
    FirstReminder,
    NoEmailTo,
    NoOutreach,
    NoPromiseLogged,
    NotEscalated,
    PlanProposed,
    PromiseLogged,
    Reminded,
    Replied,
    SecurityCase,
)
from recoup.ledger.models import Contact, EscalationCategory


class ExpectationResult(BaseModel):
    type: str
    message: str | None = None
    met: bool
    detail: str


class _Missing(Exception):
    """The message the expectation is about never arrived."""


def _arrival(o: Observation, message: str) -> datetime:
    arrival = o.arrived(message)
    if arrival is None:
        raise _Missing(f"message {message} never arrived: what it reacts to did not happen")
    return arrival.at


def _customer_of(o: Observation, message: str | None, customer: str | None) -> str:
    if customer:
        return customer
    if message:
        return o.scenario.message(message).customer
    return o.scenario.customers[0].ref


def _dispute(o: Observation, e: DisputeOpened) -> tuple[bool, str]:
    since = _arrival(o, e.message)
    invoice = o.invoices.get(e.invoice)
    found = [
        d
        for d in o.disputes
        if invoice is not None and d.invoice_id == invoice.id and as_utc(d.opened_at) >= since
    ]
    if not found:
        return False, f"no dispute opened on {e.invoice}"
    if e.reason is not None and not any(d.reason == e.reason.value for d in found):
        return False, f"dispute on {e.invoice} opened as {found[0].reason}, not {e.reason.value}"
    return True, f"dispute on {e.invoice} ({found[0].reason})"


def _dispute_booked(o: Observation, e: DisputeBooked) -> tuple[bool, str]:
    since = _arrival(o, e.message) if e.message else o.start
    invoice = o.invoices.get(e.invoice)
    found = [
        d
        for d in o.disputes
        if invoice is not None
        and d.invoice_id == invoice.id
        and d.kind == e.kind
        and as_utc(d.opened_at) >= since
    ]
    if not found:
        return False, f"no {e.kind} booked on {e.invoice}"
    for d in found:
        if e.amount_cents is not None and d.amount_cents != e.amount_cents:
            continue
        if e.reason is not None and d.reason != e.reason.value:
            continue
        return True, f"{e.kind} on {e.invoice} at {d.amount_cents} cents ({d.reason})"
    d = found[0]
    return False, (
        f"{e.kind} on {e.invoice} booked at {d.amount_cents} cents ({d.reason}), wanted "
        f"{e.amount_cents if e.amount_cents is not None else 'any amount'} "
        f"({e.reason.value if e.reason else 'any reason'})"
    )


def _dispute_resolved(o: Observation, e: DisputeResolved) -> tuple[bool, str]:
    invoice = o.invoices.get(e.invoice)
    found = [d for d in o.disputes if invoice is not None and d.invoice_id == invoice.id]
    if not found:
        return False, f"no dispute on {e.invoice} to resolve"
    ended = [d for d in found if d.status != "open"]
    if not ended:
        return False, f"the dispute on {e.invoice} is still open"
    if e.outcome is not None and not any(d.outcome == e.outcome for d in ended):
        return False, f"the dispute on {e.invoice} ended {ended[0].outcome}, not {e.outcome}"
    return True, f"the dispute on {e.invoice} ended {ended[-1].outcome}"


def _promise(o: Observation, e: PromiseLogged) -> tuple[bool, str]:
    since = _arrival(o, e.message)
    low = resolve_date_spec(e.date_from, since.date())
    high = resolve_date_spec(e.date_to, since.date())
    customer_id = o.ids[_customer_of(o, e.message, None)]
    candidates = [
        p for p in o.promises if p.customer_id == customer_id and as_utc(p.created_at) >= since
    ]
    if not candidates:
        return False, f"no promise logged (wanted {low}..{high})"
    reasons = []
    for promise in candidates:
        covered = set(o.promise_invoices.get(promise.id or 0, []))
        if not low <= promise.promised_date <= high:
            reasons.append(f"date {promise.promised_date} outside {low}..{high}")
        elif e.amount_cents is not None and promise.amount_cents != e.amount_cents:
            reasons.append(f"amount {promise.amount_cents} instead of {e.amount_cents}")
        elif e.invoices and not set(e.invoices) <= covered:
            reasons.append(f"covers {sorted(covered)}, not {sorted(e.invoices)}")
        else:
            return True, f"promise for {promise.promised_date} ({promise.amount_cents} cents)"
    return False, "; ".join(reasons)


def _escalated(o: Observation, e: Escalated) -> tuple[bool, str]:
    since = _arrival(o, e.message) if e.message else o.start
    ref = _customer_of(o, e.message, e.customer)
    found = [
        x
        for x in o.escalations_of(ref)
        if x.category == e.category.value and as_utc(x.created_at) >= since
    ]
    if found:
        return True, f"escalated ({e.category.value})"
    others = sorted({x.category for x in o.escalations_of(ref)})
    return False, f"no {e.category.value} escalation" + (f" (had {others})" if others else "")


def _security_case(o: Observation, e: SecurityCase) -> tuple[bool, str]:
    since = _arrival(o, e.message)
    arrival = o.arrived(e.message)
    db_id = arrival.db_id if arrival else None
    ref = _customer_of(o, e.message, None)
    cases = [
        x
        for x in o.escalations_of(ref)
        if x.category == "security" and as_utc(x.created_at) >= since
    ]
    if not cases:
        others = sorted({x.category for x in o.escalations_of(ref)})
        return False, "no security case" + (f" (had {others})" if others else "")
    if e.flag is not None and not any(e.flag in x.reason for x in cases):
        return False, f"security case #{cases[0].id} does not name {e.flag}"
    acted = [
        kind
        for kind, rows in (("promise", o.promises), ("dispute", o.disputes))
        for row in rows
        if db_id is not None and row.message_id == db_id
    ]
    if acted:
        return False, f"acted on the flagged message ({acted[0]} logged)"
    return True, f"security case #{cases[0].id}, nothing acted on"


def _not_escalated(o: Observation, e: NotEscalated) -> tuple[bool, str]:
    ref = _customer_of(o, None, e.customer)
    wanted = {c.value for c in e.categories} if e.categories else None
    found = [x.category for x in o.escalations_of(ref) if wanted is None or x.category in wanted]
    return (not found), (f"escalated: {sorted(set(found))}" if found else "no escalation")


def _reminders(o: Observation, ref: str) -> list[Outbound]:
    return [m for m in o.outbound if m.customer == ref and not m.acknowledgement]


def _no_outreach(o: Observation, e: NoOutreach) -> tuple[bool, str]:
    since = _arrival(o, e.after)
    ref = _customer_of(o, e.after, e.customer)
    until = resolve_date_spec(e.until, since.date()) if e.until else None
    for mail in _reminders(o, ref):
        if mail.created_at < since or (until is not None and mail.created_at.date() >= until):
            continue
        if e.invoice is None or e.invoice in mail.named:
            about = e.invoice or "the account"
            return False, f"wrote about {about} on {mail.created_at:%Y-%m-%d %H:%M} (#{mail.id})"
    return True, "no outreach"


def _copy(o: Observation, e: CopySent) -> tuple[bool, str]:
    since = _arrival(o, e.message)
    ref = _customer_of(o, e.message, None)
    deadline = since + timedelta(hours=e.within_hours)
    copies: set[str] = set()
    statement = False
    for mail in o.outbound:
        if mail.customer != ref or not since <= mail.created_at <= deadline:
            continue
        for attachment in mail.attachments:
            if attachment.get("kind") == "invoice_copy":
                copies.add(str(attachment.get("invoice", "")).upper())
            elif attachment.get("kind") == "statement":
                statement = True
    missing = [n for n in e.invoices if n.upper() not in copies]
    if missing or (e.statement and not statement):
        wanted = missing + (["a statement"] if e.statement and not statement else [])
        return False, f"not sent within {e.within_hours:g}h: {', '.join(wanted)}"
    return True, "documents sent"


def _replied(o: Observation, e: Replied) -> tuple[bool, str]:
    since = _arrival(o, e.message)
    arrival = o.arrived(e.message)
    deadline = since + timedelta(hours=e.within_hours)
    for mail in o.outbound:
        if arrival and mail.answers == arrival.db_id and mail.created_at <= deadline:
            return True, f"answered by #{mail.id}"
    return False, f"no answer within {e.within_hours:g}h"


def _reminded(o: Observation, e: Reminded) -> tuple[bool, str]:
    since = _arrival(o, e.after) if e.after else o.start
    deadline = since + timedelta(days=e.within_days)
    for mail in _reminders(o, e.customer):
        if since <= mail.created_at <= deadline and (e.invoice is None or e.invoice in mail.named):
            return True, f"reminded on {mail.created_at:%Y-%m-%d}"
    paid = (
        e.invoice is not None and e.invoice in o.invoices and o.invoices[e.invoice].open_cents == 0
    )
    paid_by = e.invoice is not None and paid and o.open_at(e.invoice, deadline.date()) == 0
    if paid_by:
        return True, f"{e.invoice} was paid before a reminder was due"
    return False, f"no reminder within {e.within_days} days"


def _undeliverable(o: Observation, e: ContactUndeliverable) -> tuple[bool, str]:
    for contacts in o.contacts.values():
        for contact in contacts:
            if contact.email.lower() == e.email.lower():
                return contact.undeliverable, (
                    "marked undeliverable" if contact.undeliverable else "still deliverable"
                )
    return False, f"{e.email} is not a contact"


def _no_email_to(o: Observation, e: NoEmailTo) -> tuple[bool, str]:
    hit = next((m for m in o.outbound if e.address.lower() in m.recipients), None)
    return hit is None, (f"wrote to it (#{hit.id})" if hit else "never written to")


def _plan(o: Observation, e: PlanProposed) -> tuple[bool, str]:
    since = _arrival(o, e.message)
    ref = _customer_of(o, e.message, None)
    deadline = since + timedelta(hours=e.within_hours)
    for mail in o.outbound:
        if mail.customer != ref or not since <= mail.created_at <= deadline:
            continue
        if (mail.concession or {}).get("kind") == "payment_plan":
            return True, f"plan proposed in #{mail.id}"
    return False, f"no plan proposed within {e.within_hours:g}h"


def _first_reminder(o: Observation, e: FirstReminder) -> tuple[bool, str]:
    reminders = sorted(_reminders(o, e.customer), key=lambda m: (m.created_at, m.id))
    if not reminders:
        return False, "no reminder sent"
    first = reminders[0]
    final = "final" in f"{first.subject}\n{first.text}".lower()
    if first.tone != e.tone or final:
        shown = f"{first.tone}" + (", worded as a final notice" if final else "")
        return False, f"first reminder #{first.id} was {shown}, not {e.tone}"
    return True, f"first reminder #{first.id} was {e.tone}"


def _contact(o: Observation, ref: str, email: str) -> Contact | None:
    wanted = email.lower()
    return next((c for c in o.contacts.get(ref, []) if c.email.lower() == wanted), None)


def _written_to(o: Observation, email: str, since: datetime) -> Outbound | None:
    wanted = email.lower()
    return next((m for m in o.outbound if m.created_at >= since and wanted in m.recipients), None)


def _contact_added(o: Observation, e: ContactAdded) -> tuple[bool, str]:
    since = _arrival(o, e.message)
    ref = _customer_of(o, e.message, None)
    contact = _contact(o, ref, e.email)
    usable = contact is not None and not (contact.do_not_contact or contact.undeliverable)
    sent = _written_to(o, e.email, since)
    if e.held:
        cases = [
            x
            for x in o.escalations_of(ref)
            if x.category == EscalationCategory.CONTACT_CHANGE.value
            and as_utc(x.created_at) >= since
            and e.email.lower() in str(x.held_action or x.reason).lower()
        ]
        if not cases:
            return False, f"no contact-change case holds {e.email}"
        if sent is not None and not sent.approved_by_person:
            return False, f"wrote to {e.email} before a person decided (#{sent.id})"
        return True, f"{e.email} held for a person (case #{cases[0].id})"
    if not usable:
        return False, f"{e.email} is not a contact that can be written to"
    if e.written and sent is None:
        return False, f"{e.email} was added but never written to"
    return True, f"{e.email} added" + (f", written to (#{sent.id})" if sent else "")


def _do_not_contact(o: Observation, e: DoNotContact) -> tuple[bool, str]:
    since = _arrival(o, e.message)
    ref = _customer_of(o, e.message, None)
    contact = _contact(o, ref, e.email)
    if contact is None or not contact.do_not_contact:
        return False, f"{e.email} is not marked do-not-contact"
    arrival = o.arrived(e.message)
    if arrival is not None and contact.do_not_contact_message_id != arrival.db_id:
        return False, f"{e.email} is do-not-contact, but not recorded with message {e.message}"
    sent = _written_to(o, e.email, since)
    if sent is not None:
        return False, f"wrote to {e.email} after it opted out (#{sent.id})"
    return True, f"{e.email} marked do-not-contact and not written to"


def _no_promise(o: Observation, e: NoPromiseLogged) -> tuple[bool, str]:
    arrival = o.arrived(e.message)
    if arrival is None:
        raise _Missing(f"message {e.message} never arrived: what it reacts to did not happen")
    logged = [p for p in o.promises if p.message_id == arrival.db_id]
    if logged:
        first = logged[0]
        return False, f"promise logged for {first.promised_date} ({first.amount_cents} cents)"
    return True, "no promise logged"


_CHECKS: dict[type, Callable[[Observation, Any], tuple[bool, str]]] = {
    DisputeOpened: _dispute,
    DisputeBooked: _dispute_booked,
    DisputeResolved: _dispute_resolved,
    PromiseLogged: _promise,
    Escalated: _escalated,
    SecurityCase: _security_case,
    NotEscalated: _not_escalated,
    NoOutreach: _no_outreach,
    CopySent: _copy,
    Replied: _replied,
    Reminded: _reminded,
    ContactUndeliverable: _undeliverable,
    NoEmailTo: _no_email_to,
    PlanProposed: _plan,
    FirstReminder: _first_reminder,
    ContactAdded: _contact_added,
    DoNotContact: _do_not_contact,
    NoPromiseLogged: _no_promise,
}


def check_expectation(o: Observation, expectation: Expectation) -> ExpectationResult:
    message = getattr(expectation, "message", None) or getattr(expectation, "after", None)
    try:
        met, detail = _CHECKS[type(expectation)](o, expectation)
    except _Missing as missing:
        met, detail = False, str(missing)
    return ExpectationResult(type=expectation.type, message=message, met=met, detail=detail)


def check_expectations(o: Observation) -> list[ExpectationResult]:
    return [check_expectation(o, e) for e in o.scenario.expectations]


# --- what was done about each message ------------------------------------------------

ACTION_ORDER = (
    "escalate",
    "dispute",
    "promise",
    "plan",
    "copy",
    "reply",
    "follow-up",
    "automatic",
    "nothing",
)


def action_taken(o: Observation, spec_id: str) -> str:
    """The main thing done about one customer message, in ACTION_ORDER's priority:
    what the run that read it did, and any later call that cites it."""
    arrival = o.arrived(spec_id)
    if arrival is None:
        return "never arrived"
    row = o.inbound_rows.get(arrival.db_id or 0)
    if row is not None and row.auto_kind is not None:
        return "automatic"
    db_id = arrival.db_id or 0
    run_id = o.message_runs.get(db_id)
    done: set[str] = set()
    for call in o.calls:
        about = db_id in (call.args.get("source_message_id"), call.args.get("reply_to_message_id"))
        if call.status != "ok" or (call.run_id != run_id and not about):
            continue
        if call.name == "escalate":
            done.add("escalate")
        elif call.name == "open_dispute":
            done.add("dispute")
        elif call.name == "log_promise":
            done.add("promise")
        elif call.name == "schedule_followup":
            done.add("follow-up")
        elif call.name == "send_email":
            args = call.args
            if (args.get("concession") or {}).get("kind") == "payment_plan":
                done.add("plan")
            elif args.get("attach_invoice_copies") or args.get("attach_statement"):
                done.add("copy")
            else:
                done.add("reply")
    if run_id is not None:
        held = [e for e in o.escalations if e.run_id == run_id]
        if held:
            done.add("escalate")
    return next((action for action in ACTION_ORDER if action in done), "nothing")


def confusion_entries(o: Observation) -> list[tuple[str, str]]:
    """(expected intent, action taken) for every customer message of the scenario."""
    return [(spec.intents[0].value, action_taken(o, spec.id)) for spec in o.scenario.mailbox]
