"""An image as the journal keeps it, and which images a run's messages name: what the write
path (journal.core.images) and `journal show` over plain rows (journal.core.read_records)
both need, without SQLAlchemy."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from journal.core.formatting import short_digest
from journal.core.messages import ByteSize


@dataclass(frozen=True)
class StoredImage:
    """An image as the journal keeps it; `data` only when it was asked for."""

    sha256: str
    mime: str
    size: int
    width: int | None
    height: int | None
    data: bytes | None = None

    @property
    def label(self) -> str:
        """`1a2b3c4d5e6f image/png 12.3 kB 640x480`, for listings."""
        shape = f" {self.width}x{self.height}" if self.width and self.height else ""
        return f"{short_digest(self.sha256)} {self.mime} {size_label(self.size)}{shape}"


def size_label(size: int) -> str:
    """`512 B`, `12.3 kB`, `4.5 MB`: a size as a person reads it."""
    return str(ByteSize(size))


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


def in_message_order(rows: Iterable[Sequence[Any]], messages: Any) -> list[StoredImage]:
    """The images of read_sql.RUN_IMAGES `rows` in the order the run's `messages` first show
    them, then any the messages do not name, by hash."""
    found = {row[0]: StoredImage(row[0], row[1], row[2], row[3], row[4]) for row in rows}
    order = image_refs(messages)
    return [found[sha] for sha in order if sha in found] + [
        image for sha, image in sorted(found.items()) if sha not in order
    ]
