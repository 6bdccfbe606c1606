"""Parse raw inbound mail (RFC 5322 bytes) into a ParsedMail.

Pure functions over bytes. Broken input degrades (and says so in `notes`);
MalformedMail is raised only when nothing usable can be made of the bytes.
"""

from __future__ import annotations

import email.policy
import functools
import hashlib
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from email.message import Message
from email.parser import BytesParser
from email.utils import collapse_rfc2231_value, getaddresses, parsedate_to_datetime
from typing import cast

from pydantic import BaseModel, Field

from recoup.errors import MailError
from recoup.mail.autoreply import AutoKind, find_return_date, is_auto_reply
from recoup.mail.bounce import detect_bounce, parse_delivery_status
from recoup.mail.text import (
    b64decode_lenient,
    decode_bytes,
    decode_header_value,
    html_to_text,
    looks_binary,
    scrub,
    split_reply,
    tidy,
    trim,
    unflow,
)

__all__ = [
    "AttachmentMeta",
    "AutoKind",
    "MailLimits",
    "MalformedMail",
    "ParsedMail",
    "parse_message",
]

_MAX_DEPTH = 25
# How much of a text attachment is read for risk signals (injected instructions, bank details).
_ATTACHMENT_EXCERPT = 20_000
_ADDRESS = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
_WELL_FORMED = re.compile(r"^[^@\s<>,;]+@[^@\s<>,;]+\.[^@\s<>,;.]+$")
_MESSAGE_ID = re.compile(r"<([^<>\s]+)>")
_BOUNDARY_LINE = re.compile(rb"^--([0-9A-Za-z'()+_,./:=?-]{1,70})[ \t]*\r?$", re.M)


class AttachmentMeta(BaseModel):
    filename: str | None
    content_type: str
    size: int
    dropped: bool = False  # over MailLimits.max_part_bytes: size is estimated, content unread
    # The start of a text attachment, read for risk signals only and never stored.
    text: str = Field(default="", exclude=True)


class MailLimits(BaseModel):
    max_message_bytes: int = Field(default=25_000_000, gt=0)
    max_text_chars: int = Field(default=20_000, gt=0)
    max_part_bytes: int = Field(default=10_000_000, gt=0)


class ParsedMail(BaseModel):
    message_id: str
    in_reply_to: str | None
    references: list[str]
    from_addr: str
    from_name: str
    to_addrs: list[str]
    cc_addrs: list[str]
    subject: str
    sent_at: datetime | None
    text: str
    quoted_text: str
    html_only: bool
    attachments: list[AttachmentMeta]
    notes: list[str]
    auto_kind: AutoKind | None
    auto_return_date: date | None
    bounced_recipients: list[str]
    bounce_status: str | None
    bounce_permanent: bool | None


class MalformedMail(MailError, ValueError):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass
class _Body:
    plain: list[str] = field(default_factory=list)
    html: list[str] = field(default_factory=list)
    attachments: list[AttachmentMeta] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    forwards: list[_Body] = field(default_factory=list)
    reports: list[dict[str, str]] = field(default_factory=list)
    saw_text_part: bool = False

    def absorb(self, other: _Body, *, with_text: bool) -> None:
        if with_text:
            self.plain += other.plain
            self.html += other.html
        self.attachments += other.attachments
        self.notes += other.notes
        self.forwards += other.forwards
        self.reports += other.reports
        self.saw_text_part = self.saw_text_part or other.saw_text_part


# --- parsing and headers ---------------------------------------------------------


class _RememberingPolicy(email.policy.EmailPolicy):
    """``email.policy.default``, remembering the headers it parsed. A MIME walk asks for a
    part's Content-Type a dozen times, and most mail carries the same few; parsing them
    was most of the parse. Parsed headers are immutable, so sharing them is safe."""

    def header_fetch_parse(self, name: str, value: str) -> str:
        if hasattr(value, "name") or len(value) > _REMEMBERED_HEADER_CHARS:
            return cast(str, super().header_fetch_parse(name, value))
        return _parsed_header(name, value)


_REMEMBERED_HEADER_CHARS = 1000
_DEFAULT_POLICY = email.policy.default


