"""Mail goes only to the account's own contacts: not do-not-contact, not bounced."""

from __future__ import annotations

from datetime import datetime

from recoup.clock import as_utc
from recoup.evals.checks.base import Violation, about, in_order
from recoup.evals.observe import Observation, Outbound
from recoup.policy import Policy


def recipients(observation: Observation, _policy: Policy) -> list[Violation]:
    bounced = bounced_since(observation)
    found: list[Violation] = []
    for mail in in_order(observation):
        contacts = {c.email.lower(): c for c in observation.contacts.get(mail.customer, [])}
        for address in mail.recipients:
            contact = contacts.get(address)
            if contact is None:
                found.append(
                    about(
                        mail,
                        "recipient.not_a_contact",
                        f"wrote to {address}, not a contact of the account",
                    )
                )
            elif contact.do_not_contact and _after_opt_out(contact.do_not_contact_at, mail):
                found.append(
                    about(
                        mail,
                        "recipient.do_not_contact",
                        f"wrote to {address}, marked do-not-contact",
                    )
                )
            elif address in bounced and bounced[address] <= mail.created_at:
                found.append(
                    about(mail, "recipient.bounced", f"wrote to {address} after it bounced")
                )
    return found


def _after_opt_out(since: datetime | None, mail: Outbound) -> bool:
    """Marked do-not-contact from the start, or written to after the opt-out."""
    return since is None or as_utc(since) <= mail.created_at


def bounced_since(observation: Observation) -> dict[str, datetime]:
    """Each contact address a bounce names, and when the first such bounce came."""
    since: dict[str, datetime] = {}
    for row in observation.inbound_rows.values():
        if row.auto_kind != "bounce":
            continue
        text = f"{row.subject}\n{row.text}\n{row.quoted_text}\n{row.note or ''}".lower()
        for contacts in observation.contacts.values():
            for contact in contacts:
                address = contact.email.lower()
                if address in text and address not in since:
                    since[address] = as_utc(row.created_at)
    return since
