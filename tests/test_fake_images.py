"""The fake takes images on chat messages as Ollama does: base64 only, recorded as sent; a
model without vision fails the way Ollama's runner does; a vision model says what it saw."""

from __future__ import annotations

import base64
from collections.abc import Iterator

import httpx
import ollama
import pytest

from tests.fake_ollama import NO_VISION_ERROR, FakeModel, FakeOllama
from tests.image_bytes import png


@pytest.fixture
def client(fake_ollama: FakeOllama) -> Iterator[ollama.Client]:
    with ollama.Client(host=fake_ollama.url) as real_client:
        yield real_client


def _shows(count: int) -> list[dict[str, object]]:
    encoded = base64.b64encode(png()).decode("ascii")
    return [{"role": "user", "content": "What is it?", "images": [encoded] * count}]


def test_a_model_without_vision_fails_like_ollama(client: ollama.Client) -> None:
    with pytest.raises(ollama.ResponseError) as whole:
        client.chat("llama3:8b", messages=_shows(1))
    assert (whole.value.status_code, whole.value.error) == (500, NO_VISION_ERROR)
    with pytest.raises(ollama.ResponseError) as streamed:
        for _ in client.chat("llama3:8b", messages=_shows(1), stream=True):
            pass
    assert (streamed.value.status_code, streamed.value.error) == (-1, NO_VISION_ERROR)


def test_a_vision_model_says_how_many_images_and_the_fake_keeps_them(
    client: ollama.Client, fake_ollama: FakeOllama
) -> None:
    fake_ollama.add_model(FakeModel("llava:7b", capabilities=["completion", "vision"]))
    answer = client.chat("llava:7b", messages=_shows(2))
    assert (answer.message.content or "").startswith("I see 2 images. ")
    one = client.chat("llava:7b", messages=_shows(1))
    assert (one.message.content or "").startswith("I see 1 image. ")
    assert fake_ollama.images_sent() == [base64.b64encode(png()).decode("ascii")] * 3


def test_an_image_that_is_not_base64_is_refused(fake_ollama: FakeOllama) -> None:
    body = {
        "model": "llama3:8b",
        "messages": [{"role": "user", "content": "?", "images": ["not base64!"]}],
    }
    answer = httpx.post(f"{fake_ollama.url}/api/chat", json=body)
    assert answer.status_code == 400
    assert answer.json() == {"error": "illegal base64 data at input byte 3"}
