"""Text helpers for inbound mail: charset decoding, HTML to text, and telling the
new text of a reply from the quoted history under it."""

from __future__ import annotations

import binascii
import codecs
import re
from dataclasses import dataclass
from html.parser import HTMLParser

# Labels that mean "some 8-bit charset, we do not know which".
_UNKNOWN_LABELS = {"unknown", "unknown-8bit", "x-unknown", "default", "x-user-defined", "8bit"}
# Decode with a superset of what is declared: mislabelled mail is the norm for these
# (browsers do the same for Latin-1 and ASCII).
_SUPERSETS = {
    "ascii": "cp1252",
    "iso8859-1": "cp1252",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "euc_kr": "cp949",
    "shift_jis": "cp932",
    "big5": "big5hkscs",
}
_SINGLE_BYTE_PREFIXES = ("ascii", "iso8859", "cp125", "mac-roman", "koi8")
_NOT_ASCII_COMPATIBLE = ("utf-7", "utf-16", "utf-32", "utf_16", "utf_32")
_UTF8_SEQ = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b\u200e\u200f\ufeff\ufffe]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def _codec(label: str) -> str | None:
    try:
        info = codecs.lookup(label)
    except (LookupError, ValueError, TypeError):
        return None
    # base64, zlib and friends resolve as codecs but are not text encodings.
    return info.name if getattr(info, "_is_text_encoding", True) else None


def normalise_charset(declared: str | None) -> str | None:
    if not declared:
        return None
    label = declared.strip().strip("\"'").lower()[:40]
    return label or None


def _try(data: bytes, codec: str) -> str | None:
    try:
        return data.decode(codec)
    except (UnicodeError, LookupError, ValueError, TypeError):
        return None


def _mostly_utf8(data: bytes) -> bool:
    """Valid UTF-8 sequences outnumber stray high bytes two to one."""
    high = sum(1 for byte in data if byte >= 0x80)
    covered = sum(len(m) for m in _UTF8_SEQ.findall(data))
    return covered > 0 and covered >= 2 * (high - covered)


def decode_bytes(data: bytes, declared: str | None) -> tuple[str, str | None]:
    """Decode a body or header: declared charset, then utf-8, cp1252, latin-1.

    Returns the text and a note when the declared charset could not be used as is.
    """
    label = normalise_charset(declared)
    codec = None if label is None or label in _UNKNOWN_LABELS else _codec(label)
    if data.isascii() and not (codec or "").startswith(_NOT_ASCII_COMPATIBLE):
        return data.decode("ascii"), None
    if codec and codec.startswith(_SINGLE_BYTE_PREFIXES) and _UTF8_SEQ.search(data):
        # Valid multi-byte UTF-8 is almost never real Latin-1 text: the label is wrong.
        text = _try(data, "utf-8")
        if text is not None:
            return text, f"charset {label} decoded as utf-8"
    preferred = [_SUPERSETS.get(codec, codec), codec] if codec else []
    for candidate in preferred:
        if candidate and (text := _try(data, candidate)) is not None:
            # 8-bit bytes under an ASCII label are worth a note; Latin-1 read as
            # its cp1252 superset is not.
            return text, (f"charset {label} decoded as {candidate}" if codec == "ascii" else None)
    shown = label or "(none)"
    if (text := _try(data, "utf-8")) is not None:
        return text, (f"charset {shown} decoded as utf-8" if label else None)
    if _mostly_utf8(data):
        return data.decode("utf-8", "replace"), f"charset {shown} decoded as utf-8 with errors"
    if (text := _try(data, "cp1252")) is not None:
        return text, f"charset {shown} decoded as cp1252"
    return data.decode("latin-1"), f"charset {shown} decoded as latin-1"


def scrub(text: str) -> str:
    """Make a string safe to store: no lone surrogates, no control characters."""
    if _SURROGATE.search(text):
        try:
            text = decode_bytes(text.encode("utf-8", "surrogateescape"), None)[0]
        except UnicodeEncodeError:
            text = _SURROGATE.sub("\ufffd", text)
    return _CONTROL.sub("", text)


