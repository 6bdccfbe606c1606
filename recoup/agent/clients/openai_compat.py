"""A model behind any OpenAI-compatible chat-completions endpoint: OpenAI, Azure
OpenAI, vLLM, Ollama, llama.cpp.

The official SDK speaks the wire format; the HTTP client belongs to the
application (so it can be shared, configured and mocked) and retries are ours:
the SDK's own are off, so one policy decides what is worth another attempt.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime
from email.utils import parsedate_to_datetime
from typing import Any

import httpx
import openai
import structlog
from openai import AsyncOpenAI, Omit, omit
from openai.types.chat import ChatCompletion
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_exception,
    stop_after_attempt,
    wait_random_exponential,
)

from recoup.chat import (
    ChatMessage,
    ModelError,
    ModelResponse,
    ToolCall,
    ToolSpec,
    Usage,
)
from recoup.clock import Clock, SystemClock
from recoup.settings import ModelSettings

log = structlog.get_logger(__name__)

SPEC_PREFIX = "openai:"
# A key-less local server still needs a value for the SDK; no header carries it.
KEYLESS_PLACEHOLDER = "no-key"
REDACTED = "[redacted]"
DETAIL_CHARS = 300

Sleep = Callable[[float], Awaitable[None]]


class OpenAICompatibleModel:
    """``ModelClient`` over ``POST {base_url}/chat/completions`` with strict function tools.

    A client passed in stays its owner's to close; one created here is closed by
    ``aclose``.
    """

    def __init__(
        self,
        settings: ModelSettings,
        *,
        http_client: httpx.AsyncClient | None = None,
        sleep: Sleep = asyncio.sleep,
        clock: Clock | None = None,
        max_retry_wait_s: float = 30.0,
        backoff_s: float = 0.5,
        temperature: float | None = 0.0,
        parallel_tool_calls: bool | None = True,
    ) -> None:
        self.name = settings.spec
        self.model = model_name(settings.spec)
        self._owns_http_client = http_client is None
        self._http = http_client or httpx.AsyncClient(timeout=settings.timeout_s)
        self._sleep = sleep
        self._clock = clock or SystemClock()
        self._attempts = max(settings.max_retries, 0) + 1
        self._max_retry_wait_s = max_retry_wait_s
        self._backoff = wait_random_exponential(multiplier=backoff_s, max=max_retry_wait_s)
        self._temperature = temperature
        self._parallel_tool_calls = parallel_tool_calls
        self._secret = settings.api_key.get_secret_value() if settings.api_key else ""
        self._auth_headers = _auth_headers(self._secret, settings.api_key_header)
        self._sdk = AsyncOpenAI(
            api_key=self._secret or KEYLESS_PLACEHOLDER,
            base_url=settings.base_url,
            timeout=settings.timeout_s,
            max_retries=0,
            default_headers=settings.default_headers or None,
            default_query=settings.default_query or None,
            # The SDK is typed against its own httpx fork; it drives any httpx-shaped client.
            http_client=self._http,  # type: ignore[arg-type]
        )

    async def complete(self, messages: list[ChatMessage], tools: list[ToolSpec]) -> ModelResponse:
        retrying = AsyncRetrying(
            sleep=self._sleep,
            stop=stop_after_attempt(self._attempts),
            wait=self._wait,
            retry=retry_if_exception(is_retryable),
            before_sleep=self._log_retry,
            reraise=True,
        )
        try:
            completion: ChatCompletion = await retrying(self._request, messages, tools)
        except openai.APIError as exc:
            tries = retrying.statistics.get("attempt_number", 1)
            raise ModelError(self._redact(self._describe_failure(exc, tries))) from None
        except ValueError as exc:  # a 200 whose body is not JSON (a proxy page, a cut stream)
            raise ModelError(f"{self.name}: unreadable response ({type(exc).__name__})") from None
        return self._parse(completion)

    async def aclose(self) -> None:
        if self._owns_http_client:
            await self._http.aclose()

    async def _request(self, messages: list[ChatMessage], tools: list[ToolSpec]) -> ChatCompletion:
        with_tools = bool(tools)
        return await self._sdk.chat.completions.create(
            model=self.model,
            messages=messages,  # type: ignore[arg-type]
            tools=tools if with_tools else omit,  # type: ignore[arg-type]
            parallel_tool_calls=_given(self._parallel_tool_calls if with_tools else None),
            temperature=_given(self._temperature),
            extra_headers=self._auth_headers or None,
        )

    def _wait(self, state: RetryCallState) -> float:
        """The server's Retry-After when it sends one (capped), else jittered backoff."""
        error = state.outcome.exception() if state.outcome else None
        response = getattr(error, "response", None)
        if isinstance(response, httpx.Response):
            asked = retry_after_s(response.headers, now=self._clock.now())
            if asked is not None:
                return min(asked, self._max_retry_wait_s)
        return float(self._backoff(state))

    def _log_retry(self, state: RetryCallState) -> None:
        error = state.outcome.exception() if state.outcome else None
        log.warning(
            "model_retry",
            model=self.name,
            attempt=state.attempt_number,
            of=self._attempts,
            wait_s=round(state.upcoming_sleep, 3),
            reason=self._redact(_summary(error)) if error else "",
        )

    def _describe_failure(self, exc: openai.APIError, tries: int) -> str:
        where = f"{self.name} at {self._sdk.base_url}"
        if isinstance(exc, openai.APITimeoutError):
            return f"{where}: no answer within the timeout after {tries} attempt(s)"
        if isinstance(exc, openai.APIConnectionError):
            cause = type(exc.__cause__).__name__ if exc.__cause__ else "connection error"
            return f"{where}: cannot connect ({cause}) after {tries} attempt(s)"
        summary = _summary(exc)
        if isinstance(exc, openai.APIStatusError) and is_retryable(exc):
            return f"{where}: {summary}; gave up after {tries} attempt(s)"
        hint = FAILURE_HINTS.get(getattr(exc, "status_code", 0), "")
        return f"{where}: {summary}{hint}"

    def _redact(self, text: str) -> str:
        return text.replace(self._secret, REDACTED) if self._secret else text

    def _parse(self, completion: ChatCompletion) -> ModelResponse:
        if not isinstance(completion, ChatCompletion) or not completion.choices:
            raise ModelError(f"{self.name}: the response is not a chat completion with a choice")
        message = completion.choices[0].message
        calls: list[ToolCall] = []
        for index, call in enumerate(message.tool_calls or []):
            function = getattr(call, "function", None)
            if function is None:
                log.warning("model_tool_call_ignored", model=self.name, type=call.type)
                continue
            calls.append(
                ToolCall(
                    id=call.id or f"call_{index}",
                    name=function.name,
                    arguments=_raw_arguments(function.arguments),
                )
            )
        usage = completion.usage
        return ModelResponse(
            content=message.content,
            tool_calls=calls,
            usage=Usage(
                prompt_tokens=(usage.prompt_tokens or 0) if usage else 0,
                completion_tokens=(usage.completion_tokens or 0) if usage else 0,
            ),
        )


