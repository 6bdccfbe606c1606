"""Which account an inbound message belongs to.

The evidence, strongest first: the thread (In-Reply-To, then References,
against the Message-IDs we stored), the sender's address among the contacts,
the sender's domain, and invoice numbers in the subject and text. The first
kind of evidence that names exactly one account decides. When one kind names
several accounts, the weaker kinds may narrow them down (never widen them);
if that still leaves several, or nothing names any account, the result is
unmatched and a person decides. Nothing here guesses.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import func
from sqlmodel import Session, col, select

from recoup.ledger.models import Contact, Customer, Invoice, Message

# Mailbox providers shared by unrelated people: their domain says nothing about
# the account.
PUBLIC_MAIL_DOMAINS = frozenset(
    {
        "gmail.com",
        "googlemail.com",
        "outlook.com",
        "hotmail.com",
        "hotmail.co.uk",
        "live.com",
        "msn.com",
        "yahoo.com",
        "yahoo.co.uk",
        "yahoo.fr",
        "ymail.com",
        "aol.com",
        "icloud.com",
        "me.com",
        "mac.com",
        "proton.me",
        "protonmail.com",
        "gmx.com",
        "gmx.de",
        "gmx.net",
        "web.de",
        "t-online.de",
        "orange.fr",
        "free.fr",
        "laposte.net",
        "wanadoo.fr",
        "libero.it",
        "virgilio.it",
        "mail.com",
        "zoho.com",
        "yandex.ru",
    }
)
_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9/_-]*[A-Za-z0-9]")
MAX_INVOICE_TOKENS = 200


@dataclass(frozen=True)
class Evidence:
    kind: str  # thread | contact | domain | invoice
    customer_ids: frozenset[int]


@dataclass
class MatchResult:
    customer_id: int | None
    method: str | None
    candidates: list[int] = field(default_factory=list)
    invoice_numbers: list[str] = field(default_factory=list)

    @property
    def ambiguous(self) -> bool:
        return self.customer_id is None and len(self.candidates) > 1

    def describe(self) -> str:
        if self.customer_id is not None:
            return f"matched by {self.method}"
        if self.candidates:
            return f"{self.method} evidence names {len(self.candidates)} accounts"
        return "no thread, contact, domain or invoice number names an account"


def match_message(
    session: Session,
    *,
    from_addr: str,
    in_reply_to: str | None,
    references: Iterable[str],
    subject: str,
    text: str,
) -> MatchResult:
    invoices = invoices_named(session, f"{subject}\n{text}")
    steps = [
        ("thread", thread_candidates(session, in_reply_to, list(references))),
        ("contact", contact_candidates(session, from_addr)),
        ("domain", domain_candidates(session, from_addr)),
        ("invoice", frozenset(owner for _number, owner in invoices)),
    ]
    current: frozenset[int] = frozenset()
    method: str | None = None
    for kind, candidates in steps:
        if not candidates:
            continue
        if not current:
            current, method = candidates, kind
        elif current & candidates and current & candidates != current:
            current, method = current & candidates, f"{method}+{kind}"
        if len(current) == 1:
            (customer_id,) = current
            numbers = sorted({number for number, owner in invoices if owner == customer_id})
            return MatchResult(customer_id, method, [customer_id], numbers)
    return MatchResult(None, method, sorted(current))


def thread_candidates(
    session: Session, in_reply_to: str | None, references: list[str]
) -> frozenset[int]:
    """The account of the message this one answers; failing that, the accounts of
    the thread's earlier messages."""
    if in_reply_to:
        owner = session.exec(
            select(Message.customer_id).where(
                Message.message_id == in_reply_to[:255], col(Message.customer_id).is_not(None)
            )
        ).first()
        if owner is not None:
            return frozenset({owner})
    wanted = [ref[:255] for ref in references[-50:] if ref]
    if not wanted:
        return frozenset()
    owners = session.exec(
        select(Message.customer_id)
        .where(col(Message.message_id).in_(wanted), col(Message.customer_id).is_not(None))
        .distinct()
    )
    return frozenset(owner for owner in owners if owner is not None)


def contact_candidates(session: Session, from_addr: str) -> frozenset[int]:
    address = from_addr.strip().lower()
    if "@" not in address:
        return frozenset()
    owners = session.exec(
        select(Contact.customer_id).where(func.lower(Contact.email) == address).distinct()
    )
    return frozenset(owners)


def domain_candidates(session: Session, from_addr: str) -> frozenset[int]:
    domain = from_addr.strip().lower().rpartition("@")[2]
    if not domain or domain in PUBLIC_MAIL_DOMAINS:
        return frozenset()
    owners = session.exec(select(Customer.id).where(func.lower(Customer.email_domain) == domain))
    return frozenset(owner for owner in owners if owner is not None)


def invoices_named(session: Session, text: str) -> list[tuple[str, int]]:
    """(number, customer id) of every ledger invoice whose number appears in ``text``."""
    tokens: set[str] = set()
    for token in _TOKEN.findall(text):
        if any(ch.isdigit() for ch in token):
            tokens.update((token, token.upper()))
            if len(tokens) >= MAX_INVOICE_TOKENS:
                break
    if not tokens:
        return []
    rows = session.exec(
        select(Invoice.number, Invoice.customer_id).where(col(Invoice.number).in_(tokens))
    )
    return [(number, owner) for number, owner in rows]
