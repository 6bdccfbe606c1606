"""Change who an account's mail goes to: add a contact a customer named, or stop writing
to one who asked us to.

A contact on the customer's own domain can be used at once; one on another domain is a
person's decision (a changed payee address is how invoice fraud starts), which the
guardrails enforce before this runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from recoup.ledger import audit
from recoup.ledger.models import Contact, ContactRole
from recoup.ledger.operations.actor import Actor
from recoup.ledger.operations.refused import OperationRefused
from recoup.ledger.state import Account

# Who receives reminders, best first: billing and accounts payable, then the owner, then
# the person who bought (they can chase AP, but are not who pays).
_ROLE_RANK: dict[str, int] = {
    ContactRole.BILLING.value: 0,
    ContactRole.AP.value: 0,
    "accounts_payable": 0,
    "accounts payable": 0,
    "finance": 0,
    "controller": 1,
    ContactRole.OWNER.value: 1,
    ContactRole.PURCHASER.value: 3,
    "buyer": 3,
}
OTHER_ROLE_RANK = 2


def role_rank(role: str) -> int:
    """How early a contact of this role is written to about money owed (0 first)."""
    return _ROLE_RANK.get(role.strip().lower(), OTHER_ROLE_RANK)


def domain_of(address: str) -> str:
    return address.strip().rpartition("@")[2].lower()


def customer_domains(account: Account) -> set[str]:
    """The domains the customer is known to write from: its own and its contacts'."""
    domains = {domain_of(c.email) for c in account.contacts if "@" in c.email}
    if account.customer.email_domain:
        domains.add(account.customer.email_domain.strip().lower())
    return domains


def on_customer_domain(account: Account, address: str) -> bool:
    return domain_of(address) in customer_domains(account)


def contact_of(account: Account, address: str) -> Contact | None:
    wanted = address.strip().lower()
    return next((c for c in account.contacts if c.email.lower() == wanted), None)


@dataclass(frozen=True)
class ContactChange:
    contact: Contact
    change: str  # added | now_primary | do_not_contact | already
    primary: str | None  # who outreach goes to now, if anyone


def add_contact(
    session: Session,
    account: Account,
    *,
    now: datetime,
    actor: Actor,
    email: str,
    name: str = "",
    role: str | None = None,
    replaces: str | None = None,
    message_id: int | None = None,
) -> ContactChange:
    """Add ``email`` (or keep the existing contact) and make it the one outreach goes to.
    ``replaces``: the contact it takes over from, whose role it inherits."""
    address = email.strip().lower()
    if "@" not in address or len(address) > 320:
        raise OperationRefused(f"{email!r} is not an email address")
    existing = contact_of(account, address)
    if existing is not None and existing.do_not_contact:
        raise OperationRefused(f"{address} asked not to be contacted")
    previous = contact_of(account, replaces) if replaces else None
    inherited = role or (previous.role if previous is not None else ContactRole.BILLING.value)
    if existing is None:
        contact = Contact(
            customer_id=account.customer_id,
            name=name[:200],
            email=address,
            role=inherited[:40],
            source_message_id=message_id,
        )
        session.add(contact)
        change = "added"
    else:
        contact = existing
        change = "already" if existing.is_primary else "now_primary"
    _make_primary(session, account, contact)
    session.flush()
    audit.record(
        session,
        at=now,
        actor=actor.name,
        action="add_contact",
        reason=f"{address} added as the {contact.role} contact"
        + (f", in place of {previous.email}" if previous is not None else "")
        + (f" (message #{message_id})" if message_id else ""),
        customer_id=account.customer_id,
        run_id=actor.run_id,
        detail={"contact_id": contact.id, "change": change, "message_id": message_id},
    )
    return ContactChange(contact, change, contact.email)


def mark_do_not_contact(
    session: Session,
    account: Account,
    *,
    now: datetime,
    actor: Actor,
    email: str,
    message_id: int | None = None,
) -> ContactChange:
    """The contact asked not to be written to: recorded with the message and the time, and
    outreach moves to the best contact left (None: a person must find one)."""
    contact = contact_of(account, email)
    if contact is None:
        raise OperationRefused(f"{email} is not a contact of this account")
    change = "already" if contact.do_not_contact else "do_not_contact"
    if not contact.do_not_contact:
        contact.do_not_contact = True
        contact.do_not_contact_at = now
        contact.do_not_contact_message_id = message_id
    contact.is_primary = False
    session.add(contact)
    successor = best_contact(account)
    if successor is not None:
        _make_primary(session, account, successor)
    session.flush()
    audit.record(
        session,
        at=now,
        actor=actor.name,
        action="do_not_contact",
        reason=f"{contact.email} asked not to be contacted"
        + (f" (message #{message_id})" if message_id else "")
        + (f"; outreach moves to {successor.email}" if successor else "; no contact is left"),
        customer_id=account.customer_id,
        run_id=actor.run_id,
        detail={"contact_id": contact.id, "message_id": message_id},
    )
    return ContactChange(contact, change, successor.email if successor else None)


def best_contact(account: Account) -> Contact | None:
    """The contact reminders go to: the best role, the primary first within it."""
    usable = account.contactable()
    if not usable:
        return None
    return min(usable, key=lambda c: (role_rank(c.role), not c.is_primary, c.id or 0))


def _make_primary(session: Session, account: Account, chosen: Contact) -> None:
    for contact in account.contacts:
        if contact is not chosen and contact.is_primary:
            contact.is_primary = False
            session.add(contact)
    chosen.is_primary = True
    session.add(chosen)
