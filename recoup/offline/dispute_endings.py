"""Telling the customer how their dispute ended, when a person's decision (or the system
of record) wakes the account: a credit, a write-off in their favour, or a rejection with
its reason, after which the invoice is due again."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from recoup.ledger.models import DisputeOutcome, EventKind
from recoup.offline.cadence import followup
from recoup.offline.compose import Writer
from recoup.offline.dates import in_days
from recoup.offline.prior import policy
from recoup.offline.protocol import Action
from recoup.offline.recipients import primary_contact
from recoup.offline.situation import Situation

OUTCOME = "dispute_outcome"
# A letter the guardrails put off (quiet hours, too soon) travels in the follow-up's reason.
_PUT_OFF = "tell the customer: "
_ENDED = re.compile(
    r"^dispute #(?P<id>\d+) on (?P<invoice>\S+) (?P<how>resolved with a credit of "
    r"|resolved in the customer's favour: |rejected: )(?P<changed>[^;\s]*)"
)
_REASON = re.compile(r"; reason: (?P<reason>.*?)(?:; raised in message #\d+)?$", re.S)
_MESSAGE = re.compile(r"; raised in message #(\d+)$")
_TEMPLATES = {
    "resolved with a credit of ": DisputeOutcome.CREDITED,
    "resolved in the customer's favour: ": DisputeOutcome.WRITTEN_OFF,
    "rejected: ": DisputeOutcome.REJECTED,
}


@dataclass(frozen=True)
class Ended:
    invoice: str
    outcome: DisputeOutcome
    changed: str  # the credit or write-off as the ledger wrote it
    reason: str
    message_id: int | None
    detail: str  # the decision as the ledger announced it


def ended_disputes(events: list[dict[str, Any]]) -> list[Ended]:
    """The disputes a decision event ends, and those whose letter was put off until now."""
    found = []
    for e in events:
        detail = str(e.get("detail") or "")
        if e.get("kind") == EventKind.FOLLOWUP_DUE.value and _PUT_OFF in detail:
            detail = detail.split(_PUT_OFF, 1)[1]
        elif e.get("kind") != EventKind.DECISION.value:
            continue
        match = _ENDED.match(detail)
        if match is None:
            continue
        reason = _REASON.search(detail)
        message = _MESSAGE.search(detail)
        found.append(
            Ended(
                invoice=match["invoice"],
                outcome=_TEMPLATES[match["how"]],
                changed=match["changed"],
                reason=reason["reason"].strip().rstrip(".") if reason else "",
                message_id=int(message[1]) if message else None,
                detail=detail,
            )
        )
    return found


def put_off_note(ended: Ended, room: int) -> str:
    """The follow-up reason that brings back a letter the guardrails put off, in at most
    ``room`` characters: the rejection's reason is shortened, never the rest."""
    note = _PUT_OFF + ended.detail
    if len(note) <= room:
        return note
    tail = f"; raised in message #{ended.message_id}" if ended.message_id is not None else ""
    head = note[: len(note) - len(tail)] if tail and note.endswith(tail) else note
    return head[: max(room - len(tail) - 1, 0)] + "…" + tail


def outcome_letters(here: Situation, writer: Writer) -> list[Action]:
    """One courtesy letter per ended dispute, in the thread the customer raised it in."""
    contact = primary_contact(here.state)
    if contact is None:
        return []
    letters = []
    for ended in ended_disputes(here.conv.events):
        invoice = here.invoice(ended.invoice)
        still_open = writer.money(invoice.open_cents) if invoice is not None else ""
        balance_note = (
            f"{still_open} remains open on {ended.invoice}."
            if invoice is not None
            else f"Nothing more is owed on {ended.invoice}."
        )
        email = writer.email(
            f"dispute_{ended.outcome.value}",
            contact,
            invoice=ended.invoice,
            changed=ended.changed,
            balance_note=balance_note,
            reason=ended.reason or "our records show it was correct",
            open=still_open,
        )
        args: dict[str, Any] = {
            "to": [contact.email],
            "subject": email.subject,
            "body": email.body,
            "tone": "courtesy",
            "invoice_numbers": [ended.invoice],
        }
        if ended.message_id is not None:
            args["reply_to_message_id"] = ended.message_id
        letters.append(Action("send_email", args, OUTCOME))
        if ended.outcome is DisputeOutcome.REJECTED and invoice is not None:
            day = in_days(here.conv.today, policy().cadence.default_followup_days)
            letters.append(followup(day, f"collect {ended.invoice}: its dispute was rejected"))
    return letters
