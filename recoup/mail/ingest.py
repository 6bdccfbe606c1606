"""One inbound message, from raw bytes to the ledger.

Parse, dedupe by Message-ID, match to an account, store, and wake the agent
with a MESSAGE event. Automatic mail is handled here without the model:

- an out-of-office reply pauses outreach on the account (``paused_until``,
  with the reason "out of office until …") to the morning after the stated
  return date, or for a week when it states none, and moves an earlier
  pending follow-up to that morning so the agent is not woken only to be
  told it may not write;
- a bounce marks the failed addresses undeliverable and, when an account has
  no contact left, asks a person for a new one.

Everything happens inside the caller's transaction (the IMAP loop commits a
batch together with its checkpoint). ``ingest_batch`` reads the ledger once for
a batch and writes its replies together; what the batch cannot settle that way
goes one by one, in its place, through the same path as ``ingest_message``. A
message that cannot be parsed, or whose handling fails, is stored as
quarantined with the reason; the caller never sees an exception unless the
database itself is failing.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

import structlog
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlmodel import Session, col, select

from recoup.ledger import audit
from recoup.ledger.events import event
from recoup.ledger.models import (
    Contact,
    Customer,
    Direction,
    Escalation,
    EscalationCategory,
    EscalationStatus,
    Event,
    EventKind,
    Invoice,
    InvoiceStatus,
    Message,
    MessageStatus,
)
from recoup.ledger.operations.actor import SYSTEM
from recoup.ledger.operations.followups import followup_moment, schedule_followup
from recoup.ledger.state import Account
from recoup.mail.autoreply import find_redirect
from recoup.mail.match import Clues, MatchIndex, MatchResult, chunks, match_message
from recoup.mail.parse import (
    AttachmentMeta,
    AutoKind,
    MailLimits,
    MalformedMail,
    ParsedMail,
    parse_message,
)
from recoup.mail.undeliverable import mark_undeliverable
from recoup.policy import Policy
from recoup.reader.risk import assess

log = structlog.get_logger(__name__)

DEFAULT_LIMITS = MailLimits()
OUT_OF_OFFICE = "out of office until"
NO_RETURN_DATE_DAYS = 7
MAX_OUT_OF_OFFICE_DAYS = 60
_HEADER_END = re.compile(rb"\r?\n\r?\n")
_ADDRESS = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")


class IngestStatus(StrEnum):
    STORED = "stored"
    DUPLICATE = "duplicate"
    AUTO_REPLY = "auto_reply"
    BOUNCE = "bounce"
    UNMATCHED = "unmatched"
    QUARANTINED = "quarantined"


@dataclass(frozen=True)
class IngestResult:
    status: IngestStatus
    message_db_id: int | None
    customer_id: int | None
    reason: str = ""
    stored_status: str | None = None  # the Message row's status (also for duplicates)

    @property
    def quarantined(self) -> bool:
        return self.stored_status == MessageStatus.QUARANTINED.value


@dataclass(frozen=True)
class Incoming:
    """A raw message and what reading made of it: the mail, or why there is none.

    ``risk``, when read ahead, holds its risk flags judged as if the sender's own domain
    were the account's (see ``_judged``)."""

    raw: bytes
    parsed: ParsedMail | None
    problem: str = ""
    risk: dict[str, str] | None = None


def read_message(
    raw: bytes,
    *,
    limits: MailLimits = DEFAULT_LIMITS,
    today: date | None = None,
    judge: bool = False,
) -> Incoming:
    """Parse ``raw`` (and, with ``judge``, assess its risk); what cannot be parsed keeps the
    reason it is quarantined with."""
    try:
        parsed = parse_message(raw, limits=limits, today=today)
    except MalformedMail as exc:
        return Incoming(raw, None, exc.reason)
    except Exception as exc:  # a parser bug must not stop the mailbox
        log.exception("mail_parse_crashed")
        return Incoming(raw, None, f"parser failed: {type(exc).__name__}: {exc}")
    sender_domain = _sender_domain(parsed)
    if not judge or not sender_domain:
        return Incoming(raw, parsed)
    try:
        return Incoming(raw, parsed, risk=_risk(parsed, {sender_domain}))
    except Exception:
        log.exception("mail_risk_crashed")  # judged again when stored
        return Incoming(raw, parsed)


