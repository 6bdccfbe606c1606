"""get_account_state: the account as stored, compact."""

from __future__ import annotations

from recoup.ledger.state import AccountState, account_state
from recoup.tools.base import RunContext, Tool, ToolArgs


class GetAccountStateArgs(ToolArgs):
    pass


def get_account_state(ctx: RunContext, _args: GetAccountStateArgs) -> AccountState:
    return account_state(
        ctx.account(), now=ctx.clock.now(), grace_days=ctx.policy.promises.grace_days
    )


TOOL = Tool(
    name="get_account_state",
    description=(
        "Read this account as stored in the ledger: profile, contacts, open invoices with days "
        "past due, disputes, promises, payment habits, latest messages, last touch, open "
        "escalations and pause state. Amounts are in cents."
    ),
    args_model=GetAccountStateArgs,
    result_model=AccountState,
    run=get_account_state,
    writes=False,
)
