"""What a tool is, and the run context every tool receives.

A tool is a typed function ``(RunContext, Args) -> Result``: the argument
model is what the model must send, the result model is what it gets back.
Tools are bound to one account through the context; they never take a
customer id from the model.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict
from sqlmodel import Session

from recoup.clock import Clock
from recoup.errors import ToolError
from recoup.ledger.operations.actor import Actor
from recoup.ledger.state import Account, load_account
from recoup.policy import Policy

ArgsT = TypeVar("ArgsT", bound=BaseModel)
ResultT = TypeVar("ResultT", bound=BaseModel)


class ToolArgs(BaseModel):
    model_config = ConfigDict(extra="forbid")


@dataclass
class RunContext:
    """The dependencies of one agent run, bound to one account."""

    session: Session
    customer_id: int
    clock: Clock
    policy: Policy
    run_id: int | None = None
    actor: str = "agent"
    mail_from: str = "ar@recoup.example"

    @property
    def mail_domain(self) -> str:
        return self.mail_from.rpartition("@")[2] or "recoup.example"

    _account: Account | None = field(default=None, repr=False)

    def account(self) -> Account:
        """The account as stored; read once per tool call (see ``refresh``)."""
        if self._account is None:
            self._account = load_account(self.session, self.customer_id, now=self.clock.now())
        return self._account

    @property
    def acting(self) -> Actor:
        """Who the ledger operations record as having acted."""
        return Actor(self.actor, self.run_id)

    def refresh(self) -> None:
        """Forget the cached account: the next ``account()`` reads the store again."""
        self._account = None


class ToolFailure(ToolError):
    """A tool refused its input after the guardrails (e.g. an unknown invoice)."""


@dataclass(frozen=True)
class Tool(Generic[ArgsT, ResultT]):
    name: str
    description: str
    args_model: type[ArgsT]
    result_model: type[ResultT]
    run: Callable[[RunContext, ArgsT], ResultT]
    writes: bool = True

    def __call__(self, ctx: RunContext, args: ArgsT) -> ResultT:
        return self.run(ctx, args)


def dump(model: BaseModel) -> dict[str, Any]:
    return model.model_dump(mode="json", exclude_none=True)
