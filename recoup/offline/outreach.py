"""Runs with customer email: answer it, mention what else is overdue, set the next look."""

from __future__ import annotations

from datetime import date

from recoup.ledger.state import InvoiceView
from recoup.offline.cadence import Plan, followup, keep_or_set, no_contact, resting_followup
from recoup.offline.compose import Writer, long_date
from recoup.offline.dates import first_followup_day, in_days
from recoup.offline.decisions import read_decisions
from recoup.offline.protocol import Action, CallRecord
from recoup.offline.readings import Item, deferred_note
from recoup.offline.replies import Answer, add_overdue_note, compose_answer, reply_action
from recoup.offline.situation import Situation
from recoup.offline.tone import FOLLOWUP_DAYS
from recoup.policy import Tone
from recoup.reader import Intent


def answer_customer(
    items: list[Item],
    outcomes: dict[int, list[CallRecord]] | None,
    here: Situation,
    writer: Writer,
    *,
    plan_held: bool = False,
) -> tuple[Answer, Action | None, list[InvoiceView]]:
    """The answer, the reply that carries it (if one may go out) and the overdue invoices
    it mentions besides."""
    decisions = read_decisions(here.conv.events)
    answer = compose_answer(
        items, outcomes, here, writer, allow_plan=not decisions.no_plan, plan_held=plan_held
    )
    if here.blocked() is not None or answer.silenced or not answer.sections:
        return answer, None, []
    mentioned: list[InvoiceView] = []
    if (
        not answer.lists_account
        and not answer.unclear_dispute
        and not any(item.intent is Intent.PAYMENT_PLAN for item in items)
        and here.cadence_allows()
    ):
        mentioned = here.actionable()
        if mentioned:
            add_overdue_note(answer, mentioned, writer)
    reply = reply_action(items, answer, here, writer)
    return answer, reply or no_contact(), mentioned


def reply_plan(
    items: list[Item], outcomes: dict[int, list[CallRecord]] | None, here: Situation, writer: Writer
) -> Plan:
    answer, reply, mentioned = answer_customer(items, outcomes, here, writer)
    blocked = here.blocked()
    if blocked is not None or answer.silenced:
        return Plan(note=f"no outreach: {blocked or 'a person must answer'}")
    if reply is not None and reply.name == "send_email":
        if here.quiet():
            note = deferred_note(int(reply.args["reply_to_message_id"]))
            return Plan([followup(here.business_morning(), note)], "answer in business hours")
        here.emailed_now = True
    actions = [reply] if reply else []
    return Plan([*actions, *_next_look(answer, mentioned, here)])


def _next_look(answer: Answer, mentioned: list[InvoiceView], here: Situation) -> list[Action]:
    today = here.conv.today
    if answer.away_until is not None:
        reason = f"the contact is away; look again on their return ({long_date(answer.away_until)})"
        return keep_or_set(here, answer.away_until, reason)
    candidates: list[tuple[date, str]] = list(answer.followups)
    if mentioned:
        numbers = ", ".join(i.number for i in mentioned)
        candidates.append(
            (in_days(today, FOLLOWUP_DAYS[Tone.FRIENDLY]), f"{numbers} mentioned in the reply")
        )
    elif remaining := here.actionable():
        numbers = ", ".join(i.number for i in remaining)
        day = first_followup_day(here.next_touch_allowed(), here.state.timezone)
        candidates.append((day, f"remind about {numbers} when the cadence allows"))
    if not candidates:
        return resting_followup(here)
    day, reason = min(candidates)
    return keep_or_set(here, day, reason)
