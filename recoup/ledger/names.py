"""Whether what a system of record calls a contact's name can address a person.

Contacts arrive with names like ``Dr``, ``Accounts Payable``, ``<img src=x>`` or
``ap@acme.example``; an email must not greet them as ``Hello Dr,``. ``personal_name``
keeps a name that reads as a person's (titles dropped, so the first word is a
given name) and returns "" for anything else: the email then says ``Hello,``.
"""

from __future__ import annotations

import re

_TITLES = {
    "mr", "mrs", "ms", "miss", "mx", "dr", "prof", "professor", "sir", "madam", "dame",
    "herr", "frau", "mme", "mlle", "m", "sr", "sra", "srta", "dott", "dottssa", "ing",
    "mag", "rev", "hon", "capt", "col", "lt",
}  # fmt: skip
_NOT_PEOPLE = {
    "accounts", "account", "payable", "payables", "receivable", "billing", "finance",
    "team", "office", "admin", "administration", "department", "dept", "ap", "ar",
    "invoices", "invoice", "treasury", "support", "info", "contact", "the", "n/a", "na",
    "none", "null", "unknown", "customer", "client",
}  # fmt: skip
# Letters of any script, with the apostrophes, hyphens and dots names carry.
_NAME_WORD = re.compile(r"^[^\W\d_](?:[^\W\d_]|['’.\-])*$")


def personal_name(name: str) -> str:
    """``name`` when it reads as a person's, its titles dropped; else ""."""
    words = name.split()
    if not words or len(words) > 6 or any(not _NAME_WORD.match(word) for word in words):
        return ""
    if any(word.lower().strip(".") in _NOT_PEOPLE for word in words):
        return ""
    while words and words[0].lower().strip(".") in _TITLES:
        words = words[1:]
    if not words or len(words[0].strip(".")) < 2 or words[0].endswith("."):
        return ""
    return " ".join(words)
