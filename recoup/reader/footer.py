"""Signatures' legal lines and e-mail disclaimers: text that never says what a customer means.

A German footer's "Amtsgericht München HRB 12345" is a company-register line, not a court
case; "if you are not the intended recipient… legal action" is boilerplate, not a threat.
Such lines are cut before anything is read. A footer is recognised by what it is (a
register line, a disclaimer's opening), so a sentence that merely mentions a court stays.
"""

from __future__ import annotations

import re

from recoup.reader.text import fold

_REGISTER_LINE = re.compile(
    r"""
    \b(?:amtsgericht|registergericht|handelsregister|geschaftsfuhr(?:er|erin|ung)
       |sitz\ der\ gesellschaft|rcs|siret|siren|(?:sas|sarl|sa)\ au\ capital|capital\ social
       |capitale\ sociale|registro\ (?:imprese|mercantil)|inscrita\ en\ el\ registro
       |sad\ rejonowy|kapital\ zakladowy|conservatoria|companies\ house
       |registered\ (?:office|in\ england|in\ scotland|address)
    )\b
    | \b(?:hrb|hra|ust-?id(?:nr)?|steuer-?nr|p\.?\s?iva|rea|cif|nif|nipc|krs|nip|regon|kvk|btw
          |cnpj|vat\ (?:no|number|reg(?:istration)?)|company\ (?:no|number|reg(?:istration)?)
          |ein|duns|tva)\b[\s.:#-]{0,4}(?:no\.?\s?|nr\.?\s?)?[a-z]{0,3}[\s.-]?\d
    """,
    re.VERBOSE,
)
_DISCLAIMER = re.compile(
    r"""
    (?:this\ (?:e-?mail|message|communication)(?:\ and\ any\ (?:attachments?|files))?
        \ (?:is|are|may\ be|contains?)\ (?:confidential|intended|privileged|strictly)
     |if\ you\ (?:are\ not|have\ received\ this)|confidentiality\ notice|disclaimer\s*:
     |diese\ (?:e-?mail|nachricht)\ (?:enthalt|ist|kann)|wenn\ sie\ nicht\ der\ richtige
     |falls\ sie\ diese\ (?:e-?mail|nachricht)
     |ce\ (?:message|courriel|mail)\ (?:et\ (?:ses|toutes)|est\ confidentiel|peut|contient)
     |si\ vous\ (?:avez\ recu|n'etes\ pas)
     |questo\ messaggio|questa\ e-?mail\ (?:e|contiene)|le\ informazioni\ contenute
     |este\ (?:mensaje|correo)|si\ usted\ no\ es|la\ informacion\ contenida
     |deze\ e-?mail|dit\ bericht\ (?:is|kan|bevat)|indien\ u\ niet
     |ta\ wiadomosc|niniejsza\ wiadomosc|jesli\ nie\ jestes
     |esta\ mensagem|este\ e-?mail\ (?:e|contem)|se\ voce\ (?:nao|recebeu)
     |please\ consider\ the\ environment|bitte\ denken\ sie\ an\ die\ umwelt
     |is\ authori[sz]ed\ and\ regulated\ by|act\ as\ agents?\ of\ the\ company
    )
    """,
    re.VERBOSE,
)
# A register line is a footer only near the end, among short lines.
_TAIL_SHARE = 0.5


def cut_footer(text: str) -> str:
    """The text without a trailing disclaimer or register block."""
    lines = text.split("\n")
    folded_lines = [fold(line) for line in lines]
    total = len(lines)
    cut = total
    for index in range(total - 1, -1, -1):
        folded = folded_lines[index]
        register = (
            _REGISTER_LINE.search(folded) and index >= total * _TAIL_SHARE and len(folded) < 200
        )
        if _DISCLAIMER.search(folded) or register:
            cut = index
    return "\n".join(lines[:cut]).rstrip()


_CONTACT_LINE = re.compile(
    r"(?:\+?\d(?:[ ()./-]?\d){7,}|[\w.+-]+@[\w-]+\.[\w.]+|www\.|https?://|\b(?:tel|phone|fax|mob(?:ile)?"
    r"|t|m|f|p|e)\s*[:.]\s*\S)",
    re.IGNORECASE,
)
_COMPANY_SUFFIX = re.compile(
    r"\b(?:ltd|llc|llp|inc|plc|gmbh|ag|kg|sas|sarl|s\.?a\.?|s\.?l\.?|s\.?r\.?l\.?|s\.?p\.?a\.?|b\.?v\.?"
    r"|n\.?v\.?|sp\.\s?z\s?o\.?\s?o\.?|ltda|lda|corp(?:oration)?|co\.)(?:\W|$)",
    re.IGNORECASE,
)


_NAME_PARTICLES = frozenset(
    {
        "of",
        "and",
        "de",
        "der",
        "den",
        "des",
        "du",
        "la",
        "le",
        "van",
        "von",
        "di",
        "da",
        "del",
        "do",
        "dos",
        "das",
        "y",
        "e",
        "i",
        "und",
        "et",
        "en",
    }
)


_ON_BEHALF = re.compile(r"^(?:for and )?on behalf of\b", re.IGNORECASE)


def register_line(folded: str) -> bool:
    """A company-register line ("Amtsgericht Köln HRB 12345"): never what a customer means."""
    return bool(_REGISTER_LINE.search(folded))


def _signature_line(line: str) -> bool:
    stripped = line.strip()
    if not stripped:
        return True
    if _ON_BEHALF.match(stripped) and len(stripped) <= 90:
        return True
    if len(stripped) > 90 or stripped[-1] in ".?!;":
        return False
    # A sentence that gives a phone number is still a sentence.
    if len(re.findall(r"(?<![\w@.])[a-z\u00df-\u024f']{2,}\b", stripped)) > 2:
        return False
    if _CONTACT_LINE.search(stripped) or _COMPANY_SUFFIX.search(stripped):
        return True
    words = [
        w
        for w in re.split(r"[\s,|/&()-]+", stripped)
        if w and w[0].isalpha() and w.lower() not in _NAME_PARTICLES
    ]
    return bool(words) and len(words) <= 8 and all(w[0].isupper() for w in words)


def cut_signature(text: str) -> str:
    """The text without the block of name, title, company and contact lines it ends with.

    Only a block of at least two such lines, or one contact line, counts as a signature:
    a closing "Thanks" alone stays, so does a reply that is one capitalised line.
    """
    lines = text.rstrip().split("\n")
    cut = len(lines)
    while cut > 0 and _signature_line(lines[cut - 1]):
        cut -= 1
    block = [line for line in lines[cut:] if line.strip()]
    if not block or (cut == 0 and len(block) == 1):
        return text.rstrip()
    if len(block) >= 2 or any(_CONTACT_LINE.search(line) for line in block):
        return "\n".join(lines[:cut]).rstrip()
    return text.rstrip()
