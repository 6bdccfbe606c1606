"""What woke the agent up for an account, as the model will read it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from recoup.ledger.models import Event, EventKind, Message

MAX_EMAIL_CHARS = 4000


def describe(events: list[Event]) -> str:
    kinds = sorted({event.kind for event in events})
    return ",".join(kinds) or "review"


def build_trigger(session: Session, events: list[Event], now: datetime) -> dict[str, Any]:
    message_ids = [e.ref_id for e in events if e.kind == EventKind.MESSAGE.value and e.ref_id]
    messages = (
        list(
            session.exec(
                select(Message).where(col(Message.id).in_(message_ids)).order_by(col(Message.id))
            )
        )
        if message_ids
        else []
    )
    return {
        "now": now.isoformat(timespec="minutes"),
        "today": now.date().isoformat(),
        "kinds": sorted({event.kind for event in events}),
        "events": [
            {"kind": e.kind, "detail": e.detail, "due_at": e.due_at.isoformat(timespec="minutes")}
            for e in events
            if e.kind != EventKind.MESSAGE.value
        ],
        "customer_emails": [_quoted(message) for message in messages],
    }


def _quoted(message: Message) -> dict[str, Any]:
    text = message.text
    if len(text) > MAX_EMAIL_CHARS:
        text = text[:MAX_EMAIL_CHARS] + " […trimmed]"
    return {
        "message_id": message.id,
        "from": message.from_addr,
        "subject": message.subject,
        "received_at": message.created_at.isoformat(timespec="minutes"),
        "auto_kind": message.auto_kind,
        "attachments": [a.get("filename") for a in message.attachments if a.get("filename")],
        # Computed by recoup, not written by the customer: flag -> the words that raised it.
        "risk_flags": dict(message.risk_flags or {}),
        "text": text,
    }
