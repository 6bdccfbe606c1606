"""A `recoup run` process for the crash and signal tests.

    python -m tests.daemon.child CONFIG.json
    python -m tests.daemon.child --zygote

CONFIG holds {"settings": {...}, "model_latency_s": float}. The model answers
every customer email once, with a courtesy acknowledgement, and does nothing
else; the clock is the system's.

With --zygote the process imports everything once, then forks one daemon per
"start CONFIG LOG" line read from stdin and answers with its pid: the crash
test restarts the daemon dozens of times without paying for the imports each
time. Children are reaped at once, so a killed daemon's pid is gone.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
import traceback
from pathlib import Path
from typing import Any

from recoup.agent.clients.scripted import FunctionModel
from recoup.chat import ChatMessage, ModelResponse, ToolCall, ToolSpec
from recoup.clock import SystemClock
from recoup.daemon.app import run_daemon
from recoup.logs import configure_logging
from recoup.prompts import parse_trigger_message
from recoup.settings import Settings


def responder(latency_s: float = 0.0) -> FunctionModel:
    def script(messages: list[ChatMessage], _tools: list[ToolSpec]) -> ModelResponse:
        turns = sum(1 for m in messages if m["role"] == "assistant")
        if turns == 0:
            call = ToolCall(id="s", name="get_account_state", arguments="{}")
            return ModelResponse(tool_calls=[call])
        if turns > 1:
            return ModelResponse(content="answered")
        trigger = parse_trigger_message(next(m for m in messages if m["role"] == "user")["content"])
        state = json.loads(messages[-1]["content"])
        contacts = [c["email"] for c in state["contacts"] if c["contactable"]]
        calls = []
        for n, email in enumerate(trigger.get("customer_emails", [])):
            args: dict[str, Any] = {
                "to": contacts[:1],
                "subject": f"Re: {email['subject']}"[:200],
                "body": "Hello,\n\nThank you, we have received your message.\n\nKind regards",
                "tone": "courtesy",
                "reply_to_message_id": email["message_id"],
            }
            calls.append(ToolCall(id=f"r{n}", name="send_email", arguments=json.dumps(args)))
        return ModelResponse(tool_calls=calls) if calls else ModelResponse(content="nothing")

    return FunctionModel(script, name="responder", latency_s=latency_s)


async def _run(settings: Settings, latency_s: float) -> None:
    stop = asyncio.Event()
    await run_daemon(settings, clock=SystemClock(), stop_event=stop, model=responder(latency_s))


def serve(config_path: Path) -> None:
    config = json.loads(config_path.read_text(encoding="utf-8"))
    configure_logging(json=True)
    settings = Settings.model_validate(config["settings"])
    asyncio.run(_run(settings, float(config.get("model_latency_s", 0.0))))


def zygote() -> None:
    def reap(_signum: int, _frame: object) -> None:
        while True:
            try:
                pid, _status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return

    signal.signal(signal.SIGCHLD, reap)
    for line in sys.stdin:
        command, *args = line.split()
        if command != "start":
            break
        pid = os.fork()
        if pid == 0:
            signal.signal(signal.SIGCHLD, signal.SIG_DFL)
            log = os.open(args[1], os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
            os.dup2(log, 1)
            os.dup2(log, 2)
            code = 1
            try:
                serve(Path(args[0]))
                code = 0
            except BaseException:
                traceback.print_exc()
            finally:
                os._exit(code)
        print(f"pid {pid}", flush=True)


def main() -> None:
    if sys.argv[1] == "--zygote":
        zygote()
    else:
        serve(Path(sys.argv[1]))


if __name__ == "__main__":
    main()