def ingest_message(
    session: Session,
    raw: bytes,
    *,
    now: datetime,
    policy: Policy,
    mailbox: str = "inbox",
    limits: MailLimits = DEFAULT_LIMITS,
) -> IngestResult:
    """Store one inbound message; the caller commits."""
    incoming = read_message(raw, limits=limits, today=now.date())
    return ingest_read(session, incoming, now=now, policy=policy, mailbox=mailbox)


def ingest_read(
    session: Session, incoming: Incoming, *, now: datetime, policy: Policy, mailbox: str
) -> IngestResult:
    """Store one parsed message; the caller commits."""
    parsed = incoming.parsed
    if parsed is None:
        return _quarantine(session, incoming.raw, now=now, reason=incoming.problem, mailbox=mailbox)
    message_id = storable_message_id(parsed.message_id)
    existing = _stored(session, message_id)
    if existing is not None:
        return _duplicate(existing)
    try:
        with session.begin_nested():
            result = _store(session, parsed, message_id, now=now, policy=policy, mailbox=mailbox)
    except IntegrityError:
        # Another process stored the same Message-ID first.
        existing = _stored(session, message_id)
        if existing is not None:
            return _duplicate(existing)
        raise
    except OperationalError:
        raise  # the database is failing, not the message: the caller retries it later
    except Exception as exc:
        log.exception("mail_ingest_failed", mailbox=mailbox)
        reason = f"ingest failed: {type(exc).__name__}: {exc}"
        return _quarantine(
            session, incoming.raw, now=now, reason=reason, mailbox=mailbox, message_id=message_id
        )
    return _logged(result, mailbox)


def ingest_batch(
    session: Session, batch: Sequence[Incoming], *, now: datetime, policy: Policy, mailbox: str
) -> list[IngestResult]:
    """Store a batch of inbound messages, in order, as ``ingest_read`` would one by one;
    the caller commits.

    Most mail is a reply from one account: those are matched against the ledger read once
    for the batch and written together. The rest (unreadable, automatic, unmatched,
    already stored, or answering one of those) goes one by one in its place. Should the
    database refuse the rows (another process stored one of the Message-IDs first), the
    batch is redone one by one.
    """
    plan = _Plan.make(session, batch, now=now)
    try:
        with session.begin_nested():
            return plan.write(session, now=now, policy=policy, mailbox=mailbox)
    except IntegrityError:
        log.warning("mail_batch_redone_one_by_one", messages=len(batch), mailbox=mailbox)
    return [ingest_read(session, item, now=now, policy=policy, mailbox=mailbox) for item in batch]


def _logged(result: IngestResult, mailbox: str) -> IngestResult:
    log.info(
        "mail_ingested",
        status=result.status.value,
        message_db_id=result.message_db_id,
        customer_id=result.customer_id,
        mailbox=mailbox,
    )
    return result


def storable_message_id(message_id: str) -> str:
    """Message-IDs longer than the column are stored as a digest, the same every time."""
    message_id = message_id.strip().strip("<>")
    if len(message_id) <= 255:
        return message_id
    return f"{hashlib.sha256(message_id.encode('utf-8', 'replace')).hexdigest()}@long.invalid"


def _stored(session: Session, message_id: str) -> Message | None:
    return session.exec(select(Message).where(Message.message_id == message_id)).first()


def _stored_ids(session: Session, message_ids: set[str]) -> set[str]:
    found: set[str] = set()
    for chunk in chunks(message_ids):
        found.update(
            session.exec(select(Message.message_id).where(col(Message.message_id).in_(chunk)))
        )
    return found


def _duplicate(existing: Message) -> IngestResult:
    return IngestResult(
        IngestStatus.DUPLICATE,
        existing.id,
        existing.customer_id,
        "already stored",
        existing.status,
    )


def _store(
    session: Session,
    parsed: ParsedMail,
    message_id: str,
    *,
    now: datetime,
    policy: Policy,
    mailbox: str,
) -> IngestResult:
    match = match_message(
        session,
        from_addr=parsed.from_addr,
        in_reply_to=parsed.in_reply_to,
        references=parsed.references,
        subject=parsed.subject,
        text=f"{parsed.text}\n{parsed.quoted_text}",
    )
    message = _message_row(parsed, message_id, match, now)
    if parsed.auto_kind is AutoKind.BOUNCE:
        return _bounce(session, parsed, message, match, now=now, policy=policy)
    message.risk_flags = risk_flags(session, parsed, match.customer_id)
    session.add(message)
    session.flush()
    if parsed.auto_kind is AutoKind.AUTO_REPLY:
        return _auto_reply(session, parsed, message, now=now, policy=policy)
    if match.customer_id is None:
        return _unmatched(session, message, match, now=now, policy=policy, mailbox=mailbox)
    reply = _Reply(parsed, message, match)
    reply.receive(session, now=now)
    reply.announce(session, now=now, mailbox=mailbox)
    return reply.result()


