"""The OpenAI-compatible client against a mocked server speaking the documented
wire format of ``POST {base_url}/chat/completions``."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from datetime import timedelta
from email.utils import format_datetime
from typing import Any

import httpx
import pytest
import respx
import structlog
from pydantic import SecretStr
from sqlalchemy import Engine
from sqlmodel import select

from recoup.agent.clients.openai_compat import OpenAICompatibleModel, retry_after_s
from recoup.agent.loop import AgentDeps, run_account
from recoup.chat import ModelError
from recoup.clock import FixedClock
from recoup.ledger.db import session as open_session
from recoup.ledger.events import aging_event
from recoup.ledger.models import Event, Message
from recoup.policy import Policy
from recoup.settings import ModelSettings
from recoup.tools.registry import default_registry
from tests.support import factory

BASE_URL = "http://llm.test/v1"
API_KEY = "sk-test-9f8e7d6c5b4a-do-not-log"
USER_TURN = [{"role": "user", "content": "Hello"}]


def completion(
    content: str | None = None,
    calls: list[tuple[str, str, str]] = (),  # type: ignore[assignment]
    *,
    usage: tuple[int, int] | None = (120, 30),
) -> dict[str, Any]:
    """A chat.completion body as the API documents it."""
    message: dict[str, Any] = {"role": "assistant", "content": content, "refusal": None}
    if calls:
        message["tool_calls"] = [
            {"id": call_id, "type": "function", "function": {"name": name, "arguments": args}}
            for call_id, name, args in calls
        ]
    body: dict[str, Any] = {
        "id": "chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT",
        "object": "chat.completion",
        "created": 1_795_000_000,
        "model": "gpt-test-2026-01-01",
        "choices": [
            {
                "index": 0,
                "message": message,
                "logprobs": None,
                "finish_reason": "tool_calls" if calls else "stop",
            }
        ],
        "system_fingerprint": "fp_test",
    }
    if usage is not None:
        body["usage"] = {
            "prompt_tokens": usage[0],
            "completion_tokens": usage[1],
            "total_tokens": usage[0] + usage[1],
        }
    return body


def error(status: int, message: str, code: str, **headers: str) -> httpx.Response:
    body = {"error": {"message": message, "type": "invalid_request_error", "code": code}}
    return httpx.Response(status, json=body, headers=headers)


def sent(route: respx.Route, index: int = -1) -> dict[str, Any]:
    return json.loads(route.calls[index].request.content)


class Sleeps(list[float]):
    async def __call__(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture
def server() -> Iterator[respx.MockRouter]:
    with respx.mock(base_url=BASE_URL, assert_all_called=False) as router:
        yield router


@pytest.fixture
async def http_client() -> Any:
    async with httpx.AsyncClient() as client:
        yield client


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


def make_client(
    http_client: httpx.AsyncClient, sleeps: Sleeps, clock: FixedClock | None = None, **settings: Any
) -> OpenAICompatibleModel:
    values: dict[str, Any] = {
        "spec": "openai:gpt-test",
        "base_url": BASE_URL,
        "api_key": SecretStr(API_KEY),
        "max_retries": 3,
        **settings,
    }
    return OpenAICompatibleModel(
        ModelSettings(**values), http_client=http_client, sleep=sleeps, clock=clock
    )


async def test_a_tool_call_is_read_from_the_wire_format(
    server: respx.MockRouter, http_client: httpx.AsyncClient, sleeps: Sleeps
) -> None:
    route = server.post("/chat/completions").respond(
        json=completion(
            calls=[
                ("call_a1", "get_account_state", "{}"),
                ("call_b2", "schedule_followup", '{"on": "2026-11-30", "reason": "promised"}'),
            ],
            usage=(812, 47),
        )
    )
    tools = default_registry().specs()
    model = make_client(http_client, sleeps)

    response = await model.complete(USER_TURN, tools)

    assert [(c.id, c.name, c.arguments) for c in response.tool_calls] == [
        ("call_a1", "get_account_state", "{}"),
        ("call_b2", "schedule_followup", '{"on": "2026-11-30", "reason": "promised"}'),
    ]
    assert response.content is None
    assert (response.usage.prompt_tokens, response.usage.completion_tokens) == (812, 47)
    request = route.calls.last.request
    assert request.url == f"{BASE_URL}/chat/completions"
    assert request.headers["authorization"] == f"Bearer {API_KEY}"
    body = sent(route)
    assert body["model"] == "gpt-test"
    assert body["temperature"] == 0
    assert body["parallel_tool_calls"] is True
    assert body["messages"] == USER_TURN
    assert body["tools"] == tools
    assert "stream" not in body or body["stream"] is False
    assert sleeps == []


async def test_a_plain_answer_sends_no_tool_fields_and_tolerates_missing_usage(
    server: respx.MockRouter, http_client: httpx.AsyncClient, sleeps: Sleeps
) -> None:
    route = server.post("/chat/completions").respond(
        json=completion("Nothing to do today.", usage=None)
    )
    response = await make_client(http_client, sleeps).complete(USER_TURN, [])
    assert response.content == "Nothing to do today."
    assert response.tool_calls == []
    assert (response.usage.prompt_tokens, response.usage.completion_tokens) == (0, 0)
    body = sent(route)
    assert "tools" not in body and "parallel_tool_calls" not in body


async def test_local_servers_without_call_ids_or_with_object_arguments_still_parse(
    server: respx.MockRouter, http_client: httpx.AsyncClient, sleeps: Sleeps
) -> None:
    body = completion(calls=[("", "get_account_state", "{}")])
    call = body["choices"][0]["message"]["tool_calls"][0]
    call["id"] = None
    call["function"]["arguments"] = {"invoice_numbers": ["INV-1"]}
    server.post("/chat/completions").respond(json=body)
    response = await make_client(http_client, sleeps).complete(USER_TURN, [])
    assert [(c.id, c.name) for c in response.tool_calls] == [("call_0", "get_account_state")]
    assert json.loads(response.tool_calls[0].arguments) == {"invoice_numbers": ["INV-1"]}


def _seed(engine: Engine, clock: FixedClock) -> tuple[int, str, list[Event]]:
    with open_session(engine) as session:
        owner = factory.customer(session, email="ap@acme.example")
        inv = factory.invoice(session, owner, due=clock.now().date() - timedelta(days=12))
        session.add(aging_event(inv, 1, now=clock.now()))
        session.commit()
        events = list(session.exec(select(Event).where(Event.customer_id == owner.id)))
        return owner.id or 0, inv.number, events


async def test_a_multi_turn_run_sends_tool_results_back_and_queues_the_email(
    engine: Engine,
    clock: FixedClock,
    server: respx.MockRouter,
    http_client: httpx.AsyncClient,
    sleeps: Sleeps,
) -> None:
    customer_id, number, events = _seed(engine, clock)
    email_args = {
        "to": ["ap@acme.example"],
        "cc": [],
        "subject": f"Invoice {number} is overdue",
        "body": f"Hello, invoice {number} for $1,000.00 is 12 days overdue.",
        "tone": "friendly",
        "invoice_numbers": [number],
        "attach_invoice_copies": [],
        "attach_statement": False,
        "reply_to_message_id": None,
        "concession": None,
    }
    route = server.post("/chat/completions")
    route.side_effect = [
        httpx.Response(200, json=completion(calls=[("call_state", "get_account_state", "{}")])),
        httpx.Response(
            200,
            json=completion(calls=[("call_email", "send_email", json.dumps(email_args))]),
        ),
        httpx.Response(200, json=completion("Sent a friendly reminder.", usage=(900, 12))),
    ]
    deps = AgentDeps(
        engine=engine, clock=clock, policy=Policy(), model=make_client(http_client, sleeps)
    )

    result = await run_account(deps, customer_id, events)

    assert result.outcome == "completed" and result.steps == 3
    assert [(c.name, c.status) for c in result.calls] == [
        ("get_account_state", "ok"),
        ("send_email", "ok"),
    ]
    assert (result.prompt_tokens, result.completion_tokens) == (120 + 120 + 900, 30 + 30 + 12)
    assert route.call_count == 3
    first, second, third = (sent(route, i) for i in range(3))
    for body in (first, second, third):
        assert body["model"] == "gpt-test" and body["temperature"] == 0
        assert [t["function"]["name"] for t in body["tools"]] == default_registry().names
        for tool in body["tools"]:
            assert tool["type"] == "function"
            assert tool["function"]["strict"] is True
            assert tool["function"]["parameters"]["additionalProperties"] is False
    assert [m["role"] for m in first["messages"]] == ["system", "user"]
    assert number in first["messages"][1]["content"]

    assistant, tool_result = second["messages"][2:]
    assert assistant["tool_calls"] == [
        {
            "id": "call_state",
            "type": "function",
            "function": {"name": "get_account_state", "arguments": "{}"},
        }
    ]
    assert tool_result["role"] == "tool" and tool_result["tool_call_id"] == "call_state"
    state = json.loads(tool_result["content"])
    assert number in json.dumps(state)

    assert third["messages"][:4] == second["messages"]
    email_turn, email_result = third["messages"][4:]
    assert email_turn["tool_calls"][0]["id"] == "call_email"
    assert email_result["tool_call_id"] == "call_email"
    queued = json.loads(email_result["content"])
    assert queued["queued"] is True

    with open_session(engine) as session:
        outbox = list(session.exec(select(Message).where(Message.customer_id == customer_id)))
    assert len(outbox) == 1
    assert outbox[0].id == queued["outbox_id"]
    assert outbox[0].subject == f"Invoice {number} is overdue"
    assert outbox[0].to_addrs == "ap@acme.example"
    assert outbox[0].status == "queued"


async def test_malformed_arguments_are_reported_back_to_the_model(
    engine: Engine,
    clock: FixedClock,
    server: respx.MockRouter,
    http_client: httpx.AsyncClient,
    sleeps: Sleeps,
) -> None:
    customer_id, _number, events = _seed(engine, clock)
    truncated = '{"to": ["ap@acme.example"], "subject": "Overdue'
    route = server.post("/chat/completions")
    route.side_effect = [
        httpx.Response(200, json=completion(calls=[("call_bad", "send_email", truncated)])),
        httpx.Response(200, json=completion("I will try again tomorrow.")),
    ]
    deps = AgentDeps(
        engine=engine, clock=clock, policy=Policy(), model=make_client(http_client, sleeps)
    )

    result = await run_account(deps, customer_id, events)

    assert [(c.name, c.status) for c in result.calls] == [("send_email", "invalid")]
    follow_up = sent(route, 1)["messages"]
    assert follow_up[-2]["tool_calls"][0]["function"]["arguments"] == truncated
    assert follow_up[-1]["role"] == "tool" and follow_up[-1]["tool_call_id"] == "call_bad"
    assert "not valid JSON" in json.loads(follow_up[-1]["content"])["error"]
    with open_session(engine) as session:
        assert list(session.exec(select(Message))) == []


@pytest.mark.parametrize(
    ("headers", "expected_wait"),
    [
        ({"retry-after": "2"}, 2.0),
        ({"retry-after": "7.5"}, 7.5),
        ({"retry-after-ms": "1500"}, 1.5),
        ({"retry-after": "3600"}, 30.0),  # capped
        ("http-date", 9.0),
    ],
)
async def test_rate_limits_wait_as_long_as_the_server_asks(
    server: respx.MockRouter,
    http_client: httpx.AsyncClient,
    sleeps: Sleeps,
    clock: FixedClock,
    headers: dict[str, str] | str,
    expected_wait: float,
) -> None:
    if headers == "http-date":
        headers = {"retry-after": format_datetime(clock.now() + timedelta(seconds=9), usegmt=True)}
    assert isinstance(headers, dict)
    route = server.post("/chat/completions")
    route.side_effect = [
        error(429, "Rate limit reached for requests", "rate_limit_exceeded", **headers),
        httpx.Response(200, json=completion("ok")),
    ]
    response = await make_client(http_client, sleeps, clock).complete(USER_TURN, [])
    assert response.content == "ok"
    assert route.call_count == 2
    assert sleeps == [pytest.approx(expected_wait)]


async def test_server_errors_are_retried_with_growing_jittered_backoff(
    server: respx.MockRouter, http_client: httpx.AsyncClient, sleeps: Sleeps
) -> None:
    route = server.post("/chat/completions")
    route.side_effect = [
        error(500, "The server had an error", "server_error"),
        error(503, "Overloaded", "overloaded"),
        httpx.Response(200, json=completion("ok")),
    ]
    response = await make_client(http_client, sleeps).complete(USER_TURN, [])
    assert response.content == "ok"
    assert route.call_count == 3
    assert len(sleeps) == 2
    assert 0 <= sleeps[0] <= 0.5 and 0 <= sleeps[1] <= 1.0
    assert sent(route, 0) == sent(route, 2)


async def test_timeouts_are_retried_until_the_budget_is_spent(
    server: respx.MockRouter, http_client: httpx.AsyncClient, sleeps: Sleeps
) -> None:
    route = server.post("/chat/completions").mock(side_effect=httpx.ReadTimeout("slow"))
    model = make_client(http_client, sleeps, max_retries=2)
    with pytest.raises(ModelError, match=r"no answer within the timeout after 3 attempt"):
        await model.complete(USER_TURN, [])
    assert route.call_count == 3
    assert len(sleeps) == 2


async def test_a_lost_connection_is_retried(
    server: respx.MockRouter, http_client: httpx.AsyncClient, sleeps: Sleeps
) -> None:
    route = server.post("/chat/completions")
    route.side_effect = [httpx.ConnectError("refused"), httpx.Response(200, json=completion("ok"))]
    response = await make_client(http_client, sleeps).complete(USER_TURN, [])
    assert response.content == "ok" and route.call_count == 2 and len(sleeps) == 1


async def test_server_errors_give_up_after_the_budget(
    server: respx.MockRouter, http_client: httpx.AsyncClient, sleeps: Sleeps
) -> None:
    route = server.post("/chat/completions").mock(
        return_value=error(502, "Bad gateway", "bad_gateway")
    )
    with pytest.raises(ModelError, match=r"HTTP 502.*gave up after 2 attempt"):
        await make_client(http_client, sleeps, max_retries=1).complete(USER_TURN, [])
    assert route.call_count == 2


async def test_with_no_retry_budget_the_sdk_does_not_retry_either(
    server: respx.MockRouter, http_client: httpx.AsyncClient, sleeps: Sleeps
) -> None:
    route = server.post("/chat/completions").mock(return_value=error(500, "boom", "server_error"))
    with pytest.raises(ModelError):
        await make_client(http_client, sleeps, max_retries=0).complete(USER_TURN, [])
    assert route.call_count == 1 and sleeps == []


@pytest.mark.parametrize(
    ("status", "hint"),
    [(400, "refused"), (401, "API key"), (403, "access"), (404, "model name")],
)
async def test_refusals_are_not_retried(
    server: respx.MockRouter,
    http_client: httpx.AsyncClient,
    sleeps: Sleeps,
    status: int,
    hint: str,
) -> None:
    route = server.post("/chat/completions").mock(
        return_value=error(status, "The request cannot be served", "refused")
    )
    with pytest.raises(ModelError) as failure:
        await make_client(http_client, sleeps).complete(USER_TURN, [])
    assert route.call_count == 1 and sleeps == []
    message = str(failure.value)
    assert f"HTTP {status}" in message and hint in message
    assert "openai:gpt-test" in message and BASE_URL in message


async def test_the_api_key_never_reaches_logs_or_errors(
    server: respx.MockRouter,
    http_client: httpx.AsyncClient,
    sleeps: Sleeps,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # Some servers echo the key they were given; it must still go no further.
    route = server.post("/chat/completions")
    route.side_effect = [
        error(429, f"Too many requests for key {API_KEY}", "rate_limit_exceeded"),
        error(401, f"Incorrect API key provided: {API_KEY}", "invalid_api_key"),
    ]
    caplog.set_level(logging.DEBUG)
    with structlog.testing.capture_logs() as events, pytest.raises(ModelError) as failure:
        await make_client(http_client, sleeps).complete(USER_TURN, [])

    assert route.calls[0].request.headers["authorization"] == f"Bearer {API_KEY}"
    assert route.call_count == 2
    retries = [e for e in events if e["event"] == "model_retry"]
    assert len(retries) == 1 and "HTTP 429" in retries[0]["reason"]
    assert "[redacted]" in str(failure.value)
    assert failure.value.__cause__ is None
    printed = capsys.readouterr()
    for text in (
        str(failure.value),
        repr(events),
        caplog.text,
        printed.out,
        printed.err,
    ):
        assert API_KEY not in text
    assert caplog.records, "the SDK's and httpx's debug logs were captured too"


async def test_azure_style_servers_get_the_key_in_their_header_and_the_api_version(
    server: respx.MockRouter, http_client: httpx.AsyncClient, sleeps: Sleeps
) -> None:
    route = server.post("/chat/completions").respond(json=completion("ok"))
    model = make_client(
        http_client,
        sleeps,
        api_key_header="api-key",
        default_query={"api-version": "2024-10-21"},
        default_headers={"x-ms-client-request-id": "recoup"},
    )
    await model.complete(USER_TURN, [])
    request = route.calls.last.request
    assert request.headers["api-key"] == API_KEY
    assert "authorization" not in request.headers
    assert request.headers["x-ms-client-request-id"] == "recoup"
    assert request.url.params["api-version"] == "2024-10-21"


async def test_a_keyless_local_server_gets_no_authorization_header(
    server: respx.MockRouter, http_client: httpx.AsyncClient, sleeps: Sleeps
) -> None:
    route = server.post("/chat/completions").respond(json=completion("ok"))
    model = make_client(http_client, sleeps, api_key=None, spec="openai:qwen2.5:7b-instruct")
    await model.complete(USER_TURN, [])
    assert "authorization" not in route.calls.last.request.headers
    assert sent(route)["model"] == "qwen2.5:7b-instruct"


@pytest.mark.parametrize(
    ("reply", "expected"),
    [
        (httpx.Response(200, json={**completion("ok"), "choices": []}), "choice"),
        (httpx.Response(200, text="<html>gateway</html>"), "choice"),
        (
            httpx.Response(200, text='{"id": "cut', headers={"content-type": "application/json"}),
            "unreadable response",
        ),
    ],
)
async def test_a_reply_that_is_not_a_completion_is_a_model_error(
    server: respx.MockRouter,
    http_client: httpx.AsyncClient,
    sleeps: Sleeps,
    reply: httpx.Response,
    expected: str,
) -> None:
    route = server.post("/chat/completions").mock(return_value=reply)
    with pytest.raises(ModelError, match=expected):
        await make_client(http_client, sleeps).complete(USER_TURN, [])
    assert route.call_count == 1 and sleeps == []


async def test_aclose_closes_only_a_client_the_model_created(
    http_client: httpx.AsyncClient, sleeps: Sleeps
) -> None:
    borrowed = make_client(http_client, sleeps)
    await borrowed.aclose()
    assert not http_client.is_closed

    owned = OpenAICompatibleModel(ModelSettings(spec="openai:gpt-test", base_url=BASE_URL))
    created = owned._http
    assert not created.is_closed
    await owned.aclose()
    assert created.is_closed


def test_a_spec_without_a_model_name_is_refused() -> None:
    with pytest.raises(ValueError, match="openai:MODEL"):
        OpenAICompatibleModel(ModelSettings(spec="openai:"))


def test_retry_after_parsing(clock: FixedClock) -> None:
    now = clock.now()
    past = format_datetime(now - timedelta(seconds=30), usegmt=True)
    assert retry_after_s({"retry-after": "12"}, now=now) == 12.0
    assert retry_after_s({"retry-after": past}, now=now) == 0.0
    assert retry_after_s({"retry-after": "soon"}, now=now) is None
    assert retry_after_s({}, now=now) is None
    assert retry_after_s({"retry-after-ms": "250", "retry-after": "9"}, now=now) == 0.25
