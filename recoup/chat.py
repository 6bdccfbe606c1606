"""The one interface every model client speaks: chat messages in, a reply
with optional tool calls out. Messages use the chat-completions wire shape."""

from __future__ import annotations

from typing import Any, Protocol

from pydantic import BaseModel, Field

from recoup.errors import ModelFailure

ChatMessage = dict[str, Any]
ToolSpec = dict[str, Any]


class ToolCall(BaseModel):
    id: str
    name: str
    arguments: str = Field(description="The raw JSON text the model produced.")


class Usage(BaseModel):
    prompt_tokens: int = 0
    completion_tokens: int = 0


class ModelResponse(BaseModel):
    content: str | None = None
    tool_calls: list[ToolCall] = Field(default_factory=list)
    usage: Usage = Field(default_factory=Usage)

    def as_message(self) -> ChatMessage:
        message: ChatMessage = {"role": "assistant", "content": self.content}
        if self.tool_calls:
            message["tool_calls"] = [
                {
                    "id": call.id,
                    "type": "function",
                    "function": {"name": call.name, "arguments": call.arguments},
                }
                for call in self.tool_calls
            ]
        return message


class ModelError(ModelFailure, RuntimeError):
    """The model could not answer (after retries)."""


class ModelClient(Protocol):
    name: str

    async def complete(
        self, messages: list[ChatMessage], tools: list[ToolSpec]
    ) -> ModelResponse: ...
