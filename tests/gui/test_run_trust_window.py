"""What the window tells while a run cannot go as planned: a silent server, a journal that
refuses the answer for a while, and quitting with an answer not yet saved."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from journal.core.domain import RunStatus
from journal.core.queries import experiment_detail, list_experiments
from journal.core.storage import Journal
from journal.gui.main_window import MainWindow
from journal.gui.settings_store import SettingsStore
from tests.fake_ollama import FakeModel, FakeOllama
from tests.gui.window_teardown import stop_runs
from tests.storage_faults import FullDisk

REPLY = " ".join(f"word{n:03d}" + "y" * 90 for n in range(200))


@pytest.fixture
def window(
    qtbot: QtBot, db_path: Path, tmp_path: Path, fake_ollama: FakeOllama
) -> Iterator[MainWindow]:
    settings = SettingsStore(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    fake_ollama.add_model(FakeModel("big:1b", reply=lambda *_: REPLY))
    opened = MainWindow(db=str(db_path), host=fake_ollama.url, settings=settings)
    qtbot.addWidget(opened)
    opened.show()
    opened.start()
    qtbot.waitUntil(lambda: opened.context.journal is not None, timeout=10_000)
    picker = opened.prompt_panel.model_picker
    qtbot.waitUntil(lambda: len(picker.models()) > 0, timeout=10_000)
    picker.set_current_model("big:1b")
    opened.prompt_panel.set_prompt("Write at length")
    yield opened
    stop_runs(qtbot, opened, abandon_saving=True)


def _run(window: MainWindow) -> None:
    QTest.keyClick(window.prompt_panel, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)


def test_a_silent_server_shows_how_long_it_has_been_and_esc_still_stops(
    qtbot: QtBot,
    window: MainWindow,
    fake_ollama: FakeOllama,
    db_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("journal.core.runner.SILENCE_NOTICE_AFTER", 0.3)
    fake_ollama.stall_after = 3
    _run(window)
    qtbot.waitUntil(
        lambda: "No answer from Ollama for" in window.answer_view.status_text(), timeout=10_000
    )
    assert "Esc stops" in window.answer_view.status_text()
    with qtbot.waitSignal(window.runs.finished, timeout=10_000):
        QTest.keyClick(window, Qt.Key.Key_Escape)
    with Journal.open(db_path) as journal, journal.read() as session:
        run = experiment_detail(session, list_experiments(session)[0].id).runs[0]
    assert run.status is RunStatus.CANCELLED
    assert len(run.response.split()) == 3


def test_a_full_disk_shows_not_saved_yet_offers_a_file_and_saves_all_once_space_is_back(
    qtbot: QtBot,
    window: MainWindow,
    fake_ollama: FakeOllama,
    db_path: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert window.context.journal is not None
    disk = FullDisk(window.context.journal)
    fake_ollama.chunk_delay = 0.01
    window.runs.started.connect(lambda _: setattr(disk, "full", True))
    _run(window)
    qtbot.waitUntil(window.save_banner.isVisible, timeout=10_000)
    assert "not saved yet" in window.save_banner.text() and "full" in window.save_banner.text()
    copy = tmp_path / "answer.md"
    monkeypatch.setattr(MainWindow, "ask_save_path", classmethod(lambda cls, parent: str(copy)))
    window.save_banner.button.click()
    assert copy.read_text(encoding="utf-8")  # what had arrived when the button was clicked
    assert REPLY.startswith(copy.read_text(encoding="utf-8"))
    with qtbot.waitSignal(window.runs.finished, timeout=30_000):
        disk.full = False
    assert not window.save_banner.isVisible()
    assert "Saved" in window.statusBar().currentMessage()
    with Journal.open(db_path) as journal, journal.read() as session:
        run = experiment_detail(session, list_experiments(session)[0].id).runs[0]
    assert run.status is RunStatus.DONE
    assert run.response == REPLY


def test_quitting_with_an_unsaved_answer_asks_and_can_save_it_to_a_file(
    qtbot: QtBot,
    window: MainWindow,
    fake_ollama: FakeOllama,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert window.context.journal is not None
    disk = FullDisk(window.context.journal)
    # Slow enough that the disk is full before the answer is: `started` reaches the window
    # through its event loop, and a busy machine could otherwise save everything first.
    fake_ollama.chunk_delay = 0.01
    window.runs.started.connect(lambda _: setattr(disk, "full", True))
    asked: list[str] = []

    def ask_unsaved(cls: type[MainWindow], parent: object, why: str) -> str:
        asked.append(why)
        return "save"

    monkeypatch.setattr(MainWindow, "ask_unsaved", classmethod(ask_unsaved))
    copy = tmp_path / "kept.md"
    monkeypatch.setattr(MainWindow, "ask_save_path", classmethod(lambda cls, parent: str(copy)))
    with qtbot.waitSignal(window.runs.save_failed, timeout=10_000):
        _run(window)
    qtbot.waitUntil(lambda: window.runs.answer_so_far() == REPLY, timeout=10_000)
    window.close()
    assert asked and "full" in asked[0]
    assert copy.read_text(encoding="utf-8") == REPLY
    qtbot.waitUntil(lambda: not window.runs.is_running, timeout=10_000)  # saving was abandoned
    assert "was not saved" in window.save_banner.text()
