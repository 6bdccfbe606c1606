"""Answering the customer: one courtesy reply per run that covers every finding.

One reply, not one per finding: only an answer to the customer's newest message
is exempt from the contact cadence, and a person reads one email more gladly
than three.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from recoup.ledger.models import PromiseStatus
from recoup.ledger.state import ContactView, InvoiceView
from recoup.offline.compose import Writer, invoice_phrase, long_date
from recoup.offline.dates import in_days
from recoup.offline.disputed_parts import disputed_part_ack
from recoup.offline.ledger_plan import answerable_from_ledger, dispute_targets, needs_a_person
from recoup.offline.offers import offer_condition
from recoup.offline.prior import large_balance_cents
from recoup.offline.protocol import Action, CallRecord
from recoup.offline.readings import Item
from recoup.offline.recipients import reply_contact
from recoup.offline.situation import Situation
from recoup.offline.stalls import (
    stall_followup_day,
    stall_followup_reason,
    stall_section,
    write_off_section,
)
from recoup.reader import CopyKind, Intent

REPLY = "reply"
PLAIN_REPLY = "plain_reply"
PAYMENT_CHECK_DAYS = 5
AWAY_DEFAULT_DAYS = 7
DEFAULT_PLAN_INSTALLMENTS = 3
MAX_PLAN_INSTALLMENTS = 120
SILENCING = frozenset({Intent.INSOLVENCY, Intent.LEGAL_THREAT, Intent.HOSTILE})
_NO_REPLY = frozenset(
    {
        Intent.OUT_OF_OFFICE,
        Intent.BOUNCE,
        Intent.WRONG_CONTACT,
        Intent.OPT_OUT,
        Intent.ACKNOWLEDGEMENT,
        *SILENCING,
    }
)


@dataclass
class Answer:
    """What the reply will say and carry, and the follow-ups its findings ask for."""

    sections: list[str] = field(default_factory=list)
    invoices: list[str] = field(default_factory=list)
    copies: list[str] = field(default_factory=list)
    statement: bool = False
    concession: dict[str, Any] | None = None
    lists_account: bool = False
    unclear_dispute: bool = False
    silenced: bool = False
    away_until: date | None = None
    followups: list[tuple[date, str]] = field(default_factory=list)


def compose_answer(
    items: list[Item],
    outcomes: dict[int, list[CallRecord]] | None,
    here: Situation,
    writer: Writer,
    *,
    allow_plan: bool = True,
    plan_held: bool = False,
) -> Answer:
    """``outcomes`` maps an item to the ledger calls made for it; None when the answer was
    put off to a later run and the account state already shows what happened."""
    answer = Answer()
    for index, item in enumerate(items):
        records = None if outcomes is None else outcomes.get(index, [])
        forwarded = needs_a_person(item, items)
        _answer_item(
            answer,
            item,
            records,
            here,
            writer,
            allow_plan=allow_plan,
            held=plan_held,
            forwarded=forwarded,
        )
    answer.invoices = list(dict.fromkeys(answer.invoices))
    return answer


def reply_action(
    items: list[Item], answer: Answer, here: Situation, writer: Writer
) -> Action | None:
    """The reply to the newest message that asked for one, or None."""
    if answer.silenced or not answer.sections:
        return None
    answerable = [i for i in items if i.intent not in _NO_REPLY] or items
    newest = max(answerable, key=lambda i: i.message_id)
    opted_out = frozenset(i.sender.strip().lower() for i in items if i.intent is Intent.OPT_OUT)
    contact = reply_contact(here.state, newest.sender, avoid=opted_out)
    if contact is None:
        return None
    email = writer.reply(answer.sections, contact, newest.subject)
    args: dict[str, Any] = {
        "to": [contact.email],
        "subject": email.subject,
        "body": email.body,
        "tone": "courtesy",
        "invoice_numbers": answer.invoices,
        "attach_invoice_copies": answer.copies,
        "attach_statement": answer.statement,
        "reply_to_message_id": newest.message_id,
    }
    if answer.concession is not None:
        args["concession"] = answer.concession
    return Action("send_email", args, REPLY)


def plain_reply(writer: Writer, contact: ContactView, reply_to_message_id: int | None) -> Action:
    """The fallback answer: no amounts, no invoice numbers, no words of the customer's."""
    email = writer.email("plain_reply", contact)
    return Action(
        "send_email",
        {
            "to": [contact.email],
            "subject": email.subject,
            "body": email.body,
            "tone": "courtesy",
            "invoice_numbers": [],
            "reply_to_message_id": reply_to_message_id,
        },
        PLAIN_REPLY,
    )


