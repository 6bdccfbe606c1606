"""The offline model: recoup's built-in, deterministic collections brain as a ModelClient.

No network, no configuration, the same answer to the same conversation. It
reads only the chat messages and answers with tool calls, like any model, so
it runs through the same loop, guardrails and audit, and is the baseline a
hosted model must beat.
"""

from __future__ import annotations

import json

from recoup.chat import ChatMessage, ModelResponse, ToolCall, ToolSpec, Usage
from recoup.offline.brain import next_move
from recoup.offline.protocol import call_id, read_conversation

CHARS_PER_TOKEN = 4


class OfflineModel:
    name = "offline"

    def __init__(self) -> None:
        self.calls = 0

    async def complete(self, messages: list[ChatMessage], tools: list[ToolSpec]) -> ModelResponse:
        self.calls += 1
        conversation = read_conversation(messages)
        move = next_move(conversation)
        available = {spec.get("function", {}).get("name") for spec in tools}
        actions = [a for a in move.actions if a.name in available]
        if move.text is not None or not actions:
            text = move.text or "Nothing I can do with the tools offered."
            return ModelResponse(content=text, usage=_usage(conversation.chars_read, len(text)))
        numbered = len(conversation.calls())
        tool_calls = [
            ToolCall(
                id=call_id(move.phase, action.purpose, numbered + offset),
                name=action.name,
                arguments=json.dumps(action.args, ensure_ascii=False),
            )
            for offset, action in enumerate(actions)
        ]
        written = sum(len(call.arguments) + len(call.name) for call in tool_calls)
        return ModelResponse(tool_calls=tool_calls, usage=_usage(conversation.chars_read, written))


def _usage(read: int, written: int) -> Usage:
    return Usage(
        prompt_tokens=read // CHARS_PER_TOKEN, completion_tokens=written // CHARS_PER_TOKEN
    )