@functools.lru_cache(maxsize=1024)
def _parsed_header(name: str, value: str) -> str:
    return cast(str, _DEFAULT_POLICY.header_fetch_parse(name, value))  # a header: a str


_POLICIES = (_RememberingPolicy(), email.policy.compat32)


def _parse(data: bytes) -> Message | None:
    for policy in _POLICIES:
        try:
            return BytesParser(policy=policy).parsebytes(data)
        except RecursionError as exc:
            raise MalformedMail("MIME structure nested too deeply") from exc
        except Exception:
            # The parser is meant never to raise; if it does, try the older policy.
            continue
    return None


def _headers(part: Message) -> dict[str, str]:
    """First raw value of each header, names lower-cased: no header parsing can fail."""
    found: dict[str, str] = {}
    try:
        items = part.raw_items()
    except Exception:
        return found
    for name, value in items:
        found.setdefault(str(name).strip().lower(), str(value))
    return found


def _decoded(value: str | None, name: str, notes: list[str]) -> str:
    if not value:
        return ""
    text, clean = decode_header_value(value)
    if not clean:
        notes.append(f"{name} header partly undecodable")
    return " ".join(scrub(text).split())


def _ids(value: str | None) -> list[str]:
    if not value:
        return []
    ids = _MESSAGE_ID.findall(value) or [t.strip("<>,") for t in value.split() if "@" in t]
    unique: list[str] = []
    for item in (scrub(i) for i in ids):
        if item and item not in unique:
            unique.append(item)
    return unique


def _addresses(value: str | None, name: str, notes: list[str]) -> list[tuple[str, str]]:
    """(display name, lower-cased address) pairs; only entries with an address."""
    if not value:
        return []
    unfolded = re.sub(r"\s+", " ", value)
    try:
        pairs = getaddresses([unfolded])
    except Exception:
        pairs = []
    result = [
        (_decoded(display, name, notes), scrub(addr.strip().strip("<>")).lower())
        for display, addr in pairs
        if "@" in addr
    ]
    if not result:
        result = [("", addr.lower()) for addr in _ADDRESS.findall(scrub(unfolded))]
    return result


def _sender(headers: dict[str, str], notes: list[str]) -> tuple[str, str]:
    for name in ("from", "sender"):
        found = _addresses(headers.get(name), name.title(), notes)
        if found:
            return found[0]
    # No address at all ("From: MAILER-DAEMON", "From: Accounts"): keep the words.
    return _decoded(headers.get("from"), "From", notes), ""


def _unique_addresses(pairs: list[tuple[str, str]]) -> list[str]:
    result: list[str] = []
    for _, addr in pairs:
        if _WELL_FORMED.match(addr) and addr not in result:
            result.append(addr)
    return result


def _sent_at(value: str | None, notes: list[str]) -> datetime | None:
    if not value:
        return None
    try:
        moment = parsedate_to_datetime(scrub(value).strip())
        if moment.tzinfo is not None:
            moment = moment.astimezone(UTC).replace(tzinfo=None)
        return moment
    except (TypeError, ValueError, IndexError, OverflowError, AttributeError):
        notes.append("unparseable Date header")
        return None


# --- MIME parts ------------------------------------------------------------------


def _content_type(part: Message) -> str:
    try:
        return part.get_content_type()
    except Exception:
        return "text/plain"


def _param(part: Message, name: str, header: str = "content-type") -> str | None:
    try:
        value = part.get_param(name, header=header)
    except Exception:
        return None
    if isinstance(value, tuple):
        value = collapse_rfc2231_value(value)
    return scrub(str(value)).strip() if value else None


def _disposition(part: Message) -> str | None:
    try:
        return part.get_content_disposition()
    except Exception:
        return None


def _filename(part: Message) -> str | None:
    try:
        name = part.get_filename()
    except Exception:
        name = None
    if name is None:
        name = _param(part, "name")
    if not name:
        return None
    text, _ = decode_header_value(str(name))
    # Some clients send the full local path of the file.
    text = re.split(r"[\\/]", scrub(text).strip())[-1]
    return text[:255] or None


