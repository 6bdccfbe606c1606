"""The collections policy the offline model plans with: the one its system prompt states.

The model reads the policy from the conversation, like any model, and plans with the
guardrails' own functions over it (``recoup.guardrails.timing``, the tone rules), so
what it asks for is what they allow. A conversation that states no policy is planned
under the shipped defaults; the guardrails stay the authority either way.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from recoup.policy import Policy

_DEFAULTS = Policy()
_IN_FORCE: ContextVar[Policy] = ContextVar("offline_policy", default=_DEFAULTS)


def policy() -> Policy:
    """The policy of the conversation being planned."""
    return _IN_FORCE.get()


@contextmanager
def policy_in_force(stated: Policy | None) -> Iterator[Policy]:
    """Plan one move under ``stated`` (the defaults when None)."""
    token = _IN_FORCE.set(stated or _DEFAULTS)
    try:
        yield _IN_FORCE.get()
    finally:
        _IN_FORCE.reset(token)


def large_balance_cents() -> int:
    """Above this, a balance gone quiet or unclear goes to a person."""
    return policy().escalation.large_balance_cents


def unsure_hold_days() -> int:
    """How long outreach waits on a reply the reader could not read with confidence."""
    return policy().reader.unsure_hold_days


def stall_followup_days() -> int:
    """When a stall without a date is followed up."""
    return policy().reader.stall_followup_days
