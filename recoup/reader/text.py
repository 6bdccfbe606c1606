"""Text preparation: one spelling for punctuation, a folded copy for matching, no quoted history."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_TRANSLATE = str.maketrans(
    {
        "\u2019": "'",
        "\u2018": "'",
        "\u02bc": "'",
        "\u00b4": "'",
        "\u0060": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u00a0": " ",
        "\u202f": " ",
        "\u2009": " ",
        "\u2007": " ",
        "\u2013": "-",
        "\u2014": "-",
        "\u2011": "-",
        "\u2212": "-",
        "\t": " ",
        "\u200b": " ",
        "\ufeff": " ",
    }
)


# Phone shorthand for the words dates and payments are read from ("next wk", "tmrw").
_SHORTHAND = {
    "wk": "week",
    "wks": "weeks",
    "nxt": "next",
    "tmrw": "tomorrow",
    "tmw": "tomorrow",
    "tmrow": "tomorrow",
    "tomoz": "tomorrow",
    "pmt": "payment",
    "pymt": "payment",
    "pymnt": "payment",
}
_SHORT = re.compile(rf"\b(?:{'|'.join(_SHORTHAND)})\b", re.IGNORECASE)


def normalise(text: str) -> str:
    """NFC, Unix newlines, plain quotes, dashes and spaces, phone shorthand written out."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    return _SHORT.sub(lambda m: _SHORTHAND[m.group().lower()], text.translate(_TRANSLATE))


@lru_cache(maxsize=4096)
def _fold_char(char: str) -> str:
    base = unicodedata.normalize("NFD", char)[0].lower()
    return base if len(base) == 1 else char


def fold(text: str) -> str:
    """Lower case without accents, one character for one, so that spans index the original."""
    return "".join(_fold_char(char) for char in text)


_SEPARATORS = re.compile(
    r"""
    ^\s*-{2,}\s*(?:original\ message|ursprungliche\ nachricht|message\ d'origine|mensaje\ original
        |oorspronkelijk\ bericht|messaggio\ originale|mensagem\ original|wiadomosc\ oryginalna
        |forwarded\ message|weitergeleitete\ nachricht|message\ transfere|mensaje\ reenviado
        |doorgestuurd\ bericht|messaggio\ inoltrato|mensagem\ encaminhada
        |wiadomosc\ przekazana|przekazana\ wiadomosc)\s*-{2,}
    | ^\s*_{8,}\s*$
    | ^\s*(?:from|de|von|van|da|desde)\s*:[^\n]*\n(?:[^\n]*\n){0,3}?\s*
        (?:sent|date|envoye|gesendet|datum|enviado|fecha|verzonden|inviato|data|to|an|a|para|aan)\s*:
    | ^\s*on\b[^\n]{0,200}(?:\n[^\n]{0,200})?\bwrote\s*:\s*$
    | ^\s*le\b[^\n]{0,200}(?:\n[^\n]{0,200})?\ba\ ecrit\s*:\s*$
    | ^\s*am\b[^\n]{0,200}(?:\n[^\n]{0,200})?\bschrieb\b[^\n]{0,160}:\s*$
    | ^\s*el\b[^\n]{0,200}(?:\n[^\n]{0,200})?\bescribio\s*:\s*$
    | ^\s*op\b[^\n]{0,200}(?:\n[^\n]{0,200})?\bschreef\b[^\n]{0,160}:\s*$
    | ^\s*il\b[^\n]{0,200}(?:\n[^\n]{0,200})?\bha\ scritto\s*:\s*$
    | ^\s*(?:begin\ forwarded\ message|debut\ du\ message\ reexpedie|anfang\ der\ weitergeleiteten)
    | ^\s*--\s*$
    """,
    re.MULTILINE | re.VERBOSE,
)

# A closing line on its own ("Grazie, saluti"): what follows is a signature, with phone
# numbers and addresses.
_CLOSING = r"""(?:
        (?:best|kind|warm|warmest|many\ thanks\ and|thanks\ and|with\ kind)?\s*regards
      | best(?:\ wishes)?
      | thanks(?:\ (?:and|&)\ regards)?(?:\ again|\ in\ advance)?
      | thank\ you(?:\ in\ advance)?
      | many\ thanks | cheers | sincerely | yours\ (?:sincerely|faithfully|truly)
      | (?:bien\ )?cordialement | bien\ a\ vous | (?:sinceres\ |meilleures\ )?salutations
      | mit\ freundlichen\ gru(?:ss|ß)en | freundliche\ gru(?:ss|ß)e
      | (?:viele|beste|liebe)\ gru(?:ss|ß)e | mfg | lg | gru(?:ss|ß)
      | (?:un\ )?saludos?(?:\ cordiales)? | atentamente | atenciosamente | cordialmente
      | (?:met\ )?vriendelijke\ groet(?:en)? | (?:hartelijke\ )?groet(?:en)? | mvg
      | (?:cordiali|distinti)\ saluti | saluti | un\ saluto | grazie(?:\ mille)?
      | merci(?:\ beaucoup)? | (?:vielen\ )?dank(?:e)? | gracias | bedankt | dank\ u(?:\ wel)?
      | (?:melhores\ |com\ os\ melhores\ )?cumprimentos | abracos? | obrigad[oa](?:\(a\))?
      | saudacoes | att\.? | at\.te
      | z\ (?:wyrazami\ szacunku|powazaniem) | (?:serdecznie\ )?pozdrawiam(?:y)?
      | dziekuje | dziekujemy | z\ gory\ dziekuje
    )"""
