"""What a run needs of its model, checked against what the model says it can do.

Ollama refuses some of these itself, but only once the run is sent (and so recorded as
failed), and for images only after loading the model, with a message about "missing
data". Asking /api/show first lets the journal refuse in one plain sentence before
anything is written. A model that lists no capabilities (an older Ollama) is unknown, not
incapable: it is never refused.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from journal.core.errors import InvalidInputError, OllamaError
from journal.core.images import image_refs
from journal.core.ollama_service import OllamaService, normalise_model_name
from journal.core.runner import RunSpec

__all__ = [
    "IncapableModelError",
    "Needs",
    "capabilities_on",
    "check_specs",
    "model_capabilities",
    "needs_of",
    "refusal",
    "require_capable",
    "thinks",
]


class IncapableModelError(InvalidInputError):
    """The model cannot do what the run asks (see images, think, chat)."""


@dataclass(frozen=True)
class Needs:
    """What a request needs beyond chatting, which every run needs."""

    vision: bool = False
    thinking: bool = False

    def __or__(self, other: Needs) -> Needs:
        return Needs(self.vision or other.vision, self.thinking or other.thinking)


def needs_of(spec: RunSpec) -> Needs:
    """Vision when any message sent shows an image, thinking when `think` asks for it."""
    return Needs(vision=bool(image_refs(spec.conversation())), thinking=thinks(spec.think))


def thinks(think: Any) -> bool:
    """Whether a `think` value asks for thinking: true, or a level ("low", "high")."""
    return think is not None and think is not False


def refusal(model: str, capabilities: Sequence[str], needs: Needs) -> str | None:
    """Why `model` cannot take the request, in one sentence; None when it can or when its
    capabilities are unknown (an empty list)."""
    if not capabilities:
        return None
    if "completion" not in capabilities:
        if "embedding" in capabilities:
            return f"{model} is an embedding model; it cannot chat."
        return f"{model} cannot chat; pick a model that can."
    if needs.vision and "vision" not in capabilities:
        return f"{model} cannot see images; pick a vision model."
    if needs.thinking and "thinking" not in capabilities:
        return f"{model} does not think; turn thinking off."
    return None


def require_capable(model: str, capabilities: Sequence[str], needs: Needs) -> None:
    """Raise IncapableModelError when `refusal` has something to say."""
    reason = refusal(model, capabilities, needs)
    if reason is not None:
        raise IncapableModelError(reason)


def model_capabilities(service: OllamaService, model: str) -> list[str]:
    """What /api/show says the model can do; empty (unknown) when it cannot be asked: a
    run then goes ahead and records whatever Ollama says."""
    try:
        return list(service.show_model(model).capabilities)
    except OllamaError:
        return []


def capabilities_on(addresses: Iterable[str], model: str) -> list[str]:
    """What the first of these hosts that can say tells about `model`; empty (unknown)
    when none can (a job pins its models on the same hosts first)."""
    for address in addresses:
        capabilities = model_capabilities(OllamaService(address), model)
        if capabilities:
            return capabilities
    return []


def check_specs(service: OllamaService, specs: Iterable[RunSpec]) -> None:
    """Refuse (IncapableModelError) before anything is written when a model cannot do what
    its runs need; each model is asked once."""
    wanted: dict[str, tuple[str, Needs]] = {}
    for spec in specs:
        key = normalise_model_name(spec.model)
        name, needs = wanted.get(key, (spec.model, Needs()))
        wanted[key] = (name, needs | needs_of(spec))
    for name, needs in wanted.values():
        require_capable(name, model_capabilities(service, name), needs)
