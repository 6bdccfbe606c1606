"""The fixed-schedule dunning baseline: the automation recoup replaces.

On fixed days after an invoice's due date (3, 10, 20, then every 7 days) it
sends the same reminder to the account's primary contact, at 10:00 in the
customer's timezone on business days (a step that falls on a weekend goes
out on the next business day). It is blind to replies, disputes, promises
and bounces. When it is switched on, it sends the latest step an invoice has
already passed, once, as such tools do.

It queues its reminders directly as outbound Message rows (status queued), so
they go through the same outbox, transport and customers as recoup's — but
NOT through recoup's guardrails: filtering it with them would make it smarter
than the tool it stands for. The auditor counts its violations like anyone
else's.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from recoup.clock import Clock, as_utc
from recoup.ledger import audit
from recoup.ledger.db import session as open_session
from recoup.ledger.models import (
    Contact,
    Customer,
    Direction,
    Invoice,
    InvoiceStatus,
    Message,
    MessageStatus,
)
from recoup.money import format_money
from recoup.tools.email import new_message_id

FIRST_STEPS = (3, 10, 20)
WEEKLY = 7
SEND_TIME = time(10, 0)
ACTOR = "dunning"


def step_days(days_past_due: int) -> list[int]:
    """The schedule's steps up to ``days_past_due``."""
    steps = [day for day in FIRST_STEPS if day <= days_past_due]
    day = FIRST_STEPS[-1] + WEEKLY
    while day <= days_past_due:
        steps.append(day)
        day += WEEKLY
    return steps


def next_step(after: int) -> int:
    """The first step of the schedule later than day ``after``."""
    later = [day for day in FIRST_STEPS if day > after]
    if later:
        return later[0]
    return after + WEEKLY - (after - FIRST_STEPS[-1]) % WEEKLY


def reminder_text(
    rows: list[tuple[str, date, str]], *, company_name: str, sender_name: str
) -> tuple[str, str]:
    numbers = ", ".join(number for number, _, _ in rows)
    lines = "\n".join(
        f"  {number}   due {due.isoformat()}   {amount}" for number, due, amount in rows
    )
    subject = f"Payment reminder: {numbers}"
    body = (
        "Dear Customer,\n\n"
        "Our records show that the following invoice(s) on your account are past due:\n\n"
        f"{lines}\n\n"
        "Please arrange payment at your earliest convenience. If you have already made "
        "this payment, please disregard this notice.\n\n"
        f"Thank you,\n{sender_name}\n{company_name}\n"
    )
    return subject, body


