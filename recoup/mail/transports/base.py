"""What every way of sending mail promises, and the two ways it can fail.

A transport either delivers a message (returns; optionally with the
recipients it permanently refused while delivering to the others) or raises:
``TransientSendError`` means "try again later", ``PermanentSendError`` means
"this message will never go to these recipients".

A delivery record answers "was the message with this Message-ID already
delivered?": the outbox asks it before re-sending a message whose earlier
attempt was interrupted, so a crash never turns into a second copy.
"""

from __future__ import annotations

from collections.abc import Sequence
from email.message import EmailMessage
from email.policy import SMTP
from typing import Protocol, runtime_checkable

from recoup.errors import MailError


class SendError(MailError):
    """A message could not be delivered."""


class TransientSendError(SendError):
    """The server or the network failed for now; the message is retried later."""


class PermanentSendError(SendError):
    """The server refused the message for good (a 5xx reply). ``recipients`` are
    the addresses it refused; empty when it refused the message itself."""

    def __init__(self, recipients: Sequence[str] = (), reason: str = "") -> None:
        self.recipients = [address.lower() for address in recipients]
        self.reason = reason or f"refused: {', '.join(self.recipients)}"
        super().__init__(self.reason)


class Transport(Protocol):
    async def send(
        self, message: EmailMessage, *, data: bytes | None = None
    ) -> Sequence[str] | None:
        """Deliver ``message`` to its To and Cc; ``data``, when given, is the
        message already serialized for the wire (``wire_bytes``). May return the
        recipients that were refused for good while the others received it."""
        ...


@runtime_checkable
class DeliveryRecord(Protocol):
    async def contains(self, message_id: str) -> bool:
        """Whether a message with this Message-ID (without angle brackets) was delivered."""
        ...


@runtime_checkable
class SentFolder(DeliveryRecord, Protocol):
    async def append(self, messages: Sequence[bytes]) -> None:
        """Keep copies of sent messages, as they went on the wire, where people
        look for them."""
        ...


def envelope_recipients(message: EmailMessage) -> list[str]:
    """The To and Cc addresses of ``message``, lower-cased, each once."""
    from email.utils import getaddresses

    found: list[str] = []
    for name in ("To", "Cc"):
        for _display, address in getaddresses(message.get_all(name, [])):
            address = address.strip().lower()
            if address and address not in found:
                found.append(address)
    return found


def wire_bytes(message: EmailMessage) -> bytes:
    """The message as it goes on the wire (CRLF line ends)."""
    return message.as_bytes(policy=SMTP)


def bare_message_id(message: EmailMessage) -> str:
    return str(message.get("Message-ID", "")).strip().strip("<>")
