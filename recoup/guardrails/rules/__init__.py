"""Guardrail rules, one concern a module. A rule returns a Verdict or None (no objection)."""
