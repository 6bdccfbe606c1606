"""The auditor's checks: each a function ``(Observation, Policy) -> list[Violation]``,
one concern a module, like the guardrail rules they re-check independently."""
