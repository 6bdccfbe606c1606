"""A best guess of the reply's language from its common words."""

from __future__ import annotations

import re
from collections import defaultdict

from recoup.reader.lexicon import DETECTED_LANGUAGES, STOPWORDS

_WORD = re.compile(r"[a-zß']+")
# Verb endings that only one of the languages has.
_ENDINGS = (
    ("it", re.compile(r"(?:eremo|iamo|ato|uto|zione|zioni)$")),
    ("es", re.compile(r"(?:aremos|eremos|iremos|amos|cion|ciones)$")),
    ("fr", re.compile(r"(?:erons|eront|aient|avons|sommes|iez)$")),
    ("de", re.compile(r"(?:ung|ungen|lich|keit|ß)$")),
    ("nl", re.compile(r"(?:ij|ijk|lijk|heid|aa\w)$")),
)

# A word shared by several languages says less about each of them.
_WEIGHTS: dict[str, dict[str, float]] = {}
for _language, _words in STOPWORDS.items():
    for _word in _words:
        _owners = [lang for lang, words in STOPWORDS.items() if _word in words]
        _WEIGHTS.setdefault(_word, {})[_language] = 1.0 / len(_owners)


def detect_language(folded: str) -> str:
    """One of en, fr, de, es, nl, it, pt, pl; English when nothing points elsewhere."""
    scores: defaultdict[str, float] = defaultdict(float)
    for word in _WORD.findall(folded):
        for language, weight in _WEIGHTS.get(word.strip("'"), {}).items():
            scores[language] += weight
        if word.startswith(("l'", "d'", "qu'", "n'", "j'", "c'", "s'")):
            scores["fr"] += 0.5
        if word.startswith(("dell'", "all'", "un'", "nell'")):
            scores["it"] += 0.5
        if len(word) > 4:
            for language, ending in _ENDINGS:
                if ending.search(word):
                    scores[language] += 0.25
    if not scores:
        return "en"
    best = max(DETECTED_LANGUAGES, key=lambda language: (scores[language], language == "en"))
    return best if scores[best] > 0 else "en"
