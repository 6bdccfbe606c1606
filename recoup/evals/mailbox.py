"""Customer mail as it arrives over the wire: raw RFC 5322 bytes.

Replies quote what they answer and carry In-Reply-To/References, HTML-only
mail has no text part, out-of-office replies carry Auto-Submitted, bounces
are multipart/report delivery status notifications (RFC 3464).
"""

from __future__ import annotations

import html
from datetime import datetime
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, formataddr, parseaddr
from zoneinfo import ZoneInfo

from recoup.evals.scenario import MessageSpec

_BOUNDARY = "=_dsn_{stamp}"


def plain_text(message: EmailMessage) -> str:
    """The text a person reads in ``message`` (its plain part, else its HTML)."""
    part = message.get_body(("plain", "html"))
    if part is None:
        return ""
    content = part.get_content()
    return content if isinstance(content, str) else ""


def _local(at: datetime, timezone: str) -> str:
    return format_datetime(at.astimezone(ZoneInfo(timezone)))


def _quote(replied: EmailMessage, timezone: str) -> tuple[str, str]:
    """The quoted original, as text and as an HTML blockquote."""
    sender = replied.get("From", "")
    sent = replied.get("Date", "")
    body = plain_text(replied).rstrip()
    text = f"On {sent}, {sender} wrote:\n" + "\n".join(
        f"> {line}" if line else ">" for line in body.splitlines()
    )
    markup = (
        f"<div>On {html.escape(sent)}, {html.escape(sender)} wrote:</div>"
        f'<blockquote style="margin:0 0 0 .8ex;border-left:1px #ccc solid;padding-left:1ex">'
        f"{html.escape(body).replace(chr(10), '<br>')}</blockquote>"
    )
    return text, markup


def _history(spec: MessageSpec, timezone: str) -> tuple[str, str]:
    texts, markups = [], []
    depth = 1 if spec.quote else 0
    for old in sorted(spec.history, key=lambda quoted: quoted.sent, reverse=True):
        depth += 1
        marker = ">" * depth
        sent = format_datetime(old.sent.astimezone(ZoneInfo(timezone)))
        lines = [f"{marker[:-1]} On {sent}, {old.sender} wrote:".lstrip()]
        lines += [f"{marker} {line}" if line else marker for line in old.text.splitlines()]
        texts.append("\n".join(lines))
        markups.append(
            f"<div>On {html.escape(sent)}, {html.escape(old.sender)} wrote:</div><blockquote>"
            f"{html.escape(old.text).replace(chr(10), '<br>')}</blockquote>"
        )
    return "\n".join(texts), "".join(markups)


def _set_body(message: EmailMessage, body: str, *, subtype: str, charset: str) -> None:
    try:
        body.encode(charset)
    except UnicodeEncodeError:
        charset = "utf-8"
    message.set_content(body, subtype=subtype, charset=charset)


def compose_mail(
    spec: MessageSpec,
    *,
    sender: str,
    sender_name: str,
    to: str,
    subject: str,
    at: datetime,
    message_id: str,
    timezone: str,
    replied: EmailMessage | None,
) -> bytes:
    """A customer's message (or its out-of-office reply)."""
    message = EmailMessage()
    message["From"] = formataddr((sender_name, sender))
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = _local(at, timezone)
    message["Message-ID"] = f"<{message_id}>"
    if replied is not None and replied.get("Message-ID"):
        original = replied["Message-ID"].strip()
        message["In-Reply-To"] = original
        references = (replied.get("References") or "").split()
        message["References"] = " ".join([*references, original][-20:])
    if spec.kind == "auto_reply":
        message["Auto-Submitted"] = "auto-replied"
        message["X-Auto-Response-Suppress"] = "All"
    quoted_text, quoted_html = ("", "")
    if replied is not None and spec.quote:
        quoted_text, quoted_html = _quote(replied, timezone)
    history_text, history_html = _history(spec, timezone)
    if spec.html:
        body = spec.body
        extra = quoted_html + history_html
        if extra:
            body = f'{body}\n<div class="quoted">{extra}</div>\n'
        _set_body(message, body, subtype="html", charset=spec.charset)
    else:
        parts = [spec.body.rstrip("\n")]
        parts += [block for block in (quoted_text, history_text) if block]
        _set_body(message, "\n\n".join(parts) + "\n", subtype="plain", charset=spec.charset)
    for attachment in spec.attachments:
        maintype, _, subtype = attachment.content_type.partition("/")
        message.add_attachment(
            attachment.text.encode("utf-8"),
            maintype=maintype or "application",
            subtype=subtype or "octet-stream",
            filename=attachment.filename,
        )
    return message.as_bytes(policy=SMTP)


GENERIC_DSN_TEXT = """This is the mail system at host {host}.

I'm sorry to have to inform you that your message could not
be delivered to one or more recipients. It's attached below.

<{address}>: host {host} said: 550 5.1.1 <{address}>:
    Recipient address rejected: User unknown (in reply to RCPT TO command)
"""


def compose_bounce(
    *,
    address: str,
    mail_from: str,
    at: datetime,
    message_id: str,
    original: EmailMessage,
    body: str | None = None,
    subject: str | None = None,
    sender: str | None = None,
) -> bytes:
    """A delivery status notification saying mail to ``address`` failed for good."""
    host = f"mx1.{address.rpartition('@')[2]}"
    daemon = sender or f"MAILER-DAEMON@{host}"
    boundary = _BOUNDARY.format(stamp=message_id.partition("@")[0].replace(".", ""))
    text = body or GENERIC_DSN_TEXT.format(host=host, address=address)
    original_headers = "".join(
        f"{name}: {original[name]}\r\n"
        for name in ("From", "To", "Subject", "Date", "Message-ID")
        if original.get(name)
    )
    status = "\r\n".join(
        [
            f"Reporting-MTA: dns; {host}",
            f"Arrival-Date: {format_datetime(at)}",
            "",
            f"Final-Recipient: rfc822; {address}",
            f"Original-Recipient: rfc822; {address}",
            "Action: failed",
            "Status: 5.1.1",
            f"Remote-MTA: dns; {host}",
            f"Diagnostic-Code: smtp; 550 5.1.1 <{address}>: Recipient address rejected: "
            "User unknown",
        ]
    )
    display = parseaddr(daemon)[1] or daemon
    head = "\r\n".join(
        [
            f"From: Mail Delivery System <{display}>",
            f"To: {mail_from}",
            f"Subject: {subject or 'Undelivered Mail Returned to Sender'}",
            f"Date: {format_datetime(at)}",
            f"Message-ID: <{message_id}>",
            f"In-Reply-To: {original.get('Message-ID', '')}",
            "Auto-Submitted: auto-replied",
            "MIME-Version: 1.0",
            f'Content-Type: multipart/report; report-type=delivery-status; boundary="{boundary}"',
        ]
    )
    parts = [
        f"--{boundary}\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n"
        + text.replace("\n", "\r\n"),
        f"--{boundary}\r\nContent-Type: message/delivery-status\r\n\r\n{status}\r\n",
        f"--{boundary}\r\nContent-Type: text/rfc822-headers\r\n\r\n{original_headers}",
        f"--{boundary}--\r\n",
    ]
    raw = head + "\r\n\r\n" + "\r\n".join(parts)
    return raw.encode("utf-8", "replace")
