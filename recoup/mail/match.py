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
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from sqlalchemy import func
from sqlmodel import Session, col, select

from recoup.ledger.models import Contact, Customer, Invoice, Message
from recoup.reader.risk import imitates

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
T = TypeVar("T")
QUERY_CHUNK = 500  # values in one IN (...): well under any driver's limit


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


@dataclass(frozen=True)
class Clues:
    """What one message says about its account."""

    from_addr: str
    in_reply_to: str | None
    references: Sequence[str]
    subject: str
    text: str


@dataclass
class MatchIndex:
    """The ledger as matching a batch of messages needs it, read in a few queries: the
    accounts of the Message-IDs they cite, of their senders' addresses and domains, and of
    the invoice numbers they name. ``match`` decides as ``match_message`` does."""

    threads: dict[str, int] = field(default_factory=dict)
    contacts: dict[str, set[int]] = field(default_factory=dict)
    domains: dict[str, set[int]] = field(default_factory=dict)
    invoices: dict[str, int] = field(default_factory=dict)

    @classmethod
    def load(cls, session: Session, batch: Iterable[Clues]) -> MatchIndex:
        clues = list(batch)
        index = cls()
        cited = {cited for c in clues for cited in _cited(c.in_reply_to, c.references)}
        for chunk in chunks(cited):
            rows = session.exec(
                select(Message.message_id, Message.customer_id).where(
                    col(Message.message_id).in_(chunk), col(Message.customer_id).is_not(None)
                )
            )
            index.threads.update({mid: owner for mid, owner in rows if owner is not None})
        index._load_senders(session, clues)
        tokens = {token for c in clues for token in invoice_tokens(f"{c.subject}\n{c.text}")}
        for chunk in chunks(tokens):
            rows = session.exec(
                select(Invoice.number, Invoice.customer_id).where(col(Invoice.number).in_(chunk))
            )
            index.invoices.update(dict(rows.all()))
        return index

    def _load_senders(self, session: Session, clues: list[Clues]) -> None:
        addresses = {_address(c.from_addr) for c in clues} - {""}
        for chunk in chunks(addresses):
            email = func.lower(Contact.email)
            for address, owner in session.exec(
                select(email, Contact.customer_id).where(email.in_(chunk))
            ):
                self.contacts.setdefault(address, set()).add(owner)
        domains = {_domain(c.from_addr) for c in clues} - {""}
        for chunk in chunks(domains):
            domain = func.lower(Customer.email_domain)
            rows = session.exec(select(domain, Customer.id).where(domain.in_(chunk)))
            for name, customer_id in rows:
                if customer_id is not None:
                    self.domains.setdefault(name, set()).add(customer_id)

    def match(self, clues: Clues) -> MatchResult:
        tokens = invoice_tokens(f"{clues.subject}\n{clues.text}")
        invoices = [(number, self.invoices[number]) for number in tokens if number in self.invoices]
        return _decide(
            self._thread(clues),
            frozenset(self.contacts.get(_address(clues.from_addr), ())),
            frozenset(self.domains.get(_domain(clues.from_addr), ())),
            invoices,
        )

    def remember(self, message_id: str, customer_id: int) -> None:
        """A message of the batch, now stored: later ones may answer it."""
        self.threads[message_id] = customer_id

    def accounts(self) -> set[int]:
        """Every account the batch's evidence names."""
        named = set(self.threads.values()) | set(self.invoices.values())
        for owners in (*self.contacts.values(), *self.domains.values()):
            named |= owners
        return named

    def _thread(self, clues: Clues) -> frozenset[int]:
        if clues.in_reply_to:
            owner = self.threads.get(clues.in_reply_to[:255])
            if owner is not None:
                return frozenset({owner})
        cited = _cited(None, clues.references)
        return frozenset(self.threads[c] for c in cited if c in self.threads)


