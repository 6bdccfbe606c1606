"""The model client a spec names: ``offline``, ``openai:MODEL`` or ``replay:FILE``."""

from __future__ import annotations

from pathlib import Path

import httpx

from recoup.agent.clients.openai_compat import OpenAICompatibleModel
from recoup.agent.clients.replay import RecordingModel, ReplayModel
from recoup.chat import ModelClient
from recoup.settings import ModelSettings

ACCEPTED_SPECS = "offline, openai:MODEL (e.g. openai:gpt-4.1-mini) or replay:FILE"


def make_model(
    settings: ModelSettings, *, http_client: httpx.AsyncClient | None = None
) -> ModelClient:
    """``http_client`` serves ``openai:`` models and stays the caller's to close.
    With ``settings.record_to`` set, every exchange is also recorded there."""
    kind, _, rest = settings.spec.partition(":")
    model: ModelClient
    if settings.spec == "offline":
        from recoup.agent.clients.offline import OfflineModel

        model = OfflineModel()
    elif kind == "openai" and rest.strip():
        model = OpenAICompatibleModel(settings, http_client=http_client)
    elif kind == "replay" and rest.strip():
        model = ReplayModel(Path(rest.strip()))
    else:
        raise ValueError(f"unknown model spec {settings.spec!r}; expected {ACCEPTED_SPECS}")
    if settings.record_to is not None:
        model = RecordingModel(model, settings.record_to)
    return model