_VALEDICTION = re.compile(
    rf"^\s*{_CLOSING}(?:\s*[,.!]?\s*{_CLOSING})*\s*[,.!]*\s*$",
    re.MULTILINE | re.VERBOSE,
)


def strip_history(text: str) -> str:
    """The new part of a reply: no quoted lines, nothing after a reply header or signature.

    A message forwarded on purpose ("see the approval below") is part of what is said,
    unless it is one of our own reminders coming back."""
    return _new_part(text, to_signature=True)


def strip_quotes(text: str) -> str:
    """All the sender wrote: no quoted lines or history, but the signature and whatever
    follows it (where instructions to a machine like to hide)."""
    return _new_part(text, to_signature=False)


def _new_part(text: str, *, to_signature: bool) -> str:
    folded = fold(text)
    history = len(text)
    separator = _SEPARATORS.search(folded)
    if separator:
        history = separator.start()
    signature = next(
        (
            closing.start()
            for closing in _VALEDICTION.finditer(folded, 0, history)
            if len(folded[: closing.start()].strip()) >= 20
        ),
        history,
    )
    cut = signature if to_signature else history
    kept = [line for line in text[:cut].split("\n") if not line.lstrip().startswith(">")]
    new = "\n".join(kept).strip()
    forwarded = _forwarded(text, folded, separator, signature).strip() if separator else ""
    return f"{new}\n\n{forwarded}".strip() if forwarded else new


_FORWARD_HEADER = re.compile(
    r"forwarded message|begin forwarded|weitergeleitete nachricht|anfang der weitergeleiteten"
    r"|message transfere|debut du message reexpedie|mensaje reenviado|doorgestuurd bericht"
    r"|messaggio inoltrato|mensagem encaminhada|wiadomosc przekazana|przekazana wiadomosc"
)
# Outlook heads a forward and a reply alike ("-----Original Message-----"): what the note
# says tells them apart.
_ORIGINAL_HEADER = re.compile(
    r"original message|ursprungliche nachricht|message d'origine|mensaje original"
    r"|oorspronkelijk bericht|messaggio originale|mensagem original|wiadomosc oryginalna"
)
_POINTS_BELOW = re.compile(
    r"\b(?:below|underneath|fyi|forwarding|for your (?:information|info|reference)"
    r"|see (?:the )?(?:thread|e-?mail|mail|approval|note)"
    r"|ci-dessous|en dessous|voir (?:le )?(?:mail|message)|pour (?:information|info)"
    r"|je vous transfere|unten|untenstehend\w*|anbei|zur (?:info|information|kenntnis)|abajo"
    r"|a continuacion|para su (?:informacion|conocimiento)|le reenvio|hieronder|onderstaand\w*"
    r"|ter info(?:rmatie)?|sotto|di seguito|per (?:vostra|sua) (?:informazione|conoscenza)"
    r"|abaixo|para (?:conhecimento|informacao)|segue|ponizej|do wiadomosci|przesylam)\b"
)
_HEADER_FIELD = re.compile(
    r"^\s*(?:from|sent|date|to|cc|subject|de|envoye|a|objet|von|gesendet|an|betreff|datum"
    r"|enviado|fecha|para|asunto|van|verzonden|aan|onderwerp|da|inviato|data|oggetto"
    r"|enviada|assunto|od|do|dw|wys[lł]ano|temat)\s*:"
)
# Our own reminder, forwarded back to us, is not the customer speaking.
_DUNNING = re.compile(
    r"\b(?:overdue|past due|reminder|our records show|outstanding balance|remind you|en retard"
    r"|relance|impayee?s?|(?:u|ue)berf(?:a|ae)llig|mahnung|zahlungserinnerung|vencidas?"
    r"|recordatorio|achterstallig|herinnering|scadut[ae]|sollecito)"
)


def _forwarded(text: str, folded: str, separator: re.Match[str], note_end: int) -> str:
    """The body of a message forwarded on purpose below a short note that points to it
    (the note ends where its signature starts)."""
    header = folded[max(0, separator.start() - 80) : separator.end()]
    note = folded[: min(note_end, separator.start())]
    points = bool(_POINTS_BELOW.search(note))
    if not (_FORWARD_HEADER.search(header) or (_ORIGINAL_HEADER.search(header) and points)):
        return ""
    if len(note.strip()) > 300 or not (points or not note.strip()):
        return ""
    lines = text[separator.end() :].split("\n")
    while lines and (not lines[0].strip() or _HEADER_FIELD.match(fold(lines[0]))):
        lines.pop(0)
    block = "\n".join(lines)
    after = _SEPARATORS.search(fold(block))
    if after:
        block = block[: after.start()]
    if _DUNNING.search(fold(block)):
        return ""
    return "\n".join(line for line in block.split("\n") if not line.lstrip().startswith(">"))
