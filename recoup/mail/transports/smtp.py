"""Sending over SMTP with aiosmtplib: STARTTLS, implicit TLS or plain, with AUTH.

One connection is kept open between sends and re-opened after any failure.
Reply codes decide the outcome: 5xx for a recipient or the message is
permanent, everything else (4xx, timeouts, dropped connections, a failed
login) is transient, because a configuration or network problem must delay
mail, never lose it.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from email.message import EmailMessage
from email.utils import parseaddr

import aiosmtplib
import structlog

from recoup.mail.transports.base import (
    PermanentSendError,
    TransientSendError,
    envelope_recipients,
    wire_bytes,
)
from recoup.settings import SmtpSettings

log = structlog.get_logger(__name__)
DEFAULT_TIMEOUT_S = 60.0
REUSE_IDLE_S = 30.0


class SmtpTransport:
    """``receipt_to``: an extra, invisible envelope recipient (the collections
    mailbox itself). The server accepts it in the same transaction as the
    customer's copy, so a copy in our own mailbox proves delivery even when we
    crash before reading the 250 reply; the outbox searches for it before it
    ever re-sends.

    Up to ``max_connections`` messages are sent at once, each on its own
    connection; connections are kept between sends and replaced after an error
    or when idle for a while (servers drop idle sessions)."""

    def __init__(
        self,
        settings: SmtpSettings,
        *,
        receipt_to: str | None = None,
        timeout_s: float = DEFAULT_TIMEOUT_S,
        max_connections: int = 1,
    ) -> None:
        self.settings = settings
        self.receipt_to = receipt_to.lower() if receipt_to else None
        self.timeout_s = timeout_s
        self._idle: list[tuple[aiosmtplib.SMTP, float]] = []
        self._slots = asyncio.Semaphore(max(1, max_connections))

    def _new_client(self) -> aiosmtplib.SMTP:
        mode = self.settings.tls.lower()
        if mode not in {"starttls", "tls", "none"}:
            raise PermanentSendError(reason=f"unknown SMTP tls mode {self.settings.tls!r}")
        password = self.settings.password.get_secret_value() if self.settings.password else None
        return aiosmtplib.SMTP(
            hostname=self.settings.host,
            port=self.settings.port,
            username=self.settings.user,
            password=password,
            use_tls=mode == "tls",
            start_tls=mode == "starttls",
            timeout=self.timeout_s,
        )

    async def _checkout(self) -> aiosmtplib.SMTP:
        while self._idle:
            client, last_used = self._idle.pop()
            if client.is_connected and time.monotonic() - last_used < REUSE_IDLE_S:
                return client
            await _quit(client)
        client = self._new_client()
        await client.connect()
        return client

    async def close(self) -> None:
        idle, self._idle = self._idle, []
        for client, _last_used in idle:
            await _quit(client)

    async def send(self, message: EmailMessage, *, data: bytes | None = None) -> list[str]:
        """Deliver to To and Cc; returns the recipients refused for good (5xx) while
        the others got the message. A recipient deferred with a 4xx while others
        were accepted is only logged: retrying would repeat the message for the
        others."""
        recipients = envelope_recipients(message)
        if not recipients:
            raise PermanentSendError(reason="the message has no recipients")
        sender = parseaddr(str(message.get("From", "")))[1]
        data = data if data is not None else wire_bytes(message)
        async with self._slots:
            client: aiosmtplib.SMTP | None = None
            try:
                async with asyncio.timeout(self.timeout_s):
                    client = await self._checkout()
                    refused = await self._transaction(client, sender, recipients, data)
            except (PermanentSendError, TransientSendError):
                await _quit(client)
                raise
            except (aiosmtplib.SMTPSenderRefused, aiosmtplib.SMTPDataError) as exc:
                await _quit(client)
                if exc.code >= 500:
                    raise PermanentSendError(reason=f"{exc.code} {exc.message}") from exc
                raise TransientSendError(f"{exc.code} {exc.message}") from exc
            except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
                await _quit(client)
                raise TransientSendError(_describe(exc)) from exc
            self._idle.append((client, time.monotonic()))
            return refused

    async def _transaction(
        self, client: aiosmtplib.SMTP, sender: str, recipients: list[str], data: bytes
    ) -> list[str]:
        await client.mail(sender)
        refused: dict[str, aiosmtplib.SMTPRecipientRefused] = {}
        for address in recipients:
            try:
                await client.rcpt(address)
            except aiosmtplib.SMTPRecipientRefused as exc:
                refused[address] = exc
        if len(refused) == len(recipients):
            detail = "; ".join(f"{a}: {e.code} {e.message}" for a, e in refused.items())
            if all(e.code >= 500 for e in refused.values()):
                raise PermanentSendError(list(refused), detail)
            raise TransientSendError(detail)
        # Only once a customer recipient is accepted: a receipt must never exist
        # for a message no customer received.
        if self.receipt_to and self.receipt_to not in recipients:
            try:
                await client.rcpt(self.receipt_to)
            except aiosmtplib.SMTPRecipientRefused as exc:
                log.warning("smtp_receipt_refused", code=exc.code)
        await client.data(data)
        if refused:
            log.warning(
                "smtp_recipients_refused",
                refused={a: f"{e.code} {e.message}"[:200] for a, e in refused.items()},
            )
        return [address for address, exc in refused.items() if exc.code >= 500]


async def _quit(client: aiosmtplib.SMTP | None) -> None:
    if client is not None and client.is_connected:
        with contextlib.suppress(Exception):
            await asyncio.wait_for(client.quit(), timeout=5)
        client.close()


def _describe(exc: BaseException) -> str:
    if isinstance(exc, aiosmtplib.SMTPResponseException):
        return f"{exc.code} {exc.message}"
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
