"""The embedded default: no mail server configured, local maildir folders."""

from __future__ import annotations

import mailbox
from datetime import timedelta
from pathlib import Path

from sqlmodel import select

from recoup.clock import FixedClock
from recoup.ledger.db import make_engine, migrate
from recoup.ledger.db import session as open_session
from recoup.ledger.models import Dispute, Message
from recoup.settings import Settings
from tests.daemon.kit import (
    collector_model,
    eventually,
    parse,
    raw_mail,
    running_daemon,
    seed_account,
    sent,
)


def _drop(inbox: Path, raw: bytes) -> None:
    mailbox.Maildir(inbox, create=True).add(raw)


async def test_a_fresh_machine_starts_with_local_folders(tmp_path: Path, clock: FixedClock) -> None:
    home = tmp_path / "fresh" / ".recoup"
    settings = Settings(home=home, tick_interval_s=1)
    async with running_daemon(settings, clock=clock, model=collector_model()):
        await eventually(lambda: (home / "recoup.db").exists(), timeout=15)
        for name in ("inbox", "outbox", "processed", "quarantine"):
            await eventually(lambda name=name: (home / "mail" / name / "new").is_dir())


async def test_mail_flows_through_the_maildir_folders(tmp_path: Path, clock: FixedClock) -> None:
    home = tmp_path / ".recoup"
    settings = Settings(home=home, tick_interval_s=1)
    engine = make_engine(settings.resolved_database_url)
    home.mkdir(parents=True)
    migrate(engine)
    account = seed_account(engine, clock, contact="ap@buyer.test", overdue={"MD-1": 12, "MD-2": 40})
    outbox = home / "mail" / "outbox"
    async with running_daemon(settings, clock=clock, model=collector_model()):
        (reminder,) = await eventually(lambda: sent(engine, account.customer_id), timeout=15)
        (delivered,) = await eventually(lambda: mailbox.Maildir(outbox).values(), timeout=5)
        assert delivered["Message-ID"] == f"<{reminder.message_id}>"
        assert delivered["To"] == "ap@buyer.test"

        _drop(
            home / "mail" / "inbox",
            raw_mail(
                sender="ap@buyer.test",
                to=settings.mail.from_address,
                subject=f"Re: {reminder.subject}",
                body="MD-2 is disputed: the goods arrived damaged.",
                in_reply_to=reminder.message_id,
            ),
        )
        _drop(home / "mail" / "inbox", b"\x00\x01 garbage without headers")

        def dispute() -> Dispute | None:
            with open_session(engine) as session:
                return session.exec(select(Dispute)).first()

        opened = await eventually(dispute, timeout=15)
        assert opened.invoice_id == account.invoices["MD-2"]
        await eventually(lambda: not list((home / "mail" / "inbox" / "new").iterdir()))

        clock.advance(timedelta(days=8))
        await eventually(lambda: len(sent(engine, account.customer_id)) >= 2, timeout=15)

    assert len(mailbox.Maildir(home / "mail" / "processed")) == 1
    assert len(mailbox.Maildir(home / "mail" / "quarantine")) == 1
    with open_session(engine) as session:
        quarantined = session.exec(select(Message).where(Message.status == "quarantined")).one()
        assert quarantined.note == "no headers"
    later = [parse(raw) for raw in _outbox_raw(outbox)][1:]
    assert later and all("MD-2" not in str(m["Subject"]) for m in later)


def _outbox_raw(outbox: Path) -> list[bytes]:
    box = mailbox.Maildir(outbox)
    ordered = sorted(box.iterkeys())
    return [box.get_bytes(key) for key in ordered]
