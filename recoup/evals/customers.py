"""The customers of a scenario: they read what was actually sent to them, reply
as the recorded mailbox says, and pay as their persona would.

A persona pays an invoice

- on its own, at the due date plus a lateness drawn from its calibration band,
  if that date is still ahead (an invoice already later than its habit needs
  a nudge) and the customer is a silent one (the others act as their mail
  says);
- after an email that names the invoice (or attaches a statement), with the
  band's reminder-response probability, scaled by the email's tone and cut by
  earlier annoyance (reminders about what it disputes or promised), a few
  days later;
- on the date it promised, with its promise-keeping probability;
- once what held it back is resolved: a copy it needed, an answer to its
  question, a plan it asked for (then by instalments).

It never pays what it contests, nor anything if it does not pay at all.
Mail to a dead address bounces; mail to an absent contact gets its
out-of-office and is read on return; mail to a contact who does not handle
payables reaches nobody who pays. Every draw is keyed (dice.py), so recoup
and the baseline face the same customers.
"""

from __future__ import annotations

import heapq
import itertools
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from email.message import EmailMessage
from email.utils import getaddresses
from zoneinfo import ZoneInfo

from recoup.clock import at_utc
from recoup.evals.calibration import Calibration, quantile_value
from recoup.evals.datespec import resolve_date_spec
from recoup.evals.dice import Dice
from recoup.evals.mailbox import compose_bounce, compose_mail, plain_text
from recoup.evals.scenario import CustomerSpec, MessageSpec, Profile, Scenario

PAYMENT_TIME = time(13, 0)
BOUNCE_DELAY = timedelta(minutes=2)
FALLBACK_TIME = time(15, 0)
_PLAN_WORDS = re.compile(
    r"\b(instal+ments?|payment plan|payment arrangement|monthly payments?|plan de pagos|"
    r"échéancier|ratenzahlung|betalingsregeling|rateizzazione)\b",
    re.IGNORECASE,
)
_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9/_-]*[A-Za-z0-9]")


@dataclass(frozen=True)
class PlannedMail:
    customer: str
    raw: bytes
    spec_id: str | None
    message_id: str


@dataclass(frozen=True)
class PlannedPayment:
    customer: str
    invoices: tuple[str, ...]
    amount_cents: int | None
    references: str
    reason: str
    method: str = "transfer"
    binding: bool = False  # promised or scripted: paid whatever the persona's gates say
    instalment: tuple[int, int] | None = (
        None  # (index, count): pays 1/(count-index) of what is open
    )


@dataclass(order=True)
class _Item:
    at: datetime
    order: int
    what: PlannedMail | PlannedPayment | _Reading | _Fallback = field(compare=False)


@dataclass(frozen=True)
class _Reading:
    """Mail read later (the contact was away)."""

    customer: str
    email: EmailMessage
    tone: str | None


@dataclass(frozen=True)
class _Fallback:
    spec_id: str


@dataclass
class _Watch:
    """A message waiting for what it reacts to."""

    spec: MessageSpec
    seen: int = 0


@dataclass
class Persona:
    spec: CustomerSpec
    profile: Profile
    reminder_response: float
    delay: tuple[int, int]
    promise_keeping: float
    known: set[str] = field(default_factory=set)
    planned: set[str] = field(default_factory=set)
    paid: set[str] = field(default_factory=set)
    copies: set[str] = field(default_factory=set)
    statement: bool = False
    answered: bool = False
    plan_agreed: bool = False
    annoyance: int = 0
    nudges: int = 0
    promised_until: dict[str, date] = field(default_factory=dict)
    sent_ids: set[str] = field(default_factory=set)

    @property
    def ref(self) -> str:
        return self.spec.ref

    def invoice_due(self, number: str) -> date:
        return next(inv.due for inv in self.spec.invoices if inv.number == number)

    def contests(self, number: str) -> bool:
        return number in self.spec.persona.withholds

    def has_copy(self, number: str) -> bool:
        wanted = self.spec.persona.needs_copy
        if number in wanted:
            return number in self.copies
        if "*" in wanted:
            return self.statement or number in self.copies
        return True

    def willing(self, number: str, today: date) -> bool:
        """Would pay this invoice now if nudged (nothing holds it back)."""
        persona = self.spec.persona
        if not persona.pays or self.contests(number):
            return False
        if number in self.paid or number in self.planned or number not in self.known:
            return False
        if persona.wants_plan is not None:
            return False
        if persona.needs_answer and not self.answered:
            return False
        promised = self.promised_until.get(number)
        if promised is not None and promised >= today:
            return False
        return self.has_copy(number)


