"""The Sent folder over IMAP: a copy of each sent message for people, and the
place the outbox looks to learn whether an interrupted send went out.

``contains`` searches the Sent folder and, because the SMTP transport puts
the collections mailbox itself in every envelope, the folders where that
receipt copy lands (the inbox, then wherever the mailbox loop files it).
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Sequence
from typing import TypeVar

import structlog
from imapclient import IMAPClient

from recoup.mail.imap_connect import DEFAULT_TIMEOUT_S, SEEN, close_imap, open_imap
from recoup.settings import ImapSettings

log = structlog.get_logger(__name__)
T = TypeVar("T")
R = TypeVar("R")


class ImapSentFolder:
    def __init__(self, settings: ImapSettings, *, timeout_s: float = DEFAULT_TIMEOUT_S) -> None:
        if not settings.sent_folder:
            raise ValueError("the IMAP settings name no sent_folder")
        self.settings = settings
        self.folder = settings.sent_folder
        self.timeout_s = timeout_s
        self.search_folders = _unique(
            [
                settings.sent_folder,
                settings.folder,
                settings.processed_folder,
                settings.quarantine_folder,
            ]
        )
        self._client: IMAPClient | None = None
        self._folders: set[str] = set()  # known to exist, on the open connection
        self._lock = threading.Lock()

    async def append(self, messages: Sequence[bytes]) -> None:
        if messages:
            await asyncio.to_thread(self._with_client, self._append, list(messages))

    async def contains(self, message_id: str) -> bool:
        return bool(await asyncio.to_thread(self._with_client, self._contains, message_id))

    def close(self) -> None:
        with self._lock:
            close_imap(self._client)
            self._client = None

    def _with_client(self, action: Callable[[IMAPClient, T], R], argument: T) -> R:
        """Run ``action`` on the kept connection; on failure, once more on a new one."""
        with self._lock:
            for attempt in (1, 2):
                try:
                    if self._client is None:
                        self._client = open_imap(self.settings, timeout_s=self.timeout_s)
                        self._folders = set()
                    return action(self._client, argument)
                except Exception:
                    close_imap(self._client)
                    self._client = None
                    if attempt == 2:
                        raise
        raise AssertionError("unreachable")

    def _append(self, client: IMAPClient, messages: list[bytes]) -> None:
        if not self._exists(client, self.folder):
            client.create_folder(self.folder)
            self._folders.add(self.folder)
        if len(messages) > 1 and client.has_capability("MULTIAPPEND"):
            client.multiappend(self.folder, [{"msg": data, "flags": [SEEN]} for data in messages])
            return
        for data in messages:
            client.append(self.folder, data, flags=[SEEN])

    def _contains(self, client: IMAPClient, message_id: str) -> bool:
        wanted = message_id.strip().strip("<>")
        for folder in self.search_folders:
            if not self._exists(client, folder):
                continue
            client.select_folder(folder, readonly=True)
            if client.search(["HEADER", "Message-ID", f"<{wanted}>"]):
                log.info("delivery_record_found", folder=folder)
                return True
        return False

    def _exists(self, client: IMAPClient, folder: str) -> bool:
        """Whether ``folder`` exists; a folder seen once is not asked about again
        on the same connection."""
        if folder not in self._folders and client.folder_exists(folder):
            self._folders.add(folder)
        return folder in self._folders


def _unique(folders: list[str | None]) -> list[str]:
    result: list[str] = []
    for folder in folders:
        if folder and folder not in result:
            result.append(folder)
    return result