def _clues(parsed: ParsedMail) -> Clues:
    return Clues(
        from_addr=parsed.from_addr,
        in_reply_to=parsed.in_reply_to,
        references=parsed.references,
        subject=parsed.subject,
        text=f"{parsed.text}\n{parsed.quoted_text}",
    )


def risk_flags(session: Session, parsed: ParsedMail, customer_id: int | None) -> dict[str, str]:
    """The reader's risk signals for one message (flag -> the words that raised it), judged
    against the domains of the account's contacts."""
    domains: set[str] = set()
    if customer_id is not None:
        addresses = session.exec(select(Contact.email).where(Contact.customer_id == customer_id))
        domains = {_domain_of(address) for address in addresses if "@" in address}
        customer = session.get(Customer, customer_id)
        if customer is not None and customer.email_domain:
            domains.add(customer.email_domain.lower())
    return _risk(parsed, domains)


def _risk(parsed: ParsedMail, domains: set[str]) -> dict[str, str]:
    risk = assess(
        parsed.text,
        subject=parsed.subject,
        sender=parsed.from_addr,
        customer_domains=domains,
        attachments=[a.text for a in parsed.attachments if a.text],
    )
    return dict(risk.evidence)


def _judged(item: Incoming, domains: set[str]) -> dict[str, str]:
    """The message's risk flags against the account's domains. The account's domains count
    only for ``lookalike_domain``, which a sender from one of them cannot raise: flags
    judged against the sender's own domain are the same then."""
    assert item.parsed is not None
    sender_domain = _sender_domain(item.parsed)
    if item.risk is not None and sender_domain and sender_domain in domains:
        return item.risk
    return _risk(item.parsed, domains)


def _sender_domain(parsed: ParsedMail) -> str:
    return _domain_of(parsed.from_addr) if "@" in parsed.from_addr else ""


def _domain_of(address: str) -> str:
    return address.rpartition("@")[2].lower()


@dataclass
class _Reply:
    """A message from one account that asks nothing of ingest but to be stored and read."""

    parsed: ParsedMail
    message: Message
    match: MatchResult

    @property
    def customer_id(self) -> int:
        assert self.match.customer_id is not None
        return self.match.customer_id

    def receive(self, session: Session, *, now: datetime) -> None:
        customer = session.get(Customer, self.customer_id)
        assert customer is not None
        customer.last_inbound_at = now
        if customer.pause_reason and customer.pause_reason.startswith(OUT_OF_OFFICE):
            customer.paused_until = None  # someone answered: they are back
            customer.pause_reason = None

    def announce(self, session: Session, *, now: datetime, mailbox: str) -> None:
        """Wake the agent and audit; the message row has its id by now."""
        detail = f"email from {self.parsed.from_addr} ({self.match.describe()})"
        session.add(
            event(
                self.customer_id, EventKind.MESSAGE, now=now, ref_id=self.message.id, detail=detail
            )
        )
        audit.record(
            session,
            at=now,
            actor="system",
            action="receive_email",
            reason=self.match.describe(),
            customer_id=self.customer_id,
            detail={
                "message_id": self.message.id,
                "mailbox": mailbox,
                "notes": self.parsed.notes[:10],
            },
        )

    def result(self) -> IngestResult:
        return IngestResult(
            IngestStatus.STORED,
            self.message.id,
            self.customer_id,
            self.match.describe(),
            self.message.status,
        )


@dataclass
class _Account:
    customer: Customer  # held, so the session keeps it for the batch
    domains: set[str]


def _accounts(session: Session, customer_ids: set[int]) -> dict[int, _Account]:
    accounts: dict[int, _Account] = {}
    for chunk in chunks(customer_ids):
        for customer in session.exec(select(Customer).where(col(Customer.id).in_(chunk))):
            domain = customer.email_domain
            accounts[customer.id or 0] = _Account(customer, {domain.lower()} if domain else set())
        contacts = session.exec(
            select(Contact.customer_id, Contact.email).where(col(Contact.customer_id).in_(chunk))
        )
        for owner, address in contacts:
            if "@" in address and owner in accounts:
                accounts[owner].domains.add(_domain_of(address))
    return accounts


