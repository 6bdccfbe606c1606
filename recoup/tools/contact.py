"""update_contact: add a contact the customer named, or stop writing to one who asked."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from recoup.ledger.operations import contacts
from recoup.ledger.operations.refused import OperationRefused
from recoup.tools.base import RunContext, Tool, ToolArgs, ToolFailure

ADD = "add"
DO_NOT_CONTACT = "do_not_contact"


class UpdateContactArgs(ToolArgs):
    action: Literal["add", "do_not_contact"] = Field(
        description="add: write to this address from now on; do_not_contact: never write to "
        "it again (the contact asked us to stop)."
    )
    email: str = Field(min_length=3, max_length=320)
    name: str = Field(default="", max_length=200)
    role: str | None = Field(
        default=None, max_length=40, description="billing, ap, purchaser, owner…"
    )
    replaces: str | None = Field(
        default=None, max_length=320, description="The contact the new one takes over from."
    )
    source_message_id: int | None = Field(
        default=None, description="The customer's message that asked for the change."
    )


class UpdateContactResult(BaseModel):
    email: str
    change: str
    outreach_to: str | None


def update_contact(ctx: RunContext, args: UpdateContactArgs) -> UpdateContactResult:
    account = ctx.account()
    try:
        if args.action == ADD:
            changed = contacts.add_contact(
                ctx.session,
                account,
                now=ctx.clock.now(),
                actor=ctx.acting,
                email=args.email,
                name=args.name,
                role=args.role,
                replaces=args.replaces,
                message_id=args.source_message_id,
            )
        else:
            changed = contacts.mark_do_not_contact(
                ctx.session,
                account,
                now=ctx.clock.now(),
                actor=ctx.acting,
                email=args.email,
                message_id=args.source_message_id,
            )
    except OperationRefused as exc:
        raise ToolFailure(str(exc)) from exc
    return UpdateContactResult(
        email=changed.contact.email, change=changed.change, outreach_to=changed.primary
    )


TOOL = Tool(
    name="update_contact",
    description=(
        "Change who this account's mail goes to. add: a contact the customer named (\"send "
        'these to payables@…"); it becomes the one reminders go to. A new address on another '
        "domain is held for a person. do_not_contact: the contact asked us to stop writing; "
        "outreach moves to another contact."
    ),
    args_model=UpdateContactArgs,
    result_model=UpdateContactResult,
    run=update_contact,
)
