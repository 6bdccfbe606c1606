"""Who an email goes to: only contacts of the account that may be written to, reminders
to the best role there is (billing and AP first), the primary contact first within it."""

from __future__ import annotations

from recoup.ledger.operations.contacts import role_rank
from recoup.ledger.state import AccountState, ContactView


def primary_contact(
    state: AccountState, *, avoid: frozenset[str] = frozenset()
) -> ContactView | None:
    usable = [c for c in state.contacts if c.contactable and c.email.lower() not in avoid]
    if not usable:
        return None
    order = {id(c): index for index, c in enumerate(usable)}
    return min(usable, key=lambda c: (role_rank(c.role), not c.primary, order[id(c)]))


def reply_contact(
    state: AccountState, sender: str, *, avoid: frozenset[str] = frozenset()
) -> ContactView | None:
    """The sender when they are a contact who may be written to, else the primary contact."""
    wanted = sender.strip().lower()
    if wanted not in avoid:
        for contact in state.contacts:
            if contact.contactable and contact.email.lower() == wanted:
                return contact
    return primary_contact(state, avoid=avoid)


def contact_by_email(state: AccountState, address: str) -> ContactView | None:
    wanted = address.strip().lower()
    return next((c for c in state.contacts if c.email.lower() == wanted), None)
