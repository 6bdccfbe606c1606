"""make_model: one spec string, the right client."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import httpx
import pytest
from pydantic import SecretStr

from recoup.agent.clients.factory import make_model
from recoup.agent.clients.openai_compat import OpenAICompatibleModel
from recoup.agent.clients.replay import RecordingModel, ReplayModel, exchange_key
from recoup.chat import ChatMessage, ModelResponse
from recoup.settings import ModelSettings

USER_TURN: list[ChatMessage] = [{"role": "user", "content": "Hello"}]


def chat_server(seen: list[httpx.Request]) -> httpx.MockTransport:
    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        body = {
            "id": "chatcmpl-1",
            "object": "chat.completion",
            "created": 1_795_000_000,
            "model": json.loads(request.content)["model"],
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": "hi there"},
                    "finish_reason": "stop",
                }
            ],
            "usage": {"prompt_tokens": 3, "completion_tokens": 2, "total_tokens": 5},
        }
        return httpx.Response(200, json=body)

    return httpx.MockTransport(handle)


@pytest.mark.skipif(
    importlib.util.find_spec("recoup.agent.clients.offline") is None,
    reason="recoup.agent.clients.offline is not there yet",
)
def test_offline_builds_the_offline_model() -> None:
    from recoup.agent.clients.offline import OfflineModel

    model = make_model(ModelSettings(spec="offline"))
    assert isinstance(model, OfflineModel)


async def test_openai_spec_builds_a_client_over_the_given_http_client() -> None:
    seen: list[httpx.Request] = []
    async with httpx.AsyncClient(transport=chat_server(seen)) as http_client:
        settings = ModelSettings(
            spec="openai:gpt-4.1-mini",
            base_url="http://llm.test/v1",
            api_key=SecretStr("sk-factory"),
        )
        model = make_model(settings, http_client=http_client)
        assert isinstance(model, OpenAICompatibleModel)
        assert model.name == "openai:gpt-4.1-mini"
        response = await model.complete(USER_TURN, [])
    assert response.content == "hi there"
    assert len(seen) == 1
    assert str(seen[0].url) == "http://llm.test/v1/chat/completions"
    assert json.loads(seen[0].content)["model"] == "gpt-4.1-mini"


async def test_replay_spec_answers_from_the_file(tmp_path: Path) -> None:
    record = tmp_path / "run.jsonl"
    answer = ModelResponse(content="from the record")
    entry = {
        "key": exchange_key(USER_TURN, []),
        "step": 1,
        "model": "m",
        "response": answer.model_dump(),
    }
    record.write_text(json.dumps(entry) + "\n")

    model = make_model(ModelSettings(spec=f"replay:{record}"))

    assert isinstance(model, ReplayModel)
    assert (await model.complete(USER_TURN, [])).content == "from the record"


async def test_record_to_wraps_the_model_and_writes_every_exchange(tmp_path: Path) -> None:
    seen: list[httpx.Request] = []
    record = tmp_path / "recorded" / "run.jsonl"
    async with httpx.AsyncClient(transport=chat_server(seen)) as http_client:
        settings = ModelSettings(
            spec="openai:llama3.1:8b", base_url="http://127.0.0.1:11434/v1", record_to=record
        )
        model = make_model(settings, http_client=http_client)
        assert isinstance(model, RecordingModel)
        assert isinstance(model.inner, OpenAICompatibleModel)
        assert model.name == "openai:llama3.1:8b"
        await model.complete(USER_TURN, [])
    lines = [json.loads(line) for line in record.read_text().splitlines()]
    assert len(lines) == 1 and len(seen) == 1
    assert lines[0]["key"] == exchange_key(USER_TURN, [])
    assert lines[0]["response"]["content"] == "hi there"
    replayed = await make_model(ModelSettings(spec=f"replay:{record}")).complete(USER_TURN, [])
    assert replayed.content == "hi there"


@pytest.mark.parametrize(
    "spec", ["", "gpt-4.1", "openai:", "replay:", "anthropic:claude", "Offline"]
)
def test_an_unknown_spec_names_the_accepted_forms(spec: str) -> None:
    with pytest.raises(ValueError) as failure:
        make_model(ModelSettings(spec=spec))
    message = str(failure.value)
    assert repr(spec) in message
    for form in ("offline", "openai:MODEL", "replay:FILE"):
        assert form in message


def test_a_missing_replay_file_is_reported(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        make_model(ModelSettings(spec=f"replay:{tmp_path / 'nothing.jsonl'}"))
