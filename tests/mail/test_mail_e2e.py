"""End to end: the daemon on a real mailbox (Dovecot + SMTP), the ledger on
SQLite and PostgreSQL, the agent driven by the offline model when it exists
(otherwise by a scripted collector that acts the same way)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import col, select

from recoup.agent.execute import execute_call
from recoup.clock import FixedClock
from recoup.ledger.db import session as open_session
from recoup.ledger.models import (
    AgentRun,
    AuditEvent,
    Contact,
    Customer,
    Dispute,
    Escalation,
    Event,
    Message,
    Promise,
    PromiseInvoice,
)
from recoup.policy import Policy
from recoup.tools.base import RunContext
from recoup.tools.registry import default_registry
from tests.daemon.kit import (
    COLLECTIONS_DOMAIN,
    SeededAccount,
    address,
    daemon_settings,
    delivery_status_notification,
    eventually,
    folder_messages,
    message_ids,
    offline_or_collector,
    parse,
    raw_mail,
    running_daemon,
    seed_account,
    sent,
    smtp_deliver,
)
from tests.support.mailservers import MailServers

pytestmark = pytest.mark.mail


class World:
    """One customer mailbox, one collections mailbox, one account."""

    def __init__(
        self, engine: Engine, clock: FixedClock, servers: MailServers, overdue: dict[str, int]
    ) -> None:
        self.engine = engine
        self.clock = clock
        self.servers = servers
        self.customer_user = servers.new_user()
        self.collections_user = servers.new_user()
        suffix = self.customer_user[-6:].upper()
        self.numbers = {name: f"{name}-{suffix}" for name in overdue}
        self.account: SeededAccount = seed_account(
            engine,
            clock,
            contact=address(self.customer_user),
            overdue={self.numbers[name]: days for name, days in overdue.items()},
        )

    @property
    def collections_address(self) -> str:
        return address(self.collections_user, COLLECTIONS_DOMAIN)

    def settings(self, home: Path) -> object:
        return daemon_settings(self.servers, self.collections_user, home)

    async def reply(self, to_message: Message | None, body: str, **headers: str) -> str:
        message_id = f"reply-{len(body)}-{self.customer_user}@buyer.test"
        raw = raw_mail(
            sender=f"Pat Payables <{self.account.contact}>",
            to=self.collections_address,
            subject=f"Re: {to_message.subject}" if to_message else "Hello",
            body=body,
            in_reply_to=to_message.message_id if to_message else None,
            message_id=message_id,
            headers=headers,
        )
        await smtp_deliver(self.servers, raw, self.account.contact, self.collections_address)
        return message_id

    def received_ids(self) -> list[str]:
        return message_ids(self.servers, self.customer_user)

    def sent(self) -> list[Message]:
        return sent(self.engine, self.account.customer_id)

    def inbound(self, message_id: str) -> Message | None:
        with open_session(self.engine) as session:
            return session.exec(select(Message).where(Message.message_id == message_id)).first()


def _names(message: Message, number: str) -> bool:
    return number in message.invoice_numbers or number in f"{message.subject}\n{message.text}"


def _is_reminder(message: Message) -> bool:
    """A courtesy answer to the customer's own message is an acknowledgement."""
    return not (message.tone == "courtesy" and message.in_reply_to)


def _try_reminder(engine: Engine, clock: FixedClock, world: World, number: str) -> object:
    with open_session(engine) as session:
        ctx = RunContext(
            session=session,
            customer_id=world.account.customer_id,
            clock=clock,
            policy=Policy(),
            mail_from=world.collections_address,
        )
        outcome = execute_call(
            ctx,
            default_registry(),
            "send_email",
            {
                "to": [world.account.contact],
                "subject": f"Reminder: {number}",
                "body": f"Invoice {number} is overdue.",
                "tone": "friendly",
                "invoice_numbers": [number],
            },
        )
        session.rollback()
        return outcome


