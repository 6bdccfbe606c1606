"""The account as it stands mid-run: the state read at the start, plus what this run did."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from recoup.clock import as_utc
from recoup.guardrails.rules.pause import BLOCKING_CATEGORIES
from recoup.guardrails.timing import next_touch_allowed
from recoup.ledger.models import Direction, EscalationCategory, EventKind
from recoup.ledger.state import AccountState, InvoiceView
from recoup.offline.dates import first_followup_day, quiet_now
from recoup.offline.prior import policy, unsure_hold_days
from recoup.offline.protocol import Conversation


@dataclass
class Situation:
    conv: Conversation
    state: AccountState
    disputed: set[str] = field(default_factory=set)
    # The disputed part of each partly disputed invoice: the rest stays collectable.
    disputed_parts: dict[str, int] = field(default_factory=dict)
    promised: set[str] = field(default_factory=set)
    claimed_paid: set[str] = field(default_factory=set)
    escalated: set[str] = field(default_factory=set)
    # What an open reading case holds while a person reads the message: its invoices, or
    # (``reading_account``) the whole account.
    reading_held: set[str] = field(default_factory=set)
    reading_account: bool = False
    emailed_now: bool = False

    @classmethod
    def of(cls, conv: Conversation, state: AccountState) -> Situation:
        here = cls(
            conv,
            state,
            disputed={inv.number for inv in state.open_invoices if inv.disputed},
            promised={inv.number for inv in state.open_invoices if inv.promised},
            escalated={e.category for e in state.open_escalations},
            disputed_parts={
                inv.number: inv.disputed_cents
                for inv in state.open_invoices
                if 0 < inv.disputed_cents < inv.open_cents
            },
        )
        for case in state.open_escalations:
            if case.category == EscalationCategory.READING.value and _holding(case.opened_at, conv):
                here.hold_for_reading(case.invoice_numbers)
        for call in conv.calls():
            if not call.ok or call.result is None:
                continue
            if call.name == "open_dispute":
                here.disputed.add(str(call.result.get("invoice", "")))
                if call.result.get("undisputed_cents"):
                    here.disputed_parts[str(call.result.get("invoice", ""))] = int(
                        call.result.get("amount_cents", 0)
                    )
            elif call.name == "log_promise":
                here.promised.update(str(n) for n in call.result.get("invoices", []))
            elif call.name == "escalate":
                here.escalated.add(str(call.args.get("category", "")))
                if call.args.get("category") == EscalationCategory.READING.value:
                    here.hold_for_reading(list(call.args.get("invoice_numbers") or []))
            elif call.name == "send_email":
                here.emailed_now = True
        return here

    def hold_for_reading(self, invoices: list[str]) -> None:
        if invoices:
            self.reading_held.update(invoices)
        else:
            self.reading_account = True

    @property
    def now(self) -> datetime:
        return self.conv.now

    def invoice(self, number: str) -> InvoiceView | None:
        wanted = number.strip().upper()
        return next((i for i in self.state.open_invoices if i.number.upper() == wanted), None)

    def collectable_cents(self, invoice: InvoiceView) -> int:
        """What of an open invoice is outside its dispute (all of it when undisputed)."""
        if invoice.number in self.disputed_parts:
            return invoice.open_cents - self.disputed_parts[invoice.number]
        return 0 if invoice.number in self.disputed else invoice.open_cents

    def on_hold(self, invoice: InvoiceView) -> bool:
        return (
            invoice.number in self.disputed | self.promised | self.claimed_paid | self.reading_held
        )

    def actionable(self) -> list[InvoiceView]:
        """Overdue invoices nothing is open about: the ones a reminder may name."""
        return [i for i in self.state.open_invoices if i.days_past_due > 0 and not self.on_hold(i)]

    def blocked(self) -> str | None:
        """Why no outreach may happen on this account now, if so."""
        if self.state.taken_over:
            return "a person has taken the account over"
        paused = self.state.paused_until
        if paused is not None and as_utc(paused) > self.now:
            return f"the account is paused until {paused:%Y-%m-%d}"
        if self.reading_account:
            return "a person is reading the customer's message (reading case)"
        blocking = sorted(self.escalated & BLOCKING_CATEGORIES)
        if blocking:
            return f"an escalation ({', '.join(blocking)}) awaits a person"
        return None

    def touches(self) -> list[datetime]:
        """Outbound emails of the last seven days, this run's included."""
        week_ago = self.now - timedelta(days=7)
        moments = [
            as_utc(m.at)
            for m in self.state.recent_messages
            if m.direction == Direction.OUTBOUND.value and as_utc(m.at) >= week_ago
        ]
        return [*moments, self.now] if self.emailed_now else moments

    def last_touch(self) -> datetime | None:
        if self.emailed_now:
            return self.now
        last = self.state.last_touch_at
        return as_utc(last) if last is not None else None

    def next_touch_allowed(self) -> datetime:
        """When the cadence allows the next unsolicited email."""
        return next_touch_allowed(
            policy().contact, now=self.now, last_touch=self.last_touch(), touches=self.touches()
        )

    def cadence_allows(self) -> bool:
        return self.next_touch_allowed() <= self.now

    def quiet(self) -> bool:
        return quiet_now(self.now, self.state.timezone)

    def business_morning(self) -> date:
        """The next follow-up moment within business hours."""
        return first_followup_day(self.now, self.state.timezone)

    def noted(self, note: str) -> bool:
        """Whether a follow-up due now carries ``note``: what an earlier run put off."""
        return any(
            e.get("kind") == EventKind.FOLLOWUP_DUE.value and note in str(e.get("detail") or "")
            for e in self.conv.events
        )


def _holding(opened_at: datetime | None, conv: Conversation) -> bool:
    """Whether a reading case opened then still holds outreach."""
    return (
        opened_at is not None and as_utc(opened_at) + timedelta(days=unsure_hold_days()) > conv.now
    )
