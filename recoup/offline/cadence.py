"""Runs without customer email: remind, thank, wait or hand over."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from recoup.clock import as_utc, local_time
from recoup.ledger.models import Direction, EscalationCategory, EventKind
from recoup.offline.compose import Writer, long_date, subject_prefix, template_opening
from recoup.offline.dates import business_day, first_followup_day, in_days
from recoup.offline.decisions import read_decisions
from recoup.offline.protocol import Action
from recoup.offline.recipients import primary_contact
from recoup.offline.reminders import BROKEN_PROMISE, REMINDER, broken_promise_date, reminder
from recoup.offline.situation import Situation
from recoup.offline.tone import FOLLOWUP_DAYS, first_contact, followup_days, reminder_tone
from recoup.policy import Tone

FOLLOWUP = "followup"
FOLLOWUP_REASON_MAX = 300
THANKS = "thanks"
ESCALATE = "escalate"
# What a follow-up says it was put off for, so the run it wakes knows what to do.
THANKS_NOTE = "thank the customer for settling"
BROKEN_NOTE = "chase the broken promise"
DISPUTE_CHECK_DAYS = 14
HOLD_OFF_DAYS = 14
AFTER_PAYMENT_DAYS = 7
FINAL_ANSWER_DAYS = FOLLOWUP_DAYS[Tone.FINAL]
FINAL_NOTICE_AGE_DAYS = 90
# Open cases that make a reminder premature: who to write to, what is contested, or an
# arrangement the customer proposed that a person has yet to accept.
WAITING_FOR_A_PERSON = frozenset(
    {
        EscalationCategory.CONTACT_CHANGE.value,
        EscalationCategory.DISPUTE_REVIEW.value,
        EscalationCategory.PAYMENT_PLAN.value,
        EscalationCategory.CONCESSION.value,
    }
)

# A plan's instalments are monthly; a payment later than that (and the grace) ends the pause.
PLAN_PERIOD_DAYS = 31
PLAN_GRACE_DAYS = 5
_PLAN_OFFER = template_opening("plan_proposal")


@dataclass
class Plan:
    actions: list[Action] = field(default_factory=list)
    note: str = ""


def followup(day: date, reason: str) -> Action:
    return Action(
        "schedule_followup",
        {"on": day.isoformat(), "reason": reason[:FOLLOWUP_REASON_MAX]},
        FOLLOWUP,
    )


def keep_or_set(here: Situation, day: date, reason: str) -> list[Action]:
    """A follow-up on ``day``, unless one is already set for that day."""
    existing = here.state.next_followup_at
    if existing is not None and local_time(as_utc(existing), here.state.timezone).date() == day:
        return []
    return [followup(day, reason)]


def resting_followup(here: Situation) -> list[Action]:
    """Nothing to chase now: look again when the next invoice falls due, or a dispute ages."""
    today = here.conv.today
    candidates: list[tuple[date, str]] = []
    upcoming = [i for i in here.state.open_invoices if i.days_past_due <= 0 and not here.on_hold(i)]
    if upcoming:
        first = min(upcoming, key=lambda i: i.due_date)
        candidates.append(
            (
                business_day(max(first.due_date + timedelta(days=1), today)),
                f"invoice {first.number} falls due on {first.due_date.isoformat()}",
            )
        )
    if here.disputed & {i.number for i in here.state.open_invoices}:
        candidates.append(
            (in_days(today, DISPUTE_CHECK_DAYS), "check on the invoices under dispute review")
        )
    if not candidates:
        return []
    day, reason = min(candidates)
    return keep_or_set(here, day, reason)


def cadence_plan(here: Situation, writer: Writer) -> Plan:
    conv, state = here.conv, here.state
    kinds = set(conv.kinds)
    decisions = read_decisions(conv.events)
    blocked = here.blocked()
    if blocked:
        paused = state.paused_until
        if paused is not None and as_utc(paused) > here.now:
            day = first_followup_day(as_utc(paused), state.timezone)
            return Plan(keep_or_set(here, day, f"outreach paused until {day}"), blocked)
        return Plan(note=f"no outreach: {blocked}")
    if decisions.hold:
        day = in_days(conv.today, HOLD_OFF_DAYS)
        return Plan([followup(day, "a person asked to hold off; look again then")], "holding off")
    if decisions.wait_until is not None and decisions.wait_until > conv.today:
        day = business_day(decisions.wait_until)
        return Plan([followup(day, "a person asked to wait until then")], "waiting as decided")
    if state.balance_cents == 0 and (EventKind.PAYMENT.value in kinds or here.noted(THANKS_NOTE)):
        if here.quiet() or not here.cadence_allows():
            day = first_followup_day(here.next_touch_allowed(), state.timezone)
            return Plan([followup(day, THANKS_NOTE)], "settled; thanks when allowed")
        return Plan(_thanks(here, writer), "the account is settled")
    actionable = here.actionable()
    if not actionable:
        return Plan(resting_followup(here), "nothing overdue is free to chase")
    waiting = sorted(here.escalated & WAITING_FOR_A_PERSON)
    if waiting:
        return Plan(note=f"waiting for a person to decide ({', '.join(waiting)})")
    broken = (EventKind.PROMISE_BROKEN.value in kinds or here.noted(BROKEN_NOTE)) and (
        broken_promise_date(state) is not None
    )
    instalment_due = plan_instalment_due(here)
    if instalment_due is not None and not broken:
        # An agreed plan is being paid: its instalments, not the reminder cadence, set the pace.
        return Plan(
            keep_or_set(here, instalment_due, "check that the next instalment of the plan arrived"),
            "a payment plan is being paid",
        )
    if EventKind.PAYMENT.value in kinds and not broken:
        overdue = writer.money(sum(i.open_cents for i in actionable))
        day = in_days(conv.today, AFTER_PAYMENT_DAYS)
        reason = f"{overdue} still overdue after the payment; remind then if it is not cleared"
        return Plan(keep_or_set(here, day, reason), "part paid")
    if not here.cadence_allows():
        allowed = here.next_touch_allowed()
        existing = state.next_followup_at
        if existing is not None and allowed <= as_utc(existing):
            return Plan(note="written to recently; the next follow-up is already set")
        day = first_followup_day(allowed, state.timezone)
        why = BROKEN_NOTE if broken else "written to recently; remind when the cadence allows"
        return Plan([followup(day, why)])
    oldest = max(i.days_past_due for i in actionable)
    if final_notice_unanswered(here, oldest):
        return Plan([_credit_hold(here, writer, [i.number for i in actionable])])
    contact = primary_contact(state)
    if contact is None:
        return Plan([no_contact()])
    numbers = ", ".join(i.number for i in actionable)
    if here.quiet():
        why = BROKEN_NOTE if broken else f"remind about {numbers} in business hours"
        return Plan([followup(here.business_morning(), why)], "outside business hours")
    overdue_since = min(i.due_date for i in actionable)
    tone = reminder_tone(oldest, state, broken_promise=broken, overdue_since=overdue_since)
    email = reminder(
        writer,
        actionable,
        tone,
        contact,
        purpose=BROKEN_PROMISE if broken else REMINDER,
        first=first_contact(state, overdue_since),
    )
    wait = followup(
        in_days(conv.today, followup_days(tone, state)), f"{tone.label} reminder about {numbers}"
    )
    return Plan([email, wait])


def plan_instalment_due(here: Situation) -> date | None:
    """When the next instalment is due, while a plan we proposed is being paid on time.

    The plan counts as running once a payment arrived after the proposal went out; it stops
    counting when an instalment is more than a period (and a few days' grace) late.
    """
    proposals = [
        as_utc(m.at).date()
        for m in here.state.recent_messages
        if m.direction == Direction.OUTBOUND.value and _PLAN_OFFER in m.text
    ]
    paid_on = here.state.habits.last_payment_on
    if not proposals or paid_on is None or paid_on < max(proposals):
        return None
    due = paid_on + timedelta(days=PLAN_PERIOD_DAYS)
    if here.conv.today > due + timedelta(days=PLAN_GRACE_DAYS):
        return None
    return business_day(max(due + timedelta(days=PLAN_GRACE_DAYS), here.conv.today))


def final_notice_unanswered(here: Situation, oldest_days: int) -> bool:
    """A final notice went out days ago and the customer has not written since."""
    if oldest_days <= FINAL_NOTICE_AGE_DAYS:
        return False
    prefix = subject_prefix("reminder_final")
    finals = [
        as_utc(m.at)
        for m in here.state.recent_messages
        if m.direction == Direction.OUTBOUND.value and m.subject.startswith(prefix)
    ]
    if not finals:
        return False
    sent = max(finals)
    answered = any(
        m.direction == Direction.INBOUND.value and as_utc(m.at) > sent
        for m in here.state.recent_messages
    )
    return not answered and here.now - sent >= timedelta(days=FINAL_ANSWER_DAYS)


def _thanks(here: Situation, writer: Writer) -> list[Action]:
    habits = here.state.habits
    contact = primary_contact(here.state)
    if contact is None or not habits.last_payment_cents or habits.last_payment_on is None:
        return []
    email = writer.email(
        "payment_thanks",
        contact,
        amount=writer.money(habits.last_payment_cents),
        received_on=long_date(habits.last_payment_on),
    )
    return [
        Action(
            "send_email",
            {
                "to": [contact.email],
                "subject": email.subject,
                "body": email.body,
                "tone": "courtesy",
                "invoice_numbers": [],
            },
            THANKS,
        )
    ]


def _credit_hold(here: Situation, writer: Writer, numbers: list[str]) -> Action:
    overdue = writer.money(sum(i.open_cents for i in here.actionable()))
    return Action(
        "escalate",
        {
            "category": EscalationCategory.CREDIT_HOLD.value,
            "reason": f"a final notice about {', '.join(numbers)} ({overdue}) went unanswered",
            "recommendation": "Place the account on credit hold and decide on referral to a "
            "collection agency or legal recovery.",
            "invoice_numbers": numbers,
        },
        ESCALATE,
    )


def no_contact() -> Action:
    return Action(
        "escalate",
        {
            "category": EscalationCategory.CONTACT_CHANGE.value,
            "reason": "the account has overdue invoices but no contact that can be written to",
            "recommendation": "Find a working billing contact and add it to the account.",
        },
        ESCALATE,
    )
