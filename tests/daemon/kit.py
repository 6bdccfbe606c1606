"""Shared pieces for the mailbox and daemon tests: raw mail builders, IMAP
helpers, a scripted collector model, and a daemon running in the test."""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import socket
import uuid
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass
from datetime import timedelta
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, make_msgid
from pathlib import Path
from typing import Any

import aiosmtplib
from imapclient import IMAPClient
from pydantic import SecretStr
from sqlalchemy import Engine
from sqlmodel import col, select

from recoup.agent.clients.scripted import FunctionModel
from recoup.chat import ChatMessage, ModelClient, ModelResponse, ToolCall, ToolSpec
from recoup.clock import Clock
from recoup.ledger.db import session as open_session
from recoup.ledger.events import aging_event
from recoup.ledger.models import Direction, Message, MessageStatus
from recoup.prompts import parse_trigger_message
from recoup.settings import ImapSettings, MailSettings, Settings, SmtpSettings
from tests.support import factory
from tests.support.mailservers import MailServers

COLLECTIONS_DOMAIN = "recoup.test"
CUSTOMER_DOMAIN = "buyer.test"


# --- raw mail --------------------------------------------------------------------


def raw_mail(
    *,
    sender: str,
    to: str,
    subject: str,
    body: str,
    in_reply_to: str | None = None,
    references: Iterable[str] = (),
    message_id: str | None = None,
    headers: dict[str, str] | None = None,
    when: Any = None,
) -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = f"<{message_id}>" if message_id else make_msgid(domain="buyer.test")
    if when is not None:
        message["Date"] = format_datetime(when)
    if in_reply_to:
        message["In-Reply-To"] = f"<{in_reply_to}>"
        message["References"] = " ".join(f"<{r}>" for r in [*references, in_reply_to])
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(body)
    return message.as_bytes(policy=SMTP)


def delivery_status_notification(
    *, to: str, failed: str, original: bytes, status: str = "5.1.1", reporting_mta: str
) -> bytes:
    """A real RFC 3464 DSN: multipart/report with a human part, the
    message/delivery-status part and the returned headers."""
    boundary = f"dsn-{uuid.uuid4().hex}"
    headers_of_original = original.split(b"\r\n\r\n", 1)[0].decode("ascii", "replace")
    lines = [
        f"From: Mail Delivery System <MAILER-DAEMON@{reporting_mta}>",
        f"To: {to}",
        "Subject: Undelivered Mail Returned to Sender",
        f"Message-ID: <{uuid.uuid4().hex}@{reporting_mta}>",
        "Auto-Submitted: auto-replied",
        "MIME-Version: 1.0",
        f'Content-Type: multipart/report; report-type=delivery-status; boundary="{boundary}"',
        "",
        f"--{boundary}",
        "Content-Type: text/plain; charset=us-ascii",
        "",
        "This is the mail system at host " + reporting_mta + ".",
        "",
        "I'm sorry to have to inform you that your message could not",
        "be delivered to one or more recipients.",
        "",
        f"<{failed}>: host {reporting_mta} said: 550 5.1.1 <{failed}>: Recipient address",
        "    rejected: User unknown in virtual mailbox table",
        "",
        f"--{boundary}",
        "Content-Type: message/delivery-status",
        "",
        f"Reporting-MTA: dns; {reporting_mta}",
        "",
        f"Final-Recipient: rfc822; {failed}",
        f"Original-Recipient: rfc822; {failed}",
        "Action: failed",
        f"Status: {status}",
        f"Diagnostic-Code: smtp; 550 {status} <{failed}>: Recipient address rejected",
        "",
        f"--{boundary}",
        "Content-Type: text/rfc822-headers",
        "",
        headers_of_original,
        "",
        f"--{boundary}--",
        "",
    ]
    return "\r\n".join(lines).encode("ascii", "replace")


# --- the servers -----------------------------------------------------------------


def address(user: str, domain: str = CUSTOMER_DOMAIN) -> str:
    return f"{user}@{domain}"


def imap_settings(servers: MailServers, user: str, **overrides: Any) -> ImapSettings:
    values: dict[str, Any] = {
        "host": servers.imap_host,
        "port": servers.imap_port,
        "user": user,
        "password": SecretStr(servers.password),
        "tls": False,
        "quarantine_folder": "Quarantine",
        "idle_timeout_s": 30,
        "poll_interval_s": 1,
    }
    values.update(overrides)
    return ImapSettings(**values)


def smtp_settings(servers: MailServers, user: str) -> SmtpSettings:
    return SmtpSettings(
        host=servers.smtp_host,
        port=servers.smtp_port,
        user=user,
        password=SecretStr(servers.password),
        tls="none",
    )


