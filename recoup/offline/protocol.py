"""Reading the conversation: the trigger, the account state and every tool result so far.

The offline model keeps no memory between turns; everything it knows comes from
the chat messages, like any model. Each call id carries the phase and purpose
the call was made for (``ledger:promise:3``), so a later turn can tell what an
answer was about.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import cached_property
from typing import Any, get_args

from pydantic import BaseModel, ValidationError

from recoup.chat import ChatMessage
from recoup.clock import as_utc
from recoup.ledger.state import AccountState
from recoup.policy import Policy
from recoup.prompts import parse_trigger_message

_SIGNATURE = re.compile(r'signed "(?P<sender>[^",]+), (?P<company>[^"]+)"')


@dataclass(frozen=True)
class Action:
    """A tool call the model decided on, before it has an id."""

    name: str
    args: dict[str, Any]
    purpose: str


@dataclass(frozen=True)
class CallRecord:
    """One tool call the model made earlier in this conversation, and its answer."""

    id: str
    name: str
    args: dict[str, Any]
    phase: str
    purpose: str
    result: dict[str, Any] | None

    @property
    def denied(self) -> bool:
        return bool(self.result and self.result.get("denied"))

    @property
    def held(self) -> bool:
        return bool(self.result and self.result.get("held_for_approval"))

    @property
    def failed(self) -> bool:
        return self.result is None or "error" in self.result

    @property
    def ok(self) -> bool:
        return not (self.denied or self.held or self.failed)

    @property
    def rule(self) -> str:
        return str((self.result or {}).get("rule") or "")

    @property
    def reason(self) -> str:
        result = self.result or {}
        return str(result.get("reason") or result.get("error") or "")


def call_id(phase: str, purpose: str, number: int) -> str:
    return f"{phase}:{purpose}:{number}"


def _split_call_id(raw: str) -> tuple[str, str]:
    parts = raw.split(":")
    return (parts[0], parts[1]) if len(parts) == 3 else ("", "")


@dataclass
class Conversation:
    system: str
    trigger: dict[str, Any]
    steps: list[list[CallRecord]] = field(default_factory=list)
    assistant_turns: int = 0
    chars_read: int = 0

    @property
    def now(self) -> datetime:
        raw = self.trigger.get("now")
        return as_utc(datetime.fromisoformat(raw)) if raw else datetime.min.replace(tzinfo=UTC)

    @property
    def today(self) -> date:
        raw = self.trigger.get("today")
        return date.fromisoformat(raw) if raw else self.now.date()

    @property
    def kinds(self) -> list[str]:
        return list(self.trigger.get("kinds") or [])

    @property
    def events(self) -> list[dict[str, Any]]:
        return list(self.trigger.get("events") or [])

    @property
    def customer_emails(self) -> list[dict[str, Any]]:
        return list(self.trigger.get("customer_emails") or [])

    def calls(self, phase: str | None = None) -> list[CallRecord]:
        return [c for step in self.steps for c in step if phase is None or c.phase == phase]

    def has_phase(self, phase: str) -> bool:
        return any(c.phase == phase for c in self.calls())

    @property
    def last_step(self) -> list[CallRecord]:
        return self.steps[-1] if self.steps else []

    @cached_property
    def state(self) -> AccountState | None:
        for call in reversed(self.calls()):
            if call.name == "get_account_state" and call.ok and call.result:
                return restore_state(call.result)
        return None

    def signature(self) -> tuple[str, str]:
        """(sender name, company name) as the system prompt asks emails to be signed."""
        found = _SIGNATURE.search(self.system)
        if found:
            return found.group("sender").strip(), found.group("company").strip()
        defaults = Policy()
        return defaults.sender_name, defaults.company_name


def read_conversation(messages: list[ChatMessage]) -> Conversation:
    system = ""
    trigger: dict[str, Any] = {}
    steps: list[list[CallRecord]] = []
    pending: dict[str, tuple[str, dict[str, Any]]] = {}
    results: dict[str, dict[str, Any]] = {}
    order: list[list[str]] = []
    turns = 0
    chars = 0
    for message in messages:
        role = message.get("role")
        content = message.get("content") or ""
        chars += len(content) if isinstance(content, str) else 0
        if role == "system" and not system:
            system = str(content)
        elif role == "user" and not trigger:
            trigger = _trigger(str(content))
        elif role == "assistant":
            turns += 1
            ids: list[str] = []
            for raw in message.get("tool_calls") or []:
                function = raw.get("function") or {}
                chars += len(str(function.get("arguments") or ""))
                pending[raw.get("id", "")] = (
                    function.get("name", ""),
                    _json(function.get("arguments")),
                )
                ids.append(raw.get("id", ""))
            if ids:
                order.append(ids)
        elif role == "tool":
            results[message.get("tool_call_id", "")] = _json(content)
    for ids in order:
        step = []
        for raw_id in ids:
            name, args = pending[raw_id]
            phase, purpose = _split_call_id(raw_id)
            step.append(CallRecord(raw_id, name, args, phase, purpose, results.get(raw_id)))
        steps.append(step)
    return Conversation(system, trigger, steps, turns, chars)


def _trigger(content: str) -> dict[str, Any]:
    try:
        return parse_trigger_message(content)
    except (ValueError, json.JSONDecodeError):
        return {}


def _json(raw: object) -> dict[str, Any]:
    if isinstance(raw, dict):
        return raw
    try:
        value = json.loads(str(raw or "{}"))
    except json.JSONDecodeError:
        return {"error": "unreadable tool result"}
    return value if isinstance(value, dict) else {"value": value}


def restore_state(data: dict[str, Any]) -> AccountState | None:
    """The typed account state; tool results leave out nulls, so put them back first."""
    try:
        return AccountState.model_validate(_with_nulls(AccountState, data))
    except ValidationError:
        return None


def _with_nulls(model: type[BaseModel], data: dict[str, Any]) -> dict[str, Any]:
    filled = dict(data)
    for name, spec in model.model_fields.items():
        if name not in filled:
            if spec.is_required():
                filled[name] = None
            continue
        nested = _model_in(spec.annotation)
        value = filled[name]
        if nested is not None and isinstance(value, dict):
            filled[name] = _with_nulls(nested, value)
        elif nested is not None and isinstance(value, list):
            filled[name] = [_with_nulls(nested, v) if isinstance(v, dict) else v for v in value]
    return filled


def _model_in(annotation: object) -> type[BaseModel] | None:
    for candidate in (annotation, *get_args(annotation)):
        if isinstance(candidate, type) and issubclass(candidate, BaseModel):
            return candidate
    return None
