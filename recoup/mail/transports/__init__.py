"""Ways to send mail: SMTP, a local maildir, or a list in memory."""

from recoup.mail.transports.base import (
    DeliveryRecord,
    PermanentSendError,
    SendError,
    SentFolder,
    TransientSendError,
    Transport,
)
from recoup.mail.transports.imap_sent import ImapSentFolder
from recoup.mail.transports.maildir import MaildirInbox, MaildirTransport
from recoup.mail.transports.memory import InMemoryTransport
from recoup.mail.transports.smtp import SmtpTransport

__all__ = [
    "DeliveryRecord",
    "ImapSentFolder",
    "InMemoryTransport",
    "MaildirInbox",
    "MaildirTransport",
    "PermanentSendError",
    "SendError",
    "SentFolder",
    "SmtpTransport",
    "TransientSendError",
    "Transport",
]
