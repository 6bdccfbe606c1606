"""Out-of-office and other automatic replies, and the return date they state.

Wording is recognised in English, French, German, Spanish, Dutch and Italian.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from recoup.reader.lexicon import MONTHS, WEEKDAY_ABBREVIATIONS, WEEKDAYS
from recoup.reader.text import fold


class AutoKind(StrEnum):
    AUTO_REPLY = "auto_reply"
    BOUNCE = "bounce"


_SUBJECT = re.compile(
    r"^\s*(?:\[[^\]]{0,40}\]\s*)?(?:(?:out of (?:the )?office|automatic reply|auto[- ]?reply"
    r"|auto[- ]?response|automated reply|r[ée]ponse automatique|abwesenheitsnotiz"
    r"|automatische antwort|respuesta autom[áa]tica|fuera de la oficina"
    r"|automatisch antwoord|risposta automatica|fuori sede|vacation reply)\b"
    # Ordinary words that a person could also start a subject with: only as a prefix.
    r"|(?:absence|abwesend|afwezig|ausente|assente)\s*(?:[:\-–(]|$))",
    re.I,
)
_BODY = re.compile(
    r"this is an? (?:automatic|automated|auto-generated) (?:reply|response|message)"
    r"|(?:i am|i'm) (?:currently |now )?(?:out of (?:the )?office|away from"
    r" (?:the|my) (?:office|desk)|on (?:annual |parental |sick )?leave|on holiday|on vacation)"
    r"|r[ée]ponse automatique|message automatique|je suis (?:actuellement |en ce moment )?absente?"
    r"|je serai absente?|automatische antwort|automatisch generiert|abwesenheitsnotiz"
    r"|ich bin\b[^\n!?]{0,60}?\b(?:abwesend|nicht im b(?:ü|ue)ro|au(?:ß|ss)er haus|im urlaub)"
    r"|respuesta autom[áa]tica|mensaje autom[áa]tico"
    r"|(?:estoy|estar[ée]|me encuentro) (?:fuera de la oficina|ausente|de vacaciones)"
    r"|automatisch (?:antwoord|bericht)|ik ben (?:momenteel |tot [^.\n]{0,30})?(?:afwezig"
    r"|niet aanwezig|met vakantie|niet op kantoor)"
    r"|risposta automatica|messaggio automatico"
    r"|sono (?:attualmente |momentaneamente )?(?:fuori (?:sede|ufficio)|assente|in ferie)",
    re.I,
)


def is_auto_reply(headers: Mapping[str, str], subject: str, text: str) -> bool:
    """headers: lower-cased header names mapped to their (first) value."""
    auto_submitted = headers.get("auto-submitted", "").strip().lower()
    if auto_submitted and not auto_submitted.startswith("no"):
        return True
    for name in ("x-autoreply", "x-autorespond", "x-autoresponder"):
        value = headers.get(name)
        if value is not None and value.strip().lower() not in ("no", "false", "0"):
            return True
    if headers.get("precedence", "").strip().lower() in ("bulk", "junk", "auto_reply"):
        return True
    suppress = headers.get("x-auto-response-suppress", "").lower()
    if re.search(r"\b(?:oof|all)\b", suppress):
        return True
    if _SUBJECT.search(unicodedata.normalize("NFC", subject)):
        return True
    return bool(_BODY.search(unicodedata.normalize("NFC", text[:3000])))


# --- return dates ----------------------------------------------------------------

# One spelling of the calendar words for the whole project: matched on folded text.
_MONTHS: Mapping[str, int] = MONTHS
_WEEKDAYS: Mapping[str, int] = {**WEEKDAYS, **WEEKDAY_ABBREVIATIONS}


def _alternation(names: Mapping[str, int]) -> str:
    return "|".join(sorted((re.escape(n) for n in names), key=len, reverse=True))


_MONTH = rf"(?P<month>{_alternation(_MONTHS)})\.?"
_WEEKDAY = rf"(?P<weekday>{_alternation(_WEEKDAYS)})\.?,?"
_ARTICLE = r"(?:the |den |dem |le |el |il |de )?"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th|er|re|e|eme|º|°|\.)?"
_YEAR = r"(?:,?\s+(?P<year>\d{4}))?"
_PATTERNS = [
    # 3 January / Monday 7 December / 4. Januar 2027 / 5 de enero / 1er janvier
    re.compile(
        rf"\b(?:{_WEEKDAY}\s+{_ARTICLE})?{_DAY}\s*(?:of |de |d['’])?{_MONTH}(?![\w]){_YEAR}",
        re.I,
    ),
    # January 3rd, 2027 / Monday, December 7
    re.compile(
        rf"\b(?:{_WEEKDAY}\s+)?{_MONTH}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\b{_YEAR}",
        re.I,
    ),
    # 04.01.2027 / 04.01. / 4/1/2027 / 2027-01-04
    # (the look-arounds keep phone numbers such as 06.12.34.56.78 out)
    re.compile(
        r"(?<![\d.])\b(?P<day>\d{1,2})\.(?P<month>\d{1,2})\."
        r"(?:(?P<year>\d{4}|\d{2})(?![.\d])|(?!\d))"
    ),
    re.compile(r"(?<![\d/])\b(?P<day>\d{1,2})/(?P<month>\d{1,2})/(?P<year>\d{4}|\d{2})(?![/\d])"),
    re.compile(r"\b(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})\b"),
    # A weekday on its own: full names only ("mon", "sat" and "sun" are words too).
    re.compile(
        rf"\b(?P<weekday>{_alternation({k: v for k, v in _WEEKDAYS.items() if len(k) > 4})})\b",
        re.I,
    ),
    re.compile(r"\b(?P<relative>tomorrow|demain|morgen|manana|domani|amanha|jutro)\b", re.I),
]
# Words that announce the return (or the end of the absence) before the date.
_BEFORE = re.compile(
    r"\b(?:back|return(?:ing|s)?|until|till|through|to|available|reachable|resume|in the office"
    r"|retour|jusqu|au|partir|compter|rentre(?:rai)?|reprendrai|joignable|disponible"
    r"|ab|bis|wieder|zuruck|zurueck|erreichbar"
    r"|hasta|partir del|regres(?:o|are)|vuelta|volvere|vuelvo|disponible"
    r"|vanaf|tot|terug|weer|aanwezig"
    r"|fino|dal|rientro|rientrero|ritorno|tornero|partire)\b|'til\b",
    re.I,
)
# German and Dutch put the verb after the date: "am 4. Januar wieder im Büro".
_AFTER = re.compile(r"^\W{0,3}(?:\w+\W+){0,2}?(?:wieder|zuruck|zurueck|weer|terug)\b", re.I)


@dataclass(frozen=True)
class _Mention:
    start: int
    end: int
    value: date


def _year(text: str | None) -> int | None:
    if not text:
        return None
    value = int(text)
    return value + 2000 if value < 100 else value


def _number(value: str | None, names: Mapping[str, int]) -> int | None:
    if value is None:
        return None
    if value.isdigit():
        return int(value)
    return names.get(fold(value).rstrip(".,"))


def _resolve(groups: dict[str, str | None], reference: date | None) -> date | None:
    weekday = _number(groups.get("weekday"), _WEEKDAYS)
    if groups.get("relative"):
        return reference + timedelta(days=1) if reference else None
    if groups.get("day") is None:
        if weekday is None or reference is None:
            return None
        return reference + timedelta(days=(weekday - reference.weekday() - 1) % 7 + 1)
    day = int(groups["day"] or 0)
    month = _number(groups.get("month"), _MONTHS)
    year = _year(groups.get("year"))
    if month is None:
        return None
    if year is not None:
        try:
            return date(year, month, day)
        except ValueError:
            return None
    if reference is None:
        return None
    options = []
    for candidate_year in range(reference.year, reference.year + 5):
        try:
            candidate = date(candidate_year, month, day)
        except ValueError:
            continue
        if candidate >= reference:
            options.append(candidate)
    if not options:
        return None
    # "Monday 7 December": the first year where the weekday agrees, if one is near.
    if weekday is not None:
        for candidate in options[:2]:
            if candidate.weekday() == weekday:
                return candidate
    return options[0]


def _mentions(text: str, reference: date | None) -> list[tuple[_Mention, bool]]:
    found: list[_Mention] = []
    for pattern in _PATTERNS:
        for match in pattern.finditer(text):
            value = _resolve(match.groupdict(), reference)
            if value is not None:
                found.append(_Mention(match.start(), match.end(), value))
    found.sort(key=lambda m: (m.start, -(m.end - m.start)))
    kept: list[_Mention] = []
    for mention in found:
        if kept and mention.start < kept[-1].end:
            continue
        kept.append(mention)
    result = []
    for mention in kept:
        window = text[max(0, mention.start - 40) : mention.start]
        before = re.split(r"[!?]|\n\s*\n|\.\s", window)[-1]
        after = text[mention.end : mention.end + 40]
        announced = bool(_BEFORE.search(before) or _AFTER.match(after))
        result.append((mention, announced))
    return result


def find_return_date(text: str, reference: date | None) -> date | None:
    """The date an automatic reply says its sender is back, if it says one.

    Dates without a year resolve to the next such date on or after reference.
    """
    mentions = _mentions(fold(unicodedata.normalize("NFC", text[:5000])), reference)
    if reference is not None:
        mentions = [(m, a) for m, a in mentions if m.value >= reference]
    announced = [m.value for m, a in mentions if a]
    if announced:
        return max(announced)
    dates = [m.value for m, _ in mentions if m.end - m.start > 6]
    return max(dates) if dates else None


# --- a redirect to another address ------------------------------------------------

_ADDRESS = r"([A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)"
# The sender is gone, or the mailbox no longer takes these: the address given is where
# invoices go from now on.
_DEPARTED = re.compile(
    r"no longer (?:with|at|work(?:s|ing)? (?:for|at)|employed|in charge|responsible|handl|monitor)"
    r"|(?:has|have) left|left (?:the company|the business|the organi[sz]ation|[A-Z])"
    r"|is not (?:monitored|in use)|no longer (?:monitored|in use|active)"
    r"|nicht mehr (?:im unternehmen|bei|für|zuständig|t[äa]tig)|hat das unternehmen verlassen"
    r"|ne fait plus partie|a quitt[ée]|n'est plus (?:en charge|responsable)"
    r"|ya no (?:trabaja|forma parte|es responsable)|ha dejado la empresa"
    r"|werkt niet meer|is niet meer (?:werkzaam|verantwoordelijk)"
    r"|non (?:lavora|fa) più|ha lasciato",
    re.I,
)
# Mail about money has its own address even while the sender is away.
_FOR_INVOICES = re.compile(
    r"(?:invoices?|billing|accounts? payable|payables|payments?|remittances?|statements?"
    r"|rechnungen|factures?|facturas?|facturen|fatture)\b[^.\n]{0,60}?"
    r"(?:to|contact|write to|send (?:them )?to|email|e-mail|at|an|à|a|naar)\s*:?\s*"
    + _ADDRESS
    + r"|(?:send|forward|direct|address|write)\b[^.\n]{0,40}?(?:invoices?|billing|payment"
    r"|statements?)[^.\n]{0,30}?(?:to|at)\s*:?\s*" + _ADDRESS,
    re.I,
)
_ANY_ADDRESS = re.compile(_ADDRESS)


def find_redirect(text: str) -> str | None:
    """The address an automatic reply sends collections mail to instead, if it names one:
    an address given for invoices or payments, or any address when it says its sender has
    left. A colleague "for urgent matters" while someone is on holiday is not a redirect."""
    body = unicodedata.normalize("NFC", text[:5000])
    named = _FOR_INVOICES.search(body)
    if named is not None:
        address = next(a for a in named.groups() if a)
        return address.rstrip(".").lower()
    if _DEPARTED.search(body):
        found = _ANY_ADDRESS.search(body)
        if found is not None:
            return found.group(1).rstrip(".").lower()
    return None
