"""Who to write to after a reply about contacts: a redirect to a named address, or a
request to stop writing.

The calls go to ``update_contact``; the guardrails decide whether a new address is used
at once (the customer's domain) or held for a person (any other domain).
"""

from __future__ import annotations

from recoup.ledger.models import EscalationCategory
from recoup.offline.protocol import Action
from recoup.offline.readings import Item
from recoup.offline.recipients import contact_by_email
from recoup.offline.situation import Situation
from recoup.reader import Intent


def contact_actions(
    item: Item, here: Situation, purpose: str, *, redirected: bool = False
) -> list[Action] | None:
    """The contact changes ``item`` asks for; None when a person must work out who.
    ``redirected``: the same message names another address to write to."""
    if item.injection_suspected and item.intent is Intent.WRONG_CONTACT:
        return None  # a message that tries to instruct us does not choose our recipients
    sender = item.sender.strip().lower()
    redirect = (item.finding.redirect_email or "").strip().lower()
    actions: list[Action] = []
    if redirect and redirect != sender:
        actions.append(_add(item, redirect, purpose))
    if item.intent is Intent.WRONG_CONTACT:
        return actions or None
    contact = contact_by_email(here.state, sender)
    if contact is None or not contact.contactable:
        return actions
    actions.append(
        Action(
            "update_contact",
            {
                "action": "do_not_contact",
                "email": contact.email,
                "source_message_id": item.message_id,
            },
            purpose,
        )
    )
    others = [c for c in here.state.contacts if c.contactable and c.email.lower() not in {sender}]
    if not others and not redirect and not redirected:
        actions.append(_nobody_left(item, contact.email))
    return actions


def _add(item: Item, address: str, purpose: str) -> Action:
    return Action(
        "update_contact",
        {
            "action": "add",
            "email": address,
            "replaces": item.sender,
            "source_message_id": item.message_id,
        },
        purpose,
    )


def _nobody_left(item: Item, address: str) -> Action:
    return Action(
        "escalate",
        {
            "category": EscalationCategory.CONTACT_CHANGE.value,
            "reason": f"{address} asked in message #{item.message_id} not to be contacted, "
            "and no other contact of the account can be written to",
            "recommendation": "Find another billing contact and add it to the account, or "
            "decide how collection continues; recoup writes to nobody meanwhile.",
            "source_message_id": item.message_id,
        },
        "escalate",
    )
