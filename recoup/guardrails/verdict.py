"""The outcome of checking one tool call against the policy and the ledger."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class VerdictKind(StrEnum):
    ALLOW = "allow"
    DENY = "deny"
    NEEDS_APPROVAL = "needs_approval"


@dataclass(frozen=True)
class Verdict:
    kind: VerdictKind
    rule_id: str | None = None
    reason: str = ""

    @property
    def allowed(self) -> bool:
        return self.kind is VerdictKind.ALLOW


ALLOW = Verdict(VerdictKind.ALLOW)


def deny(rule_id: str, reason: str) -> Verdict:
    return Verdict(VerdictKind.DENY, rule_id, reason)


def needs_approval(rule_id: str, reason: str) -> Verdict:
    return Verdict(VerdictKind.NEEDS_APPROVAL, rule_id, reason)
