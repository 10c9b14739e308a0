"""Images on follow-ups in the window: attached to a follow-up they go with its message and
are stored with its run; a later turn sends them again (Ollama keeps nothing between calls);
a model that cannot see is refused when any turn showed images; the history marks the runs
that showed images and lists them in the row's tooltip."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import text

from journal.core.images import images_of_run
from journal.core.models import Run
from journal.gui.main_window import MainWindow
from tests.fake_ollama import FakeModel, FakeOllama
from tests.gui.window_setup import started_window
from tests.image_bytes import png

# Counted text ("1 run", "3 runs") as the app's English translation gives it.

CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


@pytest.fixture
def window(
    qtbot: QtBot, db_path: Path, tmp_path: Path, fake_ollama: FakeOllama
) -> Iterator[MainWindow]:
    fake_ollama.add_model(FakeModel("llava:7b", capabilities=["completion", "vision"]))
    with started_window(qtbot, db_path, fake_ollama.url, tmp_path) as window:
        window.prompt_panel.model_picker.set_current_model("llava:7b")
        yield window


def _run(qtbot: QtBot, window: MainWindow, prompt: str) -> Run:
    window.prompt_panel.set_prompt(prompt)
    with qtbot.waitSignal(window.runs.finished, timeout=15_000) as finished:
        window.run_prompt()
    run = finished.args[0]
    assert isinstance(run, Run)
    return run


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _text_width(view: QWidget, text: str) -> int:
    return view.fontMetrics().horizontalAdvance(text)


def _id_cell(window: MainWindow, run_id: int) -> tuple[str, str]:
    model = window.history_model
    row = model.row_of(run_id)
    assert row is not None
    index = model.index(row, model.ID)
    return model.data(index), model.data(index, Qt.ItemDataRole.ToolTipRole) or ""


def test_a_follow_up_carries_its_images_and_a_later_turn_sends_them_again(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, fake_ollama: FakeOllama
) -> None:
    first = _run(qtbot, window, "Hello.")
    QTest.keyClick(window, Qt.Key.Key_F, CTRL_SHIFT)  # Continue
    cat = tmp_path / "cat.png"
    cat.write_bytes(png(6, 5))
    attached = window.prompt_panel.attached_images
    assert attached.attach_file(str(cat))

    second = _run(qtbot, window, "What is in this picture?")
    assert second.parent_id == first.id
    assert second.response.startswith("I see 1 image. ")
    assert fake_ollama.images_sent() == [_b64(png(6, 5))]
    journal = window.context.journal
    assert journal is not None
    with journal.read() as session:
        assert [(i.width, i.height) for i in images_of_run(session, second.id or 0)] == [(6, 5)]
    # The next message starts empty: no image attached twice by mistake.
    assert attached.images() == [] and window.prompt_panel.prompt() == ""

    third = _run(qtbot, window, "And its colour?")
    assert third.parent_id == second.id
    last = fake_ollama.requests_for("/api/chat")[-1].body["messages"]
    assert [message.get("images") for message in last] == [
        None,
        None,
        [_b64(png(6, 5))],
        None,
        None,
    ]

    # The history marks the run that showed the image, and its tooltip lists it.
    cell, tip = _id_cell(window, second.id or 0)
    assert cell == f"{second.id} ▣1"
    assert f"Showed 1 image:\n  image/png, {len(png(6, 5))} B, 6×5" in tip
    assert _id_cell(window, third.id or 0)[0] == str(third.id)  # its own message shows none
    # The id column still fits its widest cell: its width is measured once per refresh, and
    # again when a cell changes, not at every layout pass.
    view = window.display.history_view
    qtbot.waitUntil(lambda: view.header().sectionSize(0) >= _text_width(view, cell))


def test_a_model_that_cannot_see_is_refused_when_an_earlier_turn_showed_images(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, fake_ollama: FakeOllama
) -> None:
    cat = tmp_path / "cat.png"
    cat.write_bytes(png())
    window.prompt_panel.attached_images.attach_file(str(cat))
    first = _run(qtbot, window, "What is this?")
    QTest.keyClick(window, Qt.Key.Key_F, CTRL_SHIFT)
    window.prompt_panel.model_picker.set_current_model("llama3:8b")  # no vision
    window.prompt_panel.set_prompt("Say more.")  # no image on this turn itself
    chats = len(fake_ollama.requests_for("/api/chat"))
    with qtbot.waitSignal(window.runs.failed, timeout=15_000) as failed:
        window.run_prompt()
    assert failed.args[0].message == "llama3:8b cannot see images; pick a vision model."
    journal = window.context.journal
    assert journal is not None
    with journal.read() as session:
        assert session.execute(text("SELECT count(*) FROM run")).scalar_one() == 1
    assert len(fake_ollama.requests_for("/api/chat")) == chats
    cell, tip = _id_cell(window, first.id or 0)
    assert cell == f"{first.id} ▣1" and "Showed 1 image:" in tip
