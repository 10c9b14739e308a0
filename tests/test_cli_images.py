"""`journal run --image`, `journal show` listing a run's images, and the capability checks
of `journal run` and `journal replay`: refused in one line before anything is written."""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path

import pytest
from sqlalchemy import text

from journal.core.queries import get_run
from journal.core.storage import Journal
from tests.fake_ollama import FakeModel, FakeOllama
from tests.image_bytes import jpeg, png
from tests.journal_process import run_cli

VISION = "llava:7b"


@pytest.fixture
def cli(fake_ollama: FakeOllama, db_path: Path) -> list[str]:
    fake_ollama.add_model(FakeModel(VISION, family="llava", capabilities=["completion", "vision"]))
    return ["--db", str(db_path), "--host", fake_ollama.url]


@pytest.fixture
def pictures(tmp_path: Path) -> tuple[Path, Path]:
    first, second = tmp_path / "cat.png", tmp_path / "dog.jpeg"
    first.write_bytes(png(3, 2))
    second.write_bytes(jpeg(640, 480))
    return first, second


def _counts(db_path: Path) -> tuple[int, ...]:
    """How many runs, images and links between them the journal holds."""
    with Journal.open(db_path) as journal, journal.read() as session:
        return tuple(
            int(session.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())
            for table in ("run", "image", "run_image")
        )


def test_run_with_images_stores_them_sends_them_and_show_lists_them(
    capsys: pytest.CaptureFixture[str],
    cli: list[str],
    db_path: Path,
    fake_ollama: FakeOllama,
    pictures: tuple[Path, Path],
) -> None:
    cat, dog = pictures
    argv = [*cli, "run", "-m", VISION, "-p", "Which animals?", "--image", str(cat)]
    code, out, err = run_cli(capsys, *argv, "--image", str(dog))
    assert code == 0, err
    assert out.startswith("I see 2 images. ")
    hashes = [hashlib.sha256(path.read_bytes()).hexdigest() for path in pictures]
    with Journal.open(db_path) as journal, journal.read() as session:
        run = get_run(session, 1)
    assert run.messages == [{"role": "user", "content": "Which animals?", "images": hashes}]
    assert run.prompt == "Which animals?"
    assert fake_ollama.images_sent() == [
        base64.b64encode(path.read_bytes()).decode("ascii") for path in pictures
    ]
    # The same picture again, in a new run of the same experiment: stored once.
    code, _, err = run_cli(capsys, *argv[:-2], "--image", str(cat), "--experiment", "1")
    assert code == 0, err
    assert _counts(db_path) == (2, 2, 3)

    code, out, err = run_cli(capsys, *cli, "show", "1")
    assert code == 0, err
    images = [line for line in out.splitlines() if line.startswith("image: ")]
    assert images == [
        f"image: {hashes[0][:12]} image/png {cat.stat().st_size} B 3x2",
        f"image: {hashes[1][:12]} image/jpeg {dog.stat().st_size} B 640x480",
        f"image: {hashes[0][:12]} image/png {cat.stat().st_size} B 3x2",
    ]
    code, out, err = run_cli(capsys, *cli, "show", "1", "--json")
    assert code == 0, err
    listed = json.loads(out)["runs"][0]["images"]
    assert listed[1] == {
        "sha256": hashes[1],
        "mime": "image/jpeg",
        "size": dog.stat().st_size,
        "width": 640,
        "height": 480,
    }


def test_a_file_that_is_no_image_is_refused_before_anything_is_written(
    capsys: pytest.CaptureFixture[str], cli: list[str], db_path: Path, tmp_path: Path
) -> None:
    fake = tmp_path / "photo.png"
    fake.write_text("not a picture at all")
    code, out, err = run_cli(capsys, *cli, "run", "-m", VISION, "-p", "What?", "--image", str(fake))
    assert code == 1 and out == ""
    assert err == (
        f"journal: error: {fake} is not a PNG, JPEG or WebP image "
        "(judged by its content, not its name).\n"
    )
    assert not db_path.exists()


def test_a_model_that_cannot_see_is_refused_before_anything_is_written(
    capsys: pytest.CaptureFixture[str],
    cli: list[str],
    db_path: Path,
    fake_ollama: FakeOllama,
    pictures: tuple[Path, Path],
) -> None:
    cat, _ = pictures
    argv = [*cli, "run", "-m", "llama3:8b", "-p", "What?", "--image", str(cat)]
    code, out, err = run_cli(capsys, *argv)
    assert (code, out) == (1, "")
    assert err == "journal: error: llama3:8b cannot see images; pick a vision model.\n"
    assert not db_path.exists()
    # Nor in an existing experiment, where an unreachable server would record the attempt.
    code, _, err = run_cli(capsys, *cli, "run", "-m", "llama3:8b", "-p", "first")
    assert code == 0, err
    code, _, err = run_cli(capsys, *argv, "--experiment", "1")
    assert code == 1 and "cannot see images" in err
    code, _, err = run_cli(capsys, *cli, "run", "-m", "llama3:8b", "-p", "hm", "-o", "think=true")
    assert code == 1
    assert err == "journal: error: llama3:8b does not think; turn thinking off.\n"
    assert _counts(db_path) == (1, 0, 0)
    assert all(
        not (request.body or {}).get("messages", [{}])[0].get("images")
        for request in fake_ollama.requests_for("/api/chat")
    )


def test_replay_sends_the_same_bytes_and_refuses_a_model_that_cannot_see(
    capsys: pytest.CaptureFixture[str],
    cli: list[str],
    db_path: Path,
    fake_ollama: FakeOllama,
    pictures: tuple[Path, Path],
) -> None:
    _, dog = pictures
    code, _, err = run_cli(capsys, *cli, "run", "-m", VISION, "-p", "What?", "--image", str(dog))
    assert code == 0, err
    code, _, err = run_cli(capsys, *cli, "replay", "1")
    assert code == 0, err
    sent = base64.b64encode(dog.read_bytes()).decode("ascii")
    assert fake_ollama.images_sent() == [sent, sent]
    code, out, err = run_cli(capsys, *cli, "replay", "1", "-m", "llama3:8b")
    assert (code, out) == (1, "")
    assert err.endswith("journal: error: llama3:8b cannot see images; pick a vision model.\n")
    assert _counts(db_path) == (2, 1, 2)
    assert len(fake_ollama.images_sent()) == 2
