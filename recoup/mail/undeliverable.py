"""An address mail cannot reach: mark it, and ask a person for a new contact
when an account has nobody left to write to. Used for bounces and for
permanent SMTP refusals alike."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from recoup.ledger import audit
from recoup.ledger.models import (
    Contact,
    Escalation,
    EscalationCategory,
    EscalationStatus,
)
from recoup.ledger.operations.actor import SYSTEM
from recoup.ledger.operations.escalations import open_escalation
from recoup.ledger.state import load_account
from recoup.policy import Policy


@dataclass
class Undeliverable:
    """Which accounts lost a contact, and which of them have none left."""

    customer_ids: list[int] = field(default_factory=list)
    without_contact: list[int] = field(default_factory=list)


def mark_undeliverable(
    session: Session,
    addresses: Iterable[str],
    *,
    now: datetime,
    policy: Policy,
    reason: str,
    message_id: int | None = None,
) -> Undeliverable:
    """An address is dead for every account that lists it, so all its contacts are marked."""
    wanted = sorted({address.strip().lower() for address in addresses if "@" in address})
    outcome = Undeliverable()
    if not wanted:
        return outcome
    contacts = list(
        session.exec(
            select(Contact).where(
                func.lower(Contact.email).in_(wanted), col(Contact.undeliverable).is_(False)
            )
        )
    )
    for contact in contacts:
        contact.undeliverable = True
        if contact.customer_id not in outcome.customer_ids:
            outcome.customer_ids.append(contact.customer_id)
    session.flush()
    for customer_id in outcome.customer_ids:
        marked = [c.email for c in contacts if c.customer_id == customer_id]
        audit.record(
            session,
            at=now,
            actor="system",
            action="contact_undeliverable",
            reason=f"{', '.join(marked)}: {reason}"[:2000],
            customer_id=customer_id,
            detail={"addresses": marked, "message_id": message_id},
        )
        if not _has_contactable(session, customer_id):
            outcome.without_contact.append(customer_id)
            _ask_for_new_contact(session, customer_id, marked, now, policy, message_id)
    return outcome


def _has_contactable(session: Session, customer_id: int) -> bool:
    return (
        session.exec(
            select(Contact.id).where(
                Contact.customer_id == customer_id,
                col(Contact.undeliverable).is_(False),
                col(Contact.do_not_contact).is_(False),
            )
        ).first()
        is not None
    )


def _ask_for_new_contact(
    session: Session,
    customer_id: int,
    addresses: list[str],
    now: datetime,
    policy: Policy,
    message_id: int | None,
) -> None:
    already = session.exec(
        select(Escalation.id).where(
            Escalation.customer_id == customer_id,
            Escalation.category == EscalationCategory.CONTACT_CHANGE.value,
            Escalation.status == EscalationStatus.OPEN.value,
        )
    ).first()
    if already is not None:
        return
    open_escalation(
        session,
        load_account(session, customer_id, now=now),
        now=now,
        actor=SYSTEM,
        policy=policy,
        category=EscalationCategory.CONTACT_CHANGE,
        reason=(
            f"mail to {', '.join(addresses)} cannot be delivered and the account has no "
            "other contact to write to: it needs a new contact"
        ),
        recommendation="Find a current accounts-payable contact and add it to the account.",
        message_id=message_id,
    )
