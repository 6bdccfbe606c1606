"""The embedded default: local maildir folders instead of a mail server.

``MaildirTransport`` "sends" by adding the message to an outbox maildir (the
standard library writes it under tmp/ and renames it into new/, so a message
is either wholly there or not at all). The outbox is its own delivery record:
``contains`` finds a Message-ID there, which is how an interrupted send is
recognised after a crash.

``MaildirInbox`` is the matching inbound side: every message dropped into the
inbox maildir is ingested, then moved to processed/ (or quarantine/).
"""

from __future__ import annotations

import asyncio
import mailbox
import threading
from email.message import EmailMessage
from email.parser import BytesHeaderParser
from pathlib import Path

from recoup.mail.transports.base import bare_message_id, wire_bytes

INBOX = "inbox"
OUTBOX = "outbox"
PROCESSED = "processed"
QUARANTINE = "quarantine"


def open_maildir(path: Path) -> mailbox.Maildir:
    path.parent.mkdir(parents=True, exist_ok=True)
    return mailbox.Maildir(path, factory=None, create=True)


class MaildirTransport:
    """Delivers into ``root/outbox`` (a maildir)."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.outbox = open_maildir(self.root / OUTBOX)
        self._index: set[str] | None = None
        self._lock = threading.Lock()

    async def send(self, message: EmailMessage, *, data: bytes | None = None) -> None:
        await asyncio.to_thread(self._add, message, data)

    async def contains(self, message_id: str) -> bool:
        return await asyncio.to_thread(self._contains, message_id)

    def _add(self, message: EmailMessage, data: bytes | None) -> None:
        data = data if data is not None else wire_bytes(message)
        with self._lock:
            self.outbox.add(data)
            if self._index is not None:
                self._index.add(bare_message_id(message))

    def _contains(self, message_id: str) -> bool:
        with self._lock:
            if self._index is None:
                self._index = set(self._scan())
            return message_id in self._index

    def _scan(self) -> list[str]:
        parser = BytesHeaderParser()
        found = []
        for key in self.outbox.iterkeys():
            try:
                with self.outbox.get_file(key) as handle:
                    headers = parser.parse(handle)  # type: ignore[arg-type]
            except (FileNotFoundError, KeyError):
                continue
            found.append(str(headers.get("Message-ID", "")).strip().strip("<>"))
        return found

    def delivered(self) -> list[bytes]:
        """The raw messages in the outbox, oldest file first (for demos and tests)."""
        with self._lock:
            return [self.outbox.get_bytes(key) for key in sorted(self.outbox.iterkeys())]


class MaildirInbox:
    """The inbox maildir under ``root``, with processed/ and quarantine/ beside it.

    A handled message is moved with one rename, so it is in exactly one folder
    at any moment; a crash before the rename only means it is read again, and
    the Message-ID dedupe of the ingest makes that second read a no-op.
    """

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        for name in (INBOX, PROCESSED, QUARANTINE):
            open_maildir(self.root / name)

    def pending(self) -> list[Path]:
        """The messages waiting in the inbox, in arrival order (maildir names start
        with the delivery time)."""
        files = [
            path
            for sub in ("new", "cur")
            for path in (self.root / INBOX / sub).iterdir()
            if path.is_file() and not path.name.startswith(".")
        ]
        return sorted(files, key=lambda path: path.name)

    @staticmethod
    def read(path: Path) -> bytes | None:
        try:
            return path.read_bytes()
        except FileNotFoundError:
            return None

    def file_away(self, path: Path, *, quarantined: bool) -> Path:
        folder = QUARANTINE if quarantined else PROCESSED
        name = path.name if ":2," in path.name else f"{path.name}:2,S"
        target = self.root / folder / "cur" / name
        path.replace(target)
        return target