FAILURE_HINTS = {
    400: " (the request was refused; the model may not support a parameter or strict tools)",
    401: " (check the API key)",
    403: " (the key may not have access to this model)",
    404: " (check the model name and the base URL)",
}


def model_name(spec: str) -> str:
    if not spec.startswith(SPEC_PREFIX) or not spec[len(SPEC_PREFIX) :].strip():
        raise ValueError(f"expected a model spec 'openai:MODEL', got {spec!r}")
    return spec[len(SPEC_PREFIX) :].strip()


def is_retryable(error: BaseException) -> bool:
    """Rate limits, server errors, timeouts and lost connections; never a refusal."""
    if isinstance(error, openai.APIConnectionError):  # includes timeouts
        return True
    if isinstance(error, openai.APIStatusError):
        return error.status_code == 429 or error.status_code >= 500
    return False


def retry_after_s(headers: Mapping[str, str], *, now: datetime) -> float | None:
    """Seconds the server asks us to wait: ``retry-after-ms``, or ``Retry-After``
    as seconds or as an HTTP date."""
    millis = headers.get("retry-after-ms")
    if millis:
        try:
            return max(float(millis) / 1000, 0.0)
        except ValueError:
            pass
    value = (headers.get("retry-after") or "").strip()
    if not value:
        return None
    try:
        return max(float(value), 0.0)
    except ValueError:
        pass
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:
        return None
    return max((moment - now).total_seconds(), 0.0)


def _auth_headers(secret: str, header: str | None) -> dict[str, str | Omit]:
    """Per-request headers that move the key out of ``Authorization`` when needed."""
    if not secret:
        return {"Authorization": Omit()}
    if header and header.lower() != "authorization":
        return {"Authorization": Omit(), header: secret}
    return {}


def _given(value: Any) -> Any:
    return omit if value is None else value


def _summary(error: BaseException) -> str:
    if isinstance(error, openai.APIStatusError):
        body = error.body
        detail = body.get("message") if isinstance(body, dict) else None
        text = str(detail or error.message)[:DETAIL_CHARS]
        code = f" {body.get('code')}" if isinstance(body, dict) and body.get("code") else ""
        return f"HTTP {error.status_code}{code}: {text}"
    if isinstance(error, openai.APITimeoutError):
        return "timed out"
    if isinstance(error, openai.APIConnectionError):
        return f"connection failed ({type(error.__cause__).__name__})"
    return type(error).__name__


def _raw_arguments(arguments: Any) -> str:
    """The model's argument text as sent; some servers send an object instead."""
    if isinstance(arguments, str):
        return arguments
    if arguments is None:
        return ""
    return json.dumps(arguments, ensure_ascii=False)
