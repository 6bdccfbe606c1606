"""A model driven by a Python function: tests, benchmarks and known-bad agents."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from recoup.chat import ChatMessage, ModelResponse, ToolSpec

Script = Callable[[list[ChatMessage], list[ToolSpec]], ModelResponse | Awaitable[ModelResponse]]


class FunctionModel:
    def __init__(self, script: Script, *, name: str = "function", latency_s: float = 0.0) -> None:
        self._script = script
        self._latency_s = latency_s
        self.name = name
        self.calls = 0

    async def complete(self, messages: list[ChatMessage], tools: list[ToolSpec]) -> ModelResponse:
        self.calls += 1
        if self._latency_s:
            await asyncio.sleep(self._latency_s)
        result = self._script(messages, tools)
        if isinstance(result, Awaitable):
            result = await result
        return result