def _payload_text(part: Message) -> str:
    # For 8-bit content this is already decoded with the declared charset.
    try:
        payload = part.get_payload()
    except Exception:
        # The stdlib decodes with the declared charset here and fails on some
        # garbage labels (an embedded NUL raises ValueError): take the stored text.
        payload = getattr(part, "_payload", "")
    if isinstance(payload, bytes):
        return payload.decode("latin-1")
    return payload if isinstance(payload, str) else ""


def _payload_bytes(part: Message) -> bytes:
    """The payload bytes as sent, for 7bit/8bit/binary (and unknown) encodings."""
    try:
        data = part.get_payload(decode=True)
    except Exception:
        data = None
    if isinstance(data, bytes):
        return data
    return _payload_text(part).encode("utf-8", "replace")


def _transfer_encoding(part: Message) -> str:
    return _headers(part).get("content-transfer-encoding", "").strip().lower()


def _estimated_size(part: Message, encoding: str) -> int:
    payload = _payload_text(part)
    length = len(payload)
    if encoding == "base64":
        length -= sum(payload.count(ch) for ch in "\r\n =")
        return max(0, length) * 3 // 4
    return length


def _decode_payload(part: Message, encoding: str, label: str, notes: list[str]) -> bytes:
    if encoding == "base64":
        data, well_formed = b64decode_lenient(_payload_text(part).encode("ascii", "ignore"))
        if not well_formed:
            notes.append(f"part {label}: broken base64, decoded leniently")
        return data
    # quoted-printable and uuencode are decoded by the email package, leniently;
    # anything else comes back as sent.
    return _payload_bytes(part)


def _size_text(size: int) -> str:
    for unit, scale in (("MB", 1_000_000), ("KB", 1_000)):
        if size >= scale:
            return f"{size / scale:.1f}".removesuffix(".0") + f" {unit}"
    return f"{size} bytes"


def _is_body_text(ctype: str, disposition: str | None, filename: str | None) -> bool:
    if ctype not in ("text/plain", "text/html") or disposition == "attachment":
        return False
    return not (filename and disposition is None)


def _leaf(part: Message, out: _Body, limits: MailLimits) -> None:
    ctype = _content_type(part)
    filename = _filename(part)
    label = filename or ctype
    encoding = _transfer_encoding(part)
    is_text = _is_body_text(ctype, _disposition(part), filename)
    size = _estimated_size(part, encoding)
    if size > limits.max_part_bytes:
        out.attachments.append(
            AttachmentMeta(filename=filename, content_type=ctype, size=size, dropped=True)
        )
        out.notes.append(f"part {label} dropped: {_size_text(size)} over limit")
        out.saw_text_part = out.saw_text_part or is_text
        return
    notes: list[str] = []
    data = _decode_payload(part, encoding, label, notes)
    if ctype in ("message/delivery-status", "message/global-delivery-status"):
        out.reports += parse_delivery_status(decode_bytes(data, "utf-8")[0])
        return
    if ctype in ("text/rfc822-headers", "message/global-headers"):
        return
    if not is_text:
        excerpt = ""
        if ctype.startswith("text/"):
            excerpt = decode_bytes(data[:_ATTACHMENT_EXCERPT], _param(part, "charset"))[0]
        out.attachments.append(
            AttachmentMeta(filename=filename, content_type=ctype, size=len(data), text=excerpt)
        )
        return
    out.saw_text_part = True
    text, note = decode_bytes(data, _param(part, "charset"))
    notes += [note] if note else []
    if looks_binary(text):
        source = _payload_text(part)
        if encoding == "base64" and re.search(r"\S [A-Za-z]", source):
            # Prose with spaces in it was never base64: the header is wrong.
            notes = [f"part {label}: declared base64 but not encoded, read as is"]
            text = source
        else:
            out.notes.append(f"part {label}: not readable text, dropped")
            return
    out.notes += notes
    if ctype == "text/html":
        out.html.append(text)
        return
    if (_param(part, "format") or "").lower() == "flowed":
        text = unflow(text, delsp=(_param(part, "delsp") or "").lower() == "yes")
    out.plain.append(text)


