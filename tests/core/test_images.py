"""Images: recognised by their bytes, stored once by SHA-256, read back only when asked."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from sqlalchemy import text

from journal.core import images
from journal.core.errors import InvalidInputError, NotFoundError
from journal.core.images import (
    add_image,
    get_image,
    images_of_run,
    read_image_file,
    recognise,
    user_message,
)
from journal.core.runner import RunSpec, record_pending
from journal.core.storage import Journal
from tests.image_bytes import jpeg, png, webp_extended, webp_lossless, webp_lossy


@pytest.mark.parametrize(
    ("data", "mime", "size"),
    [
        (png(3, 2), "image/png", (3, 2)),
        (jpeg(5, 4), "image/jpeg", (5, 4)),
        (webp_lossy(7, 6), "image/webp", (7, 6)),
        (webp_lossless(9, 8), "image/webp", (9, 8)),
        (webp_extended(300, 200), "image/webp", (300, 200)),
    ],
)
def test_an_image_is_known_by_its_magic_bytes_with_its_size(
    data: bytes, mime: str, size: tuple[int, int]
) -> None:
    image = recognise(data, "picture.bin")  # the name says nothing
    assert (image.mime, image.width, image.height) == (mime, *size)
    assert image.sha256 == hashlib.sha256(data).hexdigest()


@pytest.mark.parametrize(
    ("data", "said"),
    [
        (b"", "cat.png is empty"),
        (b"GIF89a\x01\x00\x01\x00", "cat.png is not a PNG, JPEG or WebP image"),
        (b"just text, named like a picture", "cat.png is not a PNG, JPEG or WebP image"),
        (png()[:14], "cat.png starts like a PNG image but its header is damaged"),
        (b"\xff\xd8\xff\xda\x00\x02", "cat.png starts like a JPEG image but its header is damaged"),
        (b"RIFF\0\0\0\0WEBPVP8Z", "cat.png starts like a WEBP image but its header is damaged"),
    ],
)
def test_an_empty_unknown_or_damaged_file_is_refused_naming_it(data: bytes, said: str) -> None:
    with pytest.raises(InvalidInputError) as refused:
        recognise(data, "cat.png")
    assert refused.value.message.startswith(said)
    assert "\n" not in refused.value.message


def test_an_image_over_the_limit_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert images.MAX_IMAGE_BYTES == 20 * 1024 * 1024
    monkeypatch.setattr(images, "MAX_IMAGE_BYTES", 100)
    big = png(40, 40, shade=7) + b"\0" * 100
    with pytest.raises(InvalidInputError, match=r"^big.png is .*: images up to 100 B can be sent"):
        recognise(big, "big.png")
    path = tmp_path / "big.png"
    path.write_bytes(big)
    with pytest.raises(InvalidInputError, match="images up to 100 B"):
        read_image_file(path)


def test_reading_a_file_says_what_is_wrong_with_it(tmp_path: Path) -> None:
    with pytest.raises(InvalidInputError, match=r"gone\.png does not exist\."):
        read_image_file(tmp_path / "gone.png")
    with pytest.raises(InvalidInputError, match=r"is a folder, not an image\."):
        read_image_file(tmp_path)
    path = tmp_path / "photo.txt"  # a misleading name does not matter
    path.write_bytes(jpeg(10, 20))
    image = read_image_file(path)
    assert (image.name, image.mime, image.width, image.height) == (
        str(path),
        "image/jpeg",
        10,
        20,
    )


def test_the_same_bytes_are_stored_once(journal: Journal) -> None:
    data = png(4, 4, shade=9)
    with journal.write() as session:
        first = add_image(session, data, "a.png")
        again = add_image(session, data, "copy of a.png")
        other = add_image(session, webp_lossy(2, 2), "b.webp")
    assert first == again and first.sha256 == hashlib.sha256(data).hexdigest()
    assert other.sha256 != first.sha256
    with journal.read() as session:
        count = session.execute(text("SELECT count(*) FROM image")).scalar_one()
        listed = get_image(session, first.sha256)
        full = get_image(session, first.sha256, with_data=True)
    assert count == 2
    assert listed.data is None  # bytes only when asked
    assert full.data == data and (full.mime, full.size, full.width, full.height) == (
        "image/png",
        len(data),
        4,
        4,
    )
    with journal.read() as session, pytest.raises(NotFoundError):
        get_image(session, "0" * 64)


def test_a_run_lists_its_images_in_the_order_its_message_shows_them(
    journal: Journal, experiment_id: int
) -> None:
    with journal.write() as session:
        a = add_image(session, png(1, 1, shade=1), "a.png")
        b = add_image(session, jpeg(2, 3), "b.jpg")
        message = user_message("Which is brighter?", [b.sha256, a.sha256])
        run = record_pending(session, RunSpec(experiment_id, "llava:7b", messages=[message]))
    assert message == {
        "role": "user",
        "content": "Which is brighter?",
        "images": [b.sha256, a.sha256],
    }
    assert user_message("no pictures") == {"role": "user", "content": "no pictures"}
    assert run.id is not None
    with journal.read() as session:
        shown = images_of_run(session, run.id)
    assert [image.sha256 for image in shown] == [b.sha256, a.sha256]
    assert shown[0].label == f"{b.sha256[:12]} image/jpeg {len(jpeg(2, 3))} B 2x3"
