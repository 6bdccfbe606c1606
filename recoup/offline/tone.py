"""How firm a reminder should be: by age, by the customer's record, within what is allowed."""

from __future__ import annotations

from datetime import date

from recoup.guardrails.rules.tone import customer_cap, ladder_step, tones_sent
from recoup.ledger.models import PromiseStatus
from recoup.ledger.state import AccountState
from recoup.offline.prior import policy
from recoup.policy import Tone

REPEAT_LATE_MIN_PAID = 2
REPEAT_LATE_AVG_DAYS = 15
# A repeat late payer warrants a firm word from mid-month, not only after 30 days.
REPEAT_LATE_FIRM_FROM_DAYS = 15
FOLLOWUP_DAYS = {Tone.COURTESY: 7, Tone.FRIENDLY: 7, Tone.FIRM: 5, Tone.FINAL: 3}
REPEAT_LATE_FOLLOWUP_DAYS = 5


def is_repeat_late_payer(state: AccountState) -> bool:
    habits = state.habits
    broke_a_promise = any(p.status == PromiseStatus.BROKEN.value for p in state.promises)
    usually_late = (
        habits.paid_invoices >= REPEAT_LATE_MIN_PAID
        and (habits.avg_days_late or 0) >= REPEAT_LATE_AVG_DAYS
    )
    return broke_a_promise or usually_late


def by_age(days_past_due: int, *, repeat_late: bool) -> Tone:
    """The tone a collector would reach for, before any limit."""
    if days_past_due <= 0:
        return Tone.COURTESY
    if days_past_due <= 30:
        firm_early = repeat_late and days_past_due >= REPEAT_LATE_FIRM_FROM_DAYS
        return Tone.FIRM if firm_early else Tone.FRIENDLY
    if days_past_due <= 90:
        return Tone.FIRM
    return Tone.FINAL


def sent_since(state: AccountState, overdue_since: date) -> list[Tone]:
    """The tones of the emails already sent since the oldest invoice fell due."""
    return tones_sent(((m.direction, m.at, m.tone) for m in state.recent_messages), overdue_since)


def within_cap(tone: Tone, state: AccountState, days_past_due: int, sent: list[Tone]) -> Tone:
    """No firmer than the policy allows at this age, the ladder of reminders already sent
    allows next, and the cap for this segment or a strategic account: as the guardrails
    judge it, so a reminder is not held for a cap the model could have kept to."""
    rules = policy().tone
    caps = [rules.allowed_for_age(days_past_due), ladder_step(sent)]
    cap = customer_cap(rules, state.segment, state.strategic)
    return min([tone, *caps, *([cap] if cap is not None else [])])


def reminder_tone(
    days_past_due: int, state: AccountState, *, broken_promise: bool, overdue_since: date
) -> Tone:
    wanted = by_age(days_past_due, repeat_late=is_repeat_late_payer(state))
    if broken_promise:
        wanted = max(wanted, Tone.FIRM)
    return within_cap(wanted, state, days_past_due, sent_since(state, overdue_since))


def first_contact(state: AccountState, overdue_since: date) -> bool:
    """No reminder has gone out since the oldest invoice fell due."""
    return not sent_since(state, overdue_since)


def followup_days(tone: Tone, state: AccountState) -> int:
    """How long to give the customer after a reminder: less for one who is usually late."""
    days = FOLLOWUP_DAYS[tone]
    return min(days, REPEAT_LATE_FOLLOWUP_DAYS) if is_repeat_late_payer(state) else days


def softer(tone: Tone) -> Tone | None:
    return Tone(tone - 1) if tone > Tone.COURTESY else None
