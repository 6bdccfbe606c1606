"""Who an email goes to: only contacts of the account that may be written to."""

from __future__ import annotations

from recoup.ledger.state import AccountState, ContactView

BILLING_ROLES = ("billing", "ap", "accounts_payable", "accounts payable", "finance")


def primary_contact(
    state: AccountState, *, avoid: frozenset[str] = frozenset()
) -> ContactView | None:
    usable = [c for c in state.contacts if c.contactable and c.email.lower() not in avoid]
    billing = [c for c in usable if c.role.lower() in BILLING_ROLES]
    return (billing or usable or [None])[0]


def reply_contact(state: AccountState, sender: str) -> ContactView | None:
    """The sender when they are a contact who may be written to, else the primary contact."""
    wanted = sender.strip().lower()
    for contact in state.contacts:
        if contact.contactable and contact.email.lower() == wanted:
            return contact
    return primary_contact(state)


def contact_by_email(state: AccountState, address: str) -> ContactView | None:
    wanted = address.strip().lower()
    return next((c for c in state.contacts if c.email.lower() == wanted), None)