class Customers:
    def __init__(
        self, scenario: Scenario, calibration: Calibration, dice: Dice, *, to_address: str
    ) -> None:
        self.scenario = scenario
        self.calibration = calibration
        self.dice = dice
        self.to_address = to_address
        self._queue: list[_Item] = []
        self._order = itertools.count()
        self.personas = {c.ref: self._persona(c) for c in scenario.customers}
        self._watches: list[_Watch] = []
        self._fired: set[str] = set()
        self._delivered: dict[str, str] = {}  # spec id -> Message-ID it went out with
        self._dsn = itertools.count(1)
        start = scenario.start
        for spec in scenario.mailbox:
            when = spec.when
            if when.at is not None:
                self._push(max(when.at, start), _Fallback(spec.id))
                continue
            self._watches.append(_Watch(spec))
            if when.fallback_day is not None:
                day = start.date() + timedelta(days=when.fallback_day)
                self._push(at_utc(day, FALLBACK_TIME), _Fallback(spec.id))
        for payment in scenario.payments:
            if payment.on is not None:
                self._push(
                    max(at_utc(payment.on, PAYMENT_TIME), start),
                    self._scripted(
                        payment.customer, payment.amount_cents, payment.references, payment.method
                    ),
                )
        for persona in self.personas.values():
            for invoice in persona.spec.invoices:
                if invoice.paid_on is None and invoice.issued <= start.date():
                    self.invoice_issued(persona.ref, invoice.number, start)

    # --- setup ---------------------------------------------------------------------

    def _persona(self, spec: CustomerSpec) -> Persona:
        persona = spec.persona
        assumptions = self.calibration.assumptions
        profile = persona.profile or self._draw_profile(spec.ref)
        return Persona(
            spec=spec,
            profile=profile,
            reminder_response=(
                persona.reminder_response
                if persona.reminder_response is not None
                else assumptions.reminder_response[profile]
            ),
            delay=persona.response_delay_days or assumptions.response_delay_days,
            promise_keeping=(
                persona.promise_keeping
                if persona.promise_keeping is not None
                else assumptions.promise_keeping[profile]
            ),
        )

    def _draw_profile(self, ref: str) -> Profile:
        roll = self.dice.random(ref, "profile")
        total = 0.0
        for profile, band in self.calibration.bands.items():
            total += band.share
            if roll < total:
                return profile
        return Profile.ON_TIME

    def invoice_issued(self, ref: str, number: str, now: datetime) -> None:
        """Schedule the persona's own payment of a new (or imported) open invoice.

        Its lateness is drawn from its band; an invoice already later than that
        is stuck, and only a nudge moves it. A customer with mail in the
        scenario acts as its mail says, so only silent customers pay by habit.
        """
        persona = self.personas[ref]
        persona.known.add(number)
        if any(m.customer == ref for m in self.scenario.mailbox):
            return
        due = persona.invoice_due(number)
        points = self.calibration.bands[persona.profile].days_late_quantiles
        late = round(quantile_value(points, self.dice.random(ref, "habit", number)))
        day = due + timedelta(days=late)
        if day >= now.date():
            self._push(
                max(at_utc(day, PAYMENT_TIME), now),
                PlannedPayment(ref, (number,), None, number, "habit"),
            )

    # --- the queue -----------------------------------------------------------------

    def _push(
        self, at: datetime, what: PlannedMail | PlannedPayment | _Reading | _Fallback
    ) -> None:
        heapq.heappush(self._queue, _Item(at, next(self._order), what))

    def next_time(self) -> datetime | None:
        return self._queue[0].at if self._queue else None

    def due(self, now: datetime) -> list[PlannedMail | PlannedPayment]:
        """What happens by ``now``: mail to deliver and payments to make, in order."""
        ready: list[PlannedMail | PlannedPayment] = []
        while self._queue and self._queue[0].at <= now:
            item = heapq.heappop(self._queue)
            what = item.what
            if isinstance(what, _Fallback):
                mail = self._fallback(what.spec_id, item.at)
                if mail is not None:
                    ready.append(mail)
            elif isinstance(what, _Reading):
                self._read(self.personas[what.customer], what.email, what.tone, item.at)
            else:
                ready.append(what)
        return ready

    # --- payments ------------------------------------------------------------------

    def _scripted(self, ref: str, cents: int, references: str, method: str) -> PlannedPayment:
        return PlannedPayment(ref, (), cents, references, "scripted", method, binding=True)

    def payable(self, payment: PlannedPayment, today: date) -> tuple[bool, list[str]]:
        """Whether ``payment`` happens now, and the invoices it pays."""
        persona = self.personas[payment.customer]
        if payment.binding:
            return True, [n for n in payment.invoices if not persona.contests(n)]
        wanted = []
        for number in payment.invoices:
            persona.planned.discard(number)
            if persona.willing(number, today):
                wanted.append(number)
        return bool(wanted), wanted

    def paid(self, ref: str, invoices: list[str]) -> None:
        self.personas[ref].paid.update(invoices)

    def _plan_payment(
        self, persona: Persona, numbers: list[str], at: datetime, reason: str
    ) -> None:
        numbers = [n for n in numbers if n not in persona.planned and n not in persona.paid]
        if not numbers:
            return
        persona.planned.update(numbers)
        self._push(
            at,
            PlannedPayment(persona.ref, tuple(numbers), None, " ".join(numbers), reason),
        )

    def _delay(self, persona: Persona, *key: object) -> int:
        low, high = persona.delay
        return self.dice.between(low, high, persona.ref, "delay", *key)

    # --- our mail reaching them --------------------------------------------------

    def delivered(
        self, email: EmailMessage, *, customer: str, tone: str | None, now: datetime
    ) -> None:
        persona = self.personas[customer]
        recipients = [
            a.lower() for _, a in getaddresses(email.get_all("To", []) + email.get_all("Cc", []))
        ]
        text = f"{email.get('Subject', '')}\n{plain_text(email)}"
        named = self._named(persona, email, text)
        for address in recipients:
            self._watch_outbound(persona, address, email, named, now)
        dead = {a.lower() for a in persona.spec.persona.dead_addresses}
        unread = {a.lower() for a in persona.spec.persona.unread_addresses}
        returns: list[date] = []
        readers = 0
        for address in recipients:
            if address in dead:
                if not self._bounce_watched(address):
                    self._generic_bounce(persona, address, email, now)
                continue
            if address in unread or address not in persona.spec.contact_emails():
                continue
            back = self._away_until(persona, address, now)
            if back is None:
                readers += 1
            else:
                returns.append(back)
        if readers:
            self._read(persona, email, tone, now)
        elif returns:
            back_on = min(returns)
            moment = datetime.combine(back_on, time(9, 0), tzinfo=ZoneInfo(persona.spec.timezone))
            self._push(max(moment, now), _Reading(persona.ref, email, tone))

    def _named(self, persona: Persona, email: EmailMessage, text: str) -> set[str]:
        tokens = {t.upper() for t in _TOKEN.findall(text)}
        for part in email.iter_attachments():
            tokens |= {t.upper() for t in _TOKEN.findall(part.get_filename() or "")}
        return {n for n in persona.known if n.upper() in tokens}

    def _away_until(self, persona: Persona, address: str, now: datetime) -> date | None:
        for absence in persona.spec.persona.absent:
            if (
                absence.email.lower() == address
                and absence.start <= now
                and now.date() < absence.until
            ):
                return absence.until
        return None

    def _read(self, persona: Persona, email: EmailMessage, tone: str | None, now: datetime) -> None:
        if not persona.spec.persona.pays:
            return
        today = now.date()
        text = plain_text(email)
        before = {n for n in persona.known if persona.willing(n, today)}
        for part in email.iter_attachments():
            filename = (part.get_filename() or "").upper()
            if "STATEMENT" in filename:
                persona.statement = True
            persona.copies |= {n for n in persona.known if n.upper() in filename}
        answers_us = email.get("In-Reply-To", "").strip().strip("<>") in persona.sent_ids
        if answers_us:
            persona.answered = True
        wish = persona.spec.persona.wants_plan
        if wish is not None and not persona.plan_agreed and answers_us and _PLAN_WORDS.search(text):
            persona.plan_agreed = True
            self._instalments(persona, wish.installments, now)
            return
        named = self._named(persona, email, f"{email.get('Subject', '')}\n{text}")
        if not answers_us and any(
            persona.contests(n) or persona.promised_until.get(n, date.min) >= today for n in named
        ):
            persona.annoyance += 1
        unlocked = [n for n in persona.known if persona.willing(n, today) and n not in before]
        if unlocked:
            chance = self.calibration.assumptions.copy_response
            if self.dice.random(persona.ref, "unlock", sorted(unlocked)) < chance:
                delay = self._delay(persona, "unlock", sorted(unlocked))
                self._plan_payment(persona, unlocked, now + timedelta(days=delay), "resolved")
        nudged = named | ({n for n in persona.known} if persona.statement else set())
        candidates = sorted(n for n in nudged if persona.willing(n, today))
        if not candidates:
            return
        assumptions = self.calibration.assumptions
        chance = (
            persona.reminder_response
            * assumptions.tone_factor.get(tone or "friendly", 1.0)
            * assumptions.annoyance_factor**persona.annoyance
        )
        persona.nudges += 1
        if self.dice.random(persona.ref, "nudge", persona.nudges) < min(chance, 0.97):
            delay = self._delay(persona, "nudge", persona.nudges)
            self._plan_payment(persona, candidates, now + timedelta(days=delay), "reminded")

    def _instalments(self, persona: Persona, count: int, now: datetime) -> None:
        open_numbers = sorted(
            n for n in persona.known if n not in persona.paid and not persona.contests(n)
        )
        if not open_numbers:
            return
        spacing = max(1, round(30 * persona.spec.persona.wants_plan.months / count))  # type: ignore[union-attr]
        first = now + timedelta(days=self._delay(persona, "plan"))
        for index in range(count):
            self._push(
                first + timedelta(days=spacing * index),
                PlannedPayment(
                    persona.ref,
                    tuple(open_numbers),
                    None,
                    " ".join(open_numbers),
                    "instalment",
                    binding=True,
                    instalment=(index, count),
                ),
            )
        persona.planned.update(open_numbers)

    # --- their mail to us --------------------------------------------------------

    def _watch_outbound(
        self, persona: Persona, address: str, email: EmailMessage, named: set[str], now: datetime
    ) -> None:
        in_reply_to = email.get("In-Reply-To", "").strip().strip("<>")
        for watch in self._watches:
            spec = watch.spec
            if spec.id in self._fired or spec.customer != persona.ref:
                continue
            when = spec.when
            if when.after == "outbound":
                watched = (
                    spec.bounced_address if spec.kind == "bounce" else self._sender(spec)
                ) or ""
                if address != watched.lower() or (when.about and when.about not in named):
                    continue
                if spec.kind == "auto_reply" and self._away_until(persona, address, now) is None:
                    continue
                watch.seen += 1
                if watch.seen == when.nth:
                    self._fire(spec, now + timedelta(hours=when.delay_hours), email)
            elif (
                when.after == "reply"
                and in_reply_to
                and (self._delivered.get(when.ref or "") == in_reply_to)
            ):
                self._fire(spec, now + timedelta(hours=when.delay_hours), email)

    def _bounce_watched(self, address: str) -> bool:
        return any(
            w.spec.kind == "bounce"
            and (w.spec.bounced_address or "").lower() == address
            and w.spec.id not in self._fired
            for w in self._watches
        )

    def _sender(self, spec: MessageSpec) -> str:
        if spec.sender:
            return spec.sender
        customer = self.scenario.customer(spec.customer)
        primary = next((c for c in customer.contacts if c.primary), customer.contacts[0])
        return primary.email

    def _sender_name(self, spec: MessageSpec) -> str:
        if spec.sender_name is not None:
            return spec.sender_name
        address = self._sender(spec).lower()
        customer = self.scenario.customer(spec.customer)
        return next((c.name for c in customer.contacts if c.email.lower() == address), "")

    def _message_id(self, spec: MessageSpec) -> str:
        domain = self._sender(spec).rpartition("@")[2]
        return f"{self.scenario.id}.{spec.id}@{domain}"

    def _fire(self, spec: MessageSpec, at: datetime, replied: EmailMessage | None) -> None:
        if spec.id in self._fired:
            return
        self._fired.add(spec.id)
        message_id = self._message_id(spec)
        customer = self.scenario.customer(spec.customer)
        if spec.kind == "bounce":
            assert replied is not None and spec.bounced_address is not None
            raw = compose_bounce(
                address=spec.bounced_address,
                mail_from=self.to_address,
                at=at,
                message_id=message_id,
                original=replied,
                body=spec.body,
                subject=spec.subject,
                sender=spec.sender,
            )
        else:
            subject = spec.subject or _reply_subject(replied, spec)
            raw = compose_mail(
                spec,
                sender=self._sender(spec),
                sender_name=self._sender_name(spec),
                to=(replied.get("From") if replied is not None else None) or self.to_address,
                subject=subject,
                at=at,
                message_id=message_id,
                timezone=customer.timezone,
                replied=replied,
            )
        self._push(at, PlannedMail(spec.customer, raw, spec.id, message_id))

    def _fallback(self, spec_id: str, at: datetime) -> PlannedMail | None:
        if spec_id in self._fired:
            return None
        spec = self.scenario.message(spec_id)
        if spec.kind == "bounce":
            return None
        self._fire(spec, at, None)
        # _fire queued it at ``at``; hand it over now rather than next round.
        for index, item in enumerate(self._queue):
            if isinstance(item.what, PlannedMail) and item.what.spec_id == spec_id:
                self._queue.pop(index)
                heapq.heapify(self._queue)
                return item.what
        return None

    def _generic_bounce(
        self, persona: Persona, address: str, email: EmailMessage, now: datetime
    ) -> None:
        number = next(self._dsn)
        message_id = f"dsn{number}.{self.scenario.id}@mx1.{address.rpartition('@')[2]}"
        raw = compose_bounce(
            address=address,
            mail_from=self.to_address,
            at=now + BOUNCE_DELAY,
            message_id=message_id,
            original=email,
        )
        self._push(now + BOUNCE_DELAY, PlannedMail(persona.ref, raw, None, message_id))

    def stored(self, mail: PlannedMail, now: datetime) -> None:
        """A message of theirs reached the mailbox: what follows from it."""
        if mail.spec_id is None:
            return
        self._delivered[mail.spec_id] = mail.message_id
        persona = self.personas[mail.customer]
        persona.sent_ids.add(mail.message_id)
        spec = self.scenario.message(mail.spec_id)
        for watch in self._watches:
            when = watch.spec.when
            if when.after == "message" and when.ref == mail.spec_id:
                self._fire(watch.spec, now + timedelta(hours=when.delay_hours), None)
        for payment in self.scenario.payments:
            if payment.after_message == mail.spec_id:
                day = now.date() + timedelta(days=payment.days_after)
                self._push(
                    max(at_utc(day, PAYMENT_TIME), now),
                    self._scripted(
                        payment.customer, payment.amount_cents, payment.references, payment.method
                    ),
                )
        if spec.promise is not None:
            self._promise(persona, spec, now)

    def _promise(self, persona: Persona, spec: MessageSpec, now: datetime) -> None:
        promise = spec.promise
        assert promise is not None
        day = resolve_date_spec(promise.date, now.date())
        numbers = promise.invoices or sorted(
            n
            for n in persona.known
            if n not in persona.paid and not persona.contests(n) and persona.invoice_due(n) < day
        )
        for number in numbers:
            persona.promised_until[number] = day
        if not persona.spec.persona.pays:
            return
        if self.dice.random(persona.ref, "promise", spec.id) >= persona.promise_keeping:
            return
        persona.planned.update(numbers)
        self._push(
            max(at_utc(day, PAYMENT_TIME), now),
            PlannedPayment(
                persona.ref,
                tuple(numbers),
                promise.amount_cents,
                " ".join(numbers),
                "promised",
                binding=True,
            ),
        )


def _reply_subject(replied: EmailMessage | None, spec: MessageSpec) -> str:
    if replied is None:
        return "Our account with you"
    subject = replied.get("Subject", "")
    if spec.kind == "auto_reply":
        return f"Automatic reply: {subject}"
    return subject if subject.lower().startswith("re:") else f"Re: {subject}"
