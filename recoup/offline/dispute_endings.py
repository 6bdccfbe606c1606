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


def ended_disputes(events: list[dict[str, Any]]) -> list[Ended]:
    found = []
    for e in events:
        detail = str(e.get("detail") or "")
        match = _ENDED.match(detail)
        if e.get("kind") != EventKind.DECISION.value or match is None:
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
            )
        )
    return found


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
