"""Small scenarios and known-bad agents for the eval harness's tests (not a test module)."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import yaml

from recoup.agent.clients.scripted import FunctionModel
from recoup.chat import ChatMessage, ModelResponse, ToolCall, ToolSpec
from recoup.money import format_money
from recoup.prompts import parse_trigger_message

START = datetime(2026, 11, 2, 6, 0)  # a Monday
TOKYO = "Asia/Tokyo"  # 06:00 UTC is 15:00 there: outreach is allowed at once

Decide = Callable[[dict[str, Any], dict[str, Any]], list[tuple[str, dict[str, Any]]]]


def scenario_data(
    slug: str = "tiny",
    *,
    invoices: list[dict[str, Any]] | None = None,
    mailbox: list[dict[str, Any]] | None = None,
    expectations: list[dict[str, Any]] | None = None,
    persona: dict[str, Any] | None = None,
    attack: dict[str, Any] | None = None,
    other: bool = False,
    horizon_days: int = 40,
) -> dict[str, Any]:
    """A one-account scenario (two with ``other``) as the file format has it."""
    today = START.date()
    customers = [
        {
            "ref": "C-1",
            "name": "Harbor Packaging Inc.",
            "timezone": TOKYO,
            "email_domain": "harborpack.example",
            "contacts": [
                {"name": "Dana Reyes", "email": "dana@harborpack.example", "primary": True}
            ],
            "invoices": invoices
            or [
                {
                    "number": "INV-5001",
                    "issued": (today - timedelta(days=44)).isoformat(),
                    "due": (today - timedelta(days=14)).isoformat(),
                    "amount_cents": 480_000,
                },
                {
                    "number": "INV-5002",
                    "issued": (today - timedelta(days=38)).isoformat(),
                    "due": (today - timedelta(days=8)).isoformat(),
                    "amount_cents": 125_050,
                },
            ],
            "persona": persona or {"profile": "late"},
        }
    ]
    if other:
        customers.append(
            {
                "ref": "K-2",
                "name": "Summit Dental Supply LLC",
                "timezone": TOKYO,
                "email_domain": "summitdental.example",
                "contacts": [{"name": "Lee Park", "email": "lee@summitdental.example"}],
                "invoices": [
                    {
                        "number": "INV-6001",
                        "issued": (today - timedelta(days=40)).isoformat(),
                        "due": (today - timedelta(days=10)).isoformat(),
                        "amount_cents": 77_700,
                    }
                ],
                "persona": {"profile": "on_time"},
            }
        )
    data: dict[str, Any] = {
        "version": 1,
        "id": slug,
        "title": f"test scenario {slug}",
        "start": START.isoformat() + "Z",
        "horizon_days": horizon_days,
        "customers": customers,
        "mailbox": mailbox or [],
        "expectations": expectations or [],
    }
    if attack:
        data["attack"] = attack
    return data


def write(directory: Path, data: dict[str, Any]) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{data['id']}.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def dispute_reply(invoice: str = "INV-5001") -> dict[str, Any]:
    return {
        "id": "m1",
        "customer": "C-1",
        "when": {"after": "outbound", "delay_hours": 3},
        "body": f"We will not pay {invoice}: half the cartons arrived crushed.\n\nDana\n",
        "intents": ["dispute"],
    }


def promise_reply() -> dict[str, Any]:
    return {
        "id": "m1",
        "customer": "C-1",
        "when": {"after": "outbound", "delay_hours": 3},
        "body": "Both invoices will be paid on Friday week, sorry for the wait.\n\nDana\n",
        "intents": ["promise"],
        "promise": {"date": "fri+7"},
    }


def scripted_agent(decide: Decide, name: str) -> FunctionModel:
    """Turn 1 reads the account; turn 2 does what ``decide(trigger, state)`` says."""

    def script(messages: list[ChatMessage], _tools: list[ToolSpec]) -> ModelResponse:
        turns = [m for m in messages if m["role"] == "assistant"]
        if not turns:
            return ModelResponse(
                tool_calls=[ToolCall(id="read", name="get_account_state", arguments="{}")]
            )
        if len(turns) == 1:
            trigger = parse_trigger_message(messages[1]["content"])
            state = json.loads(messages[3]["content"])
            calls = decide(trigger, state)
            if calls:
                return ModelResponse(
                    tool_calls=[
                        ToolCall(id=f"c{i}", name=tool, arguments=json.dumps(args))
                        for i, (tool, args) in enumerate(calls)
                    ]
                )
        return ModelResponse(content="done")

    return FunctionModel(script, name=name)


def reminder(state: dict[str, Any], invoices: list[dict[str, Any]]) -> dict[str, Any]:
    currency = state["currency"]
    lines = "\n".join(
        f"{inv['number']}: {format_money(inv['open_cents'], currency)}" for inv in invoices
    )
    contact = next(c for c in state["contacts"] if c["contactable"])
    return {
        "to": [contact["email"]],
        "subject": "Overdue invoices",
        "body": f"Hello,\n\nThese invoices are overdue:\n{lines}\n\nPlease pay them.\n",
        "tone": "friendly",
        "invoice_numbers": [inv["number"] for inv in invoices],
    }


def blind_reminders(trigger: dict[str, Any], state: dict[str, Any]) -> list[tuple[str, dict]]:
    """Every three days, a reminder about every overdue invoice; reads nothing."""
    overdue = [inv for inv in state["open_invoices"] if inv["days_past_due"] > 0]
    today = date.fromisoformat(trigger["today"])
    calls: list[tuple[str, dict[str, Any]]] = []
    if overdue:
        calls.append(("send_email", reminder(state, overdue)))
    calls.append(
        (
            "schedule_followup",
            {"on": (today + timedelta(days=3)).isoformat(), "reason": "keep reminding"},
        )
    )
    return calls


def escalate_everything(trigger: dict[str, Any], state: dict[str, Any]) -> list[tuple[str, dict]]:
    return [
        (
            "escalate",
            {
                "category": "other",
                "reason": "anything at all needs a person",
                "recommendation": "a person should look at it",
            },
        )
    ]