def add_overdue_note(answer: Answer, invoices: list[InvoiceView], writer: Writer) -> None:
    """Mention the other overdue invoices, courteously, in the reply."""
    answer.sections.append(writer.section("others_overdue", **writer.invoice_values(invoices)))
    answer.invoices = list(dict.fromkeys([*answer.invoices, *(i.number for i in invoices)]))


def _answer_item(
    answer: Answer,
    item: Item,
    records: list[CallRecord] | None,
    here: Situation,
    writer: Writer,
    *,
    allow_plan: bool,
    held: bool,
    forwarded: bool = True,
) -> None:
    intent = item.intent
    if intent in SILENCING:
        answer.silenced = True
    elif intent is Intent.PROMISE:
        _promise(answer, item, records, here, writer)
    elif intent is Intent.DISPUTE:
        _dispute(answer, item, records, here, writer)
    elif intent is Intent.ALREADY_PAID:
        _already_paid(answer, item, here, writer)
    elif intent is Intent.COPY_REQUEST:
        _copies(answer, item, here, writer)
    elif intent is Intent.QUESTION:
        if answerable_from_ledger(item):
            _account_overview(answer, "question_answer", here, writer)
        elif forwarded:
            answer.sections.append(writer.section("question_forwarded"))
    elif intent is Intent.PAYMENT_PLAN:
        if allow_plan and not item.injection_suspected:
            _plan(answer, item, here, writer, held=held)
        else:
            _account_overview(answer, "settle_question", here, writer)
    elif intent is Intent.OUT_OF_OFFICE:
        back = item.finding.date
        if back is not None and back >= here.conv.today:
            day = in_days(back, 1)
        else:
            day = in_days(here.conv.today, AWAY_DEFAULT_DAYS)
        answer.away_until = max(answer.away_until or day, day)
    elif intent in (Intent.STALL, Intent.WRITE_OFF_CLAIM):
        _soft(answer, item, here, writer)
    elif intent is Intent.UNKNOWN and here.state.balance_cents <= large_balance_cents():
        _account_overview(answer, "settle_question", here, writer)


def _soft(answer: Answer, item: Item, here: Situation, writer: Writer) -> None:
    """A stall asks for a date and looks again soon; a claimed write-off is not argued."""
    if item.intent is Intent.STALL:
        section, invoices = stall_section(item, here, writer)
        answer.followups.append((stall_followup_day(here), stall_followup_reason(item)))
    else:
        section, invoices = write_off_section(item, here, writer)
        here.claimed_paid.update(invoices)
    answer.sections.append(section)
    answer.invoices.extend(invoices)


def _promise(
    answer: Answer, item: Item, records: list[CallRecord] | None, here: Situation, writer: Writer
) -> None:
    logged = next((r for r in records or [] if r.name == "log_promise"), None)
    offer = offer_condition(item) is not None
    if offer and (logged is None or not logged.ok):
        # Never "thank you for confirming" to an offer recoup has not accepted.
        answer.sections.append(writer.section("offer_review"))
        return
    if records is None:
        # Put off to this run: the promise it made is on the ledger, the newest if no date fits.
        pending = [p for p in here.state.promises if p.status == PromiseStatus.PENDING.value]
        promise = next((p for p in pending if p.promised_date == item.finding.date), None)
        promise = promise or (pending[0] if pending else None)
        if promise is not None:
            _promise_ack(
                answer, promise.invoices, promise.amount_cents, promise.promised_date, here, writer
            )
        return
    if logged is not None and logged.ok and logged.result:
        result = logged.result
        _promise_ack(
            answer,
            [str(n) for n in result.get("invoices", [])],
            int(result.get("amount_cents", 0)),
            date.fromisoformat(str(result["promised_date"])),
            here,
            writer,
        )
    elif logged is not None and logged.held and item.finding.date is not None:
        answer.sections.append(
            writer.section("promise_review", promised_date=long_date(item.finding.date))
        )
    else:
        answer.sections.append(writer.section("promise_date_question"))


def _promise_ack(
    answer: Answer,
    numbers: list[str],
    amount_cents: int,
    promised: date,
    here: Situation,
    writer: Writer,
) -> None:
    invoices = [inv for n in numbers if (inv := here.invoice(n))]
    covered = sum(here.collectable_cents(inv) for inv in invoices)
    phrase = invoice_phrase([inv.number for inv in invoices])
    if amount_cents and amount_cents != covered:
        what = f"{writer.money(amount_cents)} towards {phrase}"
    elif len(invoices) == 1:
        what = f"{phrase} ({writer.money(covered)})"
    else:
        what = f"{phrase} ({writer.money(amount_cents)} in total)"
    answer.sections.append(
        writer.section("promise_ack", promise_what=what, promised_date=long_date(promised))
    )
    answer.invoices.extend(inv.number for inv in invoices)