def daemon_settings(
    servers: MailServers, collections_user: str, home: Path, **overrides: Any
) -> Settings:
    mail = MailSettings(
        from_address=address(collections_user, COLLECTIONS_DOMAIN),
        from_name="Northwind Receivables",
        imap=imap_settings(servers, collections_user),
        smtp=smtp_settings(servers, collections_user),
        send_lease_s=overrides.pop("send_lease_s", 30),
    )
    values: dict[str, Any] = {
        "home": home,
        "mail": mail,
        "tick_interval_s": 1,
        "http_port": free_port(),
    }
    values.update(overrides)
    return Settings(**values)


async def smtp_deliver(servers: MailServers, raw: bytes, sender: str, to: str) -> None:
    await aiosmtplib.send(
        raw,
        sender=sender,
        recipients=[to],
        hostname=servers.smtp_host,
        port=servers.smtp_port,
        username="tester",
        password=servers.password,
        timeout=30,
    )


def imap(servers: MailServers, user: str) -> IMAPClient:
    client = IMAPClient(servers.imap_host, port=servers.imap_port, ssl=False, timeout=30)
    client.login(user, servers.password)
    return client


def folder_messages(servers: MailServers, user: str, folder: str = "INBOX") -> list[bytes]:
    with imap(servers, user) as client:
        if not client.folder_exists(folder):
            return []
        client.select_folder(folder, readonly=True)
        uids = client.search(["ALL"])
        if not uids:
            return []
        fetched = client.fetch(uids, ["BODY.PEEK[]"])
        return [fetched[uid][b"BODY[]"] for uid in sorted(uids)]


