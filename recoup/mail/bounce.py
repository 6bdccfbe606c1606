"""Delivery failure notices: standard DSNs (RFC 3464) and the free-text kind."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

_ADDR = r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+"
_ADDR_RE = re.compile(_ADDR)
_STATUS = re.compile(r"\b([45])\.(\d{1,3})\.(\d{1,3})\b")
_DAEMON_LOCALPARTS = {"mailer-daemon", "mail-daemon", "maildaemon", "postmaster", "mailerdaemon"}
_DAEMON_NAMES = re.compile(
    r"^(?:mail delivery (?:system|subsystem|service)|mailer-daemon\b.*)$", re.I
)
_SUBJECT = re.compile(
    r"^\s*(?:undeliverable|undelivered mail|undelivered message|delivery status notification"
    r"|mail delivery failed|mail delivery failure|returned mail|failure notice"
    r"|delivery failure|delivery failed|delivery has failed|message not delivered"
    r"|could not send message|non remis|non distribuable|unzustellbar|nicht zustellbar"
    r"|onbestelbaar|no se puede entregar|no entregado|non recapitabile|mancato recapito)",
    re.I,
)
_FAILURE_WORDING = re.compile(
    r"could not be delivered|couldn't be delivered|wasn't delivered|was not delivered"
    r"|delivery (?:has )?failed|failed permanently|undeliverable|user unknown"
    r"|no such user|mailbox unavailable|address rejected|recipient not found",
    re.I,
)
_TRANSIENT_WORDING = re.compile(
    r"\bdelay(?:ed)?\b|will (?:be )?retr(?:y|ied)|still trying|temporar(?:y|ily)"
    r"|has not yet been delivered",
    re.I,
)
# Where the returned copy of the original message starts: addresses below are not failures.
_COPY_MARKER = re.compile(
    r"^\s*(?:-{3,}\s*(?:this is a copy of|below this line is a copy|original message"
    r"|the original message)|original message headers\s*:"
    r"|-{3,}\s*(?:transcript of session|forwarded message))",
    re.I | re.M,
)
_FAILED_ADDRESS = [
    re.compile(rf"RCPT TO:\s*<({_ADDR})>", re.I),
    re.compile(rf"^\s*<({_ADDR})>\s*(?::|\.\.\.|$)", re.M),
    re.compile(
        rf"(?:wasn't|was not|couldn't be|could not be|can't be|cannot be) delivered"
        rf" to\s*<?({_ADDR})",
        re.I,
    ),
    re.compile(
        rf"message to\s*<?({_ADDR})>? (?:couldn't|could not|can't|cannot) be delivered", re.I
    ),
    re.compile(rf"(?:delivery to|failed to deliver to|failed to)\s*<?({_ADDR})", re.I),
]
_LIST_INTRO = re.compile(
    r"(?:following (?:address(?:\(es\)|es)?|recipients?)(?: failed| had[^\n:]*)?"
    r"|these recipients or groups|failed (?:permanently|recipients?))\s*:?\s*(?:-+)?\s*$",
    re.I | re.M,
)


@dataclass
class BounceInfo:
    recipients: list[str] = field(default_factory=list)
    status: str | None = None
    permanent: bool | None = None


def parse_delivery_status(text: str) -> list[dict[str, str]]:
    """Blocks of 'Name: value' fields separated by blank lines, names lower-cased."""
    blocks: list[dict[str, str]] = []
    current: dict[str, str] = {}
    last = ""
    for line in text.replace("\r\n", "\n").split("\n"):
        if not line.strip():
            if current:
                blocks.append(current)
            current, last = {}, ""
        elif line[0] in " \t" and last:
            current[last] += " " + line.strip()
        elif ":" in line:
            name, _, value = line.partition(":")
            last = name.strip().lower()
            current.setdefault(last, value.strip())
    if current:
        blocks.append(current)
    return blocks


def _address_field(value: str) -> str | None:
    # "rfc822; user@example.com" (the address type is optional in practice)
    value = value.split(";", 1)[-1]
    match = _ADDR_RE.search(value)
    return match.group(0).lower() if match else None


def _status(value: str | None) -> str | None:
    match = _STATUS.search(value or "")
    return ".".join(match.groups()) if match else None


def _from_reports(blocks: Iterable[Mapping[str, str]]) -> BounceInfo | None:
    info = BounceInfo()
    saw_recipient = False
    for block in blocks:
        address = _address_field(block.get("final-recipient", "")) or _address_field(
            block.get("original-recipient", "")
        )
        if address is None:
            continue
        saw_recipient = True
        action = block.get("action", "failed").strip().lower()
        status = _status(block.get("status")) or _status(block.get("diagnostic-code"))
        if action not in ("failed", "delayed") and not (status or "").startswith(("4", "5")):
            continue  # delivered / relayed / expanded: not a failure
        if address not in info.recipients:
            info.recipients.append(address)
        if info.status is None:
            info.status = status
        if info.permanent is None:
            info.permanent = status.startswith("5") if status else action == "failed"
    if saw_recipient and not info.recipients:
        return None
    return info


def _human_part(text: str) -> str:
    marker = _COPY_MARKER.search(text)
    return text[: marker.start()] if marker else text


def _listed_addresses(text: str) -> list[str]:
    found: list[str] = []
    for intro in _LIST_INTRO.finditer(text):
        for line in text[intro.end() :].lstrip("\n").split("\n")[:20]:
            stripped = line.strip()
            if not stripped:
                if found:
                    break
                continue
            match = re.match(rf"<?({_ADDR})>?", stripped)
            if match:
                found.append(match.group(1))
            elif not line[:1].isspace():
                break
    return found


def _from_text(text: str, excluded: set[str]) -> list[str]:
    human = _human_part(text)
    found = _listed_addresses(human)
    for pattern in _FAILED_ADDRESS:
        found.extend(m.group(1) for m in pattern.finditer(human))
    if not found:
        found = _ADDR_RE.findall(human)
    result: list[str] = []
    for address in (a.lower() for a in found):
        local = address.split("@", 1)[0]
        if address in excluded or local in _DAEMON_LOCALPARTS or address in result:
            continue
        result.append(address)
    return result


def _daemon_failure(from_addr: str, from_name: str, text: str) -> bool:
    local = from_addr.split("@", 1)[0].lower()
    if local == "postmaster":
        # People write from postmaster@ too: only a failure notice counts.
        return bool(_FAILURE_WORDING.search(text))
    return local in _DAEMON_LOCALPARTS or bool(_DAEMON_NAMES.match(from_name.strip()))


def detect_bounce(
    *,
    report_type: str | None,
    reports: list[dict[str, str]],
    from_addr: str,
    from_name: str,
    subject: str,
    text: str,
    own_addresses: Iterable[str] = (),
) -> BounceInfo | None:
    """A delivery failure notice, or None.

    reports: the field blocks of any message/delivery-status parts.
    text: the readable body, including any returned copy of the original.
    own_addresses: addresses never reported as failed (the bounce's own To and From).
    """
    excluded = {a.lower() for a in own_addresses} | {from_addr.lower()}
    is_dsn = (report_type or "").lower() == "delivery-status" or bool(reports)
    if is_dsn:
        info = _from_reports(reports)
        if info is None:
            return None
        if not info.recipients:
            info.recipients = _from_text(text, excluded)
    elif _SUBJECT.match(subject) or _daemon_failure(from_addr, from_name, text):
        info = BounceInfo(recipients=_from_text(text, excluded))
    else:
        return None
    human = _human_part(text)
    if info.status is None:
        info.status = _status(human)
    if info.permanent is None:
        if info.status:
            info.permanent = info.status.startswith("5")
        elif _TRANSIENT_WORDING.search(subject) or _TRANSIENT_WORDING.search(human):
            info.permanent = False
        elif re.search(r"\b5\d\d\b", human) or _FAILURE_WORDING.search(human + "\n" + subject):
            info.permanent = True
    return info
