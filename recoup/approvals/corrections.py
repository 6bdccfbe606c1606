"""People's readings from reading cases, as labelled replies for the reader's corpus.

``recoup reader corrections --out corrections.jsonl`` writes them;
``recoup reader train --with-corrections --corrections corrections.jsonl`` learns from them.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, select

from recoup.ledger.models import Customer, Invoice, Message, ReadingCorrection
from recoup.reader.corpus import LabelledReply
from recoup.reader.language import detect_language
from recoup.reader.text import fold


def labelled_corrections(session: Session) -> list[LabelledReply]:
    """Every stored correction, oldest first, in the corpus's format."""
    rows = session.exec(
        select(ReadingCorrection, Message)
        .join(Message, col(Message.id) == col(ReadingCorrection.message_id))
        .order_by(col(ReadingCorrection.id))
    )
    return [_labelled(session, correction, message) for correction, message in rows]


def _labelled(session: Session, correction: ReadingCorrection, message: Message) -> LabelledReply:
    finding = correction.finding
    customer = session.get(Customer, correction.customer_id) if correction.customer_id else None
    known = {
        invoice.number: invoice.amount_cents
        for invoice in session.exec(
            select(Invoice).where(Invoice.customer_id == (correction.customer_id or 0))
        )
    }
    record: dict[str, Any] = {
        "id": f"correction-{correction.id}",
        "author": "corrections",
        "template": f"corr-{correction.id}",
        "language": detect_language(fold(message.text)),
        "today": message.created_at.date().isoformat(),
        "sender": message.from_addr,
        "customer_domain": (customer.email_domain or "") if customer else "",
        "currency": customer.currency if customer else "USD",
        "known_invoices": known,
        "subject": message.subject,
        "body": message.text,
        "intents": [correction.intent],
        "redirect_email": finding.get("redirect_email"),
        "flags": sorted((message.risk_flags or {}).keys()),
    }
    if correction.intent == "promise" and finding.get("date"):
        record["promises"] = [
            {
                "date": finding["date"],
                "amount_cents": finding.get("amount_cents"),
                "invoices": finding.get("invoice_numbers") or [],
            }
        ]
    if correction.intent == "dispute":
        record["dispute"] = {
            "invoices": finding.get("invoice_numbers") or [],
            "reason": finding.get("dispute_reason") or "other",
        }
    return LabelledReply.model_validate(record)