def looks_binary(text: str) -> bool:
    if not text:
        return False
    sample = text[:4000]
    odd = sum(1 for ch in sample if (ch < " " and ch not in "\r\n\t") or "\x7f" <= ch < "\xa0")
    return odd / len(sample) > 0.05 or "\ufffd" * 3 in sample


def tidy(text: str) -> str:
    """Normalise line ends and blank lines, drop trailing spaces and control characters."""
    text = scrub(text.replace("\r\n", "\n").replace("\r", "\n").replace("\xa0", " "))
    lines = [line.rstrip() for line in text.split("\n")]
    text = "\n".join(lines)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip("\n").rstrip()


def trim(text: str, limit: int) -> tuple[str, bool]:
    if len(text) <= limit:
        return text, False
    return text[:limit].rstrip(), True


# --- transfer encodings and RFC 2047 words ---------------------------------------

_ENCODED_WORD = re.compile(r"=\?([^?\s]+)\?([bBqQ])\?([^?]*?)\?=")


def b64decode_lenient(data: bytes) -> tuple[bytes, bool]:
    """Decode base64 whatever its state; the flag says whether it was well formed."""
    compact = re.sub(rb"\s", b"", data)
    cleaned = re.sub(rb"[^A-Za-z0-9+/]", b"", compact)
    well_formed = len(compact) % 4 == 0 and cleaned == compact.rstrip(b"=")
    if len(cleaned) % 4 == 1:
        cleaned = cleaned[:-1]  # a lone trailing character cannot encode anything
    cleaned += b"=" * (-len(cleaned) % 4)
    try:
        return binascii.a2b_base64(cleaned), well_formed
    except (binascii.Error, ValueError):
        return b"", False


def _decode_word(charset: str, encoding: str, payload: str) -> tuple[str, bool]:
    raw = payload.encode("ascii", "replace")
    if encoding.lower() == "b":
        data, ok = b64decode_lenient(raw)
    else:
        data, ok = binascii.a2b_qp(raw.replace(b"_", b" ")), True
    text, note = decode_bytes(data, charset.split("*", 1)[0])
    return text, ok and note is None


def decode_header_value(value: str) -> tuple[str, bool]:
    """Decode RFC 2047 words (and raw 8-bit bytes) in a header value.

    Returns the text and whether everything decoded cleanly. Broken words are
    decoded as far as possible rather than dropped.
    """
    clean = True
    if _SURROGATE.search(value):
        # 8-bit bytes straight in the header: common, and usually UTF-8.
        try:
            value = decode_bytes(value.encode("utf-8", "surrogateescape"), None)[0]
        except UnicodeEncodeError:
            value = _SURROGATE.sub("\ufffd", value)
    value = re.sub(r"\r?\n(?=[ \t])", "", value).replace("\r", " ").replace("\n", " ")
    parts: list[str] = []
    position = 0
    previous_was_word = False
    for match in _ENCODED_WORD.finditer(value):
        between = value[position : match.start()]
        # Whitespace between two adjacent encoded words is not part of the text.
        if not (previous_was_word and not between.strip()):
            parts.append(between)
        text, ok = _decode_word(*match.groups())
        clean = clean and ok
        parts.append(text)
        position = match.end()
        previous_was_word = True
    parts.append(value[position:])
    return "".join(parts), clean


# --- format=flowed (RFC 3676) ----------------------------------------------------


def unflow(text: str, delsp: bool) -> str:
    """Join soft line breaks so that wrapped attribution lines can be recognised."""
    out: list[str] = []
    current: tuple[int, str] | None = None
    for raw in text.replace("\r\n", "\n").split("\n"):
        depth = len(raw) - len(raw.lstrip(">"))
        content = raw[depth:]
        if content.startswith(" "):
            content = content[1:]
        if current and current[0] == depth and current[1].endswith(" ") and current[1] != "-- ":
            joined = current[1][:-1] if delsp else current[1]
            current = (depth, joined + content)
            continue
        if current:
            out.append(_render_flowed(*current))
        current = (depth, content)
    if current:
        out.append(_render_flowed(*current))
    return "\n".join(out)


def _render_flowed(depth: int, content: str) -> str:
    return ">" * depth + " " + content if depth else content


