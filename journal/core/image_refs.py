"""Which images a run's messages name: read by the export too, which imports no ORM (the
rest of journal.core.images stores and reads images through it)."""

from __future__ import annotations

from typing import Any


def image_refs(messages: Any) -> list[str]:
    """The image hashes messages name (each message's `images` list), first use first, each
    once. Anything else (not a list of messages, an `images` that is not a list) names no
    image: a damaged record is not read character by character."""
    found: dict[str, None] = {}
    if isinstance(messages, list):
        for message in messages:
            refs = message.get("images") if isinstance(message, dict) else None
            if isinstance(refs, list):
                found.update((ref, None) for ref in refs if isinstance(ref, str))
    return list(found)


__all__ = ["image_refs"]
