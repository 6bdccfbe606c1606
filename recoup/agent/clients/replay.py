"""Record a model's answers, and answer from the record: a real model's run can
be re-scored offline, deterministically, through the same loop.

The record is JSON lines, one exchange each, keyed by a hash of what the model
was shown (messages and tools). The hash ignores dict ordering and generated
identifiers (Message-IDs are fresh uuids on every run), so the same scenario
replayed against a fresh ledger finds its answers.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import defaultdict, deque
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from recoup.chat import (
    ChatMessage,
    ModelClient,
    ModelError,
    ModelResponse,
    ToolSpec,
)

_GENERATED_ID = re.compile(
    r"\b(?:[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\b",
    re.IGNORECASE,
)
GENERATED_ID_MARK = "<id>"


def exchange_key(messages: list[ChatMessage], tools: list[ToolSpec]) -> str:
    canonical = json.dumps(
        _without_generated_ids({"messages": messages, "tools": tools}),
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        default=str,
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def step_of(messages: list[ChatMessage]) -> int:
    """The loop step this request belongs to: one more than the model's turns so far."""
    return 1 + sum(1 for message in messages if message.get("role") == "assistant")


class RecordingModel:
    """Passes every call to ``inner`` and appends the exchange to ``path``."""

    def __init__(self, inner: ModelClient, path: Path) -> None:
        self.inner = inner
        self.name = inner.name
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)

    async def complete(self, messages: list[ChatMessage], tools: list[ToolSpec]) -> ModelResponse:
        response = await self.inner.complete(messages, tools)
        line = json.dumps(
            {
                "key": exchange_key(messages, tools),
                "step": step_of(messages),
                "model": self.inner.name,
                "response": response.model_dump(mode="json"),
            },
            ensure_ascii=False,
        )
        with self.path.open("a", encoding="utf-8") as record:
            record.write(line + "\n")
        return response

    async def aclose(self) -> None:
        closer = getattr(self.inner, "aclose", None)
        if closer is not None:
            await closer()


class ReplayModel:
    """Answers from a record; the same request gets the same answer, repeats in order."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.name = f"replay:{path}"
        self._answers: dict[str, deque[ModelResponse]] = defaultdict(deque)
        self._served: dict[str, int] = defaultdict(int)
        with path.open(encoding="utf-8") as record:
            for number, line in enumerate(record, start=1):
                if not line.strip():
                    continue
                try:
                    entry = json.loads(line)
                    response = ModelResponse.model_validate(entry["response"])
                    self._answers[str(entry["key"])].append(response)
                except (json.JSONDecodeError, KeyError, TypeError, ValidationError) as exc:
                    raise ValueError(f"{path}:{number}: not a recorded exchange ({exc})") from exc

    async def complete(self, messages: list[ChatMessage], tools: list[ToolSpec]) -> ModelResponse:
        key = exchange_key(messages, tools)
        answers = self._answers.get(key)
        if not answers:
            served = self._served[key]
            again = f" (its {served} recorded answer(s) are used up)" if served else ""
            raise ModelError(
                f"replay miss at step {step_of(messages)}: {self.path} has no answer for this "
                f"conversation{again}; the run diverged from the recording after "
                f"{_last_turn(messages)} (key {key[:12]})"
            )
        self._served[key] += 1
        return answers.popleft().model_copy(deep=True)

    async def aclose(self) -> None:
        return None


def _without_generated_ids(value: Any) -> Any:
    if isinstance(value, str):
        return _GENERATED_ID.sub(GENERATED_ID_MARK, value)
    if isinstance(value, dict):
        return {key: _without_generated_ids(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_without_generated_ids(item) for item in value]
    return value


def _last_turn(messages: list[ChatMessage]) -> str:
    if not messages:
        return "nothing"
    last = messages[-1]
    role = str(last.get("role", "?"))
    if role == "tool":
        return f"the tool result for call {last.get('tool_call_id')!r}"
    return f"a {role} message"
