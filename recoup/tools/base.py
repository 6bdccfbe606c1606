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
from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState
from sqlmodel import Session

from recoup.clock import Clock
from recoup.errors import ToolError
from recoup.ledger.freshness import FINGERPRINTED, Fingerprint, account_fingerprint
from recoup.ledger.operations.actor import Actor
from recoup.ledger.state import PART_SOURCES, Account, load_account
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
    # The account's fingerprint when the snapshot was last known current.
    _seen: Fingerprint | None = field(default=None, repr=False)
    # The models this context's writes touched since it last took stock.
    _written: set[type] = field(default_factory=set, repr=False)

    def __post_init__(self) -> None:
        event.listen(self.session, "after_flush", self._note_flush)
        event.listen(self.session, "do_orm_execute", self._note_statement)

    def account(self) -> Account:
        """The account as this context last knew it (see ``current``)."""
        if self._account is None:
            if self._seen is None:
                self._seen = account_fingerprint(self.session, self.customer_id)
            self._account = load_account(self.session, self.customer_id, now=self.clock.now())
        return self._account

    def current(self) -> Account:
        """The account, checked against the store first: if another writer changed it
        since this context last looked, the snapshot is dropped and read again."""
        seen = account_fingerprint(self.session, self.customer_id)
        if seen != self._seen:
            if self._seen is not None:
                self.session.expire_all()
            self._account = None
            self._seen = seen
        return self.account()

    def take_stock(self) -> None:
        """After this context's own writes, before they commit: forget the parts they
        changed and note the fingerprint they leave, so they do not count as another
        writer's. (On PostgreSQL a commit landing inside this transaction is absorbed
        too; on SQLite the transaction holds the write lock.)"""
        written, self._written = self._written, set()
        if self._account is not None:
            self._account.forget(written)
        if written & FINGERPRINTED:
            self._seen = account_fingerprint(self.session, self.customer_id)

    @property
    def acting(self) -> Actor:
        """Who the ledger operations record as having acted."""
        return Actor(self.actor, self.run_id)

    def _note_flush(self, session: Session, _context: object) -> None:
        for instance in (*session.new, *session.dirty, *session.deleted):
            self._written.add(type(instance))

    def _note_statement(self, state: ORMExecuteState) -> None:
        if state.is_select:
            return
        mapper = state.bind_mapper
        self._written.update(
            {mapper.class_} if mapper is not None else set().union(*PART_SOURCES.values())
        )


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
