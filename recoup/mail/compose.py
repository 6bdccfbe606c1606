"""An outbox row as the MIME message that goes on the wire.

Standard headers only: From, To, Cc, Subject, Date, Message-ID, and
In-Reply-To/References when the row answers a customer's message, so the
customer's mail client threads it. The body is plain text; attachments are
rendered at send time from what the row asks for (an invoice copy, a
statement), so they always show the ledger as it stands.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from email import policy as email_policy
from email.headerregistry import BaseHeader, HeaderRegistry
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, getaddresses
from typing import TYPE_CHECKING, Protocol

from sqlmodel import Session, select

from recoup.errors import MailError
from recoup.ledger.models import Customer, Invoice, Message
from recoup.ledger.state import load_account

if TYPE_CHECKING:
    from recoup.ledger.documents import Letterhead

_LINE_BREAKS = re.compile(r"[\r\n\t]+")
_UNSAFE_FILENAME = re.compile(r"[^A-Za-z0-9._-]+")


class _HeaderClasses(HeaderRegistry):
    """The standard header classes, each built once: the stock registry builds a
    new class for every header set, a tenth of the time a message takes."""

    def __init__(self) -> None:
        super().__init__()
        self._built: dict[str, type[BaseHeader]] = {}

    def __getitem__(self, name: str) -> type[BaseHeader]:
        key = name.lower()
        if key not in self._built:
            self._built[key] = super().__getitem__(name)
        return self._built[key]


_POLICY = email_policy.default.clone(header_factory=_HeaderClasses())


class ComposeError(MailError, ValueError):
    """The row asks for something that cannot be built (an unknown invoice, …)."""


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    content_type: str = "application/pdf"


class Documents(Protocol):
    def invoice_copy(self, number: str) -> Attachment: ...

    def statement(self) -> Attachment: ...


class _NoDocuments:
    """For mail that belongs to no account (a note to a colleague): nothing to attach."""

    def invoice_copy(self, number: str) -> Attachment:
        raise ComposeError(f"no account to take a copy of {number} from")

    def statement(self) -> Attachment:
        raise ComposeError("no account to draw a statement for")


NO_DOCUMENTS: Documents = _NoDocuments()


@dataclass
class LedgerDocuments:
    """PDFs of one customer's invoices and statement, rendered from the ledger."""

    session: Session
    customer: Customer
    now: datetime
    letterhead: Letterhead

    def invoice_copy(self, number: str) -> Attachment:
        from recoup.ledger.documents import invoice_pdf

        invoice = self.session.exec(
            select(Invoice).where(
                Invoice.customer_id == self.customer.id, Invoice.number == number.strip()
            )
        ).first()
        if invoice is None:
            raise ComposeError(f"invoice {number} is not on this account")
        pdf = invoice_pdf(self.customer, invoice, letterhead=self.letterhead)
        return Attachment(f"invoice-{_safe(invoice.number)}.pdf", pdf)

    def statement(self) -> Attachment:
        from recoup.ledger.documents import statement_pdf

        account = load_account(self.session, self.customer.id or 0, now=self.now)
        pdf = statement_pdf(account, now=self.now, letterhead=self.letterhead)
        name = f"statement-{_safe(self.customer.ref)}-{self.now:%Y-%m-%d}.pdf"
        return Attachment(name, pdf)


def build_mime(
    message_row: Message,
    *,
    customer: Customer | None,
    from_name: str,
    documents: Documents,
    now: datetime | None = None,
) -> EmailMessage:
    """``now`` (from the injected clock) dates the message; it defaults to the
    moment the row was queued."""
    if not message_row.to_addrs.strip():
        raise ComposeError("the message has no recipient")
    mime = EmailMessage(policy=_POLICY)
    mime["From"] = formataddr((_one_line(from_name), message_row.from_addr))
    mime["To"] = _addresses(message_row.to_addrs)
    if message_row.cc_addrs.strip():
        mime["Cc"] = _addresses(message_row.cc_addrs)
    mime["Subject"] = _one_line(message_row.subject)
    mime["Date"] = format_datetime(now or message_row.created_at)
    mime["Message-ID"] = f"<{message_row.message_id}>"
    if message_row.in_reply_to:
        mime["In-Reply-To"] = f"<{message_row.in_reply_to}>"
    thread = message_row.references.split()
    if message_row.in_reply_to and message_row.in_reply_to not in thread:
        thread.append(message_row.in_reply_to)
    if thread:
        mime["References"] = " ".join(f"<{ref}>" for ref in thread)
    mime.set_content(message_row.text, subtype="plain", charset="utf-8")
    for wanted in message_row.attachments:
        attachment = _render(wanted, documents)
        maintype, _, subtype = attachment.content_type.partition("/")
        mime.add_attachment(
            attachment.content, maintype=maintype, subtype=subtype, filename=attachment.filename
        )
    return mime


def _render(wanted: dict[str, object], documents: Documents) -> Attachment:
    kind = wanted.get("kind")
    if kind == "invoice_copy":
        return documents.invoice_copy(str(wanted.get("invoice", "")))
    if kind == "statement":
        return documents.statement()
    raise ComposeError(f"unknown attachment kind {kind!r}")


def _one_line(value: str) -> str:
    return _LINE_BREAKS.sub(" ", value).strip()


def _addresses(value: str) -> str:
    pairs = getaddresses([_one_line(value)])
    return ", ".join(formataddr((name, address)) for name, address in pairs if address)


def _safe(value: str) -> str:
    return _UNSAFE_FILENAME.sub("_", value).strip("_") or "document"
