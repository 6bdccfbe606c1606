"""Who does an operation: the agent in a run, the system, or a person."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Actor:
    name: str
    run_id: int | None = None


SYSTEM = Actor("system")
