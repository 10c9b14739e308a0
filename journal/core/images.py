"""Images in messages: stored once each, by the SHA-256 of their bytes, named by that hash.

A user message that shows images carries `"images": ["<sha256>", ...]` in the run's stored
messages; the bytes live in the `image` table and `run_image` says which runs use which.
Only sending (base64, as Ollama takes them) and showing read the bytes: listing, searching
and opening a journal never do.
"""

from __future__ import annotations

import base64
import hashlib
import json
import struct
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlmodel import Session

from journal.core import messages as texts
from journal.core.errors import InvalidInputError, NotFoundError
from journal.core.formatting import short_digest
from journal.core.image_refs import image_refs
from journal.core.messages import ByteSize
from journal.core.models import ImageRow, Run
from journal.core.storage import Journal

__all__ = [
    "MAX_IMAGE_BYTES",
    "ImageFile",
    "StoredImage",
    "add_image",
    "get_image",
    "image_refs",
    "images_of_run",
    "images_shown",
    "link_images",
    "read_image_file",
    "recognise",
    "size_label",
    "store_images",
    "user_message",
    "with_image_data",
]

MAX_IMAGE_BYTES = 20 * 1024 * 1024
"""The largest image the journal stores: bigger ones are refused (Ollama resizes what it
gets anyway, and every replay sends the whole file again)."""

_PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
_JPEG_MAGIC = b"\xff\xd8\xff"
# JPEG start-of-frame markers (they hold the size); C4, C8 and CC share the range but are not.
_JPEG_FRAMES = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}


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


@dataclass(frozen=True)
class ImageFile:
    """An image file read and recognised, not stored yet: a command refuses a bad one
    before it writes anything."""

    name: str
    data: bytes
    mime: str
    width: int
    height: int

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def user_message(text: str, image_hashes: Sequence[str] = ()) -> dict[str, Any]:
    """A user turn showing the images named by their SHA-256 (as the run stores it)."""
    message: dict[str, Any] = {"role": "user", "content": text}
    if image_hashes:
        message["images"] = list(image_hashes)
    return message


def recognise(data: bytes, name: str) -> ImageFile:
    """The image in `data` by its magic bytes (never the file name): PNG, JPEG or WebP, with
    its width and height from the header. InvalidInputError naming `name` otherwise."""
    if not data:
        raise InvalidInputError(texts.message(texts.IMAGE_EMPTY, name=name))
    _refuse_too_big(name, len(data))
    if data.startswith(_PNG_MAGIC):
        mime, size = "image/png", _png_size(data)
    elif data.startswith(_JPEG_MAGIC):
        mime, size = "image/jpeg", _jpeg_size(data)
    elif data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        mime, size = "image/webp", _webp_size(data)
    else:
        raise InvalidInputError(texts.message(texts.IMAGE_UNKNOWN, name=name))
    if size is None:
        kind = mime.split("/")[1].upper()
        raise InvalidInputError(texts.message(texts.IMAGE_DAMAGED, name=name, kind=kind))
    return ImageFile(name, data, mime, size[0], size[1])


def read_image_file(path: str | Path) -> ImageFile:
    """Read and recognise an image file; one clear line naming the file when it cannot be."""
    path = Path(path).expanduser()
    name = str(path)
    try:
        _refuse_too_big(name, path.stat().st_size)  # before reading it all
        data = path.read_bytes()
    except FileNotFoundError:
        raise InvalidInputError(texts.message(texts.IMAGE_MISSING, name=name)) from None
    except IsADirectoryError:
        raise InvalidInputError(texts.message(texts.IMAGE_IS_FOLDER, name=name)) from None
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise InvalidInputError(
            texts.message(texts.IMAGE_UNREADABLE, name=name, reason=reason)
        ) from None
    return recognise(data, name)


def add_image(session: Session, data: bytes, name: str) -> StoredImage:
    """Store the image (in the caller's transaction) unless the same bytes are stored
    already; either way the stored image, named by the SHA-256 of its bytes."""
    image = recognise(data, name)
    sha = image.sha256
    known = get_image_or_none(session, sha)
    if known is not None:
        return known
    session.add(
        ImageRow(
            sha256=sha,
            mime=image.mime,
            size=len(data),
            width=image.width,
            height=image.height,
            data=data,
        )
    )
    session.flush()
    return StoredImage(sha, image.mime, len(data), image.width, image.height)


def store_images(session: Session, images: Sequence[ImageFile]) -> None:
    """Store the images a run is about to show, in the transaction that records it: the
    window and the CLI alike never leave a run naming an image the journal lacks."""
    for image in images:
        add_image(session, image.data, image.name)


