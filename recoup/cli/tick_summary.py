"""What `recoup tick` says when it ends: the accounts worked, and the emails it queued
with when they go out and how to read them."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, select

from recoup.cli.formats import moment
from recoup.ledger.models import Customer, Direction, Escalation, Message, MessageStatus

SHOWN_EMAILS = 10


def tick_lines(
    session: Session,
    *,
    since: datetime,
    now: datetime,
    worked: int,
    due: int,
    outcomes: dict[str, int],
    errors: int,
    daemon_sends: bool,
) -> list[str]:
    said = ", ".join(f"{count} {outcome}" for outcome, count in sorted(outcomes.items()))
    lines = [
        f"Worked {worked} of {due} account(s) due" + (f": {said}" if said else "")
        + (f"; {errors} error(s)" if errors else "") + "."
    ]  # fmt: skip
    queued = session.exec(
        select(Message, Customer)
        .join(Customer, col(Customer.id) == col(Message.customer_id), isouter=True)
        .where(
            Message.direction == Direction.OUTBOUND.value,
            Message.status == MessageStatus.QUEUED.value,
            col(Message.created_at) >= since,
        )
        .order_by(col(Message.id))
    ).all()
    held = session.exec(
        select(Escalation).where(col(Escalation.created_at) >= since, Escalation.status == "open")
    ).all()
    if not queued:
        lines.append("No email queued.")
    else:
        later = [
            m.next_attempt_at for m, _ in queued if m.next_attempt_at and m.next_attempt_at > now
        ]
        when = (
            f"the first at {moment(min(later))} UTC"
            if later and len(later) == len(queued)
            else "now"
        )
        sender = "`recoup run` sends them" if daemon_sends else "they are sent"
        lines.append(
            f"Queued {len(queued)} email(s); due to go out {when}: {sender} "
            "(nothing leaves until it runs)."
        )
        for message, customer in queued[:SHOWN_EMAILS]:
            name = customer.name if customer is not None else message.to_addrs
            lines.append(f"  #{message.id} to {name}: {message.subject}")
        if len(queued) > SHOWN_EMAILS:
            lines.append(f"  … and {len(queued) - SHOWN_EMAILS} more")
        lines.append("Read one as the customer will: `recoup outbox show ID`.")
    if held:
        lines.append(
            f"{len(held)} case(s) wait for a person: `recoup approvals list` or the approvals page."
        )
    return lines
