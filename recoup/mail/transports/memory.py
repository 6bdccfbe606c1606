"""A transport that keeps sent mail in a list: evals, demos and tests."""

from __future__ import annotations

from collections.abc import Sequence
from email.message import EmailMessage

from recoup.mail.transports.base import (
    PermanentSendError,
    TransientSendError,
    bare_message_id,
    envelope_recipients,
)


class InMemoryTransport:
    """Delivers into ``self.sent``. Addresses in ``refuse`` are refused for good,
    and the next ``fail_next`` sends fail as transient errors."""

    def __init__(self, *, refuse: Sequence[str] = (), fail_next: int = 0) -> None:
        self.sent: list[EmailMessage] = []
        self.refuse = {address.lower() for address in refuse}
        self.fail_next = fail_next

    async def send(self, message: EmailMessage, *, data: bytes | None = None) -> list[str]:
        if self.fail_next > 0:
            self.fail_next -= 1
            raise TransientSendError("421 4.3.2 simulated temporary failure")
        recipients = envelope_recipients(message)
        refused = [address for address in recipients if address in self.refuse]
        if recipients and len(refused) == len(recipients):
            raise PermanentSendError(refused, "550 5.1.1 recipient address rejected")
        self.sent.append(message)
        return refused

    async def contains(self, message_id: str) -> bool:
        return any(bare_message_id(message) == message_id for message in self.sent)
