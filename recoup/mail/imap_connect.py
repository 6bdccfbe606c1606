"""Opening an IMAP connection to the collections mailbox, and moving mail in it.

imapclient is synchronous: callers run these functions in a worker thread.
"""

from __future__ import annotations

import contextlib
import ipaddress
from collections.abc import Sequence

from imapclient import IMAPClient

from recoup.settings import ImapSettings

DEFAULT_TIMEOUT_S = 60.0
SEEN = b"\\Seen"
FLAGGED = b"\\Flagged"
DELETED = b"\\Deleted"


def open_imap(settings: ImapSettings, *, timeout_s: float = DEFAULT_TIMEOUT_S) -> IMAPClient:
    """A logged-in client. Without implicit TLS, STARTTLS is used whenever the
    server offers it, and required for anything but the loopback interface."""
    client = IMAPClient(settings.host, port=settings.port, ssl=settings.tls, timeout=timeout_s)
    try:
        if not settings.tls:
            if b"STARTTLS" in client.capabilities():
                client.starttls()
            elif not _is_loopback(settings.host):
                raise ConnectionError(
                    f"{settings.host} offers no TLS; refusing to send the password in clear"
                )
        client.login(settings.user, settings.password.get_secret_value())
    except BaseException:
        _close_quietly(client)
        raise
    return client


def close_imap(client: IMAPClient | None) -> None:
    if client is not None:
        _close_quietly(client)


def _close_quietly(client: IMAPClient) -> None:
    try:
        client.logout()
    except Exception:
        with contextlib.suppress(Exception):
            client.shutdown()


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def ensure_folders(client: IMAPClient, folders: Sequence[str | None]) -> None:
    for folder in folders:
        if folder and not client.folder_exists(folder):
            client.create_folder(folder)


def move_messages(client: IMAPClient, uids: Sequence[int], folder: str) -> None:
    """MOVE where the server has it; otherwise copy, mark deleted and expunge
    just those messages (UIDPLUS) or the folder."""
    if not uids:
        return
    capabilities = client.capabilities()
    if b"MOVE" in capabilities:
        client.move(list(uids), folder)
        return
    client.copy(list(uids), folder)
    client.add_flags(list(uids), [DELETED], silent=True)
    if b"UIDPLUS" in capabilities:
        client.uid_expunge(list(uids))
    else:
        client.expunge()
