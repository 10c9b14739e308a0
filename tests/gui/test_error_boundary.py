"""The window's one error boundary: a storage or Ollama problem reaches the person once,
through the context; a bug reaches the crash dialog, never a warning box."""

from __future__ import annotations

import sqlite3
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from journal.core.errors import JournalBusyError, JournalError
from journal.core.queries import create_experiment
from journal.core.storage import Journal
from journal.gui.context import AppContext
from journal.gui.crash_dialog import CrashDialog, install_crash_handler
from journal.gui.main_window import MainWindow
from journal.gui.settings_store import SettingsStore
from tests.fake_ollama import FakeOllama

BUSY = "The journal is busy: another program is writing to it. Try again in a moment."


@pytest.fixture
def window(qtbot: QtBot, db_path: Path, tmp_path: Path, fake_ollama: FakeOllama) -> MainWindow:
    with Journal.open(db_path) as journal, journal.write() as session:
        for n in range(1000):  # more than the list loads at first
            create_experiment(session, title=f"experiment {n}")
    settings = SettingsStore(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    opened = MainWindow(db=str(db_path), host=fake_ollama.url, settings=settings)
    qtbot.addWidget(opened)
    opened.show()
    opened.start()
    qtbot.waitUntil(lambda: opened.context.journal is not None, timeout=10_000)
    qtbot.waitUntil(lambda: opened.editor.experiment_id() is not None, timeout=10_000)
    return opened


@pytest.fixture
def crashes(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[str]:
    """What the crash dialog was asked to show (the real hook, a recording dialog)."""
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    monkeypatch.setattr(threading, "excepthook", threading.excepthook)
    shown: list[str] = []
    monkeypatch.setattr(
        CrashDialog, "show_for", classmethod(lambda cls, text, *_: shown.append(text))
    )
    install_crash_handler(tmp_path / "crash.log")
    return shown


def _boxes() -> list[QMessageBox]:
    return [w for w in QApplication.allWidgets() if isinstance(w, QMessageBox) and w.isVisible()]


def _said(context: AppContext) -> tuple[list[str], list[str]]:
    problems: list[str] = []
    quiet: list[str] = []
    context.problem_found.connect(problems.append)
    context.said.connect(lambda text, _ms: quiet.append(text))
    return problems, quiet


def test_a_storage_error_while_paging_the_list_reaches_the_person_once(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    model = window.list_panel.model()
    qtbot.waitUntil(model.canFetchMore)  # the first pages are in, none on its way
    listed = model.rowCount()
    assert listed < 1000 and model.canFetchMore()

    def busy(*_: Any, **__: Any) -> list[Any]:
        raise JournalBusyError(BUSY)

    monkeypatch.setattr("journal.core.queries.list_experiments", busy)
    problems, _ = _said(window.context)
    seen_by_list: list[JournalError] = []
    model.load_failed.connect(seen_by_list.append)

    model.fetchMore()  # what the view does when the person scrolls to the end
    assert not model.canFetchMore()  # read in the background: one request at a time

    qtbot.waitUntil(lambda: problems == [BUSY])  # said by the context ...
    assert len(seen_by_list) == 1  # ... and the list's own handler ran (no modal box inside)
    assert [box.text() for box in _boxes()] == [BUSY]  # one box, not opened by fetchMore
    assert not model.canFetchMore()  # paging does not ask again and again
    model.fetchMore()
    assert problems == [BUSY]
    assert model.rowCount() == listed  # what was listed stays


def test_a_bug_in_a_write_reaches_the_crash_dialog_not_a_warning_box(
    qtbot: QtBot, window: MainWindow, crashes: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def bug(*_: Any, **__: Any) -> None:
        raise sqlite3.OperationalError("no such column: hypothesis")  # ours, not the disk's

    monkeypatch.setattr("journal.core.queries.update_experiment", bug)
    problems, quiet = _said(window.context)
    QTest.keyClicks(window.editor.title, " renamed")
    window.editor.flush()
    qtbot.waitUntil(lambda: len(crashes) == 1, timeout=5000)
    assert "OperationalError: no such column: hypothesis" in crashes[0]
    assert problems == [] and not any("no such column" in text for text in quiet)
    assert _boxes() == []


def test_a_bug_in_a_read_on_the_gui_thread_reaches_the_crash_dialog(
    qtbot: QtBot, window: MainWindow, crashes: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def bug(*_: Any, **__: Any) -> None:
        raise sqlite3.OperationalError("no such column: expected")

    monkeypatch.setattr("journal.core.queries.experiment_detail", bug)
    problems, _ = _said(window.context)
    QTest.keyClick(window.list_panel.view(), Qt.Key.Key_Down)  # open the next experiment
    qtbot.waitUntil(lambda: len(crashes) == 1, timeout=5000)
    assert "OperationalError: no such column: expected" in crashes[0]
    assert problems == [] and _boxes() == []


def test_the_context_says_problems_and_lets_bugs_through(qtbot: QtBot, journal: Journal) -> None:
    from journal.core.errors import NotFoundError, OllamaUnreachableError

    context = AppContext.for_journal(journal)
    problems, quiet = _said(context)

    def missing(_: object) -> None:
        raise NotFoundError("There is no run 99.")

    assert context.read(missing) is None
    assert context.read(missing, quiet=True) is None
    context.report(OllamaUnreachableError("http://127.0.0.1:9"), about="The check stopped.")
    assert problems[0] == "There is no run 99."
    assert quiet == ["There is no run 99."]
    assert problems[1].startswith("The check stopped. Cannot reach Ollama at http://127.0.0.1:9")

    def bug(_: object) -> None:
        raise ValueError("a bug")

    with pytest.raises(ValueError, match="a bug"):
        context.read(bug)
    assert len(problems) == 2

    failed: list[JournalError] = []
    with qtbot.waitSignal(context.problem_found, timeout=3000) as said:
        context.write(lambda _s: missing(None))  # no on_error: the context says it
    assert said.args == ["There is no run 99."]
    context.write(lambda _s: missing(None), on_error=failed.append)
    qtbot.waitUntil(lambda: len(failed) == 1, timeout=3000)
    assert len(problems) == 3  # taken by on_error, not said again
