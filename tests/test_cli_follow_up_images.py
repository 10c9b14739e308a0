"""`journal run --continue RUN --image FILE`: the follow-up's message shows the image, it is
stored with its run and later turns send it again; a model that cannot see is refused
before anything is written, also when only an earlier turn showed images."""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path

import pytest
from sqlalchemy import text

from journal.core.images import images_of_run
from journal.core.queries import get_run
from journal.core.storage import Journal
from tests.fake_ollama import FakeModel, FakeOllama
from tests.image_bytes import png
from tests.journal_process import run_cli

VISION = "llava:7b"


@pytest.fixture
def cli(fake_ollama: FakeOllama, db_path: Path) -> list[str]:
    fake_ollama.add_model(FakeModel(VISION, family="llava", capabilities=["completion", "vision"]))
    return ["--db", str(db_path), "--host", fake_ollama.url]


def _runs(db_path: Path) -> int:
    with Journal.open(db_path) as journal, journal.read() as session:
        return int(session.execute(text("SELECT count(*) FROM run")).scalar_one())


def test_continue_with_an_image_sends_and_stores_it_and_the_next_turn_resends_it(
    capsys: pytest.CaptureFixture[str],
    cli: list[str],
    db_path: Path,
    fake_ollama: FakeOllama,
    tmp_path: Path,
) -> None:
    cat = tmp_path / "cat.png"
    cat.write_bytes(png(4, 3))
    sent = base64.b64encode(cat.read_bytes()).decode("ascii")
    code, _, err = run_cli(capsys, *cli, "run", "-m", VISION, "-p", "Hello.")
    assert code == 0, err
    code, out, err = run_cli(
        capsys, *cli, "run", "--continue", "1", "-p", "What is this?", "--image", str(cat)
    )
    assert code == 0, err
    assert out.startswith("I see 1 image. ")
    assert fake_ollama.images_sent() == [sent]
    with Journal.open(db_path) as journal, journal.read() as session:
        run = get_run(session, 2)
        assert run.parent_id == 1
        assert run.messages == [
            {
                "role": "user",
                "content": "What is this?",
                "images": [hashlib.sha256(cat.read_bytes()).hexdigest()],
            }
        ]
        assert [(i.width, i.height) for i in images_of_run(session, 2)] == [(4, 3)]

    code, out, err = run_cli(capsys, *cli, "run", "--continue", "2", "-p", "Its colour?")
    assert code == 0, err
    assert out.startswith("I see 1 image. ")  # turn 2's image, sent again
    last = fake_ollama.requests_for("/api/chat")[-1].body["messages"]
    assert [message.get("images") for message in last] == [None, None, [sent], None, None]


def test_continue_on_a_model_that_cannot_see_an_earlier_turns_image_is_refused(
    capsys: pytest.CaptureFixture[str],
    cli: list[str],
    db_path: Path,
    fake_ollama: FakeOllama,
    tmp_path: Path,
) -> None:
    cat = tmp_path / "cat.png"
    cat.write_bytes(png())
    code, _, err = run_cli(capsys, *cli, "run", "-m", VISION, "-p", "What?", "--image", str(cat))
    assert code == 0, err
    chats = len(fake_ollama.requests_for("/api/chat"))
    code, _, err = run_cli(
        capsys, *cli, "run", "--continue", "1", "-m", "llama3:8b", "-p", "Say more."
    )
    assert code != 0
    assert "llama3:8b cannot see images; pick a vision model." in err
    assert _runs(db_path) == 1 and len(fake_ollama.requests_for("/api/chat")) == chats