async def test_buyers_test_a_disputed_invoice_is_held_and_the_rest_collected(
    engine: Engine, clock: FixedClock, mail_servers: MailServers, tmp_path: Path
) -> None:
    world = World(engine, clock, mail_servers, {"INV-A": 20, "INV-B": 10})
    disputed, other = world.numbers["INV-A"], world.numbers["INV-B"]
    settings = world.settings(tmp_path)
    async with running_daemon(settings, clock=clock, model=offline_or_collector(), engine=engine):  # type: ignore[arg-type]
        # Day 0: the account is being reminded about both invoices.
        (first,) = await eventually(world.sent, timeout=60)
        assert _names(first, disputed) and _names(first, other)
        await eventually(lambda: world.received_ids() == [first.message_id], timeout=10)

        # The customer answers mid-sequence: one invoice is disputed.
        reply_id = await world.reply(
            first, f"We dispute invoice {disputed}: the goods arrived damaged."
        )

        def dispute() -> Dispute | None:
            with open_session(engine) as session:
                return session.exec(select(Dispute)).first()

        opened = await eventually(dispute, timeout=60)
        stored_reply = world.inbound(reply_id)
        assert stored_reply is not None and stored_reply.customer_id == world.account.customer_id
        assert opened.invoice_id == world.account.invoices[disputed]
        assert opened.message_id == stored_reply.id and opened.status == "open"

        # A week later the sequence goes on, for the other invoice only.
        clock.advance(timedelta(days=8))
        reminders_after = await eventually(
            lambda: [m for m in world.sent() if m.id != first.id and _is_reminder(m)], timeout=60
        )
        await eventually(lambda: len(world.received_ids()) == len(world.sent()), timeout=10)

    assert all(_names(m, other) for m in reminders_after)
    assert not any(_names(m, disputed) for m in reminders_after)
    assert sorted(world.received_ids()) == sorted(m.message_id for m in world.sent())
    outcome = _try_reminder(engine, clock, world, disputed)
    assert outcome.status == "denied" and outcome.verdict.rule_id == "hold.dispute"  # type: ignore[attr-defined]


async def test_a_promise_to_pay_is_logged_and_pauses_outreach_until_its_date(
    engine: Engine, clock: FixedClock, mail_servers: MailServers, tmp_path: Path
) -> None:
    world = World(engine, clock, mail_servers, {"INV-P": 15})
    number = world.numbers["INV-P"]
    promised_on = (clock.now() + timedelta(days=9)).date()
    async with running_daemon(
        world.settings(tmp_path), clock=clock, model=offline_or_collector(), engine=engine
    ):  # type: ignore[arg-type]
        (first,) = await eventually(world.sent, timeout=60)
        reply_id = await world.reply(
            first, f"Sorry for the delay. We will pay {number} on {promised_on.isoformat()}."
        )

        def promise() -> Promise | None:
            with open_session(engine) as session:
                return session.exec(select(Promise)).first()

        logged = await eventually(promise, timeout=60)
        # A week on, before the promised date: the follow-up comes and goes, no reminder.
        clock.advance(timedelta(days=7, hours=1))

        def followup_handled() -> bool:
            with open_session(engine) as session:
                pending = session.exec(
                    select(Event).where(
                        Event.kind == "followup_due",
                        col(Event.processed_at).is_(None),
                        Event.due_at <= clock.now(),
                    )
                ).first()
                runs = session.exec(select(AgentRun)).all()
                return pending is None and all(r.finished_at for r in runs) and len(runs) >= 3

        await eventually(followup_handled, timeout=60)

    stored_reply = world.inbound(reply_id)
    assert stored_reply is not None
    assert (logged.promised_date, logged.status, logged.message_id) == (
        promised_on,
        "pending",
        stored_reply.id,
    )
    with open_session(engine) as session:
        links = session.exec(select(PromiseInvoice)).all()
        assert [link.invoice_id for link in links] == [world.account.invoices[number]]
        due_check = session.exec(select(Event).where(Event.kind == "promise_due")).one()
        assert due_check.due_at.date() > promised_on
    assert [m.id for m in world.sent() if _is_reminder(m)] == [first.id]
    outcome = _try_reminder(engine, clock, world, number)
    assert outcome.status == "denied" and outcome.verdict.rule_id == "hold.promise"  # type: ignore[attr-defined]