def message_ids(servers: MailServers, user: str, folder: str = "INBOX") -> list[str]:
    """The Message-ID of every message in the folder (with repeats, if any)."""
    with imap(servers, user) as client:
        if not client.folder_exists(folder):
            return []
        client.select_folder(folder, readonly=True)
        uids = client.search(["ALL"])
        if not uids:
            return []
        fetched = client.fetch(uids, ["BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)]"])
        found = []
        for uid in uids:
            header = fetched[uid][b"BODY[HEADER.FIELDS (MESSAGE-ID)]"].decode()
            match = re.search(r"<([^>]+)>", header)
            found.append(match.group(1) if match else "")
        return found


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def eventually(check: Any, *, timeout: float = 20.0, interval: float = 0.1) -> Any:
    """Poll ``check`` (sync or async) until it returns something truthy. A daemon
    started by ``running_daemon`` that died meanwhile fails the wait at once."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        for task in _DAEMONS:
            if task.done() and not task.cancelled() and task.exception() is not None:
                raise AssertionError("the daemon stopped") from task.exception()
        result = check()
        if asyncio.iscoroutine(result):
            result = await result
        if result:
            return result
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"condition not met within {timeout}s: {check}")
        await asyncio.sleep(interval)


# --- a collector driven by a script ------------------------------------------------

_DAEMONS: list[asyncio.Task[None]] = []
_ISO_DATE = re.compile(r"\b(20\d\d-\d\d-\d\d)\b")


def collector_model() -> ModelClient:
    """Reads the account, then acts on the trigger the way a collector would:
    opens a dispute, logs a promise, sends a requested invoice copy, answers a
    plain message, or reminds about the overdue invoices not on hold."""

    def script(messages: list[ChatMessage], _tools: list[ToolSpec]) -> ModelResponse:
        turns = [m for m in messages if m["role"] == "assistant"]
        if not turns:
            return _call("get_account_state", {})
        if len(turns) > 1:
            return ModelResponse(content="done")
        trigger = parse_trigger_message(next(m for m in messages if m["role"] == "user")["content"])
        state = json.loads(messages[-1]["content"])
        calls = _plan(trigger, state)
        if not calls:
            return ModelResponse(content="nothing to do")
        return ModelResponse(
            tool_calls=[
                ToolCall(id=f"c{n}", name=name, arguments=json.dumps(args))
                for n, (name, args) in enumerate(calls)
            ]
        )

    return FunctionModel(script, name="collector-script")


def _call(name: str, args: dict[str, Any]) -> ModelResponse:
    return ModelResponse(tool_calls=[ToolCall(id="c0", name=name, arguments=json.dumps(args))])


def _plan(trigger: dict[str, Any], state: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    contacts = [c["email"] for c in state["contacts"] if c["contactable"]]
    numbers = [inv["number"] for inv in state["open_invoices"]]
    calls: list[tuple[str, dict[str, Any]]] = []
    for email in trigger.get("customer_emails", []):
        text = email["text"].lower()  # the subject quotes our own reminder
        named = [n for n in numbers if n.lower() in text]
        if "dispute" in text or "damaged" in text:
            for number in named:
                calls.append(
                    (
                        "open_dispute",
                        {
                            "invoice_number": number,
                            "reason": "damaged",
                            "detail": email["text"][:300],
                            "source_message_id": email["message_id"],
                        },
                    )
                )
        elif "will pay" in text and (found := _ISO_DATE.search(text)):
            calls.append(
                (
                    "log_promise",
                    {
                        "promised_date": found.group(1),
                        "invoice_numbers": named,
                        "source_message_id": email["message_id"],
                    },
                )
            )
        elif "copy" in text and named and contacts:
            calls.append(
                (
                    "send_email",
                    {
                        "to": contacts[:1],
                        "subject": f"Copy of invoice {named[0]}",
                        "body": f"Hello,\n\nPlease find attached a copy of invoice {named[0]}."
                        "\n\nKind regards",
                        "tone": "courtesy",
                        "invoice_numbers": named[:1],
                        "attach_invoice_copies": named[:1],
                        "reply_to_message_id": email["message_id"],
                    },
                )
            )
        elif contacts:
            calls.append(
                (
                    "send_email",
                    {
                        "to": contacts[:1],
                        "subject": f"Re: {email['subject']}"[:200],
                        "body": "Hello,\n\nThank you for your message; we are looking into it."
                        "\n\nKind regards",
                        "tone": "courtesy",
                        "reply_to_message_id": email["message_id"],
                    },
                )
            )
    if not trigger.get("customer_emails") and contacts:
        due = [
            inv["number"]
            for inv in state["open_invoices"]
            if inv["days_past_due"] > 0 and not inv["disputed"] and not inv["promised"]
        ]
        if due:
            calls.append(
                (
                    "send_email",
                    {
                        "to": contacts[:1],
                        "subject": f"Overdue: {', '.join(due)}",
                        "body": f"Hello,\n\nInvoices {', '.join(due)} are past due. "
                        "Could you let us know when they will be paid?\n\nKind regards",
                        "tone": "friendly",
                        "invoice_numbers": due,
                    },
                )
            )
    return calls


def offline_or_collector() -> ModelClient:
    """The built-in offline model when it exists, else the scripted collector."""
    try:
        from recoup.agent.clients.offline import OfflineModel
    except ImportError:
        return collector_model()
    return OfflineModel()


# --- a daemon inside the test ----------------------------------------------------


@contextlib.asynccontextmanager
async def running_daemon(
    settings: Settings, *, clock: Clock, model: ModelClient, **kwargs: Any
) -> AsyncIterator[asyncio.Event]:
    from recoup.daemon.app import run_daemon

    stop = asyncio.Event()
    kwargs.setdefault("serve_http", False)
    task = asyncio.create_task(
        run_daemon(settings, clock=clock, stop_event=stop, model=model, **kwargs)
    )
    _DAEMONS.append(task)
    try:
        yield stop
    finally:
        stop.set()
        _DAEMONS.remove(task)
        await asyncio.wait_for(task, timeout=30)


def parse(raw: bytes) -> EmailMessage:
    from email import message_from_bytes
    from email.policy import default

    return message_from_bytes(raw, policy=default)  # type: ignore[return-value]


# --- ledger ----------------------------------------------------------------------


@dataclass
class SeededAccount:
    customer_id: int
    contact: str
    invoices: dict[str, int]  # number -> id


def seed_account(
    engine: Engine,
    clock: Clock,
    *,
    contact: str,
    overdue: dict[str, int],
    amount_cents: int = 125_000,
) -> SeededAccount:
    """A customer with one contact and invoices ``number -> days past due``, each
    with its aging event due now."""
    today = clock.now().date()
    with open_session(engine) as session:
        owner = factory.customer(session, email=contact)
        ids = {}
        for number, days in overdue.items():
            invoice = factory.invoice(
                session,
                owner,
                number=number,
                amount_cents=amount_cents,
                due=today - timedelta(days=days),
            )
            session.add(aging_event(invoice, 1, now=clock.now()))
            ids[number] = invoice.id or 0
        session.commit()
        return SeededAccount(owner.id or 0, contact, ids)


def outbound(engine: Engine, customer_id: int) -> list[Message]:
    with open_session(engine) as session:
        return list(
            session.exec(
                select(Message)
                .where(
                    Message.customer_id == customer_id,
                    Message.direction == Direction.OUTBOUND.value,
                )
                .order_by(col(Message.id))
            )
        )


def sent(engine: Engine, customer_id: int) -> list[Message]:
    return [m for m in outbound(engine, customer_id) if m.status == MessageStatus.SENT.value]
