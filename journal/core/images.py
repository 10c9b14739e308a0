"""Images in messages: stored once each, by the SHA-256 of their bytes, named by that hash.

A user message that shows images carries `"images": ["<sha256>", ...]` in the run's stored
messages; the bytes live in the `image` table and `run_image` says which runs use which.
Only sending (base64, as Ollama takes them) and showing read the bytes: listing, searching
and opening a journal never do.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import text
from sqlmodel import Session

from journal.core.errors import NotFoundError
from journal.core.formatting import short_digest
from journal.core.storage import Journal

__all__ = ["image_refs", "link_images", "with_image_data"]


def image_refs(messages: Iterable[dict[str, Any]]) -> list[str]:
    """The hashes the messages name, first use first, each once."""
    found: dict[str, None] = {}
    for message in messages:
        for ref in message.get("images") or ():
            if isinstance(ref, str):
                found.setdefault(ref)
    return list(found)


def link_images(session: Session, run_id: int, messages: Sequence[dict[str, Any]]) -> None:
    """Record which images the run's own messages show (in the caller's transaction)."""
    refs = image_refs(messages)
    if refs:
        session.execute(
            text("INSERT OR IGNORE INTO run_image (run_id, sha256) VALUES (:run, :sha)"),
            [{"run": run_id, "sha": ref} for ref in refs],
        )


def with_image_data(journal: Journal, messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The messages as Ollama takes them: each image hash replaced by its bytes in base64.
    NotFoundError when the journal lacks an image a message names."""
    refs = image_refs(messages)
    if not refs:
        return messages
    with journal.read() as session:
        rows = session.execute(
            text(
                "SELECT sha256, data FROM image "
                "WHERE sha256 IN (SELECT value FROM json_each(:refs))"
            ),
            {"refs": json.dumps(refs)},
        ).all()
    data = {row[0]: base64.b64encode(row[1]).decode("ascii") for row in rows}
    missing = [ref for ref in refs if ref not in data]
    if missing:
        raise NotFoundError(
            f"The journal has no image {short_digest(missing[0])}… that a message shows."
        )
    sent = []
    for message in messages:
        if message.get("images"):
            message = {**message, "images": [data[ref] for ref in message["images"]]}
        sent.append(message)
    return sent
