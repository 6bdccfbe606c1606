"""Risk signals in a customer's message, computed for every message whatever model decides.

- ``lookalike_domain``: the sender's domain imitates one of the customer's but is not it;
- ``bank_change``: a request to pay to, or record, new bank details;
- ``claimed_approval``: a discount, write-off or settlement said to be approved by one of
  our people (a real one comes through recoup's approvals, never through the customer);
- ``injection``: text that tries to instruct the system.

Each is a rule that needs no model, joined by the learned model's flag head where the
model file has one. A message with any of them goes to a person, and what it asks is not
done.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from recoup.reader.footer import cut_footer
from recoup.reader.injection import hidden_text, instructs_machine
from recoup.reader.model import ModelFileError, ReaderModel, load
from recoup.reader.prepare import MAX_RAW, new_text, prepare_reply
from recoup.reader.text import fold, normalise, strip_quotes

FLAGS = ("injection", "bank_change", "lookalike_domain", "claimed_approval")
# Without the message's day, relative dates resolve against a fixed one (only whether a
# date lies in the past is affected).
_NO_DAY = datetime.date(2026, 1, 1)

_BANK_CHANGE = re.compile(
    r"""
    (?:new|updated?|changed?|different|correct(?:ed)?)\s+(?:bank(?:ing)?\s+(?:details|account|info)
        |account\s+(?:details|number)|iban|remittance\s+details|payment\s+details|wiring)
    | bank\s+(?:details|account)\s+(?:have|has)\s+(?:changed|been\ (?:updated|changed))
    | chang(?:e|ed|ing)\s+(?:of\s+|to\s+|in\s+)?(?:our\s+|the\s+)?(?:bank|iban|account\s+details)
    | neue[nr]?\s+(?:bankverbindung|kontoverbindung|iban|konto)
    | (?:bank|konto)verbindung\s+(?:hat\s+sich\s+)?geandert
    | nouve(?:au|lles?)\s+(?:rib|iban|coordonnees\s+bancaires|compte)
    | changement\s+de\s+(?:rib|banque|compte)
    | nuev[oa]s?\s+(?:datos\s+bancarios|cuenta|iban)
    | cambio\s+de\s+(?:cuenta|banco|datos\s+bancarios)
    | nuov[oei]\s+(?:iban|coordinate\s+bancarie|conto)|cambio\s+(?:di\s+)?(?:iban|conto|banca)
    | nieuwe?\s+(?:bankgegevens|rekening(?:nummer)?|iban)|gewijzigde\s+bankgegevens
    | nov[oa]s?\s+(?:dados\s+bancarios|conta|iban)|alteracao\s+(?:de|dos)\s+dados\s+bancarios
    | now(?:y|e|ego)\s+(?:numer\s+(?:konta|rachunku)|rachun(?:ek|ku)|dane\s+bankowe|konto)
    | zmian[aey]\s+(?:numeru\s+)?(?:konta|rachunku|danych\s+bankowych)
    | (?:overgestapt|overgestapt\s+naar|switched|moved|gewechselt|passe|cambiado|passati)\s+
        (?:naar\s+|to\s+|zu\s+|a\s+)?(?:een\s+|a\s+|eine\s+|une\s+|otro\s+|un\s+)?
        (?:andere|another|new|different|neue|autre|nouvelle|otro|nuevo|altra|nuova)\s+(?:bank|banque|banco|banca)
    | (?:all\s+)?future\s+payments\s+(?:to|into|should\s+go\s+to)
    """,
    re.VERBOSE,
)
# Bank details in the eight languages, and a change to them: the two near each other in
# either order ("our bank details have changed", "hemos cambiado de entidad bancaria",
# "uw rekeningnummer is gewijzigd", "you have moved banks").
_BANK_DETAILS = (
    r"(?:bank(?:ing)?(?:\s+(?:details|account|accounts|info|information|connection))?|banks"
    r"|iban|sort\s+code|account\s+(?:number|no|details)|(?:company|business)\s+account"
    r"|coordonnees\s+bancaires|rib|compte\s+bancaire|domiciliation\s+bancaire"
    r"|bankverbindung|kontoverbindung|bankdaten|kontonummer|hausbank"
    r"|cuenta\s+bancaria|datos\s+bancarios|entidad\s+bancaria|numero\s+de\s+cuenta"
    r"|rekeningnummer|bankgegevens|bankrekening|coordinate\s+bancarie|conto\s+corrente"
    r"|dati\s+bancari|dados\s+bancarios|conta\s+bancaria|banco"
    r"|numer\s+(?:konta|rachunku)|rachun(?:ek|ku)\s+bankow\w*|dane\s+bankowe"
    # A card or account to send a refund to: "a esta tarjeta nueva", "our new card".
    r"|card|tarjeta|carte(?:\s+bancaire)?|karte|cuenta|compte|konto|conto|rekening|conta)"
)
_CHANGED_AFTER = (
    r"(?:(?:has|have|had)\s+(?:been\s+)?(?:changed|updated|moved)|(?:is|are|was|were)\s+"
    r"(?:changed|updated|now)|ont\s+change|a\s+change|ont\s+ete\s+modifie\w*|(?:hat|haben)\s+sich"
    r"\s+geandert|geandert|ha\s+cambiado|han\s+cambiado|(?:is|zijn)\s+gewijzigd|gewijzigd"
    r"|e\s+cambiat[oa]|sono\s+cambiat[ei]|mudou|mudaram|foi\s+alterad[oa]|zmieni\w+"
    r"|nuev[oa]|nouvelle|nouveau|neue?|nuov[oa]|nieuwe?|nov[oa])"
)
_CHANGING_BEFORE = (
    r"(?:(?:moved|switched|changed|updated|changing|updating)\s+(?:(?:our|your|their|the|my)\s+)?"
    r"|(?:our|your|my)\s+new\s+|nouvelles?\s+|nouveau\s+|neue[nr]?\s+|nuev[oa]s?\s+|nuov[oaei]\s+"
    r"|nieuwe?\s+|nov[oa]s?\s+|now(?:y|e|ego|a)\s+|changement\s+de\s+|cambiado\s+de\s+"
    r"|cambio\s+de\s+|cambio\s+di\s+|alteracao\s+de\s+|zmian[aey]\s+)"
)
_BANK_DETAILS_CHANGED = re.compile(
    rf"\b{_CHANGING_BEFORE}{_BANK_DETAILS}\b"
    rf"|\b{_BANK_DETAILS}\s+(?:\w+\s+){{0,3}}?{_CHANGED_AFTER}\b"
)
# Such a change counts when the message gives the details, or says they are ours ("your
# bank details have changed"): "we switched banks, hence the delay" asks nothing of us.
_BANK_IDENTIFIER = re.compile(
    r"\b[a-z]{2}\d{2}(?:\s?[a-z0-9]{4}){2,7}\b|\b\d{2}-\d{2}-\d{2}\b"
    r"|\b(?:swift|bic|aba|routing|clabe)\b"
    r"|\b(?:ending|terminacion|terminada en)\s+(?:in\s+)?\d{4}\b"
    r"|\b(?:account|acct|konto|kontonummer|cuenta|compte|conto|rekening\w*|rachun\w*|conta)"
    r"\b[^\d\n]{0,20}\d[\d -]{5,}"
)
_YOURS = re.compile(
    r"\b(?:you|your|yours|vous|vos|votre|sie|ihre?|su|sus|ustedes|uw|u|jullie|vostr[oaie]|voi"
    r"|seu|sua|seus|suas|voces|wasz\w*|panstwa)\b"
)


def _bank_details_changed(folded: str) -> re.Match[str] | None:
    for match in _BANK_DETAILS_CHANGED.finditer(folded):
        before = folded[max(match.start() - 40, 0) : match.end()]
        if _BANK_IDENTIFIER.search(folded) or _YOURS.search(before):
            return match
    return None


_OUR_PEOPLE = (
    r"(?:(?:your|vo(?:tre|s)|ihr(?:e|er|em)?|su|vuestr[oa]|il\s+vostro|la\s+vostra|uw|jullie|"
    r"seu|sua|wasz(?:a|ego)?|pan(?:a|i)?)\s+"
    r"(?:cfo|ceo|coo|director|directeur|directrice|direktor(?:in)?|directora?|dyrektor"
    r"|manager(?:in)?|account\s+manager|sales\s+(?:rep|manager)|finance\s+director|boss|chef"
    r"|owner|president|founder|vp(?:\s+of\s+\w+)?|vice\s+president|due[nñ]o|propietario|patron"
    r"|responsable|gerente|vertriebs\w*|commercial|representative|rep|controller|kierownik"
    r"|gestore|accountmanager|vendedor|area\s+manager|direttore|responsabile|commerciale"
    r"|dyrektor\s+\w+|opiekun\w*|handlowiec|comercial|vertegenwoordiger|verkoper)"
    r"|(?:\w+\s+)?(?:del|dal|della|dalla)\s+vostr[oa]\s+(?:ufficio|reparto|area|team|direttore"
    r"|responsabile)|(?:opiekun|doradca)\s+(?:naszego|waszego)\s+konta"
    r"|\w+\s+(?:from|of)\s+your\s+(?:sales|credit|finance|accounts?)\s+(?:team|department|office))"
)
_APPROVED = (
    r"(?:approved|agreed|authori[sz]ed|confirmed|signed\s+off|promised|waived|granted|ok'?d"
    r"|genehmigt|zugestimmt|zugesagt|bestatigt|approuve|accepte|autorise|confirme|aprobado"
    r"|acordado|autorizado|confirmado|approvato|concesso|autorizzato|confermato|goedgekeurd"
    r"|akkoord|toegezegd|aprovado|autorizou|aprovou|zatwierdzil[a]?|zgodzil[a]?\s+sie|obiecal[a]?"
    r"|assicurato|promess[oa]|garantito|zapewni[lł]|obieca[lł]|zatwierdzi[lł]|zusicherte"
    r"|zugesichert|assure|garanti"
    r"|asegurado|prometido|beloofd|verzekerd|garantiu|prometeu)"
)
_IN_PARAGRAPH = r"(?:(?!\n\s*\n)[\s\S])"
# What one of our people is said to have given away ("on the house", "zero it out").
_GIVEN_AWAY = (
    r"(?:on\s+the\s+house|zero\s+it\s+out|write\s+it\s+off|wipe\s+it|no\s+charge|free\s+of"
    r"\s+charge|waive[sd]?\b|forgive[sn]?\b|cancel(?:led)?\s+(?:it|the\s+invoice)"
    r"|(?:la\s+)?condon\w+|regalad\w+|gratis|offert\w*|erlassen)"
)
_CLAIMED_APPROVAL = re.compile(
    # A dot inside a word ("dott.ssa", "p.p.") does not end the sentence.
    rf"{_OUR_PEOPLE}(?:[^.\n]|\.(?=\w)){{0,80}}?{_APPROVED}"
    rf"|{_APPROVED}\s+(?:by|da|von|par|por|door|przez)\s+(?:[\w.]+\s+){{0,3}}?{_OUR_PEOPLE}"
    rf"|{_OUR_PEOPLE}{_IN_PARAGRAPH}{{0,160}}?\b(?:said|told|says|dijo|a\s+dit|sagte|zei)\b"
    rf"{_IN_PARAGRAPH}{{0,120}}?{_GIVEN_AWAY}",
    re.VERBOSE,
)
_HOMOGLYPHS = (("rn", "m"), ("vv", "w"), ("0", "o"), ("1", "l"), ("l", "i"), ("-", ""), ("_", ""))


@dataclass(frozen=True)
class Risk:
    flags: list[str] = field(default_factory=list)
    evidence: dict[str, str] = field(default_factory=dict)

    @property
    def any(self) -> bool:
        return bool(self.flags)


def assess(
    text: str,
    *,
    subject: str = "",
    sender: str = "",
    customer_domains: Iterable[str] = (),
    today: datetime.date | None = None,
    known_invoices: Mapping[str, int] | None = None,
    currency: str = "USD",
    model: ReaderModel | None = None,
    attachments: Sequence[str] = (),
) -> Risk:
    """The risk flags of one message. ``today``, ``known_invoices`` and ``currency`` are
    those ``read_reply`` is given: the model sees the message as it was trained to;
    ``model`` is the shipped one unless another is given. ``attachments`` are the texts of
    its text attachments, read by the rules for instructions to a machine and bank details."""
    evidence: dict[str, str] = {}
    raw, body = new_text(text)
    folded = fold(cut_footer(body))
    domain = _domain(sender)
    known = [d.lower().strip() for d in customer_domains if d]
    lookalike = None if domain in known else next((d for d in known if imitates(domain, d)), None)
    if lookalike:
        evidence["lookalike_domain"] = f"{domain} imitates {lookalike}"
    for name, find in (
        ("bank_change", _BANK_CHANGE.search),
        ("bank_change", _bank_details_changed),
        ("claimed_approval", _CLAIMED_APPROVAL.search),
    ):
        match = None if name in evidence else find(folded)
        if match:
            evidence[name] = body[match.start() : match.end()][:120]
    # A machine is addressed wherever the sender wrote it: their signature, what follows
    # it, an attached file.
    for written in (strip_quotes(raw), *(normalise(a[:MAX_RAW]) for a in attachments)):
        if "injection" in evidence:
            break
        injected = instructs_machine(fold(written))
        if injected:
            evidence["injection"] = written[injected.start() : injected.end()][:120]
        elif hidden := hidden_text(written):
            evidence["injection"] = f"hidden text: {hidden}"[:120]
    for attached in attachments:
        match = None if "bank_change" in evidence else _BANK_CHANGE.search(fold(attached[:MAX_RAW]))
        if match:
            evidence["bank_change"] = f"attachment: {attached[match.start() : match.end()]}"[:120]
    context = (today or _NO_DAY, known_invoices or {}, currency)
    for name in _learned_flags(text, subject, context, model) - set(evidence):
        evidence[name] = "read by the model"
    return Risk(flags=[name for name in FLAGS if name in evidence], evidence=evidence)


def _learned_flags(
    text: str,
    subject: str,
    context: tuple[datetime.date, Mapping[str, int], str],
    model: ReaderModel | None,
) -> set[str]:
    try:
        head = (model or load()).heads.get("flags")
    except ModelFileError:
        return set()
    today, known_invoices, currency = context
    prepared = prepare_reply(
        text, subject=subject, today=today, known_invoices=known_invoices, currency=currency
    )
    if head is None or not prepared.body.strip():
        return set()
    scores = head.probabilities(prepared.features)
    return {name for name in head.classes if scores[name] >= head.threshold(name)}


def _domain(address: str) -> str:
    address = address.strip().lower().rstrip(">")
    return address.rsplit("@", 1)[1] if "@" in address else ""


def _label(domain: str) -> tuple[str, str]:
    parts = domain.split(".")
    if len(parts) >= 3 and len(parts[-2]) <= 3 and len(parts[-1]) == 2:  # acme.co.uk
        return ".".join(parts[:-2]), ".".join(parts[-2:])
    return ".".join(parts[:-1]), parts[-1]


def imitates(domain: str, real: str) -> bool:
    """Whether ``domain`` looks like ``real`` without being it (or a subdomain of it)."""
    if domain == real or domain.endswith("." + real):
        return False
    (name, tld), (real_name, real_tld) = _label(domain), _label(real)
    name, real_name = name.split(".")[-1], real_name.split(".")[-1]
    if name == real_name:
        return tld != real_tld
    if _skeleton(name) == _skeleton(real_name):
        return True
    if len(real_name) >= 5 and _distance(name, real_name) <= 2:
        return True
    return len(real_name) >= 4 and name.startswith(real_name) and name != real_name


def _skeleton(name: str) -> str:
    for old, new in _HOMOGLYPHS:
        name = name.replace(old, new)
    return name


def _distance(a: str, b: str) -> int:
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, start=1):
        current = [i]
        for j, char_b in enumerate(b, start=1):
            current.append(
                min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char_a != char_b))
            )
        previous = current
    return previous[-1]