def get_image_or_none(
    session: Session, sha256: str, *, with_data: bool = False
) -> StoredImage | None:
    columns = "sha256, mime, size, width, height" + (", data" if with_data else "")
    row = session.execute(
        text(f"SELECT {columns} FROM image WHERE sha256 = :sha"), {"sha": sha256}
    ).first()
    if row is None:
        return None
    sha, mime, size, width, height = row[:5]
    return StoredImage(sha, mime, size, width, height, bytes(row[5]) if with_data else None)


def get_image(session: Session, sha256: str, *, with_data: bool = False) -> StoredImage:
    """The stored image; its bytes only `with_data` (listings never read them)."""
    image = get_image_or_none(session, sha256, with_data=with_data)
    if image is None:
        raise NotFoundError(f"The journal has no image {short_digest(sha256)}….")
    return image


def images_of_run(session: Session, run_id: int) -> list[StoredImage]:
    """The images a run's own messages show, in the order they first appear (no bytes)."""
    rows = session.execute(
        text(
            "SELECT i.sha256, i.mime, i.size, i.width, i.height FROM run_image AS r "
            "JOIN image AS i ON i.sha256 = r.sha256 WHERE r.run_id = :run"
        ),
        {"run": run_id},
    ).all()
    found = {row[0]: StoredImage(row[0], row[1], row[2], row[3], row[4]) for row in rows}
    run = session.get(Run, run_id)
    order = image_refs(run.messages) if run is not None else []
    return [found[sha] for sha in order if sha in found] + [
        image for sha, image in sorted(found.items()) if sha not in order
    ]


def images_shown(session: Session, runs: Sequence[Run]) -> dict[int, list[StoredImage]]:
    """The images each of `runs` shows in its own messages, in order (no bytes): one query
    for a whole history, none when no run names an image. Runs showing none are left out."""
    refs = {run.id: image_refs(run.messages) for run in runs if run.id is not None}
    wanted = sorted({sha for shas in refs.values() for sha in shas})
    if not wanted:
        return {}
    rows = session.execute(
        text(
            "SELECT sha256, mime, size, width, height FROM image "
            "WHERE sha256 IN (SELECT value FROM json_each(:refs))"
        ),
        {"refs": json.dumps(wanted)},
    ).all()
    found = {row[0]: StoredImage(row[0], row[1], row[2], row[3], row[4]) for row in rows}
    shown = {run_id: [found[sha] for sha in shas if sha in found] for run_id, shas in refs.items()}
    return {run_id: images for run_id, images in shown.items() if images}


def _refuse_too_big(name: str, size: int) -> None:
    if size > MAX_IMAGE_BYTES:
        raise InvalidInputError(
            texts.message(
                texts.IMAGE_TOO_BIG,
                name=name,
                size=ByteSize(size),
                most=ByteSize(MAX_IMAGE_BYTES),
            )
        )


def size_label(size: int) -> str:
    """`512 B`, `12.3 kB`, `4.5 MB`: a size as a person reads it."""
    return str(ByteSize(size))


def _png_size(data: bytes) -> tuple[int, int] | None:
    # The first chunk is IHDR: width and height, big-endian, right after its type.
    if len(data) < 24 or data[12:16] != b"IHDR":
        return None
    width, height = struct.unpack(">II", data[16:24])
    return (width, height) if width and height else None


def _jpeg_size(data: bytes) -> tuple[int, int] | None:
    # Walk the segments to the start of frame; each but a few standalone markers gives
    # its own length.
    at = 2
    while at + 4 <= len(data):
        if data[at] != 0xFF:
            return None
        marker = data[at + 1]
        if marker == 0xFF:  # fill byte
            at += 1
            continue
        if marker == 0x01 or 0xD0 <= marker <= 0xD7:
            at += 2
            continue
        if marker in (0xD9, 0xDA):  # end of image, or the scan began with no frame yet
            return None
        (length,) = struct.unpack(">H", data[at + 2 : at + 4])
        if marker in _JPEG_FRAMES:
            if at + 9 > len(data):
                return None
            height, width = struct.unpack(">HH", data[at + 5 : at + 9])
            return (width, height) if width and height else None
        if length < 2:
            return None
        at += 2 + length
    return None


def _webp_size(data: bytes) -> tuple[int, int] | None:
    chunk = data[12:16]
    if chunk == b"VP8 " and len(data) >= 30 and data[23:26] == b"\x9d\x01\x2a":
        width, height = struct.unpack("<HH", data[26:30])
        width, height = width & 0x3FFF, height & 0x3FFF
    elif chunk == b"VP8L" and len(data) >= 25 and data[20] == 0x2F:
        (bits,) = struct.unpack("<I", data[21:25])
        width, height = (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    elif chunk == b"VP8X" and len(data) >= 30:
        width = int.from_bytes(data[24:27], "little") + 1
        height = int.from_bytes(data[27:30], "little") + 1
    else:
        return None
    return (width, height) if width and height else None


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
