"""The offline reader of customer replies: deterministic, multilingual, no model needed.

    reading = read_reply(text, subject=subject, today=today, known_invoices={"INV-1": 120000})
    reading.primary.intent, reading.primary.date, reading.has(Intent.DISPUTE)

For the caller: an empty ``invoice_numbers`` means the finding names no invoice; a promise
without ``amount_cents`` means the full balance of the invoices concerned; when
``injection_suspected`` is set, the reply also held instructions aimed at a machine, which
were left unread, and the rest deserves a human look. How vague dates resolve ("next week",
"end of month", "next Friday") is written down in ``recoup.reader.dates``.
"""

from recoup.reader.classify import read_reply
from recoup.reader.intents import (
    PRECEDENCE,
    CopyKind,
    DisputeReason,
    Finding,
    Intent,
    Reading,
)

__all__ = [
    "PRECEDENCE",
    "CopyKind",
    "DisputeReason",
    "Finding",
    "Intent",
    "Reading",
    "read_reply",
]
