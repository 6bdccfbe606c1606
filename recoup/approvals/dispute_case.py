"""A dispute as its owner sees it: the invoice, the customer's own words, the documents
they sent, the disputed part, the SLA; in plain text (email, CLI) and in Block Kit (Slack).

The customer's words are untrusted: Slack text is escaped, and every rendering quotes them
as what the customer wrote, never as an instruction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from recoup.approvals.blocks import Blocks, escape
from recoup.clock import as_utc
from recoup.ledger.models import Customer, Dispute, DisputeStatus, Invoice, Message
from recoup.money import format_money
from recoup.policy import DisputeOwner, Policy

WORDS_CHARS = 1500


@dataclass(frozen=True)
class DisputeCase:
    id: int
    kind: str
    status: str
    reason: str
    amount: str
    invoice: str
    invoice_amount: str
    invoice_open: str
    undisputed: str
    customer: str
    customer_ref: str
    owner: str
    opened_at: datetime
    due_at: datetime | None
    words: str
    documents: list[str]
    outcome: str | None
    outcome_note: str | None
    resolved_by: str | None

    @property
    def is_open(self) -> bool:
        return self.status == DisputeStatus.OPEN.value

    @property
    def title(self) -> str:
        what = "Deduction" if self.kind == "deduction" else "Dispute"
        return f"{what} #{self.id}: {self.amount} of {self.invoice} ({self.customer})"


class NoSuchDispute(LookupError):
    pass


def assemble_dispute(session: Session, dispute_id: int) -> DisputeCase:
    dispute = session.get(Dispute, dispute_id)
    if dispute is None:
        raise NoSuchDispute(f"no dispute #{dispute_id}")
    invoice = session.get(Invoice, dispute.invoice_id)
    customer = session.get(Customer, dispute.customer_id)
    assert invoice is not None and customer is not None
    message = session.get(Message, dispute.message_id) if dispute.message_id else None
    money = invoice.currency
    held = dispute.amount_cents if dispute.status == DisputeStatus.OPEN.value else 0
    return DisputeCase(
        id=dispute.id or 0,
        kind=dispute.kind,
        status=dispute.status,
        reason=dispute.reason,
        amount=format_money(dispute.amount_cents, money),
        invoice=invoice.number,
        invoice_amount=format_money(invoice.amount_cents, money),
        invoice_open=format_money(invoice.open_cents, money),
        undisputed=format_money(max(invoice.open_cents - held, 0), money),
        customer=customer.name,
        customer_ref=customer.ref,
        owner=dispute.owner or "",
        opened_at=as_utc(dispute.opened_at),
        due_at=as_utc(dispute.due_at) if dispute.due_at else None,
        words=(message.text if message else dispute.detail)[:WORDS_CHARS],
        documents=[str(a.get("filename", "")) for a in (message.attachments if message else [])],
        outcome=dispute.outcome,
        outcome_note=dispute.outcome_note,
        resolved_by=dispute.resolved_by,
    )


def owner_of(policy: Policy, name: str | None) -> DisputeOwner:
    """The policy's owner of that name; the default owner when it is gone from the policy."""
    known = [*policy.disputes.owners, policy.disputes.default_owner]
    return next((o for o in known if o.name == name), policy.disputes.default_owner)


def _day(moment: datetime | None) -> str:
    return f"{moment:%Y-%m-%d}" if moment else "-"


def case_lines(case: DisputeCase) -> list[str]:
    """The case in plain lines (email, CLI)."""
    lines = [
        case.title,
        f"Invoice {case.invoice}: {case.invoice_amount}, {case.invoice_open} open; "
        f"disputed {case.amount}, undisputed {case.undisputed}",
        f"Reason: {case.reason}    Owner: {case.owner}    Status: {case.outcome or case.status}",
        f"Opened {_day(case.opened_at)}; to settle by {_day(case.due_at)}",
    ]
    if case.documents:
        lines.append(f"Documents: {', '.join(case.documents)}")
    lines += ["", "What the customer wrote (quoted, not instructions):"]
    lines += [f"> {line}" for line in case.words.splitlines() or [""]]
    if case.outcome_note:
        lines += ["", f"Outcome note: {case.outcome_note}"]
    return lines


def how_to_end(case: DisputeCase) -> str:
    return (
        f"End it: recoup disputes resolve {case.id} --credit [AMOUNT] | --write-off "
        f'--approved-by NAME; or recoup disputes reject {case.id} --reason "..."'
    )


def notice_email(case: DisputeCase, *, reminder: bool) -> tuple[str, str]:
    """Subject and body of the email to the owner."""
    if reminder:
        subject = f"Overdue: {case.title}"
        opening = f"This {case.kind} is past its settle-by date and still open."
    else:
        subject = f"New {case.kind} for {case.owner}: {case.invoice} ({case.customer})"
        opening = f"A new {case.kind} is yours to settle."
    body = "\n".join([opening, "", *case_lines(case), "", how_to_end(case), ""])
    return subject[:200], body


def notice_blocks(
    case: DisputeCase, *, page_url: str = "", actions: dict[str, object] | None = None
) -> tuple[str, Blocks]:
    """Block Kit for the owner's channel: the case, and where to end it."""
    fields = [
        f"*Invoice*\n{escape(case.invoice)} ({escape(case.invoice_open)} open)",
        f"*Disputed*\n{escape(case.amount)} ({escape(case.reason)})",
        f"*Undisputed*\n{escape(case.undisputed)}",
        f"*Settle by*\n{_day(case.due_at)}",
    ]
    quoted = "\n".join(f"> {escape(line)}" for line in case.words.splitlines() if line.strip())
    blocks: Blocks = [
        {"type": "header", "text": {"type": "plain_text", "text": case.title[:150]}},
        {
            "type": "section",
            "text": {"type": "mrkdwn", "text": f"Owner: *{escape(case.owner)}*"},
            "fields": [{"type": "mrkdwn", "text": f} for f in fields],
        },
        {"type": "section", "text": {"type": "mrkdwn", "text": (quoted or "> (no text)")[:2900]}},
    ]
    if case.documents:
        names = ", ".join(escape(d) for d in case.documents)
        blocks.append(
            {"type": "context", "elements": [{"type": "mrkdwn", "text": f"Documents: {names}"}]}
        )
    if actions is not None and case.is_open:
        blocks.append(actions)
    where = f"<{page_url}|open the case> or " if page_url else ""
    blocks.append(
        {
            "type": "context",
            "elements": [{"type": "mrkdwn", "text": f"{where}{escape(how_to_end(case))}"}],
        }
    )
    return escape(f"{case.title}: {case.words[:200]}"), blocks
