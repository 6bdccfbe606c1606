"""The one line that ends a run: what was done, and why nothing else was."""

from __future__ import annotations

from recoup.offline.cadence import THANKS
from recoup.offline.protocol import CallRecord, Conversation
from recoup.offline.repair import REPLIES

MAX_SUMMARY_CHARS = 600


def summarize(conv: Conversation, account: str, note: str = "") -> str:
    calls = [c for c in conv.calls() if c.name != "get_account_state"]
    followups = [c for c in calls if c.name == "schedule_followup" and c.ok]
    parts = [_describe(c) for c in calls if c.name != "schedule_followup" or not c.ok]
    if followups:
        parts.append(f"next look on {followups[-1].args.get('on')}")
    if note:
        parts.append(note)
    text = "; ".join(p for p in parts if p) or "nothing to do"
    line = f"{account}: {text}." if account else f"{text}."
    return " ".join(line.split())[:MAX_SUMMARY_CHARS]


def _describe(call: CallRecord) -> str:
    what = _what(call)
    if call.ok:
        return what
    if call.held:
        return f"{what}: held for approval ({call.rule})"
    if call.denied:
        return f"{what}: denied ({call.rule})"
    return f"{what}: failed"


def _what(call: CallRecord) -> str:
    args = call.args
    numbers = ", ".join(args.get("invoice_numbers") or [])
    if call.name == "send_email":
        if call.purpose in REPLIES:
            kind = call.purpose.replace("_", " ")
            return f"{kind} to message #{args.get('reply_to_message_id')}"
        if call.purpose == THANKS:
            return "thanked the customer for settling"
        return f"{args.get('tone')} {call.purpose.replace('_', ' ')} email about {numbers}"
    if call.name == "log_promise":
        return f"promise to pay by {args.get('promised_date')} logged"
    if call.name == "open_dispute":
        return f"dispute opened on {args.get('invoice_number')}"
    if call.name == "escalate":
        return f"escalated ({args.get('category')})"
    if call.name == "schedule_followup":
        return f"follow-up on {args.get('on')}"
    return call.name