async def test_a_copy_invoice_request_gets_the_pdf_attached(
    engine: Engine, clock: FixedClock, mail_servers: MailServers, tmp_path: Path
) -> None:
    pytest.importorskip("recoup.ledger.documents")
    world = World(engine, clock, mail_servers, {"INV-C": 12})
    number = world.numbers["INV-C"]
    async with running_daemon(
        world.settings(tmp_path), clock=clock, model=offline_or_collector(), engine=engine
    ):  # type: ignore[arg-type]
        (first,) = await eventually(world.sent, timeout=60)
        await world.reply(first, f"Could you send us a copy of invoice {number}? We can't find it.")
        await eventually(lambda: len(world.received_ids()) == 2, timeout=60)

    raw = folder_messages(mail_servers, world.customer_user)[1]
    received = parse(raw)
    pdfs = [p for p in received.iter_attachments() if p.get_content_type() == "application/pdf"]
    assert [p.get_filename() for p in pdfs] == [f"invoice-{number}.pdf"]
    assert pdfs[0].get_content().startswith(b"%PDF")
    assert received["In-Reply-To"] is not None


async def test_an_out_of_office_postpones_outreach(
    engine: Engine, clock: FixedClock, mail_servers: MailServers, tmp_path: Path
) -> None:
    world = World(engine, clock, mail_servers, {"INV-O": 20})
    async with running_daemon(
        world.settings(tmp_path), clock=clock, model=offline_or_collector(), engine=engine
    ):  # type: ignore[arg-type]
        (first,) = await eventually(world.sent, timeout=60)
        auto_id = await world.reply(
            first,
            "Thank you for your message. I am out of the office until 7 December 2026 "
            "and will reply when I am back.",
            **{"Auto-Submitted": "auto-replied"},
        )
        await eventually(lambda: world.inbound(auto_id) is not None, timeout=60)

        # Past the usual follow-up and the next aging threshold, still away.
        clock.advance(timedelta(days=12))

        def aging_attempted() -> bool:
            with open_session(engine) as session:
                return (
                    session.exec(
                        select(Event).where(
                            col(Event.processed_at).is_(None), Event.due_at <= clock.now()
                        )
                    ).first()
                    is None
                )

        await eventually(aging_attempted, timeout=60)

    auto = world.inbound(auto_id)
    assert auto is not None and auto.auto_kind == "auto_reply"
    with open_session(engine) as session:
        customer = session.get(Customer, world.account.customer_id)
        assert customer is not None
        assert customer.paused_until == datetime(2026, 12, 8, 10, 0, tzinfo=UTC)
        assert customer.pause_reason == "out of office until 2026-12-07"
        woke_for_it = session.exec(
            select(Event).where(Event.kind == "message", Event.ref_id == auto.id)
        ).first()
        assert woke_for_it is None
        followups = session.exec(
            select(Event.due_at).where(
                Event.kind == "followup_due", col(Event.processed_at).is_(None)
            )
        ).all()
        assert min(followups) >= datetime(2026, 12, 8, 10, 0, tzinfo=UTC)
        denied = session.exec(select(AuditEvent).where(AuditEvent.rule_id == "pause.account")).all()
    assert [m.id for m in world.sent()] == [first.id]
    assert world.received_ids() == [first.message_id]
    # Whether the agent tried (and was refused) or waited on its own, nobody was written to.
    assert all(d.verdict == "deny" for d in denied)


async def test_a_bounce_marks_the_contact_and_asks_for_a_new_one(
    engine: Engine, clock: FixedClock, mail_servers: MailServers, tmp_path: Path
) -> None:
    world = World(engine, clock, mail_servers, {"INV-D": 20})
    async with running_daemon(
        world.settings(tmp_path), clock=clock, model=offline_or_collector(), engine=engine
    ):  # type: ignore[arg-type]
        (first,) = await eventually(world.sent, timeout=60)
        (original,) = folder_messages(mail_servers, world.customer_user)
        dsn = delivery_status_notification(
            to=world.collections_address,
            failed=world.account.contact,
            original=original,
            reporting_mta="mx.buyer.test",
        )
        await smtp_deliver(
            mail_servers, dsn, "mailer-daemon@mx.buyer.test", world.collections_address
        )

        def escalated() -> Escalation | None:
            with open_session(engine) as session:
                return session.exec(
                    select(Escalation).where(Escalation.category == "contact_change")
                ).first()

        escalation = await eventually(escalated, timeout=60)
    assert escalation.customer_id == world.account.customer_id
    with open_session(engine) as session:
        contact = session.exec(
            select(Contact).where(Contact.customer_id == world.account.customer_id)
        ).one()
        assert contact.undeliverable
        bounce = session.exec(select(Message).where(Message.auto_kind == "bounce")).one()
        assert bounce.customer_id == world.account.customer_id
        assert escalation.message_id == bounce.id
    assert [m.message_id for m in world.sent()] == [first.message_id]