@dataclass
class _Plan:
    """A batch, each message either a reply written with the batch or one to go alone."""

    batch: Sequence[Incoming]
    replies: list[_Reply | None]
    accounts: dict[int, _Account]

    @classmethod
    def make(cls, session: Session, batch: Sequence[Incoming], *, now: datetime) -> _Plan:
        mails = [item.parsed for item in batch if item.parsed is not None]
        index = MatchIndex.load(session, [_clues(mail) for mail in mails])
        accounts = _accounts(session, index.accounts())
        seen = _stored_ids(session, {storable_message_id(mail.message_id) for mail in mails})
        alone: set[str] = set()  # whose account is known only once they are stored
        replies: list[_Reply | None] = []
        for item in batch:
            if item.parsed is None:
                replies.append(None)
                continue
            message_id = storable_message_id(item.parsed.message_id)
            reply = None
            if message_id not in seen and not _cites(item.parsed, alone):
                reply = _as_reply(item, message_id, index, accounts, now=now)
            replies.append(reply)
            seen.add(message_id)
            if reply is None:
                alone.add(message_id)
            else:
                index.remember(message_id, reply.customer_id)
        return cls(batch, replies, accounts)

    def write(
        self, session: Session, *, now: datetime, policy: Policy, mailbox: str
    ) -> list[IngestResult]:
        results: list[IngestResult | _Reply] = []
        unannounced: list[_Reply] = []
        for item, reply in zip(self.batch, self.replies, strict=True):
            if reply is None:
                _announce(session, unannounced, now=now, mailbox=mailbox)
                results.append(ingest_read(session, item, now=now, policy=policy, mailbox=mailbox))
                continue
            session.add(reply.message)
            reply.receive(session, now=now)
            unannounced.append(reply)
            results.append(reply)
        _announce(session, unannounced, now=now, mailbox=mailbox)
        return [r if isinstance(r, IngestResult) else _logged(r.result(), mailbox) for r in results]


def _cites(parsed: ParsedMail, message_ids: set[str]) -> bool:
    return bool(message_ids) and not message_ids.isdisjoint(
        [parsed.in_reply_to or "", *parsed.references]
    )


def _as_reply(
    item: Incoming,
    message_id: str,
    index: MatchIndex,
    accounts: dict[int, _Account],
    *,
    now: datetime,
) -> _Reply | None:
    """The message as a reply from one account, or None when it is something else."""
    parsed = item.parsed
    if parsed is None or parsed.auto_kind is not None:
        return None
    try:
        match = index.match(_clues(parsed))
        account = accounts.get(match.customer_id or 0)
        if account is None:
            return None
        message = _message_row(parsed, message_id, match, now)
        message.risk_flags = _judged(item, account.domains)
    except Exception:
        log.exception("mail_batch_reply_failed")  # alone, it is quarantined with the reason
        return None
    return _Reply(parsed, message, match)


def _announce(session: Session, replies: list[_Reply], *, now: datetime, mailbox: str) -> None:
    if not replies:
        return
    session.flush()
    for reply in replies:
        reply.announce(session, now=now, mailbox=mailbox)
    replies.clear()


def _message_row(parsed: ParsedMail, message_id: str, match: MatchResult, now: datetime) -> Message:
    automatic = parsed.auto_kind is not None
    return Message(
        customer_id=match.customer_id,
        direction=Direction.INBOUND.value,
        status=(MessageStatus.PROCESSED if automatic else MessageStatus.RECEIVED).value,
        message_id=message_id,
        in_reply_to=parsed.in_reply_to[:255] if parsed.in_reply_to else None,
        references=" ".join(parsed.references[-50:]),
        from_addr=parsed.from_addr[:320],
        to_addrs=", ".join(parsed.to_addrs)[:2000],
        cc_addrs=", ".join(parsed.cc_addrs)[:2000],
        subject=parsed.subject[:998],
        text=parsed.text,
        quoted_text=parsed.quoted_text,
        invoice_numbers=match.invoice_numbers,
        attachments=[_attachment(a) for a in parsed.attachments],
        auto_kind=parsed.auto_kind.value if parsed.auto_kind else None,
        note="; ".join(parsed.notes)[:4000] or None,
        created_at=now,
    )


