"""The one registry of tools: the strict schemas the model sees, and the
validation of what the model sends back."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from openai import pydantic_function_tool
from pydantic import BaseModel, ValidationError

from recoup.errors import ToolError
from recoup.tools import account_state, contact, dispute, email, escalate, followup, promise
from recoup.tools.base import Tool


class ToolCallError(ToolError, ValueError):
    """What the model sent cannot be a call: unknown tool, bad JSON, bad arguments."""


class ToolRegistry:
    def __init__(self, tools: Iterable[Tool[Any, Any]]) -> None:
        self._tools = {tool.name: tool for tool in tools}
        self._specs = [
            dict(pydantic_function_tool(t.args_model, name=t.name, description=t.description))
            for t in self._tools.values()
        ]

    def __contains__(self, name: str) -> bool:
        return name in self._tools

    def get(self, name: str) -> Tool[Any, Any]:
        try:
            return self._tools[name]
        except KeyError:
            known = ", ".join(sorted(self._tools))
            raise ToolCallError(f"unknown tool {name!r}; available: {known}") from None

    @property
    def names(self) -> list[str]:
        return list(self._tools)

    def specs(self) -> list[dict[str, Any]]:
        """Chat-completions tool definitions with strict JSON schemas."""
        return self._specs

    def parse(self, name: str, arguments: str | dict[str, Any]) -> BaseModel:
        tool = self.get(name)
        try:
            raw = json.loads(arguments or "{}") if isinstance(arguments, str) else arguments
        except json.JSONDecodeError as exc:
            raise ToolCallError(f"arguments for {name} are not valid JSON: {exc.msg}") from exc
        if not isinstance(raw, dict):
            raise ToolCallError(f"arguments for {name} must be a JSON object")
        # Strict mode makes optional fields explicit nulls; treat them as omitted.
        cleaned = {key: value for key, value in raw.items() if value is not None}
        try:
            args: BaseModel = tool.args_model.model_validate(cleaned)
            return args
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(str(p) for p in err['loc']) or '(arguments)'}: {err['msg']}"
                for err in exc.errors()
            )
            raise ToolCallError(f"invalid arguments for {name}: {problems}") from exc


DEFAULT_TOOLS: tuple[Tool[Any, Any], ...] = (
    account_state.TOOL,
    email.TOOL,
    promise.TOOL,
    dispute.TOOL,
    escalate.TOOL,
    followup.TOOL,
    contact.TOOL,
)


def default_registry() -> ToolRegistry:
    return ToolRegistry(DEFAULT_TOOLS)