def _dispute(
    answer: Answer, item: Item, records: list[CallRecord] | None, here: Situation, writer: Writer
) -> None:
    if records is None:
        opened = [n for n in dispute_targets(item, here) if n in here.disputed]
    else:
        opened = [
            str(r.result.get("invoice"))
            for r in records
            if r.name == "open_dispute" and r.ok and r.result
        ]
    invoices = [inv for n in dict.fromkeys(opened) if (inv := here.invoice(n))]
    whole = [inv for inv in invoices if inv.number not in here.disputed_parts]
    if whole:
        answer.sections.append(writer.section("dispute_ack", **writer.invoice_values(whole)))
    for part in (inv for inv in invoices if inv.number in here.disputed_parts):
        answer.sections.append(disputed_part_ack(part, here, writer))
    if invoices:
        answer.invoices.extend(inv.number for inv in invoices)
        return
    answer.unclear_dispute = True
    _account_overview(answer, "dispute_which", here, writer)


def _already_paid(answer: Answer, item: Item, here: Situation, writer: Writer) -> None:
    named = [inv for n in item.finding.invoice_numbers if (inv := here.invoice(n))]
    paid_what = f" {invoice_phrase([inv.number for inv in named])}" if named else ""
    answer.sections.append(writer.section("already_paid", paid_what=paid_what))
    if not item.finding.payment_reference:
        answer.sections.append(writer.section("remittance_request"))
    answer.invoices.extend(inv.number for inv in named)
    claimed = named or [i for i in here.state.open_invoices if i.number not in here.disputed]
    here.claimed_paid.update(inv.number for inv in claimed)
    answer.followups.append(
        (
            in_days(here.conv.today, PAYMENT_CHECK_DAYS),
            f"check that the payment reported in message #{item.message_id} has arrived",
        )
    )


def _copies(answer: Answer, item: Item, here: Situation, writer: Writer) -> None:
    kinds = item.finding.copy_kinds or [CopyKind.INVOICE]
    documents: list[str] = []
    if CopyKind.INVOICE in kinds:
        named = [inv.number for n in item.finding.invoice_numbers if (inv := here.invoice(n))]
        copies = list(dict.fromkeys(named)) or [inv.number for inv in here.state.open_invoices]
        if copies:
            noun = "a copy of" if len(copies) == 1 else "copies of"
            documents.append(f"{noun} {invoice_phrase(copies)}")
            answer.copies.extend(copies)
            answer.invoices.extend(copies)
    if CopyKind.STATEMENT in kinds:
        documents.append("a statement of your account")
        answer.statement = True
    if documents:
        answer.sections.append(writer.section("copy_request", documents=" and ".join(documents)))
    if CopyKind.TAX_FORM in kinds:
        answer.sections.append(writer.section("tax_form"))


def _account_overview(answer: Answer, template: str, here: Situation, writer: Writer) -> None:
    """A section that lists every open invoice, with the balance."""
    invoices = here.state.open_invoices
    if answer.lists_account or not invoices:
        return
    answer.sections.append(
        writer.section(
            template,
            balance=writer.money(here.state.balance_cents),
            invoice_lines=writer.invoice_lines(invoices),
        )
    )
    answer.invoices.extend(inv.number for inv in invoices)
    answer.lists_account = True


def _plan(answer: Answer, item: Item, here: Situation, writer: Writer, *, held: bool) -> None:
    if here.state.balance_cents <= 0:
        return
    if held:
        answer.sections.append(writer.section("plan_review"))
        return
    balance = here.state.balance_cents
    installments = item.finding.installments or item.finding.months or DEFAULT_PLAN_INSTALLMENTS
    months = item.finding.months or installments
    monthly = item.finding.amount_cents
    if monthly and installments * monthly < balance:
        # "$200 a month": as many monthly payments as the balance takes at that rate.
        installments = months = min(MAX_PLAN_INSTALLMENTS, -(-balance // monthly))
    answer.sections.append(
        writer.section(
            "plan_proposal",
            balance=writer.money(balance),
            installments=str(installments),
            months=str(months),
        )
    )
    answer.concession = {"kind": "payment_plan", "installments": installments, "months": months}