def _attachment(meta: AttachmentMeta) -> dict[str, object]:
    described: dict[str, object] = {
        "filename": meta.filename,
        "content_type": meta.content_type,
        "size": meta.size,
    }
    if meta.dropped:
        described["dropped"] = True
    return described


def _unmatched(
    session: Session,
    message: Message,
    match: MatchResult,
    *,
    now: datetime,
    policy: Policy,
    mailbox: str,
) -> IngestResult:
    refs = (
        list(session.exec(select(Customer.ref).where(col(Customer.id).in_(match.candidates))))
        if match.candidates
        else []
    )
    why = match.describe() + (f" ({', '.join(sorted(refs))})" if refs else "")
    escalation = Escalation(
        customer_id=None,
        category=EscalationCategory.UNMATCHED_MAIL.value,
        status=EscalationStatus.OPEN.value,
        reason=f"an email from {message.from_addr or 'an unknown sender'} "
        f"(subject {message.subject[:120]!r}) could not be matched to one account: {why}",
        recommendation="Attach the message to its account, or discard it if it is not "
        "about collections; the agent reads it once it is matched.",
        message_id=message.id,
        created_at=now,
        expires_at=now + timedelta(hours=policy.escalation.open_case_expiry_hours),
    )
    session.add(escalation)
    session.flush()
    audit.record(
        session,
        at=now,
        actor="system",
        action="unmatched_email",
        reason=why,
        detail={"message_id": message.id, "escalation_id": escalation.id, "mailbox": mailbox},
    )
    return IngestResult(IngestStatus.UNMATCHED, message.id, None, why, message.status)


def _auto_reply(
    session: Session, parsed: ParsedMail, message: Message, *, now: datetime, policy: Policy
) -> IngestResult:
    if message.customer_id is None:
        # An unknown sender's out-of-office needs nobody's attention.
        return IngestResult(
            IngestStatus.AUTO_REPLY, message.id, None, "auto-reply, no account", message.status
        )
    customer = session.get(Customer, message.customer_id)
    assert customer is not None
    redirect = find_redirect(parsed.text)
    if redirect is not None:
        # Invoices go to another address now: no pause for the absent sender; the agent reads
        # the reply and moves outreach there.
        why = f"automatic reply names {redirect} for invoices"
        session.add(
            event(customer.id or 0, EventKind.MESSAGE, now=now, ref_id=message.id, detail=why)
        )
        detail: dict[str, object] = {"message_id": message.id, "redirect": redirect}
    else:
        until, why = postpone_outreach(
            session, customer, parsed.auto_return_date, now=now, policy=policy
        )
        detail = {"message_id": message.id, "paused_until": until.isoformat()}
    audit.record(
        session,
        at=now,
        actor="system",
        action="auto_reply",
        reason=why,
        customer_id=customer.id,
        detail=detail,
    )
    return IngestResult(IngestStatus.AUTO_REPLY, message.id, customer.id, why, message.status)


def postpone_outreach(
    session: Session,
    customer: Customer,
    back_on: date | None,
    *,
    now: datetime,
    policy: Policy,
) -> tuple[datetime, str]:
    """Pause outreach until the morning after ``back_on`` (a week without a date)."""
    today = now.date()
    latest = today + timedelta(days=MAX_OUT_OF_OFFICE_DAYS)
    if back_on is not None and today <= back_on <= latest:
        resume_on = back_on + timedelta(days=1)
        why = f"{OUT_OF_OFFICE} {back_on.isoformat()}"
    else:
        resume_on = today + timedelta(days=NO_RETURN_DATE_DAYS)
        why = f"{OUT_OF_OFFICE} an unstated date (assumed {resume_on.isoformat()})"
    until = followup_moment(resume_on, customer.timezone)
    if customer.paused_until is None or customer.paused_until < until:
        customer.paused_until = until
        customer.pause_reason = why
    if _has_open_invoices(session, customer.id or 0):
        pending = session.exec(
            select(Event.due_at)
            .where(
                Event.customer_id == customer.id,
                Event.kind == EventKind.FOLLOWUP_DUE.value,
                col(Event.processed_at).is_(None),
            )
            .order_by(col(Event.due_at))
        ).first()
        if pending is None or pending < until:
            account = Account(session, customer, now=now)
            schedule_followup(session, account, resume_on, why, now=now, actor=SYSTEM)
    return until, why