# --- HTML to text ----------------------------------------------------------------

_BLOCK_TAGS = {
    "p", "div", "br", "li", "tr", "table", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6",
    "pre", "hr", "section", "article", "header", "footer", "address", "dd", "dt", "dl",
    "center", "form", "blockquote", "tbody", "thead",
}  # fmt: skip
_SKIP_TAGS = {"script", "style", "head", "title", "template", "noscript", "xml", "svg"}


class _HtmlText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0
        self.quote = 0
        self.pre = 0
        self.at_line_start = True

    def _newline(self) -> None:
        self.parts.append("\n")
        self.at_line_start = True

    def _write(self, text: str) -> None:
        if not text:
            return
        if self.at_line_start:
            text = text.lstrip(" ")
            if not text:
                return
            if self.quote:
                self.parts.append("> " * self.quote)
        self.parts.append(text)
        self.at_line_start = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP_TAGS:
            self.skip += 1
            return
        if tag == "body":
            # An unclosed <head> or <style> must not swallow the whole body.
            self.skip = 0
        if tag in _BLOCK_TAGS:
            self._newline()
        if tag == "blockquote":
            self.quote += 1
        elif tag == "pre":
            self.pre += 1
        elif tag == "li":
            self._write("- ")
        elif tag in ("td", "th") and not self.at_line_start:
            self._write(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_TAGS:
            self.skip = max(0, self.skip - 1)
            return
        if tag == "blockquote":
            self.quote = max(0, self.quote - 1)
        elif tag == "pre":
            self.pre = max(0, self.pre - 1)
        if tag in _BLOCK_TAGS and tag != "br":
            self._newline()

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in _BLOCK_TAGS and tag not in _SKIP_TAGS:
            self.handle_endtag(tag)

    def handle_data(self, data: str) -> None:
        if self.skip:
            return
        if self.pre:
            for index, line in enumerate(data.split("\n")):
                if index:
                    self._newline()
                self._write(line)
            return
        self._write(re.sub(r"[ \t\r\n\f]+", " ", data))


def html_to_text(html: str) -> str:
    parser = _HtmlText()
    try:
        parser.feed(html)
        parser.close()
        text = "".join(parser.parts)
    except Exception:
        # html.parser is lenient, but a crash here must not lose the message.
        text = re.sub(r"<[^>]*>", " ", html)
    return tidy(text)


# --- new text vs quoted history --------------------------------------------------

_ATTRIBUTION = [
    re.compile(r"^on\b.{0,300}\bwrote\s*:\s*$", re.I | re.S),
    re.compile(r"^le\b.{0,300}\ba [ée]crit\s*:\s*$", re.I | re.S),
    re.compile(r"^am\b.{0,300}\bschrieb\b.{0,300}:\s*$", re.I | re.S),
    re.compile(r"^el\b.{0,300}\bescribi[óo]\s*:\s*$", re.I | re.S),
    re.compile(r"^op\b.{0,300}\bschreef\b.{0,300}:\s*$", re.I | re.S),
    re.compile(r"^il\b.{0,300}\bha scritto\s*:\s*$", re.I | re.S),
    re.compile(r"^.{0,200}<[^<>\s]+@[^<>\s]+>\s+(?:wrote|a [ée]crit|schrieb|escribió)\s*:\s*$"),
]
_ORIGINAL = re.compile(
    r"^\s*-{2,}\s*(?:original message|ursprüngliche nachricht|message d'origine"
    r"|mensaje original|oorspronkelijk bericht|messaggio originale|original nachricht)\s*-{2,}",
    re.I,
)
_FORWARD = re.compile(
    r"^\s*(?:-{2,}\s*(?:forwarded message|weitergeleitete nachricht|message transféré"
    r"|mensaje reenviado|doorgestuurd bericht|messaggio inoltrato)\s*-{2,}"
    r"|begin forwarded message:|début du message réexpédié\s*:)",
    re.I,
)
_OUTLOOK_FROM = re.compile(r"^\s*\*?(?:from|von|de|van|da)\s*:\*?\s+\S", re.I)
_OUTLOOK_NEXT = re.compile(
    r"^\s*\*?(?:sent|date|gesendet|datum|envoyé|enviado(?: el)?|fecha|verzonden|inviato"
    r"|data|to|an|à|para|aan|a|subject|betreff|objet|asunto|onderwerp|oggetto)\s*:",
    re.I,
)
_OUTLOOK_SENT = re.compile(
    r"^\s*\*?(?:sent|date|gesendet|datum|envoyé|enviado(?: el)?|fecha|verzonden|inviato|data)"
    r"\s*:",
    re.I,
)
_RULE = re.compile(r"^\s*_{10,}\s*$")
_MOBILE_FOOTER = re.compile(
    r"^\s*(?:sent from my|envoyé de mon|von meinem .{0,30} gesendet|enviado desde mi"
    r"|verzonden (?:vanaf|met) mijn|inviato da)\b.{0,40}$",
    re.I,
)


@dataclass
class Split:
    new: str
    quoted: str
    forwarded: str  # body of an inline-forwarded message, when the split was a forward


def _is_quoted(line: str) -> bool:
    return line.lstrip().startswith(">")


def _header_span(lines: list[str], index: int) -> tuple[int, str]:
    """How many lines a reply header starting at index spans, and its kind."""
    line = lines[index]
    if not line.strip():
        return 0, ""
    if _FORWARD.match(line):
        return 1, "forward"
    if _ORIGINAL.match(line):
        return 1, "original"
    if _RULE.match(line) and index + 1 < len(lines) and _OUTLOOK_FROM.match(lines[index + 1]):
        return 1, "outlook"
    if _OUTLOOK_FROM.match(line):
        following = [x for x in lines[index + 1 : index + 5] if x.strip()][:3]
        if any(_OUTLOOK_SENT.match(x) for x in following) and all(
            _OUTLOOK_NEXT.match(x) for x in following[:2]
        ):
            return 1, "outlook"
    if len(line) > 400:
        return 0, ""
    for span in (1, 2, 3):
        joined = " ".join(x.strip() for x in lines[index : index + span])
        if any(p.match(joined) for p in _ATTRIBUTION):
            return span, "attribution"
        if index + span >= len(lines) or not lines[index + span].strip():
            break
    return 0, ""


def _forwarded_body(lines: list[str]) -> str:
    """The forwarded message under its marker, without its From:/Date:/Subject: block."""
    body = lines[1:]
    while body and (not body[0].strip() or re.match(r"^\s*\*?[\w -]{1,20}:\*?\s", body[0])):
        body = body[1:]
    return "\n".join(body)


def strip_signature(text: str) -> str:
    lines = text.split("\n")
    while lines and (not lines[-1].strip() or _MOBILE_FOOTER.match(lines[-1])):
        lines.pop()
    for index in range(len(lines) - 1, -1, -1):
        if lines[index] in ("-- ", "--"):
            # A short block under the standard delimiter is a signature; a long one
            # is more likely content someone chose to put there.
            if len(lines) - index <= 12:
                lines = lines[:index]
            break
    return "\n".join(lines)


def split_reply(text: str) -> Split:
    """Separate the new text from quoted history ('>' lines and reply headers)."""
    lines = text.replace("\r\n", "\n").split("\n")
    new: list[str] = []
    quoted: list[str] = []
    forwarded = ""
    index = 0
    while index < len(lines):
        span, kind = _header_span(lines, index)
        if span:
            after = index + span
            while after < len(lines) and not lines[after].strip():
                after += 1
            if kind == "attribution" and after < len(lines) and _is_quoted(lines[after]):
                # Bottom-posting: the header only introduces a '>' block, and new
                # text may follow it.
                quoted.extend(lines[index:after])
                index = after
                continue
            if kind == "forward":
                forwarded = _forwarded_body(lines[index:])
            quoted.extend(lines[index:])
            break
        line = lines[index]
        (quoted if _is_quoted(line) else new).append(line)
        index += 1
    return Split(
        new=tidy(strip_signature(tidy("\n".join(new)))),
        quoted=tidy("\n".join(quoted)),
        forwarded=tidy(forwarded),
    )
