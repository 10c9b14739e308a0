"""Loaded models, unloading and deleting, against the fake Ollama's /api/ps and /api/delete."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from journal.core.errors import ModelNotFoundError, OllamaUnreachableError
from journal.core.ollama_service import ChatRequest, LoadedModel, OllamaService
from tests.conftest import UNREACHABLE_HOST
from tests.fake_ollama import FakeOllama


def _load(service: OllamaService, model: str, keep_alive: str = "5m") -> None:
    request = ChatRequest(model, [{"role": "user", "content": "hi"}], keep_alive=keep_alive)
    service.chat(request, lambda _content, _thinking: None)


def test_loaded_models_lists_what_a_run_loaded(fake_ollama: FakeOllama) -> None:
    service = OllamaService(fake_ollama.url)
    assert service.loaded_models() == []
    _load(service, "llama3:8b")
    (loaded,) = service.loaded_models()
    assert loaded.name == "llama3:8b"
    assert loaded.digest == service.find_model("llama3:8b").digest  # type: ignore[union-attr]
    assert loaded.size == 4_661_224_676
    assert loaded.processor == "100% GPU"
    assert loaded.expires_at is not None
    assert loaded.expires_at > datetime.now(UTC)
    assert loaded.until().startswith("until ")


def test_unload_lets_the_model_go_and_says_whether_it_was_loaded(
    fake_ollama: FakeOllama,
) -> None:
    service = OllamaService(fake_ollama.url)
    _load(service, "llama3:8b")
    assert service.unload("llama3:8b") is True
    assert service.loaded_models() == []
    assert service.unload("llama3:8b") is False
    assert service.loaded_models() == []
    sent = fake_ollama.requests_for("/api/generate")[-1].body
    assert sent["keep_alive"] == 0 and not sent.get("prompt")


def test_delete_removes_the_model_from_the_listing(fake_ollama: FakeOllama) -> None:
    service = OllamaService(fake_ollama.url)
    service.delete_model("qwen3:0.6b")
    assert [m.name for m in service.list_models()] == ["llama3:8b"]


@pytest.mark.parametrize("doing", ["unload", "delete"])
def test_a_missing_model_is_one_clear_line(fake_ollama: FakeOllama, doing: str) -> None:
    service = OllamaService(fake_ollama.url)
    act = service.unload if doing == "unload" else service.delete_model
    with pytest.raises(ModelNotFoundError) as caught:
        act("nope:1b")
    assert caught.value.message == (
        f"There is no model 'nope:1b' on {fake_ollama.url}, so there is nothing to {doing}. "
        "`journal models` lists the installed ones."
    )


@pytest.mark.parametrize("doing", ["ps", "unload", "delete"])
def test_a_server_that_is_down_is_unreachable(doing: str) -> None:
    service = OllamaService(UNREACHABLE_HOST, connect_timeout=1)
    calls: dict[str, Callable[[], object]] = {
        "ps": service.loaded_models,
        "unload": lambda: service.unload("llama3:8b"),
        "delete": lambda: service.delete_model("llama3:8b"),
    }
    with pytest.raises(OllamaUnreachableError):
        calls[doing]()


def test_processor_and_until_are_worded_as_ollama_ps_words_them() -> None:
    now = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    split = LoadedModel("m", "d", size=1000, size_vram=520, expires_at=now + timedelta(days=4000))
    assert split.processor == "48%/52% CPU/GPU"
    assert split.until(now) == "forever"
    assert LoadedModel("m", "d", size=1000, size_vram=0).processor == "100% CPU"
    soon = LoadedModel("m", "d", 1, 1, expires_at=now + timedelta(minutes=5))
    assert soon.until(now) == f"until {(now + timedelta(minutes=5)).astimezone():%H:%M}"
