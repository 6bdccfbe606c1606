"""`recoup init`'s policy file: the commented default, with the company and sender filled in."""

from __future__ import annotations

import json
import re
from pathlib import Path

from recoup.policy import DEFAULT_POLICY_PATH

DEFAULT_COMPANY = "Your Company"


def write_policy(path: Path, *, company: str | None, sender: str | None) -> None:
    """Copy the default policy to ``path``, naming the company (a placeholder that
    reads as one when not given, never another company's name) and the sender."""
    text = DEFAULT_POLICY_PATH.read_text(encoding="utf-8")
    text = _set(text, "company_name", (company or "").strip() or DEFAULT_COMPANY)
    if sender and sender.strip():
        text = _set(text, "sender_name", sender.strip())
    path.write_text(text, encoding="utf-8")


def _set(text: str, key: str, value: str) -> str:
    # A JSON string is a valid TOML basic string: quotes and backslashes escaped.
    line = f"{key} = {json.dumps(value, ensure_ascii=False)}"
    return re.sub(rf"^{key} = .*$", lambda _m: line, text, count=1, flags=re.MULTILINE)
