"""Instructions to a machine hidden in a reply, which must never become findings."""

from __future__ import annotations

import re
from collections.abc import Sequence

from recoup.reader.lexicon import INJECTION_STRONG, INJECTION_WEAK

# Text that speaks to a machine in any of the corpus languages (folded): "ignore the previous
# instructions", "note to the AI assistant", a line that starts "SYSTEM:".
_TO_A_MACHINE = re.compile(
    r"""
    \b(?:ignor\w*|zignoruj\w*|negeer\w*|vergiss\w*|oublie[rz]?|olvida\w*|dimentica\w*)\b
        (?:\s+[\w']+){0,3}?\s+(?:instructions?|anweisungen|instruktionen|instrucciones
        |istruzioni|instructies|instrucoes|instrukcje|instrukcji|polecenia|consignes)\b
    | \b(?:note|message|hinweis|nachricht|nota|mensaje|messaggio|bericht|opmerking|uwaga
        |wiadomosc|aviso|mensagem|instructions?|anweisung|instruccion|istruzione|instructie
        |instrukcja|instrucao)\s+(?:a|an|to|for|para|per|voor|dla|al|alla|au|aan|ao)\s+
        (?:l'|the\s|die\s|den\s|el\s|la\s|il\s|de\s|het\s|o\s)?
        (?:assistant\w*|assistent\w*|asistente|asystent\w*|ki|ia|ai|bot|agent\w*|modele|model)\b
    | \b(?:ai|ia|ki)[-\s]?(?:assistant|assistent|asistente|assistente|asystent|agent)\w*
    | \b(?:assistant|assistente|asistente|asystent)\w*\s+(?:de\s+|di\s+)?(?:ia|ai|ki)\b
    | (?m:^)\s*(?:systeme|sistema|systeem|system|systemnachricht|komunikat\s+systemowy)\s*:
    | \b(?:assistant|assistent|asistente|assistente|asystent|ai|ia|ki|bot|agent|model|system)
        \s+(?:instructions?|prompt|anweisungen|instrucciones|istruzioni|instructies|instrukcje)
        \s*[:\]]
    | \#{2,}\s*(?:instructions?|system|prompt)\s*\#{2,}
    | \byou\s+are\s+(?:the|an?)\s+(?:\w+\s+){0,2}?(?:bot|assistant|agent|ai|model)\b
    """,
    re.VERBOSE,
)


# Text a reader of the mail never sees: an element styled out of sight. A person has no
# reason to hide words in a reply; a prompt meant for a machine does.
_HIDDEN_HTML = re.compile(
    r"<(\w+)[^>]*style\s*=\s*[\"'][^\"']*(?:display\s*:\s*none|visibility\s*:\s*hidden"
    r"|font-size\s*:\s*0(?:px)?\s*[;\"']|max-height\s*:\s*0(?:px)?\s*[;\"']|opacity\s*:\s*0\s*[;\"'])"
    r"[^>]*>(?P<text>[^<]*(?:<(?!/\1)[^<]*)*)",
    re.IGNORECASE,
)
_WORDS_HIDDEN = 4


def hidden_text(html: str) -> str | None:
    """The first run of words hidden from the reader by the message's own styling."""
    for match in _HIDDEN_HTML.finditer(html):
        words = re.sub(r"<[^>]+>", " ", match.group("text")).split()
        if len(words) >= _WORDS_HIDDEN:
            return " ".join(words)
    return None


def instructs_machine(folded: str, start: int = 0, end: int | None = None) -> re.Match[str] | None:
    """The first place the (folded) text tries to instruct the system, if any."""
    stop = len(folded) if end is None else end
    return (
        INJECTION_STRONG.search(folded, start, stop)
        or _TO_A_MACHINE.search(folded, start, stop)
        or INJECTION_WEAK.search(folded, start, stop)
    )


def mask(folded: str, sentences: Sequence[tuple[int, int]]) -> tuple[str, bool]:
    """The text with injected instructions blanked out, and whether any were found.

    A sentence that talks to a machine ("ignore previous instructions", "as your CFO I
    approve...") is blanked whole; a ledger instruction ("mark all invoices as paid") is
    blanked as a phrase, so a genuine statement beside it is still read.
    """
    chars = list(folded)
    found = False
    for start, end in sentences:
        if INJECTION_STRONG.search(folded, start, end) or _TO_A_MACHINE.search(folded, start, end):
            found = True
            chars[start:end] = " " * (end - start)
    masked = "".join(chars)
    for match in INJECTION_WEAK.finditer(masked):
        found = True
        chars[match.start() : match.end()] = " " * (match.end() - match.start())
    return "".join(chars), found
