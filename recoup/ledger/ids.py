"""Row ids as they arrive from outside (a URL, a Slack button, a command line)."""

from __future__ import annotations

# The widest id every supported database's INTEGER primary key holds (PostgreSQL's
# 32-bit INTEGER); anything larger cannot name a row and must not reach a query.
MAX_ROW_ID = 2**31 - 1


def row_id(value: object) -> int | None:
    """``value`` as a row id, or None when it cannot be one (not a whole number,
    below 1, or beyond what the id column holds)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    else:
        text = str(value).strip()
        if not text.isdigit() or len(text) > len(str(MAX_ROW_ID)):
            return None
        number = int(text)
    return number if 1 <= number <= MAX_ROW_ID else None
