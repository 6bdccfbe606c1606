"""Filling the email templates: greetings, invoice lists and amounts exactly as in the ledger."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from recoup.ledger.state import AccountState, ContactView, InvoiceView
from recoup.money import format_money
from recoup.prompts import email_template

_SUBJECT_LINE = "Subject:"
_NOT_A_FIRST_NAME = {"accounts", "account", "payable", "payables", "billing", "finance", "team"}
_REPLY_PREFIX = re.compile(r"^\s*((re|aw|sv|fw|fwd|tr)\s*:\s*)+", re.IGNORECASE)
MAX_SUBJECT_CHARS = 150


@dataclass(frozen=True)
class Email:
    subject: str
    body: str


@dataclass(frozen=True)
class Writer:
    """Writes for one account, signed as the system prompt asks."""

    state: AccountState
    sender_name: str
    company_name: str

    def money(self, cents: int) -> str:
        return format_money(cents, self.state.currency)

    def email(self, template: str, contact: ContactView | None, **values: Any) -> Email:
        """A whole email from a template whose first line is its subject."""
        text = self._fill(template, greeting=greeting(contact), **values)
        first, _, rest = text.partition("\n")
        subject = first.removeprefix(_SUBJECT_LINE).strip()
        return Email(subject=subject, body=_tidy(rest))

    def section(self, template: str, **values: Any) -> str:
        return self._fill(template, **values).strip()

    def reply(self, sections: list[str], contact: ContactView | None, subject: str) -> Email:
        body = self._fill("reply", greeting=greeting(contact), sections="\n\n".join(sections))
        return Email(subject=reply_subject(subject, self.company_name), body=_tidy(body))

    def statement_note(self, attached: bool) -> str:
        return self._fill("statement_note") if attached else ""

    def invoice_values(self, invoices: list[InvoiceView]) -> dict[str, str]:
        """The wording every template about a list of invoices shares."""
        many = len(invoices) > 1
        return {
            "invoice_phrase": invoice_phrase([inv.number for inv in invoices]),
            "invoice_noun": "invoices" if many else "invoice",
            "is_are": "are" if many else "is",
            "it_is": "they are" if many else "it is",
            "it_them": "them" if many else "it",
            "invoice_lines": self.invoice_lines(invoices),
            "total": self.money(sum(inv.open_cents for inv in invoices)),
            "oldest_days": str(max((inv.days_past_due for inv in invoices), default=0)),
        }

    def invoice_lines(self, invoices: list[InvoiceView]) -> str:
        return "\n".join(self._line(inv) for inv in invoices)

    def _line(self, invoice: InvoiceView) -> str:
        amount = self.money(invoice.open_cents)
        if invoice.open_cents != invoice.amount_cents:
            amount += f" open of {self.money(invoice.amount_cents)}"
        return f"  - {invoice.number}: {amount}, due {_due(invoice)}"

    def _fill(self, template: str, **values: Any) -> str:
        return email_template(template).substitute(
            sender_name=self.sender_name,
            company_name=self.company_name,
            customer_name=self.state.name,
            **values,
        )


def greeting(contact: ContactView | None) -> str:
    first = (contact.name.split() or [""])[0] if contact else ""
    if not first or "@" in first or first.lower() in _NOT_A_FIRST_NAME:
        return "Hello"
    return f"Hello {first}"


def invoice_phrase(numbers: list[str]) -> str:
    if not numbers:
        return "your account"
    if len(numbers) == 1:
        return f"invoice {numbers[0]}"
    return f"invoices {', '.join(numbers[:-1])} and {numbers[-1]}"


def reply_subject(original: str, company_name: str) -> str:
    bare = " ".join(_REPLY_PREFIX.sub("", original).split())[:MAX_SUBJECT_CHARS]
    return f"Re: {bare}" if bare else f"Re: your message to {company_name}"


def long_date(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def _due(invoice: InvoiceView) -> str:
    when = long_date(invoice.due_date)
    if invoice.disputed:
        return f"{when} (on hold while under review)"
    if invoice.days_past_due > 0:
        days = invoice.days_past_due
        return f"{when} ({days} day{'s' if days != 1 else ''} past due)"
    if invoice.days_past_due == 0:
        return f"{when} (due today)"
    return when


def _tidy(text: str) -> str:
    """No runs of blank lines left by empty placeholders; one trailing newline."""
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


def subject_prefix(template: str) -> str:
    """The fixed start of a template's subject line, to recognise emails written from it."""
    first = email_template(template).template.partition("\n")[0]
    return first.removeprefix(_SUBJECT_LINE).split("$", 1)[0].strip()


def template_opening(template: str) -> str:
    """The fixed text a section template starts with, to recognise emails that carry it."""
    return email_template(template).template.split("$", 1)[0].strip()