def _has_open_invoices(session: Session, customer_id: int) -> bool:
    return (
        session.exec(
            select(Invoice.id).where(
                Invoice.customer_id == customer_id, Invoice.status == InvoiceStatus.OPEN.value
            )
        ).first()
        is not None
    )


def _bounce(
    session: Session,
    parsed: ParsedMail,
    message: Message,
    match: MatchResult,
    *,
    now: datetime,
    policy: Policy,
) -> IngestResult:
    failed = [address.lower() for address in parsed.bounced_recipients]
    permanent = parsed.bounce_permanent is not False
    session.add(message)
    session.flush()
    status = parsed.bounce_status or "unknown status"
    if not failed or not permanent:
        why = f"delivery delayed or failed without an address ({status}); nothing marked"
        audit.record(
            session,
            at=now,
            actor="system",
            action="bounce",
            reason=why,
            customer_id=message.customer_id,
            detail={"message_id": message.id, "recipients": failed},
        )
        return IngestResult(
            IngestStatus.BOUNCE, message.id, message.customer_id, why, message.status
        )
    marked = mark_undeliverable(
        session,
        failed,
        now=now,
        policy=policy,
        reason=f"bounced ({status})",
        message_id=message.id,
    )
    if message.customer_id is None and len(marked.customer_ids) == 1:
        message.customer_id = marked.customer_ids[0]
    for customer_id in marked.customer_ids:
        if customer_id not in marked.without_contact:
            session.add(
                event(
                    customer_id,
                    EventKind.BOUNCE,
                    now=now,
                    ref_id=message.id,
                    detail=f"mail to {', '.join(failed)} bounced ({status}); "
                    "that contact is now undeliverable",
                )
            )
    why = (
        f"bounce for {', '.join(failed)} ({status}): "
        f"{len(marked.customer_ids)} account(s) lost the contact, "
        f"{len(marked.without_contact)} have none left"
    )
    audit.record(
        session,
        at=now,
        actor="system",
        action="bounce",
        reason=why,
        customer_id=message.customer_id,
        detail={"message_id": message.id, "recipients": failed},
    )
    return IngestResult(IngestStatus.BOUNCE, message.id, message.customer_id, why, message.status)


def _quarantine(
    session: Session,
    raw: bytes,
    *,
    now: datetime,
    reason: str,
    mailbox: str,
    message_id: str | None = None,
) -> IngestResult:
    headers = _raw_headers(raw)
    message_id = message_id or storable_message_id(
        _header(headers, "message-id") or f"{hashlib.sha256(raw).hexdigest()}@recoup.invalid"
    )
    existing = _stored(session, message_id)
    if existing is not None:
        return _duplicate(existing)
    sender = _ADDRESS.search(_header(headers, "from"))
    message = Message(
        customer_id=None,
        direction=Direction.INBOUND.value,
        status=MessageStatus.QUARANTINED.value,
        message_id=message_id,
        from_addr=(sender.group(0).lower() if sender else "")[:320],
        subject=_header(headers, "subject")[:998],
        note=reason[:4000],
        created_at=now,
    )
    session.add(message)
    session.flush()
    audit.record(
        session,
        at=now,
        actor="system",
        action="quarantine_email",
        reason=reason[:2000],
        detail={"message_id": message.id, "mailbox": mailbox, "bytes": len(raw)},
    )
    log.warning("mail_quarantined", message_db_id=message.id, reason=reason[:300])
    return IngestResult(
        IngestStatus.QUARANTINED, message.id, None, reason, MessageStatus.QUARANTINED.value
    )


def _raw_headers(raw: bytes) -> str:
    head = _HEADER_END.split(raw[:65536], maxsplit=1)[0]
    return head.decode("utf-8", "replace")


def _header(headers: str, name: str) -> str:
    match = re.search(
        rf"^{re.escape(name)}[ \t]*:[ \t]*(.*(?:\r?\n[ \t].*)*)", headers, re.I | re.M
    )
    if not match:
        return ""
    value = " ".join(match.group(1).split())
    value = "".join(ch for ch in value if ch.isprintable())
    if name == "message-id":
        found = re.search(r"<([^<>\s]+)>", value)
        return found.group(1) if found else value.strip("<> ")[:255]
    return value
