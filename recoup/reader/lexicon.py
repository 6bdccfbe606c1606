"""The words customers use, in English, French, German, Spanish, Dutch and Italian.

Every pattern runs on folded text (lower case, accents removed, plain apostrophes), so
"überweisen" is written "uberweisen" and "réglé" is written "regle".
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from recoup.reader.intents import DisputeReason

# The languages the rules read; Portuguese and Polish are told apart too (the reading says
# its language, and negation counts in them), but only the learned model reads them.
LANGUAGES = ("en", "fr", "de", "es", "nl", "it")
DETECTED_LANGUAGES = (*LANGUAGES, "pt", "pl")
# Calendar and number words also cover Portuguese and Polish.

# One intervening word, including numbers, dates and invoice numbers.
TOK = r"[\w.,'/#°:€$£-]+\s+"
# German spelled with or without umlauts.
UE, AE, OE = "(?:u|ue)", "(?:a|ae)", "(?:o|oe)"


# "<W>" in a pattern stands for one intervening word: numbers, amounts and invoice numbers too.
_WORD = r"(?:[\w.,'/#°€$£-]+\s+)"


def _re(pattern: str, flags: int = 0) -> re.Pattern[str]:
    return re.compile(pattern.replace("<W>", _WORD), flags)


def any_of(patterns: Iterable[str], flags: int = 0) -> re.Pattern[str]:
    return _re("|".join(f"(?:{pattern})" for pattern in patterns), flags)


def _words(text: str) -> list[str]:
    return text.split()


def _alternation(words: Iterable[str]) -> str:
    return "|".join(re.escape(word) for word in sorted(set(words), key=len, reverse=True))


# --------------------------------------------------------------------------- calendar words

MONTHS: dict[str, int] = {}
for _number, _names in enumerate(
    (
        "january jan janvier janv januar janner jaenner enero ene januari gennaio gen janeiro"
        " styczen stycznia styczniu",
        "february feb fevrier fevr fev februar febrero februari febbraio fevereiro luty lutego"
        " lutym",
        "march mar mars marz maerz marzo maart mrt marco marzec marca marcu",
        "april apr avril avr abril abr aprile kwiecien kwietnia kwietniu",
        "may mai mayo mei maggio mag maio maj maja maju",
        "june jun juin juni junio giugno giu junho czerwiec czerwca czerwcu",
        "july jul juillet juil juli julio luglio lug julho lipiec lipca lipcu",
        "august aug aout agosto ago augustus sierpien sierpnia sierpniu",
        "september sep sept septembre septiembre setiembre settembre set setembro wrzesien"
        " wrzesnia wrzesniu",
        "october oct octobre oktober okt octubre ottobre ott outubro pazdziernik pazdziernika"
        " pazdzierniku",
        "november nov novembre noviembre novembro listopad listopada listopadzie",
        "december dec decembre dezember dez diciembre dic dicembre dezembro grudzien grudnia"
        " grudniu",
    ),
    start=1,
):
    for _name in _names.split():
        MONTHS[_name] = _number

# Abbreviations that are also ordinary words only count next to a day number.
MONTH_PATTERN = rf"(?:{_alternation(MONTHS)})(?![a-z])\.?"
_MONTH_ABBREVIATIONS = frozenset(
    _words(
        "jan janv ene gen feb fevr fev mar mrt apr avr abr jun giu jul juil lug aug ago sep sept "
        "set oct okt ott nov dec dez dic mag maj"
    )
)
MONTH_FULL_PATTERN = (
    rf"(?:{_alternation(name for name in MONTHS if name not in _MONTH_ABBREVIATIONS)})(?![a-z])"
)

WEEKDAYS: dict[str, int] = {}
for _number, _names in enumerate(
    (
        "monday lundi montag lunes maandag lunedi segunda-feira poniedziałek poniedzialek"
        " poniedziałku poniedzialku",
        "tuesday tues mardi dienstag martes dinsdag martedi terca-feira terca wtorek wtorku",
        "wednesday weds mercredi mittwoch miercoles woensdag mercoledi quarta-feira sroda srode"
        " srody",
        "thursday thurs thur jeudi donnerstag jueves donderdag giovedi quinta-feira quinta"
        " czwartek czwartku",
        "friday fri vendredi freitag viernes vrijdag venerdi sexta-feira sexta piatek piatku",
        "saturday samedi samstag sonnabend sabado zaterdag sabato sobota sobote soboty",
        "sunday dimanche sonntag domingo zondag domenica niedziela niedziele niedzieli",
    )
):
    for _name in _names.split():
        WEEKDAYS[_name] = _number

WEEKDAY_PATTERN = rf"(?:{_alternation(WEEKDAYS)})(?![a-z])"
# Short forms that are also English words ("sat", "sun"): only in a written-out date.
WEEKDAY_ABBREVIATIONS: dict[str, int] = {
    "mon": 0, "tue": 1, "wed": 2, "thu": 3, "sat": 5, "sun": 6,
}  # fmt: skip

NUMBER_WORDS: dict[str, int] = {
    "a": 1, "an": 1, "one": 1, "a couple of": 2, "couple of": 2, "a few": 3, "few": 3,
    "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "fourteen": 14, "fifteen": 15, "eighteen": 18,
    "twenty": 20, "twenty-four": 24, "thirty": 30, "sixty": 60, "ninety": 90,
    "un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "sept": 7, "huit": 8,
    "neuf": 9, "dix": 10, "douze": 12, "quinze": 15, "vingt": 20, "trente": 30,
    "quelques": 3,
    "ein": 1, "eine": 1, "einer": 1, "einem": 1, "einen": 1, "zwei": 2, "drei": 3, "vier": 4,
    "funf": 5, "fuenf": 5, "sechs": 6, "sieben": 7, "acht": 8, "neun": 9, "zehn": 10,
    "zwolf": 12, "zwoelf": 12, "vierzehn": 14, "funfzehn": 15, "zwanzig": 20, "dreißig": 30,
    "dreissig": 30, "einige": 3, "ein paar": 3,
    "uno": 1, "una": 1, "dos": 2, "tres": 3, "cuatro": 4, "cinco": 5, "seis": 6, "siete": 7,
    "ocho": 8, "nueve": 9, "diez": 10, "doce": 12, "quince": 15, "veinte": 20, "treinta": 30,
    "unos": 3, "unas": 3, "unos pocos": 3, "algunos": 3,
    "een": 1, "twee": 2, "drie": 3, "vijf": 5, "zes": 6, "zeven": 7, "negen": 9, "tien": 10,
    "twaalf": 12, "veertien": 14, "vijftien": 15, "twintig": 20, "dertig": 30, "enkele": 3,
    "paar": 3, "een paar": 3,
    "due": 2, "tre": 3, "quattro": 4, "cinque": 5, "sei": 6, "sette": 7, "otto": 8, "nove": 9,
    "dieci": 10, "dodici": 12, "quattordici": 14, "quindici": 15, "venti": 20, "trenta": 30,
    "qualche": 3, "alcuni": 3,
    "dois": 2, "duas": 2, "quatro": 4, "dez": 10, "vinte": 20, "trinta": 30,
    "alguns": 3, "algumas": 3, "uma": 1, "um": 1,
    "jeden": 1, "jedna": 1, "dwa": 2, "dwie": 2, "trzy": 3, "cztery": 4, "piec": 5,
    "szesc": 6,
    "siedem": 7, "osiem": 8, "dziewiec": 9, "dziesiec": 10, "czternascie": 14,
    "pietnascie": 15, "dwadziescia": 20, "trzydziesci": 30, "kilka": 3,
}  # fmt: skip

NUMBER_PATTERN = rf"(?:\d{{1,3}}|{_alternation(NUMBER_WORDS)})"


def number_value(word: str) -> int | None:
    word = word.strip()
    if word.isdigit():
        return int(word)
    return NUMBER_WORDS.get(word)


# --------------------------------------------------------------------------- language guess

STOPWORDS: dict[str, frozenset[str]] = {
    "en": frozenset(
        _words(
            "the and we will you your is are for of to this that have has our please thanks "
            "regards invoice be on with not it pay paid would could can i as been hi dear"
        )
    ),
    "fr": frozenset(
        _words(
            "le la les des du nous vous est sont pour avec et une un pas facture merci "
            "cordialement votre notre sera que qui dans sur ce cette bonjour au aux avons je ne "
            "madame monsieur "
            "reglement paiement virement"
        )
    ),
    "de": frozenset(
        _words(
            "der die das und wir sie ist sind nicht mit fur ein eine rechnung bitte ihre unsere "
            "wird werden zahlung den dem des auf vielen dank grußen gruße ich haben sehr geehrte "
            "herr frau uberweisung noch bis"
        )
    ),
    "es": frozenset(
        _words(
            "el los las del y que en por para con es factura gracias saludos su nuestra nuestro "
            "pago hemos sera una lo al estimado estimada muy buenos transferencia pagaremos hola "
            "semana proxima mes estimados hasta fuera oficina atentamente informamos"
        )
    ),
    "nl": frozenset(
        _words(
            "de het een en we wij is zijn niet voor met van op factuur graag groet uw onze wordt "
            "betaling dat die te ook deze dank geachte heer mevrouw hebben ik bij volgende week "
            "betalen maand wij"
        )
    ),
    "it": frozenset(
        _words(
            "il lo la gli le di del della e che non per con un una fattura grazie saluti vostra "
            "nostra pagamento sara abbiamo sono ci vi gentile buongiorno cordiali bonifico al "
            "entro fine mese settimana prossima pagheremo distinti potete potreste vorremmo "
            "confermare "
            "inviare inviarci questa questo della delle nel nella coordinate bancarie"
        )
    ),
    "pt": frozenset(
        _words(
            "o os as do da dos das e que em no na para com nao fatura obrigado obrigada "
            "atenciosamente cumprimentos sua nosso nossa pagamento sera foi uma um ao pelo pela "
            "prezado prezados prezada bom dia boa tarde ola transferencia semana proxima mes "
            "vamos estamos voces voce segue ja boleto nota valor"
        )
    ),
    "pl": frozenset(
        _words(
            "i w z na do nie sie jest sa dla oraz ze to za po faktura faktury fakture dziekuje "
            "pozdrawiam pozdrowienia z powazaniem szanowni panstwo pan pani dzien dobry "
            "platnosc zaplacimy zaplata przelew bedzie zostanie tygodniu przyszlym miesiaca "
            "prosimy prosze nasz nasza wasz wasza"
        )
    ),
}

# --------------------------------------------------------------------------- negation

NEGATORS: dict[str, str] = {
    "en": r"\bnot\b|n't\b|\bnever\b|\bno\b(?!\.?\s*[#\d])|\bnothing\b|\bwithout\b|\bnone\b",
    "fr": r"\bne\b|\bn'|\bpas\b|\bjamais\b|\baucune?\b|\bsans\b|\brien\b",
    "de": r"\bnicht\b|\bkein\w*|\bnie\b|\bniemals\b|\bohne\b",
    "es": r"\bno\b(?!\.?\s*[#\d])|\bnunca\b|\bsin\b|\bningun\w*|\bni\b",
    "nl": r"\bniet\b|\bgeen\b|\bnooit\b|\bzonder\b",
    "it": r"\bnon\b|\bsenza\b|\bnessun\w*|\bmai\b",
    "pt": r"\bnao\b|\bnunca\b|\bsem\b|\bnenhum\w*|\bnem\b",
    "pl": r"\bnie\b|\bnigdy\b|\bbez\b|\bzaden\b|\bzadn\w*",
}
# German and Dutch put "nicht"/"niet" after the verb; French closes "ne ... pas".
NEGATORS_AFTER: dict[str, str] = {
    "fr": r"^\s*(?:[\w'-]+\s+)?(?:pas|plus|jamais|point)\b",
    "de": r"^\s*(?:[\w-]+\s+){0,3}?(?:nicht|nie|keineswegs)\b",
    "nl": r"^\s*(?:[\w-]+\s+){0,3}?(?:niet|nooit)\b",
}

# --------------------------------------------------------------------------- promise

_PAY_EN = (
    r"(?:pay|settle|remit|wire|transfer|clear (?:the|this|it|our|your|balance|invoice)"
    r"|release (?:the |a )?(?:payment|funds|it|(?=(?:rs\.?|inr|usd|eur|gbp|[$€£₹])?\s?\d))"
    r"|process (?:the |this |your )?(?:payment|invoice|it)"
    r"|make (?:the |a |full |partial )?payment"
    r"|send (?:you )?(?:the |a |our )?(?:payment|funds|money|transfer|wire|remittance|check"
    r"|cheque))"
)
_PAY_FR = r"(?:payer|regler|virer|verser|solder|honorer|acquitter)"
_PAY_DE = (
    rf"(?:zahlen|bezahlen|begleichen|{UE}berweisen|anweisen|ausgleichen|{UE}berweisung \w+"
    r"|zahlung (?:veranlassen|vornehmen|leisten|anweisen|freigeben|durchfuhren|tatigen))"
)
_PAY_ES = (
    r"(?:pagar|abonar|transferir|liquidar|saldar|ingresar|realizar el pago|hacer el pago"
    r"|efectuar el pago|hacer la transferencia|realizar la transferencia)"
)
_PAY_NL = r"(?:betalen|overmaken|voldoen|overboeken|storten|vereffenen|betaling \w+)"
_PAY_IT = r"(?:pagare|saldare|bonificare|versare|liquidare|effettuare il (?:pagamento|bonifico))"

PROMISE = any_of(
    (
        # English
        (
            r"\b(?:we|i)(?:'ll| will| shall| are going to| am going to| plan to| intend to| expect"
            r" to"
            r"| aim to| hope to| should be able to| will be able to| can| could| would like to"
            r"|'d like to| are able to| want to| wish to| are happy to| undertake to| commit to)\s+"
            rf"<W>{{0,3}}?{_PAY_EN}\b"
        ),
        (
            r"\b(?:we|i)(?:'ll| will) be (?:paying|settling|sending|making|processing|releasing"
            r"|transferring|wiring|remitting)\b"
        ),
        r"\b(?:we|i)(?:'re| are| am) (?:going|about) to pay\b",
        rf"(?<!\byou )(?<!\bthey )\b(?:should|will|shall) be able to\s+<W>{{0,3}}?{_PAY_EN}\b",
        (
            r"\b(?:we|i)(?:'ll| will| can| should)\s+get\s+(?:the\s+|a\s+|our\s+)?(?:payment"
            r"|funds|money|balance|rest|remainder|transfer|check|cheque|[$£€]\s?\d[\d,.]*"
            r"|\d[\d,.]*\s?(?:usd|eur|gbp))\s+(?:over\s+)?to\s+you\b"
        ),
        # "ETA 3 business days", "ETA: Friday"
        (
            r"\beta\b(?=:?\s*(?:of\s+|is\s+)?(?:about\s+|around\s+|approx\.?\s+)?(?:\d|in\b"
            r"|within\b|next\b|tomorrow|end\b|early\b|mid\b|one\b|two\b|three\b|four\b"
            rf"|five\b|a week|{WEEKDAY_PATTERN}))"
        ),
        (
            r"\b(?:we|i)(?:'ll| will| can| could|'d| would) do\s+(?:is\s+)?(?:you\s+)?"
            r"(?:[$£€]|usd\s|eur\s|gbp\s)\s?\d"
        ),
        (
            r"\byou(?:'ll| will| shall)\s+<W>{0,1}?(?:be|get) paid\b|"
            r"\b(?:it|this|they|that|both|payment)'ll\s+<W>{0,2}?(?:be (?:paid|settled|sent"
            r"|released|processed|included|on)|go out|go through|follow|reach you|arrive"
            r"|be with you|land)\b"
        ),
        (
            r"\b(?:it's|it is|is|are|they're|they are|been|now)\s+(?:queued|scheduled|booked"
            r"|slated|lined up|earmarked)\s+(?:up\s+)?(?:for|on)\b"
        ),
        (
            r"\b(?:payment|transfer|remittance|wire)\s+<W>{0,4}?(?:is|has been) (?:planned"
            r"|scheduled|booked|queued|earmarked|set) for\b"
        ),
        (
            r"\b(?:doing|running|do|run|have|having) (?:a|our|the) (?:bacs|ach|sepa|payment|pay"
            r"|supplier|cheque|check) (?:run|batch)\b"
        ),
        r"(?<!\byou )\bwill\s+<W>{0,2}?(?:pay|settle|remit|wire|transfer)\b",
        (
            r"\b(?:payment|remittance|transfer|wire|funds|money|check|cheque|it|this|they|both"
            r"|invoices?|inv[\w-]*|balance|amount|rest|remainder|all|half|remaining"
            r"|\d[\w-]*)\s+(?:[\w-]+\s+){0,3}?"
            r"(?:will|shall|should|is going to|are going to|is due to|is expected to|is set to"
            r"|are due to)\s+<W>{0,2}?(?:be (?:paid|settled|made|sent|released|processed"
            r"|issued|initiated|remitted|wired|transferred|cleared|scheduled|executed|effected"
            r"|included|approved)|go out|go through|follow|reach you|arrive|be with you"
            r"|hit your account|land|leave our (?:account|bank))\b"
        ),
        (
            r"\b(?:will|shall|going to|is to|are to|to) be (?:paid|settled|remitted|transferred"
            r"|wired|cleared)\b"
        ),
        (
            r"\b(?:scheduled|planned|booked|queued|earmarked|lined up|set up)\s+<W>{0,2}?"
            r"(?:for|in|with) (?:payment|our next|the next|next|the upcoming|our upcoming)"
        ),
        r"\bapproved for payment\b",
        (
            r"\b(?:in|into|on|after|with|for)\s+(?:our\s+|the\s+|this\s+|next\s+)?"
            rf"(?:{WEEKDAY_PATTERN}'s\s+|next\s+|upcoming\s+|following\s+)?"
            r"(?:weekly\s+|monthly\s+|fortnightly\s+)?(?:payment|pay|check|cheque|bank|payables"
            r"|supplier|bacs|ach|sepa)(?:\s+|-)?(?:run|batch|cycle|date)\b"
        ),
        (
            r"\byou(?:'ll| will| should| can expect to| shall)\s+<W>{0,2}?"
            r"(?:receive|get|see|have)\s+<W>{0,3}?(?:payment|funds|money|transfer|wire|check"
            r"|cheque|remittance)\b"
        ),
        r"\bexpect (?:the |our |your )?(?:payment|funds|money|transfer|wire|remittance)\b",
        (
            r"\bpayment (?:date is|is planned|is scheduled|is expected|is due to go out"
            r"|is being processed|is in process|is in progress)\b"
        ),
        (
            r"\b(?:we(?:'re| are)|i(?:'m| am))\s+(?:processing|arranging|preparing|releasing"
            r"|scheduling)\s+(?:the\s+|your\s+|this\s+|a\s+)?(?:payment|invoice|transfer|wire"
            r"|it|inv[\w-]*|funds|them|both)\b"
        ),
        r"\bwe (?:pay|settle) (?:on|by|every|at|within|next|this|tomorrow|today)\b",
        # "We're paying INV-7 on Wednesday", "I'll sort it out on Tuesday": with a date ahead.
        (
            r"\b(?:(?:we(?:'re| are)|i(?:'m| am))\s+(?:paying|settling|transferring|wiring"
            r"|remitting|clearing)|(?:we|i)(?:'ll| will)\s+(?:sort|square)\s+(?:it|this|that"
            r"|them|the (?:invoice|balance|payment|bill)s?)(?:\s+out)?"
            # Plain present, as often in a second language: "we make transfer tomorrow".
            r"|(?:we|i) (?:pay|make (?:the |a )?(?:transfer|payment|wire)|send (?:the |a )?"
            r"(?:payment|money|transfer)|transfer|wire)"
            r"|(?:money|payment|transfer|funds) (?:go|goes|will go|is going|are going) out)\b"
            rf"(?=[^.;!?]{{0,50}}?\b(?:(?:on|by)\s+(?:the\s+)?(?:\d|{MONTH_PATTERN})|next|tomorrow"
            rf"|today|tonight|now|end of|{WEEKDAY_PATTERN}|this (?:week|month|morning|afternoon"
            r"|evening)))"
        ),
        (
            r"\b(?:it's|it is|is|are|they're|they are|been|now)\s+(?:queued|scheduled|booked"
            r"|slated|set|planned)\s+to\s+(?:go out|be (?:paid|sent|released|processed|settled"
            r"|wired|transferred)|leave (?:our|the) (?:account|bank))\b"
        ),
        r"\b(?:will|'ll) get (?:it|this|that|them|the invoices?|you) (?:paid|settled|sorted)\b",
        # "We can do 2.5k now", "I'll send $500 Friday": an amount offered.
        (
            r"\b(?:we|i) (?:can|could|will|'ll|shall) (?:do|manage|send|make|stretch to|afford"
            r"|put through|transfer)\s+(?:you\s+)?(?:about\s+|around\s+)?[$€£₹]?\s?\d[\d.,]*"
            r"\s?(?:k|m|usd|eur|gbp|chf|inr|dollars|euros?|pounds)?\b"
            r"(?!\s*(?:days?|weeks?|months?|%|percent|per cent))"
        ),
        r"\bmake sure <W>{0,3}?(?:is|gets|get|are) paid\b",
        # French
        (
            r"\b(?:nous|je|on)\s+(?:vous\s+|la\s+|le\s+|les\s+|l')?(?:payerons|paierons|reglerons"
            r"|virerons|verserons|solderons|honorerons|payerai|paierai|reglerai|virerai|verserai)\b"
        ),
        # "On vous paie dès que c'est déposé, au plus tard le 31": the present, with a day.
        (
            r"\b(?:on|nous|je)\s+(?:vous\s+|la\s+|le\s+|les\s+|l')?(?:paie|paye|payons|regle"
            r"|reglons|vire|virons|verse|versons)\b(?=[^.;!?]{0,80}?(?:\d|demain|lundi|mardi"
            r"|mercredi|jeudi|vendredi|semaine|mois|des que|au plus tard|fin\b))"
        ),
        (
            r"\b(?:nous|je|on)\s+<W>{0,2}?(?:allons|vais|va|pourrons|pouvons|pourrai|peux"
            r"|comptons|prevoyons|devrions|souhaitons|nous engageons a|m'engage a)\s+"
            rf"<W>{{0,2}}?(?:{_PAY_FR}|effectuer (?:le|un) (?:paiement|virement|reglement)"
            r"|proceder au (?:paiement|virement|reglement)"
            r"|envoyer (?:le|un) (?:paiement|virement|reglement|cheque))\b"
        ),
        (
            r"\b(?:nous|je)\s+(?:effectuerons|procederons|enverrons|emettrons|ferons|lancerons"
            r"|effectuerai|procederai|enverrai)\s+<W>{0,3}?(?:paiement|virement|reglement"
            r"|versement|cheque)"
        ),
        (
            # "Le paiement de vos factures A et B, soit CHF 9'105.50 au total, sera effectué".
            r"\b(?:le\s+|votre\s+|notre\s+)?(?:paiement|reglement|virement|versement)\s+"
            r"(?:[^;!?\n.]|\.(?=\d)){0,120}?\b"
            r"(?:sera|va etre|est prevu|est programme|est planifie|interviendra|partira|devrait"
            r"|aura lieu|arrivera|se fera|sera effectue|sera fait|sera emis)\b"
        ),
        (
            r"\bvous (?:recevrez|devriez recevoir|allez recevoir)\s+<W>{0,3}?(?:virement"
            r"|paiement|reglement|versement|cheque|fonds)"
        ),
        r"\b(?:sera|seront)\s+<W>?(?:payee?s?|reglee?s?|viree?s?|versee?s?|soldee?s?)\b",
        (
            r"\bmise? en paiement\b|\bcampagne de (?:paiement|reglement)|\bprochain (?:paiement"
            r"|reglement) fournisseurs?|\bprochaine echeance de paiement"
            r"|\b(?:est|sont|a ete|ont ete) (?:programmee?s?|prevue?s?|planifiee?s?) (?:pour|au|en)"
            r" (?:le )?(?:paiement|reglement|virement)"
        ),
        # German
        (
            r"\b(?:wir|ich)\s+<W>?(?:werden|wollen|konnen|koennen|mochten|moechten|wurden"
            rf"|werde|will|kann|mochte|moechte)\s+(?:{TOK}){{0,7}}?{_PAY_DE}\b"
        ),
        (
            rf"\b(?:wir|ich)\s+(?:zahlen|bezahlen|begleichen|{UE}berweisen|{UE}berweise|zahle"
            r"|bezahle|begleiche|gleichen)\b"
        ),
        rf"\b(?:zahlen|bezahlen|begleichen|{UE}berweisen)\s+(?:wir|ich)\b",
        rf"\b(?:werden|wird)\s+(?:wir|ich)\s+(?:{TOK}){{0,7}}?{_PAY_DE}\b",
        (
            rf"\b(?:die\s+)?(?:zahlung|{UE}berweisung|begleichung|restzahlung)\s+(?:{TOK}){{0,4}}?"
            r"(?:erfolgt|wird|geht|soll|ist (?:fur|am|bis|zum|geplant|vorgesehen|terminiert"
            r"|eingeplant))\b"
        ),
        (
            rf"\b(?:wird|werden)\s+(?:{TOK}){{0,7}}?(?:bezahlt|beglichen|{UE}berwiesen|angewiesen"
            r"|ausgeglichen|gezahlt|freigegeben|veranlasst)\b"
        ),
        r"\bzahlungslauf|\bzahllauf|\bzur zahlung (?:freigegeben|angewiesen|vorgesehen|eingeplant)",
        rf"\bsie erhalten\s+<W>{{0,3}}?(?:zahlung|{UE}berweisung|betrag|geld)",
        # Spanish
        (
            r"\b(?:te|le|les|os|se lo|se la) (?:pago|pagamos|transfiero|ingreso|abono)\b|"
            r"\b(?:pagaremos|abonaremos|transferiremos|liquidaremos|saldaremos|ingresaremos"
            r"|pagare|abonare|transferire|liquidare)\b"
        ),
        (
            r"\b(?:realizaremos|haremos|efectuaremos|procederemos|enviaremos|emitiremos|realizare"
            r"|hare|efectuare|procedere)\s+<W>{0,3}?(?:pago|abono|transferencia|ingreso"
            r"|liquidacion)"
        ),
        rf"\b(?:vamos|voy)\s+a\s+<W>?{_PAY_ES}",
        rf"\b(?:podremos|podemos|podre|puedo|queremos|intentaremos|esperamos)\s+<W>?{_PAY_ES}",
        (
            r"\b(?:el\s+|la\s+|su\s+)?(?:pago|abono|transferencia|ingreso)\s+<W>{0,5}?"
            r"(?:se (?:realizara|hara|efectuara|emitira|enviara|procesara)|sera|saldra|llegara"
            r"|esta (?:programad|previst|planificad)[oa])\b"
        ),
        r"\b(?:recibiran?|recibiras)\s+<W>{0,2}?(?:pago|transferencia|abono|ingreso|dinero)",
        r"\bseran?\s+<W>?(?:pagad|abonad|transferid|liquidad|saldad)[oa]s?\b",
        r"\bse (?:pagara|pagaran|abonara|abonaran|transferira|liquidara|saldara|ingresara)\b",
        r"\b(?:remesa|ciclo|dia|fecha) de pagos?\b",
        # Dutch
        (
            r"\b(?:we|wij|ik)\s+(?:zullen|gaan|ga|zal|kunnen|kan|willen|wil|proberen|hopen)\s+"
            rf"(?:{TOK}){{0,7}}?{_PAY_NL}\b"
        ),
        r"\b(?:we|wij|ik)\s+(?:betalen|betaal|voldoen|boeken)\b",
        r"\b(?:we|wij|ik)\s+(?:maken|maak)\s+(?:[\w.,'/#-]+\s+){0,7}?over\b",
        r"\b(?:betalen|betaal|voldoen)\s+(?:we|wij|ik)\b",
        r"\bmaken (?:we|wij) (?:[\w.,'/#-]+\s+){0,7}?over\b",
        (
            r"\b(?:de\s+)?(?:betaling|overboeking|overschrijving)\s+<W>{0,2}?(?:volgt|zal"
            r"|wordt|gaat|staat (?:gepland|ingepland)|is (?:gepland|ingepland))\b"
        ),
        (
            rf"\b(?:wordt|worden)\s+(?:{TOK}){{0,7}}?(?:betaald|overgemaakt|voldaan|overgeboekt"
            r"|uitbetaald|ingepland)\b"
        ),
        r"\bbetaalrun|\bbetalingsrun|\bbetaalronde|\bbetaalbatch",
        r"\bu ontvangt\s+<W>{0,3}?(?:betaling|bedrag|geld|overboeking)",
        # Italian
        (
            r"\b(?:pagheremo|salderemo|bonificheremo|verseremo|liquideremo|paghero|saldero"
            r"|paghiamo|saldiamo)\b"
        ),
        (
            r"\b(?:effettueremo|provvederemo|procederemo|disporremo|invieremo|effettuero|provvedero"
            r"|procedero)\s+<W>{0,3}?(?:pagamento|bonifico|saldo|versamento|pagare|saldare"
            r"|bonificare)"
        ),
        (
            r"\b(?:il\s+)?(?:pagamento|bonifico|saldo|versamento)\s+<W>{0,2}?(?:sara|verra"
            r"|partira|arrivera|avverra|e (?:previsto|programmato|pianificato|in programma)"
            r"|in partenza|in uscita|parte)\b"
        ),
        (
            r"\b(?:riceverete|ricevera|riceverai)\s+<W>{0,2}?(?:pagamento|bonifico|saldo"
            r"|versamento|importo)"
        ),
        (
            r"\b(?:sara|saranno|verra|verranno)\s+<W>?(?:pagat|saldat|bonificat|liquidat"
            r"|versat)[aoie]\b"
        ),
        (
            r"\b(?:possiamo|potremo|potremmo|vogliamo|contiamo di|prevediamo di|cercheremo di|posso"
            rf"|potro|intendiamo)\s+<W>?{_PAY_IT}"
        ),
        r"\b(?:ciclo|giro|data) (?:di |dei )?pagament[oi]\b",
    )
)

# "We'll pay that one on time": a not-yet-due invoice, nothing is promised late.
PROMISE_ON_TIME = _re(
    r"\bon time\b|\bwhen (?:it'?s|it is|they(?:'re| are)) due\b"
    r"|\b(?:by|on) (?:the|its|their) due dates?\b"
)

# "We can't pay until the 30th" promises the 30th; these need a date in the clause.
PROMISE_UNTIL = any_of(
    (
        (
            r"\b(?:can't|cannot|can not|won't|will not|unable to|not able to|not be able to"
            r"|couldn't|could not|wont|cant)\s+<W>{0,3}?(?:pay|settle|process|release"
            r"|make (?:the )?payment)\b(?=[^.;!?]{0,60}?\b(?:until|till|before|prior to)\b)"
        ),
        r"\bonly (?:be able to )?(?:pay|settle)\b",
        (
            r"\b(?:ne|n')\s*<W>{0,3}?(?:payer|regler|virer|verser|paierons|payerons"
            r"|reglerons|pourrons|pouvons)\b(?=[^.;!?]{0,60}?(?:\bqu'|\bavant\b|\ba partir\b))"
        ),
        (
            rf"\berst\s+(?:am|ab|nach|zum|ende|anfang|mitte|im|in|n{AE}chste\w*|kommende\w*"
            r"|\d)\b"
        ),
        r"\bnicht vor (?:dem|ende|anfang|mitte)\b",
        (
            r"\bno\s+<W>{0,3}?(?:pagar|abonar|transferir|pagaremos|podremos|podemos)\b"
            r"(?=[^.;!?]{0,60}?\b(?:hasta|antes de)\b)"
        ),
        r"\bhasta (?:el|la|principios|finales|mediados|fin)\b(?=[^.;!?]{0,30}?)",
        r"\bpas\s+(?:op|na|in|over|volgende|eind|begin|half|\d)",
        (
            r"\bniet\s+<W>{0,3}?(?:betalen|overmaken|voldoen)\b"
            r"(?=[^.;!?]{0,60}?\b(?:voor|tot)\b)"
        ),
        (
            r"\bnon\s+<W>{0,3}?(?:pagare|saldare|pagheremo|potremo|possiamo|bonificare)\b"
            r"(?=[^.;!?]{0,60}?\b(?:prima|fino)\b)"
        ),
        r"\bsolo\s+(?:dopo|il|a partire|a fine|entro|dal|alla)\b",
        r"\bseulement\s+(?:le|a|apres|fin|debut|en)\b",
    )
)
# The "only"/"erst"/"pas"/"solo" forms only promise when the clause is about paying.
PAYMENT_STEM = _re(
    rf"\b(?:pay|paid|payment|settle|remit|wire|transfer|pai|pay[eé]|regl|vir|vers|zahl|bezahl"
    rf"|{UE}berw|begleich|pag|abon|transfer|betal|overma|voldo|bonific|sald)"
)

# Spanish "pagamos" is both "we pay" and "we paid": the dates in the clause decide.
AMBIGUOUS_PAST = _re(
    r"\b(?:pagamos|abonamos|transferimos|liquidamos|saldamos|ingresamos|realizamos el pago"
    r"|hicimos (?:el pago|la transferencia)|efectuamos el pago)\b"
)
PAST_MARKERS = _re(r"\b(?:ya|ayer|anteayer|pasad[oa]|hace|anterior|ultimo|ultima)\b")

# --------------------------------------------------------------------------- already paid

_WEAK_PAID_OBJECT = (
    r"(?=\s+(?:you\s+)?(?:<W>{0,3}?(?:payment|funds|money|transfer|wire|remittance|check"
    r"|cheque|ach|bacs|sepa|amount|balance)\b|(?:the\s+)?[$£€]\s?\d))"
)
ALREADY_PAID = any_of(
    (
        # English
        (
            r"\b(?:we|i)(?:'ve| have| had)?\s+(?:already\s+|just\s+|now\s+|actually\s+|recently\s+"
            r"|both\s+|all\s+)?(?:paid|settled|remitted|wired|transferred|cleared)\b"
        ),
        (
            r"\b(?:we|i)(?:'ve| have| had)?\s+(?:already\s+|just\s+|now\s+|recently\s+)?"
            rf"(?:sent|made|processed|released|issued|mailed|posted|initiated|submitted"
            rf"|executed){_WEAK_PAID_OBJECT}"
        ),
        (
            r"\b(?:was|were|has been|have been|had been|got|is already|are already|is now|are now)"
            r"\s+(?:already\s+|fully\s+|duly\s+|now\s+|all\s+)?(?:paid|settled|remitted|wired"
            r"|transferred|cleared|debited)\b"
        ),
        r"\b(?:payment|remittance|cheque|check) (?:has |must have |may have )?crossed\b",
        # Terse and second-language: "Payment done today", "transfer made yesterday".
        (
            r"\b(?:payment|transfer|bank transfer|wire|remittance)\s+(?:is\s+|was\s+)?"
            r"(?:already\s+)?(?:done|made|completed|executed|effected)\b"
            r"(?!\s+(?:by|before|until|till|next|tomorrow|within|in \d|as soon))"
        ),
        (
            r"\b(?:payment|remittance|transfer|wire|funds|check|cheque|ach"
            r"|it|inv[\w/-]*\d[\w/-]*)\s+<W>{0,4}?"
            r"(?:was|were|has been|have been|went)\s+(?:already\s+)?(?:sent|made|processed|released"
            r"|issued|initiated|mailed|out|through|submitted|executed|posted)\b"
        ),
        r"\balready (?:been )?(?:paid|settled|remitted|transferred|wired)\b",
        # "INV-7 was included in their run this week", "went out in Friday's BACS batch"
        (
            r"\b(?:was|were|has been|have been|got|went)\s+(?:already\s+)?(?:included|paid"
            r"|processed|released|sent|out)\s+(?:in|with|on)\s+<W>{0,3}?(?:payment\s+|pay\s+"
            r"|supplier\s+|bacs\s+|ach\s+|sepa\s+|wire\s+)?(?:run|batch)\b"
        ),
        (
            r"\b(?:our|the|my) (?:bank|bank statement|records|ledger|system) (?:shows?|says"
            r"|confirms?)\s+<W>{0,3}?(?:cleared|paid|settled|went out|left|debited)\b"
        ),
        (
            r"\bwent out\s+<W>{0,3}?(?:by|via)\s+(?:ach|wire|bacs|check|cheque|transfer"
            r"|bank transfer|faster payments?|sepa|chaps)\b"
        ),
        # "You'll be paid in full before the quarter closes" is still to come.
        r"(?<!\bbe )(?<!\bget )(?<!\bgets )\bpaid in full\b|\b(?:fully|duly) paid\b",
        (
            r"(?<!\bbe )(?<!\bget )(?<!\bgets )(?<!\bto )(?<!\bnot )\bpaid (?:on|yesterday|today"
            r"|last|this morning|earlier|via|by (?:wire|check|cheque|card|credit card|ach"
            r"|bank transfer|bacs|sepa|transfer)|with (?:ref|reference)|ref\b|reference\b)"
        ),
        (
            r"\b(?:attached|enclosed|attaching|please find|pfa|here is|see attached)\b"
            r"(?:\s+[\w-]+){0,4}?\s+(?:remittance|proof of payment|payment (?:confirmation|advice"
            r"|details|proof|receipt)|transfer confirmation|swift|mt103|bank confirmation)"
        ),
        (
            r"\b(?:remittance(?: advice)?|proof of payment|payment (?:confirmation|advice|proof)"
            r"|swift (?:copy|confirmation)|mt103)\s+(?:is\s+|was\s+)?(?:attached|enclosed)"
        ),
        (
            r"\b(?:check|cheque)\s+(?:is|was|has been)\s+<W>?(?:in the (?:mail|post)|mailed"
            r"|posted|sent|cashed)\b"
        ),
        (
            r"\b(?:confirm|acknowledge)\s+(?:the\s+)?receipt of (?:our|my|the) (?:payment|transfer"
            r"|wire|remittance|check|cheque)"
        ),
        (
            r"\byou should (?:have|by now have|already have) received\s+<W>{0,2}?(?:payment"
            r"|funds|transfer|wire|money|check|cheque)"
        ),
        r"\bshould have (?:reached|hit) your (?:account|bank)\b",
        (
            r"\b(?:it|payment|the payment|funds|the funds|the money|this|the transfer|the wire)"
            r" should (?:have|by now have) (?:cleared|arrived|reached you|landed|been received"
            r"|been credited)"
        ),
        # French
        (
            r"\b(?:nous avons|j'ai|on a|avons|nous l'avons|je l'ai)\s+<W>{0,2}?"
            r"(?:payee?s?|reglee?s?|viree?s?|versee?s?|soldee?s?|acquittee?s?)\b"
        ),
        (
            r"\b(?:nous avons|j'ai|on a|avons)\s+<W>{0,2}?(?:effectue|procede|envoye|emis"
            r"|execute|transmis|lance|fait)\s+<W>{0,2}?(?:paiement|virement|reglement"
            r"|versement|cheque)"
        ),
        (
            r"\b(?:a|ont) (?:deja |bien )?ete\s+<W>?(?:payee?s?|reglee?s?|viree?s?|versee?s?"
            r"|soldee?s?|effectuee?s?|envoyee?s?|emise?s?|executee?s?|transmise?s?|acquittee?s?)\b"
        ),
        r"\b(?:est|sont)\s+(?:deja\s+|bien\s+)?(?:payee?s?|reglee?s?|soldee?s?|acquittee?s?)\b",
        (
            r"\b(?:virement|paiement|reglement|cheque)\s+<W>?(?:est|a ete) (?:parti|envoye"
            r"|effectue|emis|execute|passe)\b"
        ),
        r"\bdeja (?:ete )?(?:payee?s?|reglee?s?|viree?s?)",
        (
            r"\b(?:ci-joint\w*|en piece jointe|vous trouverez|veuillez trouver|joint\w*)\b"
            r"[^.;!?]{0,60}?(?:avis|preuve|justificatif|confirmation|ordre) de (?:virement"
            r"|paiement|reglement)"
        ),
        (
            r"\b(?:avis|preuve|justificatif|confirmation|ordre) de (?:virement|paiement|reglement)"
            r"\s+<W>?(?:ci-joint\w*|en piece jointe|joint\w*)"
        ),
        # German
        r"\b(?:wir|ich)\s+(?:haben|hatten|habe|hatte)\s+(?:" + TOK + r"){0,7}?(?:bezahlt|gezahlt"
        rf"|{UE}berwiesen|beglichen|angewiesen|ausgeglichen|veranlasst|getatigt|vorgenommen"
        r"|ausgefuhrt)\b",
        r"\b(?:haben|hatten|habe)\s+(?:wir|ich)\s+(?:" + TOK + r"){0,7}?(?:bezahlt|gezahlt"
        rf"|{UE}berwiesen|beglichen|angewiesen|ausgeglichen|veranlasst|getatigt|vorgenommen)\b",
        r"\b(?:ist|sind|wurde|wurden)\s+(?:" + TOK + r"){0,5}?(?:bezahlt|gezahlt"
        rf"|{UE}berwiesen|beglichen|angewiesen|ausgeglichen|veranlasst|ausgefuhrt|erfolgt"
        r"|getatigt)\b",
        rf"\bbereits\s+(?:{TOK}){{0,3}}?(?:bezahlt|gezahlt|{UE}berwiesen|beglichen|ausgeglichen)",
        r"\berfolgte (?:am|bereits|gestern|letzte)\b",
        (
            rf"\b(?:zahlungsnachweis|zahlungsbest{AE}tigung|{UE}berweisungsbeleg"
            rf"|{UE}berweisungsbest{AE}tigung|zahlungsavis|{UE}berweisungsnachweis)\b"
            r"(?=[^.;!?]{0,60}?(?:anbei|beigefugt|im anhang|anhangend|angehangt))"
        ),
        (
            r"\b(?:anbei|beigefugt|im anhang|anhangend)\b[^.;!?]{0,60}?(?:zahlungsnachweis"
            rf"|zahlungsbest{AE}tigung|{UE}berweisungsbeleg|zahlungsavis|{UE}berweisungsnachweis)"
        ),
        # Spanish
        (
            r"\b(?:hemos|he|habiamos|ya)\s+<W>{0,2}?(?:pagado|abonado|transferido|liquidado"
            r"|saldado|ingresado)\b"
        ),
        (
            r"\b(?:hemos|he|habiamos)\s+<W>{0,2}?(?:realizado|efectuado|hecho|enviado"
            r"|emitido|procesado)\s+<W>{0,2}?(?:pago|transferencia|abono|ingreso|cheque)"
        ),
        (
            r"\b(?:fue|fueron|ha sido|han sido|esta|estan|quedo|quedaron)\s+(?:ya\s+)?"
            r"(?:pagad|abonad|transferid|liquidad|saldad|ingresad)[oa]s?\b"
        ),
        (
            r"\b(?:pago|transferencia|abono|ingreso)\s+<W>?(?:fue|ha sido|se ha|se hizo"
            r"|se realizo|se efectuo|salio)\b"
        ),
        r"\bse (?:pago|abono|transfirio|liquido|realizo el pago|hizo el pago|efectuo el pago)\b",
        (
            r"\b(?:comprobante|justificante|confirmacion)\s+de\s+(?:pago|transferencia)\b"
            r"(?=[^.;!?]{0,60}?\b(?:adjunt\w*|anexo))"
        ),
        (
            r"\b(?:adjunt\w*|anexamos|le enviamos|encontrara)\b[^.;!?]{0,40}?(?:comprobante"
            r"|justificante|confirmacion) de (?:pago|transferencia)"
        ),
        # Dutch
        r"\b(?:we|wij|ik)\s+(?:hebben|heb|hadden|had)\s+(?:" + TOK + r"){0,7}?(?:betaald"
        r"|overgemaakt|voldaan|overgeboekt|gestort)\b",
        r"\b(?:hebben|heb)\s+(?:we|wij|ik)\s+(?:" + TOK + r"){0,7}?(?:betaald|overgemaakt"
        r"|voldaan|overgeboekt|gestort)\b",
        r"\b(?:is|zijn|werd|werden)\s+(?:" + TOK + r"){0,5}?(?:betaald|overgemaakt|voldaan"
        r"|overgeboekt|gestort)\b",
        (
            r"\bbetaling\s+<W>?(?:is|werd)\s+<W>?(?:gedaan|uitgevoerd|verwerkt"
            r"|verstuurd|verzonden)\b"
        ),
        r"\b(?:al|reeds)\s+(?:" + TOK + r"){0,3}?(?:betaald|overgemaakt|voldaan)\b",
        (
            r"\b(?:betalingsbewijs|betaalbewijs|bewijs van betaling|betalingsbevestiging)\b"
            r"(?=[^.;!?]{0,60}?\b(?:bijgevoegd|bijlage|hierbij))"
        ),
        (
            r"\b(?:bijgevoegd|in de bijlage|hierbij)\b[^.;!?]{0,40}?(?:betalingsbewijs|betaalbewijs"
            r"|bewijs van betaling|betalingsbevestiging)"
        ),
        # Italian
        r"\b(?:abbiamo|ho|avevamo)\s+(?:" + TOK + r"){0,3}?(?:pagato|saldato|bonificato|versato"
        r"|liquidato|pagata|saldata|pagate|pagati)\b",
        (
            r"\b(?:abbiamo|ho|avevamo)\s+<W>{0,2}?(?:effettuato|disposto|eseguito|inviato"
            r"|emesso)\s+<W>{0,2}?(?:pagamento|bonifico|versamento|saldo)"
        ),
        (
            r"\b(?:e|sono|risulta|risultano)\s+(?:gia\s+|stat[aoie]\s+)*(?:pagat|saldat|bonificat"
            r"|versat|liquidat|quietanzat)[aoie]\b"
        ),
        (
            r"\b(?:bonifico|pagamento|versamento)\s+<W>{0,4}?(?:e stat[oa]|e gia stat[oa]|risulta)"
            r"\s+(?:effettuat|dispost|eseguit|inviat|emess|fatt)[oa]\b"
        ),
        r"\bgia\s+(?:stat[aoie]\s+)?(?:pagat|saldat|bonificat|versat)",
        (
            r"\b(?:contabile|ricevuta|prova|attestazione|conferma)\s+(?:del|di|dell')\s*(?:bonifico"
            r"|pagamento|versamento)\b(?=[^.;!?]{0,60}?\b(?:allegat\w*|in allegato))"
        ),
        (
            r"\b(?:in allegato|allegat\w*|vi invio|vi inviamo|trovate)\b[^.;!?]{0,40}?(?:contabile"
            r"|ricevuta|prova|attestazione|conferma) (?:del|di|dell')\s*(?:bonifico|pagamento)"
        ),
    )
)

# --------------------------------------------------------------------------- dispute

_NOT_CONTACT = (
    r"(?!\s+(?:person|contact|address|e-?mail|department|recipient|company|team|mailbox"
    r"|people|ansprechpartner\w*|adresse|persoon|adres|afdeling"
    # "Booked on the wrong cost centre": the customer's own bookkeeping, not a dispute.
    r"|cost cent(?:re|er)s?|cost codes?|gl (?:codes?|accounts?)|general ledger|nominal codes?"
    r"|kostenstelle|kostenplaats|centro di costo))"
)
DISPUTE_NEGATABLE = any_of(
    (
        r"\bdisput(?:e|es|ed|ing)\b",
        r"\bcontest(?:s|ing|ed|ation|er|ons|ez|e|ee|ees|iamo|iamo|ato|ata|azione)?\b",
        r"\bdisagree\w*",
        r"\bincorrect(?:ly|e|es|o|a|os|as)?\b",
        rf"\b(?:wrong|erroneous|inaccurate|invalid){_NOT_CONTACT}",
        r"\b(?:error|mistake)s?\b(?<!\bin error\b)",
        r"\bcredit (?:note|memo)\b|\bissue (?:us )?a credit\b",
        r"\bunauthori[sz]ed\b",
        (
            r"\b(?:problem|issue|discrepanc(?:y|ies)|concern)s? (?:with|on|regarding|about|in)"
            r" (?:the |this |your |our |that )?(?:invoice|bill|charge|amount|inv\b|statement"
            r"|billing|pricing)"
        ),
        r"\bdiscrepanc(?:y|ies)\b",
        r"\bplease (?:correct|amend|fix|adjust|revise|reissue|re-issue)\b(?! me\b)",
        (
            r"\b(?:payment|invoice|it)\s+(?:is|was|has been|remains|will remain|are)"
            r" (?:put )?on hold\b"
        ),
        (
            r"\bprobleme? (?:avec|sur) (?:la |cette |votre )?facture|\bmerci de (?:corriger"
            r"|rectifier)|\bveuillez (?:corriger|rectifier)|\bproblem mit (?:der|ihrer|dieser)"
            r" rechnung|\bbitte (?:korrigieren|berichtigen)|\bproblema con (?:la|su|esta) factura"
            r"|\bcorrijan\b|\brectifiquen\b|\bprobleem met (?:de|uw|deze) factuur"
            r"|\bgraag (?:corrigeren|aanpassen)|\bproblema con (?:la|vostra|questa) fattura"
            r"|\bcorreggere\b|\bstornare\b"
        ),
        r"\b(?:invoice|billing) quer(?:y|ies)\b|\braise[ds]? a (?:query|claim)\b",
        r"\b(?:invoiced|billed|charged) (?:us |me )?in error\b",
        r"\bcancel+ed (?:the |our |this )?(?:order|contract|subscription|service|po)\b",
        r"\bnot (?:liable|responsible) for (?:this|these|the) (?:invoice|charge|amount)",
        r"\b(?:is|are) being (?:queried|disputed|questioned|challenged)\b",
        r"\b(?:send|issue|need|want) (?:us |me )?a corrected (?:invoice|bill)\b",
        (
            r"\bshould (?:be|have been) (?:reverse[- ]charged?|zero[- ]rated"
            r"|(?:vat[- ]|tax[- ])?exempt)\b"
        ),
        r"\bplease (?:re-?address|cancel) (?:it|this|the invoice|this invoice)\b",
        (
            r"\b(?:hold(?:ing)?|withhold(?:ing)?) (?:back )?(?:the |this |our )?(?:payment"
            r"|invoice)\b|\b(?:batch|goods|delivery|payment) (?:is |are )?on hold\b"
        ),
        # French
        r"\blitig(?:e|ieuse?|ieux)\b|\bdesaccord\b|\berreur\b|\berronee?s?\b|\binexacte?s?\b",
        r"(?:\b(?:un|d'un|cet|notre|votre) |\bl')avoir\b|\breclamation\b",
        # German
        r"\bwiderspr(?:e|i)ch\w*|\bwiderspruch\b|\bbeanstand\w*|\breklamation\w*|\breklamier\w*",
        r"\beinspruch\b|\bbestreit\w*|\bbestritten\b|\bfehlerhaft\w*|\bunrichtig\w*",
        r"\berkenne[n]? (?:\w+ ){0,2}nicht an\b|\bnicht anerkannt\b|\bnicht anerkennen\b",
        rf"\bfalsch\w*{_NOT_CONTACT}|\bfehler\b|\bgutschrift\b|\bunberechtigt\w*|\bverweiger\w*",
        # Spanish
        r"\bimpugn\w*|\breclam(?:acion|amos|ar|o)\b|\bdesacuerdo\b|\berror(?:es)?\b",
        r"\bequivocad[oa]s?\b|\berrone[oa]s?\b|\bnota de (?:credito|abono)\b|\brechaz\w*",
        # Dutch
        (
            rf"\bbetwist\w*|\boneens\b|\bonjuist\w*|\bfout(?:en|ief|ieve)?\b"
            rf"|\bverkeerd\w*{_NOT_CONTACT}"
        ),
        r"\bcreditnota\b|\bcreditfactuur\b|\bweiger\w*|\bklacht\b|\bbezwaar\b",
        # Italian
        r"\bdisaccordo\b|\berrat[aoie]\b|\berror[ei]\b|\bsbagliat\w*|\bnota (?:di )?credito\b",
        r"\brifiut\w*|\breclam[oi]\b|\bcontestazione\b",
    )
)
DISPUTE_INTRINSIC = any_of(
    (
        r"\b(?:do not|don't|dont|cannot|can't|not) agree\b",
        r"\bnot (?:correct|right|accurate|valid|what we (?:ordered|agreed))\b",
        r"\b(?:refuse|decline|refusing|declining) to pay\b",
        # "I am not paying 41090", "we're not paying for goods we returned"; not "... yet".
        (
            r"\b(?:i am|i'm|im|we are|we're) not paying (?:for |this\b|that\b|it\b|these\b"
            r"|those\b|the |any\b|(?=\S*\d))(?![^.;!?]{0,60}?\b(?:until|till|before|yet)\b)"
        ),
        (
            r"\b(?:will not|won't|wont|shall not|are not going to|aren't going to|not going to"
            r"|will never) (?:be )?"
            r"pay(?:ing)?\b(?![^.;!?]{0,60}?\b(?:until|till|before|prior"
            r" to)\b)"
        ),
        r"\bnever (?:ordered|agreed to|signed|authori[sz]ed|requested)\b",
        (
            r"\b(?:does not|doesn't|do not|don't|did not|didn't) (?:match|correspond|agree with)\b"
            r"|\bne (?:correspond|correspondent|concorde)(?:ent)? pas\b"
            r"|\b(?:stimmt|stimmen|passt|passen) (?:so |leider |hier )?nicht\b"
            r"|\bnicht (?:korrekt|richtig)\b|\bno (?:corresponde|coincide|concuerda)n?\b"
            r"|\bno (?:es|son) correct[oa]s?\b|\bklopt (?:niet|helaas niet)\b"
            r"|\bkomt niet overeen\b|\bniet (?:juist|correct)\b"
            r"|\bnon (?:corrispond|coincid)\w*|\bnon (?:e|sono) corrett[aoie]\b"
        ),
        (
            r"\b(?:do not|don't|dont|cannot|can't|can not) recogni[sz]e\b"
            r"|\bno record of (?:this|the|any|that|your) (?:order|purchase|invoice|contract"
            r"|service|agreement)"
        ),
        r"\b(?:did not|didn't|did n't) (?:order|authori[sz]e|agree to|sign|request)\b",
        r"\bnot (?:ordered|authori[sz]ed|requested) by us\b",
        r"\b(?:nobody|no one|noone) (?:here )?(?:agreed to|approved|authori[sz]ed|ordered)\b",
        (
            r"\b(?:can't|cannot|can not|unable to) (?:pay|process|approve|accept|book)"
            r" (?:[\w-]+ ){0,2}?as (?:it stands|is)\b"
        ),
        r"\b(?:addressed|made out|issued) to (?:another|a different|the wrong) (?:legal )?entity\b",
        r"\bpas d'accord\b|\bne\s+<W>?(?:payerons|paierons|reglerons|paierai|payerai)\s+pas\b",
        r"\brefus(?:ons|e|er)\s+(?:de\s+)?(?:payer|regler|la facture)",
        r"\b(?:jamais|pas) commande\b",
        r"\bnicht einverstanden\b|\b(?:nicht|nie) bestellt\b",
        rf"\b(?:zahlen|bezahlen|begleichen)\s+(?:wir|ich)\s+(?:{TOK}){{0,3}}?nicht\b",
        rf"\bwerden\s+(?:{TOK}){{0,4}}?nicht\s+(?:bezahlen|zahlen|begleichen)\b",
        r"\bno (?:estamos|estoy) de acuerdo\b|\bno (?:vamos a pagar|pagaremos|aceptamos)\b",
        r"\b(?:nunca|no) (?:pedimos|encargamos|solicitamos)\b",
        r"\bniet (?:mee )?eens\b|\bniet akkoord\b|\b(?:niet|nooit) besteld\b",
        r"\bnon (?:siamo|sono) d'accordo\b|\bnon corrett[aoie]\b",
        r"\bnon (?:pagheremo|intendiamo pagare)\b|\bnon (?:abbiamo )?(?:mai )?ordinat[oaie]\b",
    )
)

REASONS_STRONG: dict[DisputeReason, re.Pattern[str]] = {
    DisputeReason.PRICE: any_of(
        (
            r"\bover-?charg\w*|\bover-?bill\w*|\bover-?invoic\w*",
            r"\bcharged (?:us )?(?:too much|more than|the wrong|twice the|an incorrect|full price)",
            (
                r"\b(?:price|amount|rate|fee|charge|prix|montant|tarif|preis|betrag|precio"
                r"|importe|prijs|bedrag|prezzo|importo)s? (?:is |are |est |ist |es |is |e )?"
                r"(?:too high|excessive|trop eleve|zu hoch|demasiado alto|muy alto|te hoog"
                r"|troppo alto)"
            ),
            (
                r"\b(?:higher|more) than (?:the |our |your )?(?:quoted|agreed|quote|contract\w*"
                r"|offer\w*|po|order\w*|estimate\w*)"
            ),
            (
                r"\b(?:price|rate|pricing|amount)s? (?:does not|doesn't|do not|don't) (?:match"
                r"|correspond|agree)"
            ),
            r"\bnot the (?:agreed|quoted|contract\w*|negotiated) (?:price|rate|amount)",
            r"\bdiscount (?:was |is |has )?(?:not |never )(?:been )?(?:applied|deducted|included)",
            r"\b(?:missing|forgot(?:ten)?(?: the)?) discount\b",
            (
                r"\b(?:discount|rebate|\d+(?:\.\d+)?% off)\b[^.;!?]{0,60}?\b(?:has not|hasn't"
                r"|have not|haven't|was not|wasn't) (?:been )?(?:applied|deducted|included)"
            ),
            (
                r"\b(?:quote|quotation|agreed price|agreed rate|contract price)\b"
                r"(?:[^.;!?]|\.\d){0,80}?\byou(?:'ve| have)? (?:billed|charged|invoiced)\b"
            ),
            r"\b(?:wrong|incorrect) (?:price|pricing|rate|amount|unit price|tariff|vat|tax)\b",
            (
                r"\bsurfactur\w*|\bfacture?e? trop cher|\bprix (?:ne correspond|incorrect|errone"
                r"|different)|\bremise (?:non appliquee|n'a pas ete appliquee|manquante|oubliee)"
            ),
            r"\bpas le prix (?:convenu|negocie|du devis)",
            r"\bzu (?:viel|hoch) (?:berechnet|in rechnung gestellt|fakturiert)|\b"
            + UE
            + r"berh"
            + OE
            + r"ht\w*",
            r"\b(?:falsche[rn]?|abweichende[rn]?) (?:preis\w*|betrag|summe|rabatt)",
            r"\brabatt (?:wurde )?nicht (?:berucksichtigt|abgezogen|gewahrt)",
            r"\bnicht (?:dem )?(?:vereinbarten|angebotenen) preis",
            r"\bcobrad[oa]s? de mas\b|\bsobrefactur\w*",
            r"\b(?:precio|importe|tarifa)s? (?:incorrect|equivocad|erron)\w*",
            (
                r"\bno (?:es|corresponde(?:n)? (?:con|a)) (?:el|lo) (?:precio|pactado|acordado"
                r"|presupuestado)"
            ),
            r"\bdescuento (?:no (?:aplicado|se ha aplicado)|que falta)",
            r"\bte veel (?:in rekening gebracht|gefactureerd|berekend)",
            r"\b(?:verkeerde|onjuiste) (?:prijs|prijzen|tarief|bedrag)\b",
            r"\bkorting (?:is )?niet (?:verwerkt|toegepast)|\bniet de afgesproken prijs",
            r"\b(?:prezzo|importo|tariffa) (?:errat|sbagliat|non corrett)\w*",
            r"\bfatturato (?:in )?(?:piu|eccesso)|\bsconto non (?:applicato|considerato)",
            r"\bprezzo (?:diverso|superiore|non concordato)",
        )
    ),
    DisputeReason.QUANTITY: any_of(
        (
            # A count delivered and another billed, in either order, in every language:
            # "38 rings were delivered, 48 were invoiced", "facturé 20, livré 15".
            (
                r"\b\d+\b[^.;!?\n]{0,40}?\b(?:delivered|received|shipped|supplied|geliefert"
                r"|erhalten|livre\w*|recu\w*|entregad\w*|recibid\w*|geleverd|ontvangen|consegnat\w*"
                r"|ricevut\w*|entregue\w*|recebid\w*|dostarczon\w*|otrzymal\w*)\b[^.;!?\n]{0,60}?"
                r"\b(?:billed|charged|invoiced|berechnet|fakturiert|in rechnung gestellt|facture\w*"
                r"|cobrad\w*|facturad\w*|gefactureerd|berekend|fatturat\w*|addebitat\w*"
                r"|faturad\w*|cobrad\w*|zafakturowan\w*)\b[^.;!?\n]{0,30}?\d+"
            ),
            (
                r"\b(?:billed|charged|invoiced|berechnet|fakturiert|facture\w*|facturad\w*"
                r"|gefactureerd|fatturat\w*|faturad\w*|zafakturowan\w*)\b[^.;!?\n]{0,40}?\d+"
                r"[^.;!?\n]{0,60}?\b(?:delivered|received|shipped|geliefert|erhalten|livre\w*"
                r"|recu\w*|entregad\w*|recibid\w*|geleverd|ontvangen|consegnat\w*|ricevut\w*"
                r"|entregue\w*|recebid\w*|dostarczon\w*|otrzymal\w*)\b"
            ),
            r"\bshort[- ]?(?:shipped|shipment|delivered|delivery)\b",
            (
                r"\b(?:only|just) (?:received|got|delivered|had) (?:\d+|one|two|three|four|five"
                r"|half)\b"
            ),
            r"\b(?:fewer|less) (?:\w+ )?than (?:ordered|invoiced|billed)",
            r"\bpartial (?:delivery|shipment)\b",
            (
                r"\b(?:missing|short) (?:\d+ )?(?:items|units|pieces|pcs|boxes|cartons|pallets"
                r"|cases"
                r"|parts|hours)\b"
            ),
            (
                r"\b(?:wrong|incorrect) (?:quantity|quantities|qty|number of (?:units|items|hours"
                r"|days))\b"
            ),
            (
                r"\b(?:quantity|qty|quantities) (?:is |are )?(?:wrong|incorrect|not correct"
                r"|does not match|doesn't match)"
            ),
            r"\b(?:too many|more) hours\b",
            r"\bshort by (?:\d+|one|two|three|four|five|six|a few|several)\b",
            (
                r"\bonly (?:the )?(?:first|one|part|half|some)\b(?: \w+){0,2} (?:has |have )?"
                r"(?:arrived|been delivered|been received)\b|\bon back-?order\b"
            ),
            (
                r"\b(?:signed |approved )?(?:timesheets?|time sheets?|delivery notes?)\b"
                r"[^.;!?]{0,50}?\b(?:add(?:s)? up to|come to|total(?:s)? only)\b"
            ),
            (
                r"\blivraison (?:partielle|incomplete)|\b(?:quantite|quantites) (?:incorrecte"
                r"|erronee|facturee)|\b(?:seulement|que) recu \d+|\bmanqu\w* \d+"
                r"|\b(?:colis|articles) manquants?"
            ),
            r"\bteillieferung|\bfehlmenge|\bunvollstandig\w* (?:geliefert|lieferung)",
            (
                r"\b(?:falsche|abweichende) menge|\b(?:nur|lediglich) \d+ (?:\w+ )?(?:erhalten"
                r"|geliefert|bekommen)|\bfehl(?:en|t) \d+|\bmenge (?:stimmt nicht|ist falsch)"
                r"|\bweniger geliefert"
            ),
            (
                r"\bentrega (?:parcial|incompleta)|\bcantidad (?:incorrecta|erronea|equivocada)"
                r"|\b(?:solo|solamente) (?:hemos )?recib\w* \d+|\bfaltan \d+|\bfalta(?:n|ban)"
                r" (?:unidades|articulos|piezas|cajas)|\bpedido incompleto"
            ),
            (
                r"\bdeellevering|\b(?:gedeeltelijke|onvolledige) levering|\b(?:verkeerde|onjuiste)"
                r" (?:aantallen|aantal|hoeveelheid)|\b(?:slechts|maar|alleen) \d+ (?:\w+ )?"
                r"(?:ontvangen|geleverd)|\bontbreken \d+|\bte weinig geleverd"
            ),
            (
                r"\bconsegna (?:parziale|incompleta)|\bquantita (?:errat|sbagliat|non corrett)\w*"
                r"|\b(?:solo|soltanto) \d+ (?:\w+ )?(?:ricevut|consegnat)\w*|\bmancano \d+"
                r"|\b(?:pezzi|articoli|colli) mancanti"
            ),
        )
    ),
    DisputeReason.DAMAGED: any_of(
        (
            (
                r"\b(?:damaged|damage|broken|crushed|dented|cracked|smashed|shattered|torn|leaking"
                r"|spoiled|spoilt|water-damaged)\b"
            ),
            r"\bdead on arrival\b|\bdoa\b",
            # "The boxes were soaked when they arrived"
            (
                r"\b(?:soaked|soaking wet|sodden|drenched|waterlogged|(?:arrived|were|was|got)"
                r" (?:all )?(?:wet|damp|mouldy|moldy))\b"
            ),
            r"\bendommag\w*|\babime\w*|\bcass(?:e|ee|es|ees)\b|\bavarie\w*|\bdeteriore\w*",
            r"\bbesch(?:a|ae)dig\w*|\bkaputt\w*|\bzerbroch\w*|\btransportschad\w*",
            r"\bdanad[oa]s?\b|\bdanos?\b|\brot[oa]s?\b|\baveriad\w*|\bdeteriorad\w*|\bgolpead\w*",
            r"\bbeschadigd\w*|\bschade\b|\bkapot\w*|\bgebroken\b|\bgedeukt\b",
            r"\bdanneggiat\w*|\brott[aoie]\b|\brovinat\w*|\bammaccat\w*",
        )
    ),
    DisputeReason.DUPLICATE: any_of(
        (
            r"\bduplicated?\b|\bdouble[- ]?(?:billed|billing|charged|invoiced|counted|booked)\b",
            r"\b(?:billed|invoiced|charged) (?:us |me )?(?:twice|two times)\b",
            r"\balready (?:been )?(?:invoiced|billed|charged)\b",
            r"\b(?:is|be|looks like|seems to be) a re-?issue of an? (?:\w+ )?(?:invoice|bill)\b",
            r"\bsame (?:invoice|charge) (?:twice|again)\b",
            r"\bdoublon\b|\ben double\b|\bfacturee? deux fois\b|\bdeja (?:ete )?facturee?",
            (
                r"\bdoppelt (?:berechnet|fakturiert|in rechnung gestellt|gebucht|abgerechnet)"
                r"|\bdoppelte (?:rechnung|berechnung|fakturierung)|\bzweimal (?:berechnet"
                r"|in rechnung gestellt|fakturiert)|\bbereits (?:in rechnung gestellt|berechnet"
                r"|fakturiert)"
            ),
            (
                r"\bduplicad[oa]s?\b|\b(?:facturad[oa]|cobrad[oa]) dos veces\b"
                r"|\bya (?:fue |ha sido )?facturad[oa]"
            ),
            (
                r"\bdubbel (?:gefactureerd|berekend|in rekening gebracht|geboekt)|\bdubbele"
                r" (?:factuur|facturering|boeking)|\btwee keer (?:gefactureerd|berekend)"
                r"|\bal (?:eerder )?gefactureerd"
            ),
            (
                r"\bduplicat[aoie]\b|\b(?:fatturat|addebitat)[aoie] due volte\b|\bdoppia fattur\w*"
                r"|\bgia fatturat[aoie]"
            ),
        )
    ),
    DisputeReason.MISSING_PO: any_of(
        (
            (
                r"\b(?:no|missing|without|invalid|wrong|incorrect|need|needs|require|requires"
                r"|required|must (?:have|include|show|quote|reference))\s+(?:a\s+|the\s+|an\s+"
                r"|our\s+|valid\s+|correct\s+)*(?:po|p\.o\.|purchase order)(?:\s*(?:number|no|#"
                r"|ref(?:erence)?))?\b"
            ),
            (
                r"\b(?:does not|doesn't|did not|didn't|do not|don't|not|never) (?:quote|show"
                r"|include"
                r"|reference|contain|have|state|mention|carry)\w* (?:a |the |our |any |an"
                r" )?(?:valid )?"
                r"(?:po|p\.o\.|purchase order)\b"
            ),
            (
                r"\b(?:po|purchase order)(?:\s*(?:number|no|#))?\s+(?:is\s+|was\s+)?(?:missing"
                r"|required|not (?:quoted|referenced|shown|included|provided|on)|incorrect|wrong"
                r"|invalid)\b"
            ),
            (
                r"\b(?:po|purchase order)\b[^.;!?]{0,40}?\b(?:isn't|is not|not) (?:one of ours"
                r"|ours|our po)\b"
            ),
            (
                r"\b(?:sans|manque|absence (?:du|de)|aucun)\s+(?:le\s+|notre\s+)?(?:numero de )?"
                r"(?:bon de commande|bdc)\b"
            ),
            (
                r"\b(?:bon de commande|numero de commande|n° de commande|bdc)\s+(?:est\s+)?"
                r"(?:manquant|absent|obligatoire|incorrect|errone|requis)"
            ),
            r"\b(?:ohne|fehlende?n?|keine|falsche)\s+(?:" + TOK + r"){0,2}?(?:bestellnummer"
            r"|bestell-nr|po-nummer|po-nr)\b",
            r"\b(?:bestellnummer|bestell-nr\.?|po-nummer)\s+(?:" + TOK + r"){0,3}?(?:fehlt"
            r"|fehlen|ist falsch|angeben|anzugeben|erforderlich|nicht angegeben)",
            r"\bsin\s+(?:el\s+|nuestro\s+|un\s+)?(?:numero de )?(?:pedido|orden de compra)\b",
            (
                r"\b(?:numero de pedido|orden de compra)\s+<W>{0,2}?(?:falta|no (?:aparece"
                r"|figura|consta|es correcto)|incorrecto|obligatorio)"
            ),
            r"\bfalta (?:el|la) (?:numero de pedido|orden de compra)",
            (
                r"\b(?:zonder|geen|ontbrekend\w*|verkeerd\w*|onjuist\w*)\s+<W>?"
                r"(?:inkoopordernummer|ordernummer|po-nummer|inkooporder|bestelnummer)\b"
            ),
            (
                r"\b(?:inkoopordernummer|ordernummer|po-nummer|bestelnummer)\s+<W>{0,2}?"
                r"(?:ontbreekt|vermelden|verplicht|onjuist|niet vermeld)"
            ),
            r"\bsenza\s+(?:il\s+|un\s+)?(?:numero (?:di |d')?)?(?:ordine|ordine d'acquisto)\b",
            (
                r"\b(?:numero (?:di |d')?ordine|ordine d'acquisto|riferimento ordine)\s+<W>"
                r"{0,2}?(?:mancante|manca|non (?:indicato|presente|riportato)|errato|obbligatorio)"
            ),
            r"\bmanca (?:il )?(?:numero (?:di |d')?)?ordine",
        )
    ),
    DisputeReason.QUALITY: any_of(
        (
            (
                r"\b(?:defective|faulty|substandard|sub-standard|malfunction\w*|not working"
                r"|doesn't work|does not work|did not work|didn't work|stopped working"
                r"|unsatisfactory|unusable|not fit for purpose)\b"
            ),
            r"\bpoor (?:quality|workmanship|service|performance)\b",
            (
                r"\b(?:work|installation|job|repair|workmanship|finish)\b(?: [\w-]+){0,2}"
                r" (?:was|is|has been) (?:poor|substandard|unacceptable|shoddy|sloppy)\b"
                r"|\bleft unfinished\b"
            ),
            (
                r"\bfailed (?:our |the )?(?:incoming |quality |goods-in )?inspection\b"
                r"|\b(?:outside|out of|off) (?:the )?spec(?:ification)?s?\b"
                r"|\b(?:wrong|incorrect) (?:colou?rs?|shade|finish|blue|red|green|black)\b"
            ),
            r"\bquality (?:issue|issues|problem|problems|complaint|defect)s?\b",
            r"\bnot (?:as|according to) (?:spec|specification|specified|described|agreed)\b",
            r"\b(?:incomplete|unfinished|sloppy|shoddy) work\b|\bnot up to (?:standard|spec)\b",
            (
                r"\bdefectueu\w*|\bnon conforme\w*|\bne fonctionne (?:pas|plus)\b"
                r"|\bmauvaise qualite\b|\bprobleme de qualite\b|\bmalfacon\w*|\binutilisable\b"
            ),
            (
                r"\bmangelhaft\w*|\bm(?:a|ae)ngel\b|\bdefekt\w*|\bfunktioniert nicht\b"
                rf"|\bqualit{AE}tsm{AE}ngel\w*|\bqualit{AE}tsproblem\w*|\bunbrauchbar\b"
                r"|\bminderwertig\w*"
            ),
            (
                r"\bdefectuos\w*|\bno funciona\b|\bmala calidad\b|\bproblema de calidad\b"
                r"|\bno conforme\b|\bno cumple (?:con )?(?:las )?especificaciones|\binservible\b"
            ),
            (
                r"\bdefect\w*|\bwerkt niet\b|\bgebrekkig\w*|\bslechte kwaliteit\b"
                r"|\bkwaliteitsproble\w*|\bondermaats\b|\bonbruikbaar\b|\bniet conform\b"
            ),
            (
                r"\bdifettos\w*|\bnon funziona\b|\bnon conform\w*|\bscarsa qualita\b"
                r"|\bproblem[ai] di qualita\b|\binutilizzabil\w*"
            ),
        )
    ),
}

REASONS_WEAK: dict[DisputeReason, re.Pattern[str]] = {
    DisputeReason.PRICE: _re(
        r"\b(?:price|prices|pricing|priced|rate|rates|unit price|discount|quote|quotation|quoted"
        r"|tariff|prix|tarif|remise|devis|preis\w*|rabatt|angebot|precio\w*|tarifa|descuento"
        r"|presupuesto|prijs\w*|tarief|korting|offerte|prezz\w*|tariff\w*|sconto|preventivo"
        r"|amount|montant|betrag|importe|bedrag|importo|vat|tva|mwst|iva|btw|surcharges?)\b"
    ),
    DisputeReason.QUANTITY: _re(
        r"\b(?:quantity|quantities|qty|quantite|menge|stuckzahl|anzahl|cantidad|aantal"
        r"|hoeveelheid|quantita|units|unites|unidades|stuks|stuck|pezzi|pieces|pcs|unita|hours)\b"
    ),
    DisputeReason.QUALITY: _re(
        r"\b(?:quality|qualite|qualit(?:a|ae)t|calidad|kwaliteit|qualita|colou?rs?|pantone"
        r"|reprint|proof)\b"
    ),
}

# Portuguese and Polish reasons, and quality wording that names no defect word.
_MORE_REASONS: dict[DisputeReason, str] = {
    DisputeReason.PRICE: (
        r"\b(?:preco|precos|valor errado|valor incorreto|cobrado a mais|cobraram a mais"
        r"|acima do (?:orcamento|combinado|acordado)|cena|ceny|cenie|zawyzon\w*|zawyżon\w*"
        r"|niezgodn\w* z (?:oferta|ofertą|umowa|umową|zamowieniem))\b"
    ),
    DisputeReason.QUANTITY: (
        r"\b(?:quantidade|unidades a mais|recebemos apenas|recebemos so|faltaram|faltando"
        r"|ilosc|ilość|otrzymalismy tylko|otrzymaliśmy tylko|brakowalo|brakowało|brakuje|szt\.?"
        r" zamiast)\b"
    ),
    DisputeReason.DAMAGED: (
        r"\b(?:avariad[oa]s?|danificad[oa]s?|quebrad[oa]s?|amassad[oa]s?|uszkodzon\w*"
        r"|zniszczon\w*|rozbit\w*|połaman\w*|polaman\w*)\b"
    ),
    DisputeReason.DUPLICATE: (
        r"\b(?:duplicad[oa]|cobrad[oa] duas vezes|em duplicidade|invoiced (?:\w+ ){0,3}twice"
        r"|billed (?:\w+ ){0,3}twice|charged (?:\w+ ){0,3}twice|podwojn\w*|podwójn\w*"
        r"|zafakturowan\w* dwukrotnie)\b"
    ),
    DisputeReason.QUALITY: (
        r"\b(?:failed (?:our |the )?(?:\w+ )?(?:inspection|quality|test)|non-?conformance"
        r"|not fit for purpose|substandard|done badly|poorly done|fatto male|fatti male"
        r"|mal fatto|defeituos[oa]s?|com defeito|ma qualidade|wadliw\w*|wada|wady|usterk\w*"
        r"|niskiej jakosci|niskiej jakości)\b"
    ),
    DisputeReason.MISSING_PO: (
        r"\b(?:sem (?:o )?(?:numero do )?pedido de compra|brak (?:numeru )?zamowienia"
        r"|brak (?:numeru )?zamówienia)\b"
    ),
}
for _reason, _extra in _MORE_REASONS.items():
    REASONS_STRONG[_reason] = _re(f"(?:{REASONS_STRONG[_reason].pattern})|(?:{_extra})")

# A "duplicate" someone asks to be sent is a copy, not a double charge.
DUPLICATE_AS_COPY = _re(
    r"\b(?:send|provide|resend|issue|need|want|require|request|enviar|envienos|inviare|inviarci"
    r"|inviateci|mandarci|envoyer|envoyez|transmettre|senden|schicken|sturen|stuur|copy|copia"
    r"|kopie|copie)\b[^.;!?]{0,40}?\b(?:duplicate|duplicata|duplicado|duplicato|duplikat"
    r"|duplicaat)\b"
)

# --------------------------------------------------------------------------- not received

NOT_RECEIVED = any_of(
    (
        (
            r"\b(?:have not|haven't|havent|has not|hasn't|did not|didn't|never|not yet|still not"
            r"|still haven't|not|have yet to|has yet to|are yet to)\s+(?:yet\s+|actually\s+|even\s+"
            r"|ever\s+)?(?:been\s+)?(?:received|receive|got|gotten|delivered|arrived|arrive"
            r"|shown up|turned up|come|performed|rendered|provided|completed|installed|seen)\b"
        ),
        r"\bnever (?:arrived|came|showed up|turned up|delivered|received|got)\b",
        r"\b(?:never|did not|didn't) (?:took|take) place\b|\bnever happened\b",
        (
            r"\b(?:still )?waiting (?:for|on) (?:the |our |your |any )?(?:goods|delivery|order"
            r"|shipment|parcel|package|items?|products?|materials?|equipment|service|work"
            r"|invoice|statement)"
        ),
        (
            r"\b(?:nothing|no goods|no delivery|no shipment) (?:has |have |ever )?(?:been )?"
            r"(?:received|delivered|arrived|came|turned up|showed up|reached (?:us|our))\b"
        ),
        (
            r"\b(?:n'avons|n'ai|n'a|n'ont|n'est|ne sont|n'etait)\s+<W>{0,2}?(?:pas|jamais"
            r"|toujours pas|rien)\s+(?:encore\s+|ete\s+|recu\s+)*(?:recue?s?|livree?s?|arrivee?s?"
            r"|parvenue?s?)\b"
        ),
        r"\bjamais (?:recue?s?|ete livree?s?|arrivee?s?)\b|\bnon (?:livree?s?|recue?s?)\b",
        r"\ben attente de (?:la |votre )?(?:livraison|marchandise|commande|facture)",
        r"\b(?:where (?:is|are) (?:the|our|my) (?:goods|delivery|order|shipment|parts|items)"
        r"|wo bleib(?:t|en) (?:die|unsere) (?:ware|lieferung|bestellung)"
        r"|ou (?:est|sont) (?:la|le|les|notre|nos) (?:marchandises?|livraison|commande)"
        r"|donde (?:esta|estan) (?:el|la|los|las|nuestro|nuestra) (?:pedido|mercancia|envio)"
        r"|waar blijf(?:t|en) (?:de|onze) (?:levering|bestelling|goederen)"
        r"|dov'e (?:la|il|l') ?(?:merce|ordine|consegna)|onde (?:esta|estao) (?:a|o|os|as) "
        r"(?:mercadoria|pedido|entrega)|gdzie jest (?:towar|dostawa|zamowienie))\b",
        r"\b(?:nicht|nichts|nie|noch nicht|keine?n?|niemals)\s+(?:" + TOK + r"){0,3}?(?:erhalten"
        r"|bekommen|geliefert|angekommen|eingegangen|zugestellt|erbracht|ausgefuhrt|geleistet)\b",
        (
            r"\bno\s+<W>{0,2}?(?:recibido|recibimos|recibi|llegado|llego|entregado"
            r"|entregaron)\b"
        ),
        r"\bnunca\s+<W>?(?:recibimos|llego|llegaron|recibido|entregaron)\b",
        r"\b(?:niet|nooit|nog niet|geen)\s+(?:" + TOK + r"){0,3}?(?:ontvangen|geleverd"
        r"|aangekomen|bezorgd|binnengekomen)\b",
        (
            r"\bnon\s+<W>{0,3}?(?:ricevuto|ricevut[aie]|arrivat[oaie]|consegnat[oaie]"
            r"|pervenut[oaie]|giunt[oaie])\b"
        ),
        r"\bmai\s+(?:ricevut|arrivat|consegnat)\w*",
    )
)
GOODS_VERB = _re(
    r"(?:delivered|arrived|arrive|shown up|turned up|came|performed|rendered|installed|livree?s?"
    r"|arrivee?s?|geliefert|angekommen|zugestellt|erbracht|entregado|entregaron|llegado|llego"
    r"|llegaron|geleverd|aangekomen|bezorgd|consegnat\w*|arrivat\w*|took place|take place"
    r"|happened)\b"
)
GOODS_WORDS = _re(
    r"\b(?:goods|delivery|deliveries|order|orders|shipment|parcel|package|items?|products?"
    r"|materials?|merchandise|equipment|pallets?|parts|services?|work|consignment|marchandises?"
    r"|livraison|commande|colis|produits?|materiel|articles?|prestations?|ware|waren|lieferung"
    r"|bestellung|paket|produkte?|material|leistung\w*|mercancias?|pedido|envio|paquete"
    r"|productos?|servicios?|goederen|levering|bestelling|pakket|producten|artikelen|diensten"
    r"|merce|merci|consegna|ordine|pacco|prodotti|articoli|servizi?|lavori|licen[cs]es?"
    r"|licen[cs]e keys?|keys|visits?)\b"
)
DOC_WORDS = _re(
    r"\b(?:invoices?|bills?|statements?|copy|facture|factures|releve|rechnung(?:en)?"
    r"|kontoauszug|factura|facturas|extracto|factuur|facturen|rekeningoverzicht|fattura"
    r"|fatture|estratto|w-?9)\b"
)
# Objects of "not received" that are neither goods nor a document to send again.
OTHER_OBJECTS = _re(
    r"\b(?:payment|payments|funds|money|paiement|virement|zahlung|geld|pago|dinero|betaling"
    r"|pagamento|bonifico|remittance|reminders?|e-?mails?|mails?|letters?|calls?|messages?"
    r"|response|reply|answer|confirmation|credit note|avoir|gutschrift|nota de credito"
    r"|creditnota|nota di credito|mahnung|relance|recordatorio|herinnering|sollecito)\b"
)

# --------------------------------------------------------------------------- copy request

# "Our balances don't agree": why a statement is asked for, not a dispute of an invoice.
BALANCE_MISMATCH = _re(
    r"\b(?:balances?|figures|records|numbers|solde|soldes|salden?|saldi|saldos?|cijfers"
    r"|valores|importi)\b[^.;!?]{0,60}?\b(?:(?:do not|don't|doesn't|does not|not) (?:agree"
    r"|match|reconcile|tally)|differ|ne correspond(?:ent)? pas|stimmen nicht|(?:u|ue)bereinstimm"
    r"|no coincide|no cuadra|komen niet overeen|kloppen niet|non corrispond|non coincid|diversi"
    r"|differen)"
)
# "A list of open items", "an aged debt report": a statement by another name.
OPEN_ITEMS = (
    r"(?:list|overview|schedule|breakdown|listing|summary) of (?:all )?(?:the |your |our )?"
    r"(?:open|outstanding|unpaid|overdue) (?:items|invoices|balances?|amounts)"
    r"|open[- ]items?(?: list| report)?|aged (?:debt|debtors?|balance|receivables?) (?:report|list)"
    r"|balance confirmation"
)
COPY_VERB_EN = _re(
    r"(?:^|\b(?:please|pls|kindly|can you|could you|would you|will you|can we|could we|can i"
    r"|could i|may i|may we|need you to|grateful if you (?:could|would)|appreciate (?:it )?if"
    r" you (?:could|would)|would you mind)\s+<W>{0,2}?)(?:send|resend|re-send|forward"
    r"|provide|share|email|e-mail|supply|reissue|re-issue|issue|get|give|mail)\b"
    r"|\b(?:need|needs|require|requires|request|requesting|would like|'d like|want|missing"
    r"|looking for|can't find|cannot find|unable to find|can't locate|cannot locate"
    r"|don't have|do not have|lost|misplaced|never got)\b"
)
COPY_VERB_OTHER = _re(
    r"\b(?:envoyer|renvoyer|transmettre|faire parvenir|adresser|communiquer|fournir|envoyez"
    r"|renvoyez|transmettez|adressez|communiquez|fournissez|besoin|obtenir|manque|retrouvons pas"
    r"|senden|schicken|zuschicken|zusenden|ubermitteln|ueberm|ubersenden|zukommen|nachsenden"
    r"|zustellen|ben(?:o|oe)tigen|brauchen|bitten um|erbitten|anfordern|mailen|ausstellen"
    r"|enviar|enviarnos|enviarme|envienos|envieme|enviad|mandar|mandarnos|mandenos|reenviar"
    r"|reenviarnos|remitir|remitirnos|facilitar|facilitarnos|facilitenos|proporcionar"
    r"|proporcionarnos|necesitamos|necesito|solicitamos|solicito|nos falta|no encontramos"
    r"|sturen|toesturen|opsturen|doorsturen|nasturen|zenden|toezenden|bezorgen|verstrekken"
    r"|stuur|nodig|graag ontvangen|ontvangen graag|verzoeken|inviare|inviarci|inviarmi"
    r"|inviateci|inviatemi|mandare|mandarci|mandateci|trasmettere|trasmetterci|trasmetteteci"
    r"|rinviare|rimandare|reinviare|fornire|fornirci|girare|girarci|abbiamo bisogno|ci serve"
    r"|ci servono|necessitiamo|richiediamo|chiediamo)\b"
)
COPY_NOUN = _re(
    rf"\b(?:{OPEN_ITEMS}|copy|copies|duplicate|pdf|invoices?|statements?|soa|w-?9|w-?8\w*"
    r"|tax forms?|tax certificate|1099|bills?|copie|duplicata|factures?|releve|extrait de compte"
    r"|etat de compte|attestation|formulaire|kopie|duplikat|rechnungskopie|rechnungsduplikat"
    r"|rechnung(?:en)?|kontoauszug\w*|saldenbest(?:a|ae)tigung|saldenliste|offene[- ]posten\w*"
    r"|op-liste|steuerformular|ans(?:a|ae)ssigkeitsbescheinigung|freistellungsbescheinigung"
    r"|copia|duplicado|facturas?|estado de cuenta|extracto|certificado|formulario|duplicaat"
    r"|factuur|facturen|rekeningoverzicht|overzicht|saldo-?overzicht|openstaande posten"
    r"|formulier|duplicato|fattur[ae]|estratto(?: conto)?|partitario|certificato|modulo)\b"
)
# Words between the verb and the document that mean something else is asked for.
COPY_BREAK = _re(
    r"\b(?:pay|payment|paid|time|approve|approval|approved|process|processed|booked|checked"
    r"|verified|review|reviewed|sign|signed|po|order|goods|delivery|corrected|zahlung|pago"
    r"|future|forward|onwards|extension|days|weeks|delay|more|entity|address"
    r"|paiement|betaling|pagamento)\b"
)
COPY_STRONG = any_of(
    (
        (
            r"\b(?:copy|copies|duplicate|pdf|reprint)\s+of\s+(?:the\s+|your\s+|this\s+|that\s+"
            r"|our\s+|these\s+|those\s+|all\s+|each\s+)?(?:[\w-]+\s+)?(?:invoices?|statements?"
            r"|bills?|w-?9)"
        ),
        r"\b(?:invoice|statement) cop(?:y|ies)\b",
        r"\b(?:statement of (?:account|open items|outstanding)|account statement)\b",
        (
            r"\b(?:copie|duplicata) (?:de |des |du )?(?:la |les |cette |votre |vos )?(?:facture"
            r"|releve)"
        ),
        r"\brechnungskopie\w*|\brechnungsduplikat\w*|\bkopie (?:der|ihrer|unserer|von) rechnung",
        r"\b(?:copia|duplicado) de (?:la |las |su |esta )?factura",
        r"\bkopie (?:van )?(?:de |uw |deze )?factuur",
        r"\b(?:copia|duplicato) (?:della|delle|di) fattur",
    )
)
# "Could you resend INV-1?", "can you send it over?", "a statement would be great".
COPY_SEND_AGAIN = any_of(
    (
        r"\bre-?send\b(?!\s+(?:the\s+|our\s+|a\s+)?(?:payment|remittance|wire|transfer))",
        (
            r"\b(?:please|pls|kindly|can you|could you|would you|will you)\s+(?:just\s+)?"
            r"(?:send|forward|email|e-mail|mail)\s+(?:it|them|that|this|those|these)"
            r"(?:\s+(?:one|ones))?\s+(?:over|again|across|through|back)\b"
        ),
        (
            r"\b(?:a|an|the)\s+(?:copy|statement|statement of account|soa|pdf|w-?9)\s+would be"
            r"\s+(?:great|helpful|appreciated|good|nice|useful|ideal|handy)\b"
        ),
    )
)
# "Payments are on hold until we receive an updated form": a tax form, when the reply names one.
TAX_FORM_RENEWAL = _re(
    r"\b(?:receive|need|require|requires|request|requesting|send|provide|get)\s+(?:us\s+)?"
    r"(?:an?\s+|the\s+|your\s+|one\s+)?(?:updated|new|current|signed|completed|fresh|valid"
    r"|renewed)\s+(?:w-?9|w-?8\w*|tax forms?|forms?|one|copy|version)\b"
)

COPY_KIND_INVOICE = _re(
    r"\b(?:invoices?|bills?|copy|copies|duplicate|pdf|facture|factures|duplicata|rechnung\w*"
    r"|kopie|duplikat|factura|facturas|copia|duplicado|factuur|facturen|duplicaat|fattura"
    r"|fatture|duplicato)\b"
)
COPY_KIND_STATEMENT = _re(
    rf"\b(?:{OPEN_ITEMS}|statements?|soa|releve(?: de compte)?|extrait de compte|etat de compte"
    r"|kontoauszug\w*|saldenbest(?:a|ae)tigung|saldenliste|offene[- ]posten\w*|op-liste"
    r"|kontenubersicht|estado de cuenta|extracto(?: de cuenta)?|rekeningoverzicht"
    r"|overzicht van (?:de )?openstaande|saldo-?overzicht|openstaande posten|estratto conto"
    r"|partitario)\b(?<!bank statement)"
)
# "A completed and signed W-9": what a form is, not something else asked for.
FORM_STATE = _re(r"\b(?:completed|signed|sign|dated|current|updated|valid)\b")
COPY_KIND_TAX = _re(
    r"\b(?:w-?9|w-?8\w*|tax forms?|tax certificate|tax id form|1099|vat certificate"
    r"|attestation (?:de )?(?:tva|fiscale|de vigilance|de regularite)|formulaire fiscal"
    r"|steuerformular|ans(?:a|ae)ssigkeitsbescheinigung|freistellungsbescheinigung"
    r"|steuerbescheinigung|certificado (?:de residencia )?fiscal|formulario fiscal"
    r"|fiscaal formulier|certificato fiscale|modulo fiscale)\b"
)

# --------------------------------------------------------------------------- payment plan

PLAN = any_of(
    (
        r"\bpayment (?:plan|arrangement)s?\b|\brepayment plan\b",
        r"\binstal+ments?\b|\binstalment plan\b",
        (
            rf"\b(?:in|over|across)\s+{NUMBER_PATTERN}\s+(?:equal\s+|monthly\s+|weekly\s+"
            r"|separate\s+)?(?:payments|parts|tranches|portions|chunks|stages|halves|goes|lots"
            r"|batches)\b"
        ),
        rf"\b{NUMBER_PATTERN}\s+(?:equal\s+|monthly\s+|weekly\s+)?payments\s+of\b",
        rf"\b{NUMBER_PATTERN}\s+(?:equal|monthly|weekly)\s+(?:payments|amounts|parts)\b",
        (
            rf"\b(?:give|allow|grant|let)\s+(?:us|me)\s+{NUMBER_PATTERN}\s+(?:more\s+)?"
            r"(?:months|weeks)\s+to\s+(?:pay|clear|settle)\b"
        ),
        (
            r"\bsplit\s+<W>{0,3}?(?:payment|payments|amount|balance|invoice|bill|it|this"
            r"|into)\b"
        ),
        r"\bspread\s+<W>{0,3}?(?:over|across|out)\b",
        r"\bpartial payments\b|\b(?:monthly|weekly) (?:payments|instal+ments|amounts)\b",
        (
            r"\b(?:pay|paying)\s+<W>{0,2}?(?:in (?:parts|portions|stages|chunks|tranches)"
            r"|per month|a month|each month|every month|monthly|weekly|bit by bit"
            r"|little by little)\b"
        ),
        (
            r"(?:[$€£]\s?)?\d[\d.,']*(?:\s?(?:eur|usd|gbp|chf|euros?|dollars?|pounds?|€|\$|£))?\s+"
            r"<W>?(?:per|a|each|every|par|pro|al|por|ogni) (?:month|week|mois|semaine|monat"
            r"|woche|mes|semana|maand|week|mese|settimana)\b"
        ),
        r"\b(?:defer|postpone|delay)\s+<W>{0,2}?(?:payment|the payment|paying)\b",
        (
            r"\b(?:cash ?flow|liquidity|financial)\s+<W>?(?:issues?|problems?|difficult\w*"
            r"|constraints?|pressures?|troubles?|hardship|situation)\b"
        ),
        r"\b(?:financial|economic) hardship\b|\bstruggl\w+ (?:financially|with (?:cash|money))",
        r"\bcan(?:'t| ?not) afford\b",
        (
            r"\b(?:can't|cannot|can not|unable to|not able to|won't be able to)\s+<W>?pay"
            r"\s+<W>{0,2}?(?:(?:in )?full|the (?:full|whole|entire|total)|all at once"
            r"|at (?:the|this) moment|right now|currently|at present|this month|at this time|now)\b"
        ),
        # French
        r"\becheancier\b|\bplan de (?:paiement|remboursement|reglement|rembourse\w*)\b",
        r"\b(?:paiement|reglement)s? (?:echelonnes?|fractionnes?|en plusieurs fois|partiels)",
        r"\bechelonn\w+|\bfractionn\w+",
        (
            rf"\ben\s+{NUMBER_PATTERN}\s+(?:fois|versements|mensualites|echeances|paiements"
            r"|tranches)\b"
        ),
        r"\bmensualites?\b|\bplusieurs (?:versements|fois|paiements|mensualites)\b",
        (
            r"\bdelais? (?:de paiement|supplementaires?|de grace)\b|\breport(?:er)? (?:le |du )?"
            r"(?:paiement|reglement|l'echeance)"
        ),
        (
            r"\bdifficultes? (?:financieres?|de tresorerie|economiques?)|\bproblemes? de tresorerie"
            r"|\btresorerie (?:tendue|difficile)"
        ),
        # German
        (
            r"\bratenzahlung\w*|\bteilzahlung\w*|\bzahlungsplan\b|\bratenplan\b|\bstundung\w*"
            r"|\bzahlungsaufschub\b|\baufschub\b|\bin raten\b"
        ),
        (
            rf"\bin\s+{NUMBER_PATTERN}\s+(?:monatlichen\s+|gleichen\s+)?(?:raten|teilbetr(?:a"
            rf"|ae)gen"
            r"|teilzahlungen|zahlungen)\b"
        ),
        (
            r"\bzahlungsziel\w* (?:zu )?verl(?:a|ae)nger\w*|\bverl(?:a|ae)ngerung (?:des|der)"
            r" zahlungs\w+"
        ),
        (
            r"\bliquidit(?:a|ae)ts\w*|\bfinanziell\w* (?:schwierigkeit|engpass|probleme|lage)\w*"
            r"|\bzahlungsschwierigkeit\w*|\bmonatlich\w* (?:raten|betr(?:a|ae)ge|zahlungen)"
        ),
        # Spanish
        (
            r"\bplan de pagos?\b|\bpagos? (?:fraccionad|aplazad|parcial)\w*|\bfraccion(?:ar|ado"
            r"|amiento)\w*|\baplaza\w+|\bprorroga\w*"
        ),
        rf"\ben\s+{NUMBER_PATTERN}\s+(?:cuotas|plazos|pagos|mensualidades|partes)\b",
        r"\bcuotas(?: mensuales)?\b|\bmensualidades\b",
        (
            r"\bdificultades (?:financieras|economicas|de tesoreria|de liquidez)|\bproblemas de"
            r" (?:liquidez|tesoreria)"
        ),
        # Dutch
        (
            r"\bbetalingsregeling\w*|\bafbetalingsregeling\w*|\bgespreid\w* (?:betal\w*)"
            r"|\btermijnbetaling\w*|\bin termijnen\b|\bafbetal\w*|\buitstel\b"
        ),
        rf"\bin\s+{NUMBER_PATTERN}\s+(?:termijnen|delen|maandelijkse termijnen|keer)\b",
        r"\bliquiditeitsproble\w*|\bfinanciele (?:problemen|moeilijkheden)",
        # Italian
        r"\bpiano di (?:rientro|pagamento|pagamenti|rateizzazione)\b|\brateizz\w+|\brateal\w*",
        rf"\bin\s+{NUMBER_PATTERN}\s+(?:rate|tranche|pagamenti|soluzioni|mensilita)\b",
        (
            r"\bdilazion\w+|\bproroga\b|\bdifficolta (?:finanziarie|economiche|di liquidita"
            r"|di cassa)|\bproblemi di liquidita"
        ),
    )
)
# "More time" is only a payment plan when the clause is about paying.
PLAN_NEEDS_PAY = any_of(
    (
        r"\bmore time\b|\bextra time\b|\badditional time\b|\ba (?:bit|little) (?:more )?time\b",
        (
            rf"\b(?:an? )?(?:extra|additional|further) (?:{NUMBER_PATTERN} )?(?:days?|weeks?"
            r"|months?)\b"
        ),
        (
            r"\b(?:an|a short|short|payment|small) extension\b|\bextend (?:the )?(?:due date"
            r"|deadline|payment terms|terms)\b"
        ),
        r"\b(?:a few|few|some|couple of|\d+) (?:more|extra) (?:days|weeks|months)\b",
        r"\bplus de temps\b|\bun peu de temps\b|\bdavantage de temps\b",
        r"\bmehr zeit\b|\betwas zeit\b|\bn(?:a|ae)chsten monat zahlen\b",
        r"\bmas (?:tiempo|plazo)\b|\bun poco de tiempo\b",
        r"\bmeer tijd\b|\bextra tijd\b|\bwat tijd\b",
        r"\bpiu tempo\b|\bqualche (?:giorno|settimana) in piu\b|\bun po' di tempo\b",
    )
)

# "$300 on the 1st of each month": a plan when an amount comes with it.
RECURRING = _re(
    r"\b(?:each|every|a|per) (?:month|week)\b|\b(?:chaque|par) (?:mois|semaine)\b"
    r"|\b(?:jeden|pro) (?:monat|woche)\b|\bmonatlich\b|\b(?:cada|al|por) (?:mes|semana)\b"
    r"|\b(?:elke|per) (?:maand|week)\b|\bmaandelijks\b|\b(?:ogni|al) (?:mese|settimana)\b"
    r"|\bmensilmente\b"
)
INSTALLMENT_COUNT = _re(
    rf"\b(?P<n>{NUMBER_PATTERN})\s+(?:equal\s+|monthly\s+|weekly\s+|separate\s+|gleiche\s+"
    r"|monatliche\s+|mensuales\s+|mensili\s+|maandelijkse\s+|mensuelles?\s+)?"
    r"(?P<unit>instal+ments?|payments|parts|tranches|portions|halves|goes|raten|teilzahlungen"
    r"|teilbetr\w+"
    r"|cuotas|plazos|pagos|mensualidades|termijnen|betalingen|rate|versements|mensualites"
    r"|fois|paiements|echeances|soluzioni|mensilita)\b"
)
MONTH_COUNT = _re(
    rf"\b(?P<n>{NUMBER_PATTERN})\s+(?:more\s+|extra\s+)?(?:months?|mois|monate[n]?|meses"
    r"|maanden|mesi)\b"
)
MONTHLY = _re(
    r"\b(?:monthly|per month|a month|each month|every month|mensuel\w*|par mois|monatlich\w*"
    r"|pro monat|mensual\w*|al mes|por mes|maandelijks\w*|per maand|mensil\w*|al mese)\b"
)

# --------------------------------------------------------------------------- wrong contact

WRONG_CONTACT_STRONG = any_of(
    (
        (
            r"\bnot the (?:right|correct|appropriate|relevant|best|proper) (?:person|contact"
            r"|recipient|department|team|address|email|e-mail|people|one)\b"
        ),
        (
            r"\bwrong (?:person|contact|recipient|department|address|e-?mail(?: address)?|company"
            r"|customer|people)\b"
        ),
        (
            r"\bno longer (?:work|works|working|with|employed|at|in charge|responsible|handle"
            r"|handles|handling|deal|deals|the contact|the right|part of)\b"
        ),
        (
            r"\b(?:has|have|had) left (?:the company|the business|the organi[sz]ation|our company"
            r"|the firm)\b|\bleft the (?:company|business|organi[sz]ation|firm)\b"
        ),
        (
            r"\b(?:i|we) (?:do not|don't|dont) (?:handle|deal with|process|look after|manage"
            r"|work (?:on|in)) (?:invoices|payments|accounts payable|payables|billing|this|these"
            r"|finance)\b"
        ),
        (
            r"\b(?:do not|don't|dont|doesn't|doesnt|does not) (?:handle|deal with|look after"
            r"|manage|process) (?:invoices|payments|accounts payable|payables|billing|finance)"
            r"\s+any\s?more\b"
        ),
        (
            r"\bnot (?:responsible|in charge) (?:for|of) (?:invoices|payments|accounts payable"
            r"|payables|billing|this|these|the account)\b"
        ),
        r"\b(?:received|got) (?:this|your) (?:e-?mail|message) (?:by mistake|in error)\b",
        r"\b(?:i|she|he) (?:have |has )?retired\b|\bno longer have access to\b",
        r"\bnothing to do with (?:invoices|payments|billing|accounts|payables)\b",
        r"\b(?:mailbox|inbox|address) is (?:not|no longer) (?:monitored|checked|in use)\b",
        (
            r"\bne suis pas (?:la bonne personne|le bon interlocuteur|la bonne interlocutrice"
            r"|le bon contact|la personne (?:concernee|competente|en charge))"
        ),
        (
            r"\bpas (?:la bonne personne|le bon (?:interlocuteur|contact|destinataire|service)"
            r"|la bonne (?:adresse|interlocutrice))"
        ),
        (
            r"\b(?:ne|n')\s*(?:travaille|fait|est|suis|fais)\s+plus\s+(?:partie|chez|dans|au sein"
            r"|en charge|responsable)"
        ),
        r"\ba quitte (?:la societe|l'entreprise|la structure|le groupe|ses fonctions)",
        r"\bn'est plus (?:en poste|chez nous|dans l'entreprise|responsable|en charge)",
        (
            r"\bne (?:gere|traite|m'occupe) pas (?:des |de la |les )?(?:factures|paiements"
            r"|comptabilite|reglements)"
        ),
        r"\bmauvaise? (?:destinataire|interlocuteur|adresse|contact|personne)\b",
        (
            r"\bnicht (?:der|die) (?:richtige|zust(?:a|ae)ndige|korrekte) (?:ansprechpartner\w*"
            r"|person|adresse|stelle|kontakt\w*|abteilung|empf(?:a|ae)nger\w*)"
        ),
        r"\bnicht (?:mehr )?zust(?:a|ae)ndig\b",
        (
            r"\bnicht mehr (?:im unternehmen|bei (?:uns|der|dem)|f(?:u|ue)r (?:die|das)|t(?:a"
            r"|ae)tig"
            r"|besch(?:a|ae)ftigt)"
        ),
        r"\b(?:hat|habe) (?:das unternehmen|die firma|uns) verlassen\b",
        r"\bfalsche[rn]? (?:ansprechpartner\w*|adresse|empf(?:a|ae)nger\w*|person|kontakt)\b",
        (
            r"\bno soy (?:la persona|el contacto|quien)\s+(?:adecuad|correct|indicad|encargad"
            r"|responsable)\w*"
        ),
        (
            r"\bno (?:es|soy) (?:el|la) (?:contacto|persona|interlocutor\w*) (?:adecuad|correct"
            r"|indicad)\w*"
        ),
        (
            r"\bya no (?:trabaja|trabajo|esta|estoy|forma parte|es responsable|me encargo"
            r"|se encarga)\b"
        ),
        r"\b(?:dejo|ha dejado) la (?:empresa|compania)\b",
        r"\bno (?:me encargo|llevo|gestiono) (?:de )?(?:las )?(?:facturas|pagos|cuentas)",
        (
            r"\bniet de (?:juiste|goede|correcte|aangewezen) (?:persoon|contactpersoon|afdeling"
            r"|ontvanger|adres)"
        ),
        r"\bniet (?:meer )?(?:werkzaam|verantwoordelijk)\b|\bwerk(?:t)? (?:hier )?niet meer\b",
        r"\bheeft (?:het bedrijf|de organisatie|ons) verlaten\b",
        r"\bverkeerde (?:persoon|contactpersoon|afdeling|adres|ontvanger)\b",
        (
            r"\bnon sono (?:la persona|il referente|il contatto|l'interlocutore|la referente)"
            r" (?:giust|corrett|competent|indicat|adatt)\w*"
        ),
        r"\bnon (?:sono|e) (?:piu )?(?:il |la )?(?:referente|responsabile|competente)\b",
        r"\bnon lavor(?:a|o) piu\b|\bha lasciato (?:l'azienda|la societa|l'ufficio)",
        r"\bnon mi occupo (?:di|delle|dei)\b",
    )
)
WRONG_CONTACT_REDIRECT = any_of(
    (
        # Someone else's address given, in any language: "su correo es …", "his email is …".
        (
            r"\b(?:his|her|their|the owner'?s|my boss'?s|su|son|leur|sein|seine|ihre?|zijn|haar"
            r"|il suo|la sua|o seu|a sua|jego|jej)\s+(?:e-?mail|correo(?: electronico)?|courriel"
            r"|adresse(?: e-?mail)?|mail|e-?mail-?adresse|e-?mailadres|indirizzo(?: e-?mail)?"
            r"|endereco(?: de e-?mail)?|adres(?: e-?mail)?)\s*(?:is|es|est|ist|e|to|:)"
            r"|\b(?:mandele|mandenle|enviele|envielo|envienle|escribale|escribanle)\b"
        ),
        (
            r"\b(?:invoices|statements|reminders|correspondence|emails|queries|these|all invoices)"
            r"\s+should (?:be )?(?:sent|addressed|directed|emailed|forwarded|go)\s+to\b"
        ),
        (
            r"\bplease\s+(?:send|direct|address|forward|email)\s+"
            r"(?:all |any |future |your |these )*"
            r"(?:future )?(?:invoices|correspondence|reminders|statements|emails|queries"
            r"|communications?|collection (?:emails|notices)|anything)\b"
            r"|\bplease write to\b|\byou want (?=\S+@)"
            r"|\b(?:invoices|statements|correspondence|reminders|queries)\b[^.;!?]{0,40}?"
            r"\b(?:need|needs|must|should) (?:now )?(?:to )?(?:go|be sent|be addressed"
            r"|be directed) to\b"
            r"|\b(?:i|we)(?:'ve| have)? (?:forwarded|passed) (?:this|it) (?:on )?to\b"
        ),
        (
            r"\b(?:please )?(?:contact|email|e-mail|write to|reach out to) (?:our |the )?"
            r"(?:accounts payable|ap|a/p|payables|finance|billing|accounting|accounts"
            r"|bookkeeping|invoice)\b"
        ),
        (
            r"\b(?:talk|speak|write|reach out|turn) to (?:our|my) (?:accountant|bookkeeper"
            r"|colleague|finance|cfo|controller|office manager|assistant|ap|accounts|accounting)"
            r"|\bcontact (?:our|my) (?:accountant|bookkeeper|finance|cfo|controller|office manager"
            r"|assistant|accounting)\b"
        ),
        (
            r"\b(?:contact|email) (?:my|our) colleague\b|\bupdate your (?:records|contact details"
            r"|system|database)\b"
        ),
        (
            r"\b(?:i|we)(?:'ve| have)? (?:forwarded|passed|sent|referred|transferred) (?:your|this"
            r"|the) (?:e-?mail|message|request|reminder|query)(?: on)? to\b"
            r"|\b(?:all |any )?future (?:invoices|correspondence|statements|reminders|e-?mails)\b"
            r"|\b(?:please )?use (?:\S+@\S+|this address|the following address|our new address)"
            r"|\b(?:new|updated|correct|different) (?:e-?mail|remittance|invoicing|billing)"
            r" (?:address|contact|mailbox)\b"
        ),
        (
            r"\b(?:merci de|veuillez) (?:contacter|vous adresser|ecrire|envoyer (?:vos |les )?"
            r"factures)\b|\bles factures doivent etre (?:envoyees|adressees|transmises)"
        ),
        (
            r"\bwenden sie sich (?:bitte )?an\b|\bbitte (?:kontaktieren|schreiben) sie\b"
            r"|\bsenden sie (?:ihre |alle |k(?:u|ue)nftige )?rechnungen (?:bitte )?an\b"
            r"|\brechnungen (?:bitte )?(?:nur |ausschlie(?:ß|ss)lich )?an\b"
        ),
        (
            r"\b(?:dirijase|dirijanse|contacte|contacten|escriba|escriban) (?:a|con)\b|\bpor favor"
            r" (?:contacte|escriba|dirija)|\blas facturas (?:deben|debe) (?:enviarse|ser enviadas"
            r"|dirigirse|remitirse)"
        ),
        (
            r"\bneem (?:dan )?(?:contact op met|contact met)\b|\brichten aan\b|\bstuur (?:de |uw "
            r"|alle )?facturen (?:naar|aan)\b|\bfacturen (?:graag |kunnen |moeten )?(?:sturen"
            r"|gestuurd worden|naar)\b"
        ),
        (
            r"\b(?:si prega di|vi preghiamo di|prego) (?:contattare|scrivere|rivolgersi|inviare)"
            r"|\brivolgersi a\b|\bcontattare (?:il |la |l')?(?:collega|ufficio|reparto"
            r"|amministrazione)|\ble fatture (?:vanno|devono essere) (?:inviate|indirizzate"
            r"|trasmesse)"
        ),
    )
)

# --------------------------------------------------------------------------- insolvency, legal

INSOLVENCY = any_of(
    (
        r"\bbankrupt\w*|\bchapter (?:7|11|13|15)\b|\binsolven\w*",
        # India's Insolvency and Bankruptcy Code, before the NCLT.
        r"\bnclt\b|\bcirp\b|\bibc\b|\binterim resolution professional\b|\bmoratorium\b",
        (
            r"\b(?:gone|went|entered|entering|enter|placed|going|go|put)\s+(?:into\s+)?"
            r"administration\b"
            r"|\b(?:is|are|now|company) in administration\b"
        ),
        r"\badministrators? (?:ha(?:ve|s) been |were |was )?appointed\b|\breceivership\b",
        r"\bjoint administrators?\b|\bappointed\b[^.;!?]{0,80}?\bas administrators?\b",
        r"\breceivers? (?:ha(?:ve|s) been |were |was )?appointed\b",
        r"\b(?:in|into|voluntary|compulsory|creditors'? voluntary) liquidation\b|\bliquidators?\b",
        r"\bwinding[- ]up\b|\bwound up\b|\bcreditors'? (?:voluntary )?arrangement\b|\bcva\b",
        r"\bceased trading\b|\bcease trading\b|\b(?:going )?out of business\b|\bccaa\b",
        r"\bproof of claim\b|\bautomatic stay\b|\bdebtor in possession\b|\bexaminership\b",
        r"\bredressement judiciaire\b|\bliquidation (?:judiciaire|amiable)\b|\ben liquidation\b",
        (
            r"\bprocedure (?:collective|de sauvegarde|de redressement|de liquidation)\b"
            r"|\b(?:plan|procedure) de sauvegarde\b|\bsauvegarde judiciaire\b"
        ),
        (
            r"\bmandataire judiciaire\b|\badministrateur judiciaire\b|\bcessation (?:des |de )?"
            r"paiements\b|\bfaillite\b|\bdepot de bilan\b|\bdepose le bilan\b"
        ),
        (
            r"\bkonkurs\w*|\bzahlungsunf(?:a|ae)hig\w*|\bschutzschirm\w*|\beigenverwaltung\b"
            r"|\bforderungsanmeldung\b"
        ),
        (
            r"\bconcurso (?:de acreedores|voluntario|necesario)\b|\b(?:en|declarad[oa]s? en"
            r"|solicitado el) concurso\b|\badministrador(?:es)? concursal\w*|\bpreconcurso\b"
            r"|\bquiebra\b|\bliquidacion (?:concursal|judicial)\b|\bley concursal\b"
        ),
        (
            r"\bfaillissement\w*|\bfailliet\w*|\bsurseance(?: van betaling)?\b|\bcurator\b"
            r"|\bbewindvoerder\b|\bwsnp\b|\bschuldsanering\b|\bin liquidatie\b"
        ),
        (
            r"\bfalliment\w*|\bfallit[aoie]\b|\bconcordato (?:preventivo|fallimentare)\b"
            r"|\bin liquidazione\b|\bliquidazione (?:giudiziale|coatta)\b|\bcuratore fallimentare\b"
            r"|\bamministrazione straordinaria\b|\bprocedura (?:concorsuale|fallimentare)\b"
            r"|\binsolvenza\b"
        ),
    )
)

LEGAL_THREAT = any_of(
    (
        r"\b(?:lawyers?|attorneys?|solicitors?|barristers?|legal counsel)\b",
        (
            r"\blegal (?:action|steps|proceedings|counsel|department|team|advice|recourse|remedies"
            r"|measures|representative)\b"
        ),
        (
            r"\b(?:will|going to|shall|'ll|to|and|or|we|i) sue\b|\bsue (?:you|your|them|the"
            r" company)"
            r"\b|\bsuing\b|\blawsuit\b"
        ),
        (
            r"\bcourt\b|\bsmall claims\b|\btribunal\b|\blitigation\b"
            r"|\bharass\w*\b(?!\s+(?:my|our) (?:staff|team|employees|people|colleagues))"
        ),
        (
            r"\bcease and desist\b|\bfdcpa\b|\bfair debt collection\b|\bconsumer protection\b"
            r"|\bcfpb\b|\breport (?:you|your company|this) to\b|\bombudsman\b"
            r"|\bbetter business bureau\b|\bdefamat\w*|\blibel\b"
        ),
        (
            r"\bavocats?\b|\bservice juridique\b|\bconseil juridique\b|\bpoursuites? judiciaires?\b"
            r"|\bporter plainte\b|\bplainte\b|\bharcel\w*|\bmise en demeure\b|\ben justice\b"
        ),
        (
            r"\b(?:rechts)?anw(?:a|ae)lt\w*|\banwaltlich\w*|\bgericht\w*|\bklage\b|\bverklagen\b"
            r"|\brechtliche (?:schritte|konsequenzen|mittel)\b|\brechtsabteilung\b|\bbel(?:a"
            r"|ae)stig\w*"
            r"|\bstrafanzeige\b|\bjustiziar\w*"
        ),
        (
            r"\babogad[oa]s?\b|\bdemandar\w*|\bjuzgado\w*|\bacoso\b|\bacosando\b"
            r"|\b(?:acciones|medidas) (?:legales|judiciales)\b|\bvia judicial\b"
            r"|\bdepartamento (?:legal|juridico)\b|\basesor(?:ia)? (?:legal|juridic[oa])\b"
        ),
        (
            r"\badvoca(?:at|ten)\b|\brechter\b|\brechtbank\b|\bjuridische (?:stappen|afdeling"
            r"|actie|maatregelen)\b|\bdagvaard\w*|\bintimidatie\b|\bgerechtelijke\b"
        ),
        (
            r"\bavvocat[oi]\b|\b(?:il nostro|nostro|mio|al nostro|dal nostro) legale\b"
            r"|\bufficio legale\b|\b(?:vie|azioni|misure) legali\b|\btribunale\b|\bquerela\b"
            r"|\bmolesti\w*|\bgiudice\b|\bcausa (?:legale|civile)\b"
        ),
    )
)

HOSTILE = any_of(
    (
        (
            r"\bstop (?:emailing|contacting|spamming|harassing|bothering|calling|sending|chasing"
            r"|pestering|hounding|writing)\b|\bleave (?:me|us) alone\b"
        ),
        r"\bf+u+c+k\w*|\bsh[i1]t+\w*|\bidiot\w*|\bstupid\b|\bmoron\w*|\bincompeten\w*",
        r"\bscam(?:mer)?s?\b|\bfraud(?:ster)?s?\b|\bcrooks?\b|\bthie(?:f|ves)\b|\bridiculous\b",
        r"\bdisgusting\b|\bdisgrace\w*|\bpathetic\b|\bjoke\b|\brip-?off\b|\bhow many times\b",
        r"\bgo away\b|\bget lost\b|\bbugger off\b|\bpiss\w*|\bdamn\w*|\bbloody\b|\bspam\w*",
        (
            r"\bsick and tired\b|\bfed up\b|\bshame on you\b|\bunacceptable\b|\boutrageous\b"
            r"|\bappalling\b"
        ),
        (
            r"\barretez de\b|\bcessez de\b|\bfoutez|\bfiche[rz]? (?:nous|moi) la paix|\bmerde\b"
            r"|\bputain\b|\barnaque\w*|\bescroc\w*|\bvoleurs?\b|\bridicule\b|\binadmissible\b"
            r"|\binacceptable\b|\bscandal\w*|\bhonte\b"
        ),
        (
            r"\bh(?:o|oe)ren sie auf\b|\blassen sie (?:mich|uns) in ruhe\b|\bunversch(?:a|ae)mt\w*"
            r"|\bfrechheit\b|\bbetrug\b|\bbetr(?:u|ue)ger\w*|\babzocke\w*|\bschei(?:ß|ss)\w*"
            r"|\bl(?:a|ae)cherlich\w*|\binkompeten\w*|\bzumutung\b"
        ),
        (
            r"\bdejen de\b|\bdeje de\b|\bdejad de\b|\bbasta ya\b|\bestafa\w*|\bladrones\b"
            r"|\bridicul\w*|\bverguenza\b|\bmierda\b|\binaceptable\b|\bdejen(?:me|nos) en paz"
        ),
        (
            r"\bhoud (?:op|nou op)\b|\bstop met\b|\blaat (?:me|mij|ons) (?:toch )?met rust\b"
            r"|\bbelachelijk\w*|\boplicht\w*|\bschandalig\w*|\bschande\b|\bidioot\w*|\bklote\w*"
            r"|\bwaardeloos\b|\bonacceptabel\b"
        ),
        (
            r"\bsmettete(?:la)? di\b|\bsmettetela\b|\blasciate(?:ci|mi) in pace\b|\bvergogn\w*"
            r"|\btruff\w*|\bladri\b|\bridicol\w*|\bcazz\w*|\binaccettabil\w*|\bscandalos\w*"
        ),
    )
)

# Abuse, threats and a broken relationship: a person must answer, whatever else is asked.
HOSTILE_STRONG = any_of(
    (
        r"\bf+[u*#@!]+c*k\w*|\bf[*#@!]{2,}\w*|\bpiss (?:off|me off)\b|\bsh[i1*]t+\w*",
        r"\b(?:you'll|you will|they'll|they will|he'll|she'll) (?:regret it|be sorry)\b",
        r"\b(?:you've|you have) been warned\b|\bwatch (?:your|their) backs?\b",
        r"\bharass\w* (?:my|our) (?:staff|team|employees|people|colleagues)\b",
        r"\b(?:i'm|i am|we're|we are) (?:done|finished) with you\b",
        (
            r"\blast (?:order|business|purchase) you'll ever get\b|\bnever (?:buy|buying|order"
            r"|ordering|deal|dealing|work|working) (?:\w+ )?(?:from|with) you again\b"
        ),
        r"\butterly useless\b|\bcompletely useless\b|\bdo you lot\b",
    )
)

RHETORICAL = _re(
    r"\b(?:how many times|what part of|are you (?:serious|kidding|joking|stupid|insane|mad"
    r"|even reading|listening)|who do you think|what is wrong with you|combien de fois"
    r"|wie oft noch|wie oft denn|cuantas veces|hoe vaak nog|quante volte)\b"
)

QUESTION = any_of(
    (
        (
            r"\b(?:please|kindly|could you|can you|would you)\s+<W>{0,2}?(?:confirm|advise"
            r"|clarify|explain|tell (?:me|us)|let (?:me|us) know (?:what|when|how|whether|which"
            r"|why|the))\b"
        ),
        r"\b(?:i|we) (?:would|'d) like to know\b|\bwondering (?:if|whether|what|when|how|why)\b",
        r"\bplease (?:let (?:me|us) know|advise) (?:what|when|how|whether|which|why)\b",
        (
            r"\b(?:pouvez|pourriez|pourrez)-vous\s+<W>{0,2}?(?:confirmer|indiquer|preciser"
            r"|expliquer|dire|communiquer)|\bmerci de (?:me |nous )?(?:confirmer|preciser"
            r"|indiquer)|\bje souhaiterais savoir|\bj'aimerais savoir"
        ),
        r"\b(?:k(?:o|oe)nnen|k(?:o|oe)nnten|w(?:u|ue)rden) sie (?:uns |mir )?(?:bitte )?"
        r"(?:" + TOK + r"){0,4}?(?:best(?:a|ae)tigen|mitteilen|sagen|erkl(?:a|ae)ren"
        r"|kl(?:a|ae)ren|pr(?:u|ue)fen)|\bbitte (?:best(?:a|ae)tigen|teilen) sie\b"
        r"|\b(?:ich|wir) m(?:o|oe)chten wissen\b|\bbitte um (?:best(?:a|ae)tigung"
        r"|r(?:u|ue)ckmeldung|kl(?:a|ae)rung|info\w*)",
        (
            r"\b(?:puede|pueden|podria|podrian)\s+<W>?(?:confirmar|indicar|aclarar|explicar"
            r"|decir)|\bpor favor,? (?:confirme|confirmen|indique|indiquen|aclare)|\bquisiera saber"
            r"|\b(?:me|nos) gustaria saber"
        ),
        (
            r"\b(?:kunt|kan|zou) (?:u|je)\s+<W>{0,4}?(?:bevestigen|laten weten|aangeven"
            r"|uitleggen|vertellen|nagaan|controleren)|\bgraag (?:een )?bevestiging\b"
            r"|\bgraag vernemen\b|\b(?:ik|wij) (?:wil|willen) graag weten\b"
        ),
        (
            r"\b(?:potete|potreste|puo|potrebbe)\s+<W>{0,3}?(?:confermare|indicare|chiarire"
            r"|spiegare|dire|comunicare|verificare)|\b(?:vi|la) prego di (?:confermare|indicare)"
            r"|\bvorrei sapere\b|\bvorremmo sapere\b|\bgradirei sapere"
        ),
    )
)

# "We'll pay on that date": the day said earlier in the message.
THAT_DATE = any_of(
    (
        r"\b(?:on|by|at|for) (?:that|this|the same|the agreed) (?:date|day)\b|\bby then\b"
        r"|\buntil then\b",
        r"\b(?:a|pour) cette (?:date|echeance)\b|\bd'ici la\b|\bce jour-la\b",
        r"\b(?:an|zu|bis zu|bis zum|zum) (?:diesem|dem) (?:tag|datum|termin)\b|\bbis dahin\b",
        r"\b(?:en|para|hasta) esa fecha\b|\bese dia\b|\bpara entonces\b",
        r"\bop (?:die|deze) (?:datum|dag)\b|\btegen die tijd\b",
        r"\b(?:in|entro|a|per) quella data\b|\bper allora\b|\bquel giorno\b",
        r"\bnessa data\b|\bate la\b|\bw tym dniu\b|\bdo tego czasu\b",
    )
)
# The invoice is said to be gone already: written off, waived, cancelled or credited on our
# side, or simply no longer owed.
_OWED_THING = (
    r"(?:invoices?|inv[\w/-]*|it|this|that|balance|amount|charge|debt|facture|elle|montant"
    r"|solde|rechnung|betrag|forderung|sie|factura|importe|saldo|factuur|bedrag|deze"
    r"|fattura|importo|fatura|valor|faktura|kwota|\d[\w/-]*)"
)
WRITE_OFF_CLAIM = any_of(
    (
        rf"\b{_OWED_THING}\s+(?:was|were|has been|have been|had been|would be|would have been"
        r"|is|got)\s+(?:already\s+|fully\s+|completely\s+)?(?:written off|waived|forgiven"
        r"|annulled|voided|wiped|credited in full|fully credited|cancell?ed by you)\b",
        r"\b(?:we|i) (?:owe|owe you) nothing\b|\bno longer (?:owed|due|payable|outstanding)\b"
        r"|\bnot owed\b|\bnothing (?:is )?(?:owed|left to pay)\b",
        rf"\b{_OWED_THING}\s+(?:a ete|est|sera|serait|avait ete)\s+(?:annulee?|abandonnee?"
        r"|passee? en perte|effacee?)\b|\bne (?:vous )?devons (?:plus )?rien\b"
        r"|\bplus rien a (?:payer|regler)\b",
        rf"\b{_OWED_THING}\s+(?:wurde|ist|wird|sei|w(?:a|ae)re)\s+(?:bereits\s+)?(?:storniert"
        r"|ausgebucht|erlassen|abgeschrieben|annulliert)\b|\bschulden (?:ihnen )?nichts\b"
        r"|\bnichts mehr zu (?:zahlen|bezahlen)\b",
        rf"\b{_OWED_THING}\s+(?:fue|ha sido|esta|sera|seria|habia sido)\s+(?:anulad[oa]"
        r"|condonad[oa]|cancelad[oa] por)\b|\bno (?:les? )?debemos nada\b|\bnada que pagar\b",
        rf"\b{_OWED_THING}\s+(?:is|werd|zou|wordt)\s+(?:al\s+)?(?:gecrediteerd"
        r"|kwijtgescholden|geannuleerd|afgeboekt|geschrapt)\b|\bniets (?:meer )?verschuldigd\b"
        r"|\bhoeven (?:we|wij) niets (?:meer )?te betalen\b",
        rf"\b{_OWED_THING}\s+(?:e stata|era stata|sarebbe stata|verra|e)\s+(?:stornat[oa]"
        r"|annullat[oa]|abbuonat[oa]|stralciat[oa])\b|\bnon (?:vi )?dobbiamo (?:piu )?"
        r"(?:nulla|niente)\b|\bnulla da pagare\b|\bper noi e chiusa\b",
        rf"\b{_OWED_THING}\s+(?:foi|esta|seria|sera)\s+(?:anulad[oa]|estornad[oa]"
        r"|cancelad[oa] por)\b|\bnada a pagar\b|\bnao (?:vos )?devemos nada\b",
        r"\b(?:zostanie|zostala|zostal) (?:anulowan[ya]|umorzon[ya])\b|\bnie jest nalezn[ya]\b"
        r"|\bnic nie jestesmy winni\b",
    )
)
# A commitment with no date: looking into it, in approval, will come back to you.
STALL = any_of(
    (
        r"\b(?:looking|look|looked) into (?:it|this|that|the matter|the invoice|your)"
        r"|\b(?:will|'ll|shall) (?:get back|come back|revert|circle back|update you|keep you"
        r" posted|let you know)\b|\b(?:working|work) on (?:it|this|that)\b"
        r"|\b(?:we're|we are|i'm|i am) on it\b"
        r"|\bbeing (?:processed|reviewed|looked at|looked into|checked|approved|handled)\b"
        r"|\b(?:in|through|going through) (?:the |our )?(?:approval|review|sign-?off"
        r"|validation|authori[sz]ation) (?:process|cycle|queue|stage|workflow)\b"
        r"|\bbear with (?:us|me)\b|\bchasing (?:it|this) internally\b",
        r"\b(?:on|nous|je) (?:regarde|regardons|verifie|verifions|etudie|etudions)\b"
        r"|\ben cours de (?:traitement|validation|verification|approbation|examen|analyse)\b"
        r"|\b(?:reviens|revenons|reviendrai|reviendrons) vers (?:vous|toi)\b"
        r"|\b(?:vous|te) tiens? (?:au courant|informee?s?)\b|\bje m'en occupe\b",
        r"\bwird (?:gepr(?:u|ue)ft|bearbeitet|gekl(?:a|ae)rt)\b|\bin (?:bearbeitung|pr(?:u|ue)fung"
        r"|kl(?:a|ae)rung|freigabe)\b|\b(?:ich|wir) (?:pr(?:u|ue)fen|schauen|kl(?:a|ae)ren) "
        r"(?:das|es|dies)\b|\b(?:melde|melden) (?:mich|uns)\b|\bk(?:u|ue)mmere mich\b"
        r"|\bkomme?n? (?:darauf )?zur(?:u|ue)ck\b",
        r"\blo (?:estamos|estoy) (?:revisando|mirando|viendo|gestionando)\b"
        r"|\b(?:estamos|estoy) en ello\b|\ben (?:tramite|proceso de (?:aprobacion|revision"
        r"|validacion))\b|\b(?:le|les|te|os) (?:respondo|responderemos|contestamos"
        r"|informaremos|informo|diremos|digo algo|decimos algo)\b",
        r"\b(?:kijken|kijk) (?:er|hier) ?(?:naar|na)\b|\baan het (?:kijken|uitzoeken)\b"
        r"|\b(?:komen|kom) (?:er ?op|hierop|daarop) terug\b|\bwordt aan gewerkt\b"
        r"|\bin behandeling\b|\bwordt (?:bekeken|uitgezocht|nagekeken|verwerkt)\b",
        r"\b(?:stiamo|sto) (?:verificando|controllando|guardando|valutando|lavorando)\b"
        r"|\b(?:vi|ti) (?:faremo|faro|faccio) sapere\b|\b(?:vi|la|ti) (?:aggiorno|aggiorneremo"
        r"|ricontatteremo|ricontatto)\b|\bin (?:fase|corso) di (?:approvazione|verifica"
        r"|lavorazione|valutazione)\b",
        r"\b(?:estamos|estou) (?:verificando|analisando|vendo)\b|\b(?:retornaremos"
        r"|daremos retorno|damos retorno)\b|\bem (?:analise|aprovacao)\b",
        r"\bsprawdzamy\b|\b(?:wrocimy|odezwiemy sie|odezwe sie)\b|\bw trakcie (?:weryfikacji"
        r"|akceptacji|realizacji)\b",
    )
)
# "Stop emailing me", "unsubscribe", "remove me from your list", said in so many words.
OPT_OUT = any_of(
    (
        r"^\W*unsubscribe\W*$|\b(?:stop|quit|cease) (?:e-?mailing|mailing|spamming|writing to"
        r"|contacting|sending (?:me|us)|chasing me)\b|\bremove (?:me|us|this address|my address"
        r"|my e-?mail)\s+from (?:your|the|this) (?:mailing |e-?mail |distribution |contact )?"
        r"(?:list|distribution|database)|\b(?:do not|don't|dont|never) (?:contact|e-?mail"
        r"|write to|message) (?:me|us) (?:again|any ?more|about)|\btake me off (?:your|the|this)"
        r" (?:list|mailing)|\bno more (?:e-?mails|reminders|messages) (?:to me|please)",
        r"\b(?:arretez|cessez) de (?:m'|nous )?(?:ecrire|contacter|envoyer des (?:e-?mails|mails))"
        r"|\bne (?:m'|nous )?(?:ecrivez|contactez|envoyez|relancez) plus\b|\bdesinscri"
        r"|\b(?:retirez|supprimez|enlevez)-(?:moi|nous) de\b|\bmerci de ne plus (?:m'|nous )?"
        r"(?:ecrire|contacter|envoyer)",
        r"\bh(?:o|oe)ren sie auf,? (?:mir|uns) zu (?:schreiben|mailen)|\bschreiben sie (?:mir|uns)"
        r" nicht mehr\b|\bkeine (?:weiteren )?(?:e-?mails|mails|mahnungen|nachrichten) mehr\b"
        r"|\b(?:aus|von) (?:ihrem|dem|ihrer) (?:verteiler|mailingliste|liste)"
        r" (?:entfernen|streichen|nehmen)|\bkontaktieren sie (?:mich|uns) nicht mehr\b",
        r"\b(?:dejen|deje|dejad) de (?:escribirme|escribirnos|enviarme|enviarnos|contactarme"
        r"|contactarnos)|\bno (?:me|nos) (?:escriban|envien|contacten|escribas|mandes) mas\b"
        r"|\b(?:eliminenme|borrenme|quitenme|sacadme|eliminadme) de\b|\bdarme de baja\b",
        r"\bstop met (?:mailen|e-?mailen|mij te mailen|ons te mailen)|\b(?:mail|e-?mail|mailt"
        r"|stuur|stuurt) (?:mij|me|ons) (?:geen (?:e-?mails|mails|herinneringen) )?niet meer\b"
        r"|\b(?:verwijder|haal) (?:mij|me|ons) (?:uit|van) (?:uw|jullie|de)\b|\bafmelden\b"
        r"|\bgeen (?:e-?mails|mails|herinneringen) meer\b",
        r"\b(?:smettete|smettetela) di (?:scrivermi|scriverci|contattarmi|contattarci)"
        r"|\bnon (?:mi|ci) (?:scrivete|mandate|inviate|contattate) piu\b"
        r"|\bnon (?:mandatemi|mandateci|scrivetemi|inviatemi) piu\b|\b(?:rimuovetemi"
        r"|cancellatemi|toglietemi)\b|\bbasta con (?:queste |le vostre )?(?:e-?mail|mail)\b",
    )
)
# "Received, forwarded to AP", "noted, thanks": read, passed on, nothing asked or promised.
ACKNOWLEDGEMENT = any_of(
    (
        r"\b(?:noted|acknowledged|well received|received with thanks|got it|received,? thanks?"
        r"|thanks?,? (?:received|noted))\b|\b(?:forwarded|forwarding|passed|sent)"
        r" (?:it |this |them |that )?(?:on |over |along )?to (?:our |the |my )?(?:ap|a/p|accounts"
        r"|accounting|finance|payables|purchase ledger|team|colleague|relevant|person|department"
        r"|manager|controller)",
        r"\b(?:c'est|bien|pris|prenons|avons pris|ai pris) note\b|\bbien recue?s?\b"
        r"|\b(?:transmise?s?|transferee?s?|fait suivre) (?:a|au|aux) (?:la |notre |nos |mon )?"
        r"(?:compta|service|equipe|collegue|responsable|direction)",
        r"\bzur kenntnis genommen\b|\b(?:ist |wurde )?notiert\b|\b(?:erhalten|bekommen),"
        r" (?:danke|vielen dank)\b|\bdanke,? (?:erhalten|ist angekommen)\b"
        r"|\bweitergeleitet\b|\bweitergegeben\b",
        r"\b(?:recibido|anotado)(?:[,.!]| gracias)|\b(?:tomamos|tomo) nota\b"
        r"|\b(?:reenviad[oa]|trasladad[oa]|pasad[oa]|remitid[oa]) (?:a|al) (?:la |el |nuestr[oa] )?"
        r"(?:contabilidad|departamento|equipo|area|compa(?:n|ñ)er[oa]|responsable|administracion)",
        r"\b(?:goed |in goede orde )?ontvangen,? (?:dank|bedankt)|\bgenoteerd\b"
        r"|\b(?:doorgestuurd|doorgezet|doorgegeven) (?:naar|aan)\b",
        r"\bricevut[oa](?:[,.!]| grazie)|\b(?:preso nota|prendiamo nota|prendo nota)\b"
        r"|\b(?:inoltrat[oaie]|girat[oaie]) (?:a|al|alla|all'|ai) ",
        r"\b(?:recebid[oa]|anotad[oa])(?:[,.!]| obrigad)|\b(?:encaminhei|encaminhado|encaminhada"
        r"|repassei|repassado) (?:para|ao|a|à)\b",
        r"(?<!nie )\botrzyma(?:lem|lam|lismy)(?:[,.!]| dziekuje)"
        r"|(?<!nie )\bprzekaza(?:lem|lam|lismy|ne|no)\b"
        r"|\bprzyja(?:lem|lam|lismy) do wiadomosci\b",
    )
)
# "Could you send us the W-9?", "Podem reenviar o XML?": a request to send something is
# asked as a question; it is answered by sending, not by a person.
ASKS_TO_SEND = any_of(
    (
        r"\b(?:can|could|would|will) you\s+<W>{0,2}?(?:send|resend|re-send|forward|provide"
        r"|share|e-?mail|supply|reissue|re-issue|mail|pass)\b",
        r"\b(?:pouvez|pourriez|pourrez)-vous\s+<W>{0,3}?(?:envoyer|renvoyer|transmettre"
        r"|faire parvenir|adresser|fournir|communiquer)\b",
        r"\bk(?:o|oe)nn(?:en|ten|test|tet) (?:sie|du|ihr)\b[^.?!]{0,120}?(?:senden|schicken"
        r"|ubermitteln|ubersenden|zukommen lassen|mailen|zustellen|weiterleiten)\b",
        r"\b(?:puede|pueden|podria|podrian|podes|podeis)\s+<W>{0,3}?(?:enviar|reenviar|mandar"
        r"|remitir|facilitar|pasar|reenvi)\w*",
        r"\b(?:me|nos) (?:pasas|pasais|pasan|envias|enviais|envian|mandas|mandais|mandan)\b",
        r"\b(?:kunt|kan|zou|wil|wilt|kunnen) (?:u|je|jij|jullie)\s+<W>{0,5}?(?:sturen"
        r"|toesturen|opsturen|doorsturen|nasturen|zenden|toezenden|mailen)\b",
        r"\b(?:potete|potreste|puoi|potresti|puo|potrebbe)\s+<W>{0,3}?(?:inviar|mandar"
        r"|trasmetter|rinviar|rimandar|reinviar|fornir|girar|inoltrar)\w*",
        r"\b(?:podem|poderiam|pode|poderia|podes)\s+<W>{0,3}?(?:enviar|reenviar|mandar"
        r"|encaminhar)\w*",
        r"\b(?:moga|mogliby|mozecie|moze|mozna)\s+<W>{0,3}?(?:przeslac|wyslac|przekazac)\b",
    )
)

# --------------------------------------------------------------------------- automatic mail

AUTO_SUBJECT = _re(
    r"\b(?:automatic reply|auto[- ]?reply|autoreply|auto[- ]?response|out of (?:the )?office"
    r"|ooo|abwesenheitsnotiz|abwesend|automatische antwort|reponse automatique|absence|absent"
    r"|respuesta automatica|fuera de la oficina|automatisch antwoord|afwezig\w*"
    r"|risposta automatica|fuori ufficio|fuori sede|assenza|assente|away from (?:the )?office"
    r"|on leave|on vacation|on holiday)\b"
)
AUTO_BODY = _re(
    r"\b(?:automatic (?:reply|response|message)|auto-?(?:reply|response|generated)"
    r"|automated (?:reply|response|message)|this is an automat\w+|automatische (?:antwort"
    r"|nachricht|abwesenheitsnotiz)|abwesenheitsnotiz|reponse automatique|message automatique"
    r"|respuesta automatica|mensaje automatico|automatisch (?:antwoord|bericht)"
    r"|risposta automatica|messaggio automatico)\b"
)
OUT_OF_OFFICE = any_of(
    (
        (
            r"\b(?:i am|i'm|i will be|i'll be|we are|we're|the office is|our office (?:is|will be)"
            r"|office will be)\s+(?:currently\s+|now\s+)?(?:out of (?:the )?office|ooo|away(?: from"
            r" (?:the|my) (?:office|desk))?|on (?:annual |parental |maternity |paternity |sick )?"
            r"leave|on (?:vacation|holiday|holidays|business travel|a business trip|pto)"
            r"|travel+ing|off (?:work|sick)|closed|not in the office|out of town|unavailable"
            r"|absent)\b"
        ),
        r"\bout of (?:the )?office (?:until|till|from|through|returning)\b",
        (
            r"\b(?:i will|i'll) (?:be back|return|be returning)\b|\bupon my return\b"
            r"|\bwhen i (?:return|get back|am back)\b|\blimited access to (?:e-?mail|my e-?mail)\b"
        ),
        (
            r"\bje suis (?:actuellement )?(?:absente?|en conges?|en vacances|en deplacement"
            r"|hors du bureau)|\bje serai (?:absente?|de retour|en conges?)|\bde retour (?:le|au"
            r"|a partir)|\bdes mon retour|\ba mon retour"
        ),
        r"\bich bin (?:" + TOK + r"){0,5}?(?:nicht im b(?:u|ue)ro|abwesend|im urlaub"
        r"|nicht erreichbar|auf dienstreise|au(?:ß|ss)er haus|nicht im hause?|krank)"
        r"|\bwieder (?:f(?:u|ue)r sie )?(?:im b(?:u|ue)ro|erreichbar|da|zur(?:u|ue)ck|im hause)\b"
        r"|\bnach meiner r(?:u|ue)ckkehr\b|\bbefinde mich (?:" + TOK + r"){0,5}?(?:im urlaub"
        r"|in elternzeit|auf dienstreise|au(?:ß|ss)er haus|nicht im b(?:u|ue)ro)",
        (
            r"\bestoy (?:fuera de la oficina|de vacaciones|ausente|de viaje|de baja)|\bestare"
            r" (?:fuera|ausente|de vacaciones)|\bvolvere (?:el|a la oficina)|\ba mi regreso\b"
            r"|\bestare de vuelta|\bregresare\b"
            r"|\bestaremos (?:fuera|ausentes|de vacaciones|cerrados)"
        ),
        r"\bik ben (?:" + TOK + r"){0,4}?(?:afwezig|met vakantie|niet op kantoor|niet aanwezig"
        r"|niet bereikbaar|op vakantie|ziek)|\bweer (?:aanwezig|op kantoor|bereikbaar)\b"
        r"|\bbij terugkomst\b|\bna mijn terugkomst\b",
        (
            r"\bsono (?:attualmente )?(?:fuori (?:ufficio|sede)|assente|in ferie|in vacanza"
            r"|in trasferta|in malattia)|\bsaro (?:assente|fuori ufficio|in ferie|di ritorno)"
            r"|\brientrero\b|\bal mio rientro\b"
        ),
        r"\b(?:estou|estarei) (?:de ferias|fora do escritorio|ausente|de licenca|em viagem)"
        r"|\b(?:retorno|regresso|volto) (?:em|no dia|a \d)",
        r"\b(?:jestem|bede) (?:poza biurem|na urlopie|nieobecn[ya])|\bprzebywam na urlopie"
        r"|\bwracam (?:do biura|w |we |\d)",
    )
)
BOUNCE_SUBJECT = _re(
    r"\b(?:undeliverable|undelivered|delivery status notification|mail delivery failed"
    r"|delivery failure|returned mail|failure notice|non remis|non distribuable|unzustellbar"
    r"|nicht zustellbar|no se puede entregar|onbestelbaar|non recapitabile"
    r"|mail delivery subsystem)\b"
)
# Phrases only a mail server writes: one is enough.
BOUNCE_TECHNICAL = _re(
    r"\b(?:delivery status notification|mail delivery (?:subsystem|system)|mailer-daemon"
    r"|550[ -]5\.\d\.\d|5\.1\.1|recipient address rejected|user unknown|unknown user"
    r"|no such user|the e-?mail account (?:that )?you tried to reach does not exist"
    r"|this is the mail system at host|delivery has failed to these recipients"
    r"|permanent (?:fatal )?(?:error|failure))\b"
)
# Phrases a person might also write ("your e-mail was undeliverable"): two are needed.
BOUNCE_BODY = _re(
    r"\b(?:delivery (?:has failed|failed|failure)|undeliverable"
    r"|could ?n[o']?t be delivered|message not delivered|wasn't delivered to"
    r"|address not found|couldn't be found|could not be found"
    r"|mailbox (?:unavailable|full|not found|does not exist|is full)|mail delivery failed"
    r"|impossible de (?:remettre|distribuer)|n'a pas pu etre (?:remis|distribue)"
    r"|nicht zugestellt werden|zustellung (?:ist )?fehlgeschlagen|no se (?:pudo|ha podido)"
    r" entregar|entrega fallida|kan niet worden (?:bezorgd|afgeleverd)|bezorging (?:is )?mislukt"
    r"|impossibile recapitare|mancato recapito|non e stato possibile recapitare)\b"
)

# --------------------------------------------------------------------------- prompt injection

# Text addressed to a machine rather than to a person: the whole sentence is set aside.
INJECTION_STRONG = any_of(
    (
        (
            r"\b(?:ignore|disregard|forget|override|bypass)\s+(?:all\s+|any\s+|the\s+|your\s+"
            r"|of\s+|my\s+)*(?:previous|prior|above|earlier|preceding|former|system|original)?\s*"
            r"(?:instructions?|prompts?|rules|directions|guidelines|directives|context|programming"
            r"|policies|constraints)\b"
        ),
        (
            r"\bsystem (?:prompt|message|instructions?)\b|\bdeveloper (?:mode|message)\b"
            r"|\bjailbreak\w*|\bprompt injection\b"
        ),
        r"\byou are now\b(?!\s+(?:overdue|late|past due|in breach|aware|informed|able))",
        r"\bact as (?:an?|the|my) (?:ai|assistant|admin\w*|system)\b|\bpretend (?:to be|you are)\b",
        r"\bas an? (?:ai|a\.i\.|language model|llm|assistant|chatbot|bot)\b",
        r"\bnew (?:instructions|rules|directives?)\s*:",
        r"<\|?(?:im_start|system|assistant)\|?>|\[/?(?:inst|system)\]|^\s*(?:system|assistant)\s*:",
        r"\boverride\b",
        (
            r"\bas your (?:cfo|ceo|coo|cto|controller|financial controller|finance director"
            r"|managing director|director|manager|supervisor|boss|owner|administrator|admin"
            r"|system administrator|auditor)\b"
        ),
        (
            r"\b(?:i|we) (?:hereby )?(?:approve|authori[sz]e|grant|sanction)\b(?:\s+[\w%-]+){0,4}?"
            r"\s+(?:discount|write[- ]?off|waiver|credit|reduction|refund|extension|\d+ ?%)"
        ),
        (
            r"\b(?:discount|write[- ]?off|waiver|reduction|credit)\b(?:\s+\w+){0,3}?\s+(?:approved"
            r"|authori[sz]ed|signed off) by\b"
        ),
        r"\bapproved by (?:the |your |our )?(?:cfo|ceo|management|finance director|controller)\b",
        (
            r"\b(?:send|forward|email|e-mail|share|export)\s+(?:\S+\s+){0,6}?(?:statements?"
            r"|invoices?|ledger|records|data|details|account|history|balances?|customer list"
            r"|bank details)\s+(?:of|for|from)\s+(?!(?:account|our|my|this|the account|us|me)\b)"
            r"(?:\S+\s+){0,4}?to\s+\S+@\S+"
        ),
        r"\bignore[zr]? (?:les|toutes les|vos) (?:instructions|consignes)\b",
        (
            r"\bignoriere\w* (?:alle |die )?(?:vorherigen|bisherigen|obigen)? ?(?:anweisungen"
            r"|instruktionen)\b"
        ),
        r"\bignora\w* (?:las |todas las |le |tutte le )?(?:instrucciones|istruzioni)\b",
        r"\bnegeer (?:alle |de )?(?:vorige |eerdere )?instructies\b",
    ),
    re.MULTILINE,
)
# Instructions to change the ledger: the phrase itself is set aside, the rest is read.
INJECTION_WEAK = any_of(
    (
        (
            r"\bmark(?:ed)?\s+(?:[\w#-]+\s+){0,5}?(?:as\s+)?(?:paid|settled|closed|resolved|cleared"
            r"|written off)\b"
        ),
        r"\bset (?:the |my |our )?(?:balance|amount|status) to\b[^.;!?]{0,30}",
        (
            r"\b(?:marque[rz]?|considerez)\s+(?:\S+\s+){0,5}?comme\s+(?:payee?s?|reglee?s?"
            r"|soldee?s?)"
        ),
        (
            r"\bals\s+(?:bezahlt|beglichen|erledigt)\s+(?:markieren|kennzeichnen|buchen"
            r"|verbuchen)\b"
            r"|\b(?:markieren|kennzeichnen|buchen) sie\s+(?:\S+\s+){0,5}?als\s+(?:bezahlt"
            r"|beglichen)"
        ),
        (
            r"\bmarca[rd]?\s+(?:\S+\s+){0,5}?como\s+(?:pagad|liquidad|saldad)\w*"
            r"|\bmarquen?\s+(?:\S+\s+){0,5}?como\s+(?:pagad|liquidad|saldad)\w*"
        ),
        (
            r"\bmarkeer\s+(?:\S+\s+){0,5}?als\s+(?:betaald|voldaan)|\bals betaald (?:markeren"
            r"|boeken|aanmerken)"
        ),
        r"\b(?:segna(?:re|te)?|contrassegna\w*)\s+(?:\S+\s+){0,5}?come\s+(?:pagat|saldat)\w*",
    )
)

# --------------------------------------------------------------------------- references

PAYMENT_REFERENCE = _re(
    r"\b(?:payment |transfer |wire |transaction |remittance |bank |swift |our |your |the )?"
    r"(?:ref(?:erence)?(?: number| no| code| id)?|confirmation (?:number|no|code|#)"
    r"|transaction (?:id|number|no|ref)|utr|uetr|(?:check|cheque|chq)(?= ?(?:#|no"
    r"|number|nr)) ?(?:#|no\.?|number|nr\.?)?|cro|referenz(?:nummer)?|transaktions(?:nummer"
    r"|-?id)|referencia|numero de (?:operacion|transferencia|referencia)|kenmerk"
    r"|betalingskenmerk|transactienummer|referentie|riferimento|numero (?:di )?(?:operazione"
    r"|transazione)|reference (?:du|de) (?:virement|paiement)|numero de virement)"
    r"\.?\s*(?:no\.?|nr\.?|number|num|n°|#|:|=|is|was|-)?\s*(?:no\.?|#|:)?\s*"
    r"(?P<token>(?=[a-z0-9\-_/]*\d)[a-z0-9][a-z0-9\-_/]{3,})"
)
BARE_REFERENCE = _re(r"\b(?:trx|txn|trn|ft|pay|wire|ach|sepa)[-_]?\d{4,}[a-z0-9]*\b")
EMAIL = _re(r"(?<![a-z0-9._%+'-])[a-z0-9._%+'-]{1,64}@[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}")

# --------------------------------------------------------------------------- promise terms

# "the rest", "the remaining balance", "le solde", "den Restbetrag", "el resto", "il saldo",
# "o restante", "de rest", "resztę": the second part of a split commitment.
REST = _re(
    r"\b(?:the\s+)?(?:rest|remainder|remaining(?:\s+(?:balance|amount|sum|part|\w+))?"
    r"|balance(?:\s+amount)?|outstanding balance|other half|the other(?=\s+(?:[^\w\s]|\d))"
    r"|(?:le\s+)?(?:reste|solde|restant|reliquat)|l'autre moitie"
    r"|(?:den\s+|der\s+|die\s+)?rest(?:betrag|summe|zahlung)?|die andere h(?:a|ae)lfte"
    r"|(?:el\s+|lo\s+)?(?:resto|restante|saldo(?:\s+restante|\s+pendiente)?|remanente)"
    r"|la otra mitad"
    r"|(?:het\s+|de\s+)?(?:rest(?:ant|bedrag)?|resterende(?:\s+\w+)?)|de andere helft"
    r"|(?:il\s+|la\s+)?(?:resto|restante|rimanente|saldo)|l'altra meta"
    r"|(?:o\s+|a\s+)?(?:restante|saldo(?:\s+restante)?|resto|outra metade)"
    r"|(?:reszt[eaę]|pozostał\w*|pozostal\w*|reszta kwoty|druga polow\w*|druga połow\w*))\b"
)
# Half of what is owed, in words: "half", "la moitié", "die Hälfte", "la mitad", "połowę".
HALF = _re(
    r"\b(?:half|fifty per ?cent|la moitie|moitie|die h(?:a|ae)lfte|h(?:a|ae)lfte|la mitad|mitad"
    r"|de helft|helft|la meta|meta(?!\s+(?:del\s+|di\s+)?(?:mese|settimana|prossim\w*|gennaio"
    r"|febbraio|marzo|aprile|maggio|giugno|luglio|agosto|settembre|ottobre|novembre"
    r"|dicembre))|a metade|metade|polow[eay]|połow[eay])\b"
)
# "Now", "right away": the first part of a split commitment when it names no day.
NOW = _re(
    r"\b(?:now|right now|straight away|immediately|at once|maintenant|tout de suite|jetzt|sofort"
    r"|ahora|ya|nu|meteen|adesso|ora|subito|agora|ja|teraz|od razu)\b"
)
# Paying less to close the account for good: an offer a person weighs, in every language.
SETTLEMENT_WORDS = (
    r"\b(?:full and final settlement|in full settlement|as (?:a |full )?settlement"
    r"|zum vollstandigen ausgleich|zur (?:vollstandigen|endgultigen) erledigung|zur abgeltung"
    r"|als vergleich|vergleichsweise|vergleichsangebot|pour solde de tout compte"
    r"|a titre transactionnel|en reglement definitif"
    r"|(?:como|en) (?:pago|liquidacion) (?:total|final|definitiv[oa])(?: y definitivo)?"
    r"|para saldar definitivamente|ter finale kwijting"
    r"|als finale (?:afwikkeling|kwijting)|schikkingsvoorstel|(?:a )?saldo e stralcio"
    r"|a (?:titolo di )?transazione|a chiusura definitiva"
    r"|(?:como |para )?quitacao (?:total|integral|definitiva)"
    r"|tytulem ugody|w ramach ugody|jako (?:calkowite|ostateczne) rozliczenie)\b"
)
SETTLEMENT_OFFER = _re(SETTLEMENT_WORDS)

# What a promise or offer hangs on: a concession asked for, or a condition set.
CONDITION = any_of(
    (
        r"\b(?:if|once|as soon as|provided(?: that)?|providing|on condition(?: that)?"
        r"|as long as|only if|in exchange for|against)\s+(?:you\s+|your\s+\w+\s+)?(?:can\s+"
        r"|could\s+|will\s+|agree to\s+)?(?:waive|waives|cancel|remove|drop|credit|reduce|write"
        r"|forgive|accept|issue|grant|give|offer|knock|take off|discount|agree)\w*\b[^.;!?\n]*",
        # "But only if you confirm no interest is added": whatever follows is the condition.
        r"\b(?:only if|only once|only when|only on condition|on (?:the )?condition that"
        r"|provided that|nur (?:wenn|falls|sofern|unter der bedingung)|seulement si|uniquement si"
        r"|solo si|solamente si|unicamente si|alleen (?:als|indien|wanneer)|solo se|soltanto se"
        r"|unicamente se|so se|somente se|apenas se|tylko (?:jesli|jezeli|gdy|pod warunkiem))\b"
        r"[^.;!?\n]*",
        r"\b(?:settle|pay|close (?:this|it|the account)|clear (?:this|it))\s+(?:\S+\s+){0,3}?"
        r"for\s+(?:\d{1,3}\s?%|half|(?:a|the)\s+reduced)[^.;!?\n]*",
        rf"{SETTLEMENT_WORDS}[^.;!?\n]*",
        r"\b(?:\d{1,3}\s?%|a)\s+(?:discount|reduction|rebate)\b[^.;!?\n]*",
        r"\b(?:si vous|a condition (?:que|de)|sous reserve (?:que|de)|moyennant|pourvu que"
        r"|en echange d)\s*[^.;!?\n]*?(?:annul|renon|accept|accord|credit|avoir|remise|rabais"
        r"|reduction|penalit|frais|geste)[^.;!?\n]*",
        r"\b(?:wenn sie|falls sie|sofern sie|unter der (?:bedingung|voraussetzung)|vorausgesetzt"
        r"|gegen)\s*[^.;!?\n]*?(?:verzicht|erlass|storn|gutschrift|rabatt|nachlass|skonto"
        r"|mahngebuhr|gebuhr|akzeptier|zustimm)[^.;!?\n]*",
        r"\b(?:si (?:ustedes|usted|nos)|siempre (?:que|y cuando)|con la condicion de|a cambio de"
        r"|a condicion de)\s*[^.;!?\n]*?(?:anul|elimin|condon|acept|abono|descuento|rebaja"
        r"|recargo|intereses|nota de credito)[^.;!?\n]*",
        r"\b(?:als u|indien u|mits|op voorwaarde dat|in ruil voor)\s*[^.;!?\n]*?(?:kwijtschel"
        r"|schrapt|laat vallen|crediteer|creditnota|korting|accepteert|akkoord|rente|kosten)"
        r"[^.;!?\n]*",
        r"\b(?:se (?:voi|ci|lei)|a condizione che|purche|previo|in cambio di)\s*[^.;!?\n]*?"
        r"(?:annull|togli|storn|rinunc|accett|nota di credito|sconto|abbuono|penal|interessi"
        r"|spese)[^.;!?\n]*",
        r"\b(?:se (?:voces|vcs|vc|a senhora|o senhor)|desde que|com a condicao de|caso voces"
        r"|em troca de)\s*[^.;!?\n]*?(?:cancel|retir|anul|aceit|desconto|abat|multa|juros"
        r"|nota de credito)[^.;!?\n]*",
        r"\b(?:jesli|jeśli|jezeli|jeżeli|pod warunkiem|o ile|w zamian za)\s*[^.;!?\n]*?"
        r"(?:anul|umorz|odstap|odstąp|korekt|rabat|upust|odsetk|zgod|akcept)[^.;!?\n]*",
        r"\b(?:settle|pay)\s+(?:\w+\s+){0,3}?(?:a|un|une|el|il|o)?\s*\d{1,3}\s?%",
        r"\b(?:regler|payer|zahlen|begleichen|pagar|pagare|saldare|betalen|zaplacic|zapłacić)"
        r"\s+(?:\w+\s+){0,3}?\d{1,3}\s?%[^.;!?\n]*",
    )
)

# The correction a dispute asks for: a payment promised once it comes hangs on the dispute
# ("send a credit note for the difference and we'll pay", "nach Eingang der korrigierten
# Rechnung überweisen wir").
CORRECTION = _re(
    r"\b(?:credit (?:note|memo)|corrected invoice|revised invoice|amended invoice"
    r"|correct(?:ed)? (?:invoice|copy)|gutschrift|(?:korrigierte|berichtigte|neue)[nr]? rechnung"
    r"|rechnungskorrektur|avoir|facture (?:corrigee|rectifiee|rectificative)"
    r"|factura (?:rectificativa|corregida)|nota de (?:credito|abono)|abono"
    r"|creditnota|creditfactuur|gecorrigeerde factuur|nota (?:di )?credito|fattura (?:corretta"
    r"|rettificata)|fatura (?:corrigida|retificada)|faktur\w* koryguj\w*|korekt\w*)\b"
)

# --------------------------------------------------------------------------- disputed part

# An amount that is a price per unit ("10 rings à €61.20", "$45/hour", "€12 each"): never the
# disputed part or the payment itself.
UNIT_PRICE_BEFORE = re.compile(r"(?:\bà|@|\beach|\bper|\bje|\bpro|\bcada|\bper unit)\s*$", re.I)
UNIT_PRICE_AFTER = _re(
    r"^\s*(?:netto\s+|net\s+|brutto\s+|gross\s+)?(?:each|ea\b|apiece|per\s+(?:unit|piece|item"
    r"|hour|day|month|box|pallet|roll|ring|pc|kg|m)\b|/\s*(?:unit|pc|pcs|stk|st|szt|h|hr|hour|day"
    r"|month|kg|m)\b|pro\s+(?:stuck|stueck|stk|einheit|stunde|tag)\b|la piece\b|par (?:unite|heure"
    r"|jour)\b|cada\b|por (?:unidad|hora|dia)\b|al pezzo\b|all'ora\b|per stuk\b|per uur\b"
    r"|por (?:unidade|hora)\b|za (?:sztuke|godzine)\b)"
)

# The words that introduce the disputed part of an invoice: "the difference is €96",
# "an overcharge of", "die Differenz beträgt", "l'écart", "la diferencia", "het verschil",
# "la differenza", "a diferença", "różnica", "VAT (€39.36)", "we are disputing".
DISPUTED_PART = _re(
    r"\b(?:difference|differences|overcharge\w*|over-?billed|excess|worth|amounting(?: to)?"
    r"|disputing|dispute|not (?:be )?pay(?:ing)?(?: for)?|won't pay|vat|tax"
    r"|differenz|mehrbetrag|umsatzsteuer|mwst|nicht (?:zahlen|bezahlen)"
    r"|ecart|difference de|contestons|conteste\w*|tva|trop-percu"
    r"|diferencia|exceso|iva|no (?:vamos a )?(?:pagar|abonar)"
    r"|verschil|btw|betalen wij niet|te veel"
    r"|differenza|contestiamo|non pagheremo"
    r"|diferenca|contestamos|nao pagaremos"
    r"|roznica|różnica|roznice|różnicę|reklamujemy|kwestionujemy|nadwyzk\w*|nadwyżk\w*|podatku)\b"
)
# Words before an amount that is not the disputed part: what will be paid, a unit price.
NOT_DISPUTED_PART = _re(
    r"\b(?:undisputed|not disputed|uncontested|net amount|balance|rest|remaining|unstrittig\w*"
    r"|restbetrag|non contestee?|solde|restante|no disputad\w*|onbetwist\w*|resterende"
    r"|non contestat\w*|restante|valor restante|bezsporn\w*|pozostał\w*|pozostal\w*|instead of"
    r"|au lieu de|statt|anstelle|en lugar de|in plaats van|anziche|em vez de|zamiast|quoted"
    r"|per unit|unit price|prix unitaire|einzelpreis|precio unitario|stukprijs|prezzo unitario"
    r"|preco unitario|cena jednostkowa|exclusief btw|net)\b[^.;!?\n]{0,25}$"
)
TAX_DISPUTE = _re(
    r"\b(?:reverse[- ]charge\w*|intra-?community|zero[- ]rated|vat[- ]exempt|exempt from vat"
    r"|wrong (?:vat|tax) rate|(?:vat|tax) (?:rate )?(?:is|was) (?:wrong|incorrect)"
    r"|autoliquidation|taux de tva|tva (?:non applicable|intracommunautaire)"
    r"|steuerschuld\w*|13b ustg|umsatzsteuer\w*|reverse charge|inversion del sujeto pasivo"
    r"|sujeto pasivo|tipo de iva|iva incorrect\w*|btw verlegd|verlegd|verleggingsregeling"
    r"|btw[- ]tarief|inversione contabile|reverse charge|aliquota iva|iva non dovuta"
    r"|autoliquidacao|taxa de iva|aliquota errada|odwrotne obciazenie|odwrotne obciążenie"
    r"|stawk[aeiy] vat|stawkę vat)\b"
)

# "Spread the rest over four months", "in drei Raten": what follows is a plan, not a day.
SPREAD = _re(
    r"\b(?:over|across|during) (?:the (?:next|following|coming) )?(?:\w+ )?(?:months?|weeks?)\b"
    r"|\b(?:in|en|em|w|op|a) (?:\w+ )?(?:instal?lments?|monthly payments|raten|mensualites"
    r"|cuotas|plazos|termijnen|rate|rat(?:ach)?|parcelas|prestacoes)\b"
    r"|\b(?:spread|split|stagger|staffeln|etaler|fraccionar|spreiden|rateizzare|parcelar"
    r"|rozlozyc|rozłożyć)\b"
)
