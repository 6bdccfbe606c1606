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

Everything happens inside the caller's transaction (the IMAP loop commits it
together with its checkpoint). A message that cannot be parsed, or whose
handling fails, is stored as quarantined with the reason; the caller never
sees an exception unless the database itself is failing.
"""

from __future__ import annotations

import hashlib
import re
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
from recoup.mail.match import MatchResult, match_message
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
    try:
        parsed = parse_message(raw, limits=limits, today=now.date())
    except MalformedMail as exc:
        return _quarantine(session, raw, now=now, reason=exc.reason, mailbox=mailbox)
    except Exception as exc:  # a parser bug must not stop the mailbox
        log.exception("mail_parse_crashed", mailbox=mailbox)
        reason = f"parser failed: {type(exc).__name__}: {exc}"
        return _quarantine(session, raw, now=now, reason=reason, mailbox=mailbox)
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
            session, raw, now=now, reason=reason, mailbox=mailbox, message_id=message_id
        )
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
    customer = session.get(Customer, match.customer_id)
    assert customer is not None
    customer.last_inbound_at = now
    if customer.pause_reason and customer.pause_reason.startswith(OUT_OF_OFFICE):
        customer.paused_until = None  # someone answered: they are back
        customer.pause_reason = None
    session.add(
        event(
            match.customer_id,
            EventKind.MESSAGE,
            now=now,
            ref_id=message.id,
            detail=f"email from {parsed.from_addr} ({match.describe()})",
        )
    )
    audit.record(
        session,
        at=now,
        actor="system",
        action="receive_email",
        reason=match.describe(),
        customer_id=match.customer_id,
        detail={"message_id": message.id, "mailbox": mailbox, "notes": parsed.notes[:10]},
    )
    return IngestResult(
        IngestStatus.STORED, message.id, match.customer_id, match.describe(), message.status
    )


def risk_flags(session: Session, parsed: ParsedMail, customer_id: int | None) -> dict[str, str]:
    """The reader's risk signals for one message (flag -> the words that raised it), judged
    against the domains of the account's contacts."""
    domains: set[str] = set()
    if customer_id is not None:
        addresses = session.exec(select(Contact.email).where(Contact.customer_id == customer_id))
        domains = {address.rpartition("@")[2].lower() for address in addresses if "@" in address}
        customer = session.get(Customer, customer_id)
        if customer is not None and customer.email_domain:
            domains.add(customer.email_domain.lower())
    risk = assess(
        parsed.text, subject=parsed.subject, sender=parsed.from_addr, customer_domains=domains
    )
    return dict(risk.evidence)


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
