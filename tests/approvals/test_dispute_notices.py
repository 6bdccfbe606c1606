"""A dispute's owner is told: in Slack (chat.postMessage, Block Kit; respx on Slack's
documented shapes) and by email through the outbox into the real Dovecot/SMTP; and
reminded in the thread and by email once the dispute outlives its SLA."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
import respx
from sqlalchemy import Engine
from sqlmodel import select

from recoup.approvals.dispute_slack import ACTION_CREDIT, ACTION_REJECT
from recoup.approvals.notifier import Notifier
from recoup.clock import FixedClock
from recoup.ledger.db import session as open_session
from recoup.ledger.models import AuditEvent, Customer, Direction, Dispute, DisputeReason, Message
from recoup.ledger.operations import disputes
from recoup.ledger.operations.actor import Actor
from recoup.ledger.state import load_account
from recoup.mail.outbox import deliver_due
from recoup.mail.transports import SmtpTransport
from recoup.policy import Policy
from tests.approvals.approvals_support import CHANNEL, SLACK_API, posted_response, settings_for
from tests.daemon.kit import address, folder_messages, parse, smtp_settings
from tests.support import factory
from tests.support.mailservers import MailServers

TS = "1763910000.000900"
PRICING = "C0PRICING"


def _policy(email: str) -> Policy:
    return Policy.model_validate(
        {
            "disputes": {
                "sla_days": 3,
                "owners": [
                    {"name": "Pricing desk", "reasons": ["price"], "slack_channel": PRICING,
                     "email": email},
                ],
            }
        }
    )  # fmt: skip


def _dispute(engine: Engine, clock: FixedClock, policy: Policy, number: str = "INV-7001") -> int:
    with open_session(engine) as session:
        owner = factory.customer(session, name="Globex <b>Ltd</b>", email="ap@globex.example")
        invoice = factory.invoice(
            session, owner, number=number, amount_cents=120_000, due=clock.now().date()
        )
        words = factory.inbound(
            session,
            owner,
            "The unit price should be $40, not $60: see the attached quote. <!channel>",
            at=clock.now(),
            from_addr="ap@globex.example",
        )
        words.attachments = [{"filename": "quote-2231.pdf", "content_type": "application/pdf"}]
        opened = disputes.open_dispute(
            session,
            load_account(session, owner.id or 0, now=clock.now()),
            now=clock.now(),
            actor=Actor("agent"),
            policy=policy,
            invoice_number=invoice.number,
            reason=DisputeReason.PRICE,
            detail="unit price",
            amount_cents=40_000,
            message_id=words.id,
        )
        session.commit()
        return opened.dispute.id or 0


async def _tick(notifier: Notifier) -> None:
    report = await notifier.tick()
    assert report.errors == [] and report.disputes.errors == []


@pytest.mark.mail
async def test_the_owner_is_told_in_slack_and_by_email_then_reminded_after_the_sla(
    engine: Engine, clock: FixedClock, tmp_path: Path, mail_servers: MailServers
) -> None:
    pricing = mail_servers.new_user()
    policy = _policy(address(pricing))
    dispute_id = _dispute(engine, clock, policy)
    with respx.mock:
        post = respx.post(f"{SLACK_API}/chat.postMessage").respond(
            json=posted_response(PRICING, TS)
        )
        async with httpx.AsyncClient() as http:
            settings = settings_for(tmp_path, slack=True)
            notifier = Notifier(engine, clock=clock, policy=policy, settings=settings, http=http)
            await _tick(notifier)
            await _tick(notifier)  # told once
            assert post.call_count == 1
            clock.advance(timedelta(days=3, hours=1))
            await _tick(notifier)
            await _tick(notifier)  # reminded once a day
    assert post.call_count == 2
    first = json.loads(post.calls[0].request.content)
    assert first["channel"] == PRICING and first["channel"] != CHANNEL
    shown = json.dumps(first["blocks"])
    assert first["blocks"][0]["type"] == "header"
    assert f"Dispute #{dispute_id}: $400.00 of INV-7001" in shown
    assert "quote-2231.pdf" in shown and "Pricing desk" in shown
    assert "$800.00" in shown  # the undisputed part
    actions = next(b for b in first["blocks"] if b["type"] == "actions")
    buttons = {e["action_id"]: e["value"] for e in actions["elements"]}
    assert buttons == {ACTION_CREDIT: str(dispute_id), ACTION_REJECT: str(dispute_id)}
    # The customer's words are quoted and escaped: no markup, no @channel.
    assert "&lt;!channel&gt;" in shown and "<!channel>" not in shown
    assert "&lt;b&gt;Ltd" in first["text"] and "<b>" not in first["text"]
    reminder = json.loads(post.calls[1].request.content)
    assert reminder["thread_ts"] == TS and reminder["channel"] == PRICING
    assert reminder["text"].startswith("Overdue since")

    with open_session(engine) as session:
        dispute = session.get(Dispute, dispute_id)
        assert dispute is not None and dispute.notify_ref == f"slack:{PRICING}:{TS}"
        assert dispute.reminded_at is not None
        notes = session.exec(
            select(Message).where(Message.direction == Direction.OUTBOUND.value)
        ).all()
        assert [n.customer_id for n in notes] == [None, None]  # never a touch on the account
        customer = session.exec(select(Customer)).one()
        assert customer.last_touch_at is None
        actions = [a.action for a in session.exec(select(AuditEvent))]
        assert actions.count("dispute_notice") == 1 and actions.count("dispute_reminder") == 1

    transport = SmtpTransport(smtp_settings(mail_servers, pricing))
    try:
        report = await deliver_due(engine, transport, clock=clock)
    finally:
        await transport.close()
    assert report.sent == 2
    received = sorted(
        (parse(raw) for raw in folder_messages(mail_servers, pricing)),
        key=lambda m: str(m["Subject"]),
    )
    subjects = [str(m["Subject"]) for m in received]
    assert subjects[0] == "New dispute for Pricing desk: INV-7001 (Globex <b>Ltd</b>)"
    assert subjects[1].startswith(f"Overdue: Dispute #{dispute_id}")
    body = received[0].get_content()
    assert "> The unit price should be $40, not $60" in body
    assert "Documents: quote-2231.pdf" in body
    assert f"recoup disputes reject {dispute_id}" in body


async def test_an_owner_with_neither_channel_nor_address_is_recorded_as_untold(
    engine: Engine, clock: FixedClock, tmp_path: Path
) -> None:
    dispute_id = _dispute(engine, clock, Policy())
    notifier = Notifier(engine, clock=clock, policy=Policy(), settings=settings_for(tmp_path))
    await _tick(notifier)
    with open_session(engine) as session:
        dispute = session.get(Dispute, dispute_id)
        assert dispute is not None and dispute.notify_ref == "untold"
        (notice,) = session.exec(select(AuditEvent).where(AuditEvent.action == "dispute_notice"))
        assert "nowhere (no channel set)" in notice.reason