class DunningBaseline:
    name = "dunning"

    def __init__(
        self,
        engine: Engine,
        clock: Clock,
        *,
        mail_from: str,
        company_name: str,
        sender_name: str,
    ) -> None:
        self.engine = engine
        self.clock = clock
        self.mail_from = mail_from
        self.company_name = company_name
        self.sender_name = sender_name
        self._reached: dict[int, int] = {}  # invoice id -> the last step handled
        self._due_dates: dict[int, dict[int, date]] = {}
        with open_session(engine) as session:
            customers = list(session.exec(select(Customer)))
            contacts = list(
                session.exec(
                    select(Contact).order_by(col(Contact.is_primary).desc(), col(Contact.id))
                )
            )
        self._zones = {c.id or 0: ZoneInfo(c.timezone) for c in customers}
        self._currency = {c.id or 0: c.currency for c in customers}
        # The address on file when it was switched on: it never learns another.
        self._address: dict[int, str] = {}
        for contact in contacts:
            self._address.setdefault(contact.customer_id, contact.email)
        self.refresh()

    def refresh(self) -> None:
        """Learn the invoices on the ledger (call after new ones are imported)."""
        with open_session(self.engine) as session:
            rows = session.exec(
                select(col(Invoice.customer_id), col(Invoice.id), col(Invoice.due_date)).where(
                    Invoice.status == InvoiceStatus.OPEN.value
                )
            )
            for customer_id, invoice_id, due in rows:
                self._due_dates.setdefault(customer_id, {})[invoice_id or 0] = due

    def _pending(self, customer_id: int, today: date) -> bool:
        """An invoice of the account reached a step not handled yet."""
        return any(
            (steps := step_days((today - due).days)) and steps[-1] > self._reached.get(iid, 0)
            for iid, due in self._due_dates.get(customer_id, {}).items()
        )

    def next_time(self, now: datetime) -> datetime | None:
        """The next batch with something to send: 10:00 on a weekday, customer time,
        on or after the day an invoice reaches its next step."""
        moments = []
        for customer_id, zone in self._zones.items():
            invoices = self._due_dates.get(customer_id, {})
            if not invoices:
                continue
            earliest = min(
                due + timedelta(days=next_step(self._reached.get(iid, 0)))
                for iid, due in invoices.items()
            )
            moments.append(self._next_local_run(now, zone, earliest))
        return min(moments, default=None)

    @staticmethod
    def _next_local_run(now: datetime, zone: ZoneInfo, earliest: date) -> datetime:
        local = now.astimezone(zone)
        day = max(local.date(), earliest)
        for _ in range(8):
            moment = datetime.combine(day, SEND_TIME, tzinfo=zone)
            if moment > local and moment.weekday() < 5:
                return as_utc(moment)
            day += timedelta(days=1)
        raise AssertionError("no weekday in eight days")

    def run(self, now: datetime) -> int:
        """Queue the reminders due for customers whose 10:00 it is; returns how many."""
        due = []
        for customer_id, zone in self._zones.items():
            local = now.astimezone(zone)
            at_ten = local.time().replace(second=0, microsecond=0) == SEND_TIME
            if local.weekday() < 5 and at_ten and self._pending(customer_id, local.date()):
                due.append((customer_id, local.date()))
        if not due:
            return 0
        queued = 0
        with open_session(self.engine) as session:
            for customer_id, today in due:
                queued += self._remind(session, customer_id, today, now)
            session.commit()
        return queued

    def _remind(self, session: Session, customer_id: int, today: date, now: datetime) -> int:
        invoices = session.exec(
            select(Invoice)
            .where(
                Invoice.customer_id == customer_id,
                Invoice.status == InvoiceStatus.OPEN.value,
                Invoice.due_date < today,
            )
            .order_by(col(Invoice.due_date), col(Invoice.id))
        )
        reached = dict(self._reached)
        for invoice_id, due in self._due_dates.get(customer_id, {}).items():
            steps = step_days((today - due).days)
            if steps:
                self._reached[invoice_id] = steps[-1]
        rows = list(invoices)
        still_open = {invoice.id for invoice in rows}
        known = self._due_dates.get(customer_id, {})
        for invoice_id, due in list(known.items()):
            if due < today and invoice_id not in still_open:
                del known[invoice_id]  # paid: nothing more to remind
        due_now = [
            invoice
            for invoice in rows
            if (steps := step_days((today - invoice.due_date).days))
            and steps[-1] > reached.get(invoice.id or 0, 0)
        ]
        address = self._address.get(customer_id)
        if not due_now or address is None:
            return 0
        currency = self._currency[customer_id]
        subject, body = reminder_text(
            [(inv.number, inv.due_date, format_money(inv.open_cents, currency)) for inv in due_now],
            company_name=self.company_name,
            sender_name=self.sender_name,
        )
        message = Message(
            customer_id=customer_id,
            direction=Direction.OUTBOUND.value,
            status=MessageStatus.QUEUED.value,
            message_id=new_message_id(self.mail_from.rpartition("@")[2]),
            from_addr=self.mail_from,
            to_addrs=address,
            subject=subject,
            text=body,
            invoice_numbers=[inv.number for inv in due_now],
            tone="friendly",
            created_at=now,
            next_attempt_at=now,
        )
        session.add(message)
        session.flush()
        audit.record(
            session,
            at=now,
            actor=ACTOR,
            action="send_email",
            reason=f"fixed-schedule reminder about {', '.join(inv.number for inv in due_now)}",
            customer_id=customer_id,
            detail={"outbox_id": message.id},
        )
        return 1