def _alternative(children: list[Message], out: _Body, limits: MailLimits, depth: int) -> None:
    branches = []
    for child in children:
        branch = _Body()
        _walk(child, branch, limits, depth + 1)
        branches.append(branch)
    # Prefer the plain-text version; fall back to the HTML one.
    chosen = next((b for b in branches if any(t.strip() for t in b.plain)), None) or next(
        (b for b in branches if any(t.strip() for t in b.html)), None
    )
    for branch in branches:
        out.absorb(branch, with_text=branch is chosen)


def _recover_multipart(part: Message, out: _Body, limits: MailLimits, depth: int) -> None:
    source = _payload_bytes(part)
    for match in _BOUNDARY_LINE.finditer(source):
        following = source[match.end() : match.end() + 200].lstrip(b"\r\n")
        if not re.match(rb"[A-Za-z-]+:", following):
            continue
        boundary = match.group(1).removesuffix(b"--")
        header = b'Content-Type: multipart/mixed; boundary="' + boundary + b'"\r\n\r\n'
        recovered = _parse(header + source)
        if recovered is not None and recovered.is_multipart():
            out.notes.append("multipart boundary missing or wrong; recovered")
            _walk(recovered, out, limits, depth + 1)
            return
        break
    out.notes.append("multipart without usable boundary; body read as text")
    out.saw_text_part = True
    text, note = decode_bytes(source, _param(part, "charset"))
    out.plain.append(text)
    if note:
        out.notes.append(note)


def _walk(part: Message, out: _Body, limits: MailLimits, depth: int) -> None:
    if depth > _MAX_DEPTH:
        out.notes.append("MIME nesting too deep; inner parts ignored")
        return
    ctype = _content_type(part)
    if not part.is_multipart():
        if ctype.startswith("multipart/"):
            _recover_multipart(part, out, limits, depth)
        else:
            _leaf(part, out, limits)
        return
    children = [c for c in part.get_payload() if isinstance(c, Message)]
    if ctype in ("message/delivery-status", "message/global-delivery-status"):
        out.reports += [_headers(block) for block in children]
    elif ctype.startswith("message/"):
        for inner in children[:1]:
            forwarded = _Body()
            _walk(inner, forwarded, limits, depth + 1)
            out.forwards.append(forwarded)
            out.absorb(forwarded, with_text=False)
    elif ctype == "multipart/alternative":
        _alternative(children, out, limits, depth)
    elif ctype == "multipart/report":
        # The returned copy of the original message is not part of this message.
        for child in children:
            if not _content_type(child).startswith(("message/rfc822", "message/global")):
                _walk(child, out, limits, depth + 1)
    else:
        for child in children:
            _walk(child, out, limits, depth + 1)


# --- text --------------------------------------------------------------------------


def _body_text(body: _Body, cap: int) -> tuple[str, bool, bool]:
    """The readable text of a body, whether it came from HTML, and whether it was capped."""
    plain = [t for t in body.plain if t.strip()]
    if plain:
        text, html_only = tidy("\n\n".join(plain)), False
    elif any(t.strip() for t in body.html):
        # Cap before converting: html.parser is slow on megabytes of markup.
        text, html_only = html_to_text("\n".join(body.html)[: cap * 4]), True
    else:
        return "", False, False
    return text[:cap], html_only, len(text) > cap


def _dedupe(items: list[str]) -> list[str]:
    result: list[str] = []
    for item in items:
        if item not in result:
            result.append(item)
    return result


@dataclass
class _Text:
    full: str = ""
    new: str = ""
    quoted: str = ""
    html_only: bool = False
    notes: list[str] = field(default_factory=list)


def _extract_text(body: _Body, limits: MailLimits) -> _Text:
    cap = max(100_000, limits.max_text_chars * 20)
    result = _Text()
    result.full, result.html_only, capped = _body_text(body, cap)
    if capped:
        result.notes.append(f"text over {cap} chars; the rest ignored")
    split = split_reply(result.full)
    result.new, result.quoted = split.new, split.quoted
    if not result.new and split.forwarded:
        result.new = split_reply(split.forwarded).new
        result.notes.append("text taken from the inline forwarded message")
    if not result.new:
        for forwarded in body.forwards:
            inner, inner_html, _ = _body_text(forwarded, cap)
            inner_split = split_reply(inner)
            if inner_split.new:
                result.new, result.html_only = inner_split.new, inner_html
                result.quoted = tidy(result.quoted + "\n\n" + inner_split.quoted)
                result.notes.append("text taken from the attached forwarded message")
                break
    if not body.saw_text_part and not body.forwards:
        result.notes.append("no text part")
    elif not result.new and not result.quoted:
        result.notes.append("empty body")
    for name in ("new", "quoted"):
        value, trimmed = trim(getattr(result, name), limits.max_text_chars)
        setattr(result, name, value)
        if trimmed:
            label = "text" if name == "new" else "quoted text"
            result.notes.append(f"{label} trimmed to {limits.max_text_chars} chars")
    return result


