"""The part of an invoice a reply disputes: booked as the dispute, the rest stays collectable."""

from __future__ import annotations

from typing import Any

from recoup.ledger.state import InvoiceView
from recoup.offline.compose import Writer
from recoup.offline.protocol import Action
from recoup.offline.readings import Item
from recoup.offline.situation import Situation


def disputed_part(item: Item, here: Situation, targets: list[str]) -> dict[str, Any]:
    """``{"amount": …}`` when the reply disputes part of one invoice: an amount below its
    open balance. Nothing (the whole invoice) otherwise."""
    amount = item.finding.amount_cents
    if amount is None or len(targets) != 1:
        return {}
    invoice = here.invoice(targets[0])
    if invoice is None or not 0 < amount < invoice.open_cents:
        return {}
    return {"amount": amount / 100}


def book_planned_dispute(here: Situation, action: Action) -> None:
    """What the rest of the plan sees of a dispute it is about to open."""
    number = str(action.args["invoice_number"])
    here.disputed.add(number)
    if "amount" in action.args:
        here.disputed_parts[number] = round(float(action.args["amount"]) * 100)


def disputed_part_ack(invoice: InvoiceView, here: Situation, writer: Writer) -> str:
    """Tell the customer which part of the invoice is on hold, and that the rest is due."""
    disputed = here.disputed_parts[invoice.number]
    return writer.section(
        "dispute_part_ack",
        invoice_phrase=invoice.number,
        disputed=writer.money(disputed),
        undisputed=writer.money(invoice.open_cents - disputed),
    )