def chunks(values: Iterable[T]) -> Iterator[list[T]]:
    """``values`` a query's worth at a time."""
    listed = list(values)
    for start in range(0, len(listed), QUERY_CHUNK):
        yield listed[start : start + QUERY_CHUNK]


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
    decided = _decide(
        thread_candidates(session, in_reply_to, list(references)),
        contact_candidates(session, from_addr),
        domain_candidates(session, from_addr),
        invoices,
    )
    if decided.customer_id is None and not decided.candidates:
        # A sender imitating one account's domain writes about that account: matched to
        # it, the message carries its look-alike flag to the person who must see it.
        imitated = lookalike_candidates(session, from_addr)
        if len(imitated) == 1:
            return MatchResult(next(iter(imitated)), "lookalike domain", sorted(imitated))
    return decided


def _decide(
    thread: frozenset[int],
    contact: frozenset[int],
    domain: frozenset[int],
    invoices: list[tuple[str, int]],
) -> MatchResult:
    steps = [
        ("thread", thread),
        ("contact", contact),
        ("domain", domain),
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
    wanted = _cited(None, references)
    if not wanted:
        return frozenset()
    owners = session.exec(
        select(Message.customer_id)
        .where(col(Message.message_id).in_(wanted), col(Message.customer_id).is_not(None))
        .distinct()
    )
    return frozenset(owner for owner in owners if owner is not None)


def _cited(in_reply_to: str | None, references: Iterable[str]) -> list[str]:
    """The Message-IDs of the thread as stored (the column holds 255 characters)."""
    wanted = [ref[:255] for ref in list(references)[-50:] if ref]
    return [in_reply_to[:255], *wanted] if in_reply_to else wanted


def _address(from_addr: str) -> str:
    address = from_addr.strip().lower()
    return address if "@" in address else ""


def _domain(from_addr: str) -> str:
    domain = from_addr.strip().lower().rpartition("@")[2]
    return "" if domain in PUBLIC_MAIL_DOMAINS else domain


def contact_candidates(session: Session, from_addr: str) -> frozenset[int]:
    address = _address(from_addr)
    if not address:
        return frozenset()
    owners = session.exec(
        select(Contact.customer_id).where(func.lower(Contact.email) == address).distinct()
    )
    return frozenset(owners)


def lookalike_candidates(session: Session, from_addr: str) -> frozenset[int]:
    """The accounts whose email domain the sender's imitates ("mesaverdegriil" for
    "mesaverdegrill"); read only for mail nothing else matched."""
    domain = _domain(from_addr)
    if not domain:
        return frozenset()
    size = func.length(Customer.email_domain)
    rows = session.exec(
        select(Customer.id, Customer.email_domain).where(
            col(Customer.email_domain).is_not(None), size.between(len(domain) - 3, len(domain) + 3)
        )
    )
    return frozenset(
        customer_id
        for customer_id, real in rows
        if customer_id is not None and real and imitates(domain, real.lower())
    )


def domain_candidates(session: Session, from_addr: str) -> frozenset[int]:
    domain = _domain(from_addr)
    if not domain:
        return frozenset()
    owners = session.exec(select(Customer.id).where(func.lower(Customer.email_domain) == domain))
    return frozenset(owner for owner in owners if owner is not None)


def invoices_named(session: Session, text: str) -> list[tuple[str, int]]:
    """(number, customer id) of every ledger invoice whose number appears in ``text``."""
    tokens = invoice_tokens(text)
    if not tokens:
        return []
    rows = session.exec(
        select(Invoice.number, Invoice.customer_id).where(col(Invoice.number).in_(tokens))
    )
    return [(number, owner) for number, owner in rows]


def invoice_tokens(text: str) -> set[str]:
    """The words of ``text`` that could be invoice numbers (those with a digit)."""
    tokens: set[str] = set()
    for found in _TOKEN.finditer(text):
        token = found.group(0)
        if any(ch.isdigit() for ch in token):
            tokens.update((token, token.upper()))
            if len(tokens) >= MAX_INVOICE_TOKENS:
                break
    return tokens