# --- entry point -------------------------------------------------------------------

_DEFAULT_LIMITS = MailLimits()


def _checked_bytes(raw: bytes, limits: MailLimits) -> bytes:
    """The raw message as bytes, refused when empty or over the size limit."""
    if not isinstance(raw, bytes | bytearray | memoryview):
        raise TypeError(f"parse_message needs bytes, not {type(raw).__name__}")
    data = bytes(raw)
    if not data.strip():
        raise MalformedMail("empty message")
    if len(data) > limits.max_message_bytes:
        raise MalformedMail(
            f"message is {len(data)} bytes, over the limit of {limits.max_message_bytes}"
        )
    return data


def _message_id(headers: dict[str, str], data: bytes, notes: list[str]) -> str:
    """The Message-ID, or one derived from the content when the message has none."""
    ids = _ids(headers.get("message-id"))
    if ids:
        return ids[0]
    notes.append("no Message-ID; synthesised from the content")
    return f"{hashlib.sha256(data).hexdigest()}@recoup.invalid"


def parse_message(
    raw: bytes, *, limits: MailLimits = _DEFAULT_LIMITS, today: date | None = None
) -> ParsedMail:
    """Parse one raw message.

    Relative dates in an out-of-office reply resolve against the message's Date,
    or against `today` when the message has none.
    """
    data = _checked_bytes(raw, limits)
    message = _parse(data.lstrip(b"\r\n\t "))
    if message is None:
        raise MalformedMail("unparseable message")
    headers = _headers(message)
    if not headers:
        raise MalformedMail("no headers")

    notes: list[str] = []
    body = _Body()
    _walk(message, body, limits, 0)
    notes += body.notes
    text = _extract_text(body, limits)
    notes += text.notes

    message_id = _message_id(headers, data, notes)
    from_name, from_addr = _sender(headers, notes)
    to_addrs = _unique_addresses(_addresses(headers.get("to"), "To", notes))
    cc_addrs = _unique_addresses(_addresses(headers.get("cc"), "Cc", notes))
    subject = _decoded(headers.get("subject"), "Subject", notes)
    sent_at = _sent_at(headers.get("date"), notes)
    reference = sent_at.date() if sent_at else today

    auto_kind: AutoKind | None = None
    return_date: date | None = None
    bounce = detect_bounce(
        report_type=_param(message, "report-type"),
        reports=body.reports,
        from_addr=from_addr,
        from_name=from_name,
        subject=subject,
        text=text.full,
        own_addresses=to_addrs + cc_addrs,
    )
    if bounce is not None:
        auto_kind = AutoKind.BOUNCE
    elif is_auto_reply(headers, subject, text.new):
        auto_kind = AutoKind.AUTO_REPLY
        return_date = find_return_date(f"{subject}\n{text.new}", reference)

    in_reply_to = _ids(headers.get("in-reply-to"))
    return ParsedMail(
        message_id=message_id,
        in_reply_to=in_reply_to[0] if in_reply_to else None,
        references=_ids(headers.get("references")),
        from_addr=from_addr,
        from_name=from_name,
        to_addrs=to_addrs,
        cc_addrs=cc_addrs,
        subject=subject,
        sent_at=sent_at,
        text=text.new,
        quoted_text=text.quoted,
        html_only=text.html_only,
        attachments=body.attachments,
        notes=_dedupe([scrub(n) for n in notes]),
        auto_kind=auto_kind,
        auto_return_date=return_date,
        bounced_recipients=bounce.recipients if bounce else [],
        bounce_status=bounce.status if bounce else None,
        bounce_permanent=bounce.permanent if bounce else None,
    )
