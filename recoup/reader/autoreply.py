"""Mail written by a machine: delivery failures and out-of-office replies."""

from __future__ import annotations

import re

from recoup.reader.lexicon import (
    AUTO_BODY,
    AUTO_SUBJECT,
    BOUNCE_BODY,
    BOUNCE_SUBJECT,
    BOUNCE_TECHNICAL,
    OUT_OF_OFFICE,
)


def bounce_phrase(subject: str, body: str) -> str | None:
    """The tell-tale phrase of a delivery-failure notice (both arguments folded).

    A server's own wording, or a bounce subject, is enough; plain words like "undeliverable"
    must come at least twice, since a person may use one of them in a real reply.
    """
    technical = BOUNCE_TECHNICAL.search(body)
    if technical:
        return technical.group()
    phrases = [match.group() for match in BOUNCE_BODY.finditer(body)]
    subject_hit = BOUNCE_SUBJECT.search(subject)
    if subject_hit:
        return phrases[0] if phrases else subject_hit.group()
    if len(set(phrases)) >= 2:
        return phrases[0]
    return None


def automatic(subject: str, body: str) -> bool:
    """Marked as an automatic reply in the subject or the body (both folded)."""
    return bool(AUTO_SUBJECT.search(subject) or AUTO_BODY.search(body))


def out_of_office(body: str) -> list[re.Match[str]]:
    return list(OUT_OF_OFFICE.finditer(body))
